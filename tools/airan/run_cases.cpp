// airan run: the check of each test-vector kind.

#include "run_cases.h"

#include "airan/common/bit_packing.h"
#include "airan/io/block_testvector.h"
#include "airan/io/testvector.h"
#include "airan/io/testvector_generator.h"
#include "airan/phy/coding/scrambling.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/ulsch/ulsch_decoder.h"
#include "airan/phy/ulsch/ulsch_encoder.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <stdexcept>

namespace airan::tools {

namespace {

using clock_type = std::chrono::steady_clock;

float elapsed_us(clock_type::time_point start)
{
  return std::chrono::duration<float, std::micro>(clock_type::now() - start).count();
}

unsigned count_bit_errors(std::span<const uint8_t> a, std::span<const uint8_t> b)
{
  unsigned errors = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    errors += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(a[i] ^ b[i])));
  }
  return errors + static_cast<unsigned>(8 * (std::max(a.size(), b.size()) - std::min(a.size(), b.size())));
}

template <typename T>
void check(case_result& r, const std::string& name, std::span<const T> actual, const io::tv_reference<T>& expected)
{
  r.checks.push_back({name, io::max_relative_error(actual, std::span<const T>(expected.values)), expected.tolerance});
}

bool all_checks_pass(const case_result& r)
{
  return std::all_of(r.checks.begin(), r.checks.end(), [](const reference_check& c) { return c.passed(); });
}

/// kind ulsch_coding: the chain must reproduce the coded and scrambled bits and decode them back.
void run_ulsch(case_result& r, const std::string& path, phy::channel_estimator_kind)
{
  io::ulsch_coding_vector v;
  if (auto s = io::load_ulsch_coding_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  phy::ulsch_encoder encoder;
  phy::ulsch_decoder decoder(v.config.tbs, 1, phy::ldpc_decoder_config{});
  if (auto s = encoder.validate(v.config); !s) {
    r.error = s.message();
    return;
  }
  if (auto s = decoder.validate(v.config, 0); !s) {
    r.error = s.message();
    return;
  }
  std::vector<uint8_t> tb(v.config.tbs / 8);
  pack_bits(tb, v.tb_bits);
  const auto start = clock_type::now();
  std::vector<uint8_t> codeword(v.config.nof_coded_bits);
  encoder.encode(codeword, tb, v.config);
  unsigned coded_errors = 0;
  for (std::size_t i = 0; i < codeword.size(); ++i) {
    coded_errors += codeword[i] != v.coded_bits[i] ? 1 : 0;
  }
  const uint32_t c_init = phy::pusch_scrambling_cinit(static_cast<uint16_t>(v.rnti), static_cast<uint16_t>(v.n_id));
  phy::scramble_bits(codeword, c_init);
  for (std::size_t i = 0; i < codeword.size(); ++i) {
    coded_errors += codeword[i] != v.scrambled_bits[i] ? 1 : 0;
  }
  std::vector<int8_t> llrs(v.scrambled_bits.size());
  for (std::size_t i = 0; i < llrs.size(); ++i) {
    llrs[i] = v.scrambled_bits[i] != 0 ? -64 : 64;
  }
  phy::descramble_llrs(llrs, c_init);
  std::vector<uint8_t> decoded(tb.size());
  const auto result = decoder.decode(decoded, llrs, v.config, 0, true);
  r.time_us = elapsed_us(start);
  r.has_crc = true;
  r.crc_ok = result.tb_crc_ok;
  r.bit_errors = count_bit_errors(decoded, tb) + coded_errors;
  r.ldpc_iterations =
      result.nof_cbs_decoded == 0 ? 0.0f : static_cast<float>(result.total_iterations) / result.nof_cbs_decoded;
  r.passed = r.crc_ok && r.bit_errors == 0;
}

phy::pusch_receiver_config receiver_config(const io::pusch_vector& v, phy::channel_estimator_kind estimator)
{
  return {std::max(v.carrier.bwp_size, 1U), std::max(v.nof_ports, 1U), 4, 1, estimator, phy::equalizer_kind::mmse, {}};
}

/// Decodes the vector's PUSCH from grid with rx; time_us receives the receiver's time.
void decode_pusch(case_result& r, const io::pusch_vector& v, phy::const_grid_view grid, phy::pusch_receiver& rx)
{
  if (auto s = rx.validate(v.pdu, v.carrier, v.nof_ports); !s) {
    r.error = s.message();
    return;
  }
  if (grid.nof_ports != v.nof_ports || grid.nof_symbols != phy::nof_symbols_per_slot(v.carrier.cp) ||
      grid.nof_subcarriers != 12 * v.carrier.bwp_size) {
    r.error = "grid shape does not match the carrier";
    return;
  }
  std::vector<uint8_t> tb(v.tbs / 8);
  pack_bits(tb, v.tb_bits);
  std::vector<uint8_t> decoded(tb.size());
  const auto result = rx.receive(decoded, grid, v.pdu, v.carrier);
  r.has_crc = true;
  r.crc_ok = result.tb_crc_ok;
  r.bit_errors = count_bit_errors(decoded, tb) + (result.tbs == v.tbs ? 0 : 1);
  r.evm_percent = result.evm_percent;
  r.sinr_db = result.sinr_db;
  r.ldpc_iterations = result.mean_ldpc_iterations;
  r.time_us = result.times.total;
  r.passed = r.crc_ok && r.bit_errors == 0;
}

/// kinds pusch_*: the receiver must decode the transport block (time-domain input through the OFDM demodulator
/// first), and its intermediates must match the references the vector carries.
void run_pusch_vector(case_result& r, const std::string& path, phy::channel_estimator_kind estimator)
{
  io::pusch_vector v;
  if (auto s = io::load_pusch_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  const auto start = clock_type::now();
  std::vector<cf_t> grid;
  if (auto s = io::pusch_vector_grid(v, grid); !s) {
    r.error = path + ": " + s.message();
    return;
  }
  const float demodulation_us = elapsed_us(start);
  phy::pusch_receiver rx(receiver_config(v, estimator));
  decode_pusch(r, v, {grid.data(), v.nof_ports, v.nof_symbols, v.nof_subcarriers}, rx);
  if (!r.error.empty()) {
    r.error = path + ": " + r.error;
    return;
  }
  r.time_us += demodulation_us;
  const auto im = rx.intermediates();
  // References are made with the LS estimator: another estimator's intermediates are not comparable.
  if (estimator == phy::channel_estimator_kind::ls_linear && im.estimate != nullptr) {
    if (v.channel_estimate) {
      check(r, "chest", im.estimate->all_channels(), *v.channel_estimate);
    }
    if (v.equalized_symbols) {
      check(r, "eq", im.equalized_symbols, *v.equalized_symbols);
    }
    if (v.llrs) {
      check(r, "llr", im.llrs, *v.llrs);
    }
  }
  r.passed = r.passed && all_checks_pass(r);
}

/// kind ldpc_decoder: bit-exact information bits, the same iterations and parity outcome.
void run_ldpc_decoder(case_result& r, const std::string& path, phy::channel_estimator_kind)
{
  io::ldpc_decoder_vector v;
  if (auto s = io::load_ldpc_decoder_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  phy::ldpc_decoder decoder;
  std::vector<uint8_t> bits(v.info_bits.size());
  const auto start = clock_type::now();
  const auto result = decoder.decode(bits, v.llrs, v.graph, v.lifting_size, v.config);
  r.time_us = elapsed_us(start);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    r.bit_errors += bits[i] != v.info_bits[i] ? 1 : 0;
  }
  r.ldpc_iterations = static_cast<float>(result.nof_iterations);
  if (result.nof_iterations != v.nof_iterations || result.parity_ok != v.parity_ok) {
    r.error = path + ": " + std::to_string(result.nof_iterations) + " iterations (parity " +
              (result.parity_ok ? "ok" : "failed") + "), expected " + std::to_string(v.nof_iterations) + " (parity " +
              (v.parity_ok ? "ok" : "failed") + ")";
  }
  r.passed = r.error.empty() && r.bit_errors == 0;
}

/// kind rate_dematcher: the soft buffer, bit-exact, and the informed length.
void run_rate_dematcher(case_result& r, const std::string& path, phy::channel_estimator_kind)
{
  io::rate_dematcher_vector v;
  if (auto s = io::load_rate_dematcher_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  std::vector<int8_t> buffer = v.new_data ? std::vector<int8_t>(v.params.n_cb, 0) : v.soft_buffer_in;
  const auto start = clock_type::now();
  const unsigned informed = phy::ldpc_rate_dematch(buffer, v.llrs, v.params, v.new_data);
  r.time_us = elapsed_us(start);
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    r.bit_errors += buffer[i] != v.soft_buffer[i] ? 1 : 0;
  }
  if (informed != v.nof_informed) {
    r.error =
        path + ": " + std::to_string(informed) + " positions informed, expected " + std::to_string(v.nof_informed);
  }
  r.passed = r.error.empty() && r.bit_errors == 0;
}

/// kind soft_demapper: the LLRs within the tolerance.
void run_soft_demapper(case_result& r, const std::string& path, phy::channel_estimator_kind)
{
  io::soft_demapper_vector v;
  if (auto s = io::load_soft_demapper_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  std::vector<float> llrs(v.llrs.size());
  const auto start = clock_type::now();
  phy::demodulate_soft(std::span<float>(llrs), v.symbols, v.noise_var, v.modulation);
  r.time_us = elapsed_us(start);
  check(r, "llr", std::span<const float>(llrs), io::tv_reference<float>{v.llrs, {v.llrs.size()}, v.llrs_tolerance});
  r.passed = all_checks_pass(r);
}

/// kind ofdm_demodulator: the grid within the tolerance.
void run_ofdm_demodulator(case_result& r, const std::string& path, phy::channel_estimator_kind)
{
  io::ofdm_demodulator_vector v;
  if (auto s = io::load_ofdm_demodulator_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  const phy::ofdm_demodulator_config config{v.carrier, v.fft_size, v.fft_window_offset_cp_fraction,
                                            phy::ofdm_fft_planning::estimate};
  if (auto s = phy::validate_ofdm_demodulator_config(config); !s) {
    r.error = path + ": " + s.message();
    return;
  }
  phy::ofdm_demodulator demodulator(config);
  phy::ofdm_demodulated_grid grid(demodulator, v.nof_ports);
  const std::size_t length = v.samples.size() / v.nof_ports;
  std::vector<std::span<const cf_t>> samples;
  for (unsigned p = 0; p < v.nof_ports; ++p) {
    samples.emplace_back(v.samples.data() + p * length, length);
  }
  const phy::grid_view view = grid.view();
  if (auto s = demodulator.validate(view, samples, v.slot); !s) {
    r.error = path + ": " + s.message();
    return;
  }
  const auto start = clock_type::now();
  demodulator.demodulate(view, samples, v.slot);
  r.time_us = elapsed_us(start);
  check(r, "grid", std::span<const cf_t>(view.data, view.size()), io::tv_reference<cf_t>{v.grid, {}, v.grid_tolerance});
  r.passed = all_checks_pass(r);
}

/// kind channel_estimator: the estimate and the noise variances within their tolerances.
void run_channel_estimator(case_result& r, const std::string& path, phy::channel_estimator_kind)
{
  io::channel_estimator_vector v;
  if (auto s = io::load_channel_estimator_vector(path, v); !s) {
    r.error = s.message();
    return;
  }
  const phy::channel_estimator_config config{};
  auto estimator = phy::make_channel_estimator(v.estimator, config);
  phy::pusch_dmrs_pattern pattern;
  if (auto s = phy::compute_pusch_dmrs_pattern(pattern, v.pdu, v.carrier); !s) {
    r.error = path + ": " + s.message();
    return;
  }
  if (auto s = estimator->validate(v.pdu, v.carrier, v.nof_rx_ports); !s) {
    r.error = path + ": " + s.message();
    return;
  }
  phy::channel_estimate estimate(config);
  const unsigned nof_symbols = phy::nof_symbols_per_slot(v.carrier.cp);
  const auto start = clock_type::now();
  estimator->estimate(estimate, {v.grid.data(), v.nof_rx_ports, nof_symbols, 12 * v.carrier.bwp_size}, v.pdu, v.carrier,
                      pattern);
  r.time_us = elapsed_us(start);
  check(r, "chest", estimate.all_channels(), v.channel);
  check(r, "noise", std::span<const float>(estimate.noise_variance()), v.noise_variance);
  r.passed = all_checks_pass(r);
}

using case_runner = std::function<void(case_result&, const std::string&, phy::channel_estimator_kind)>;

} // namespace

void run_case(case_result& r, const std::string& path, phy::channel_estimator_kind estimator)
{
  static const std::map<std::string, case_runner> runners = {{"ulsch_coding", run_ulsch},
                                                             {"pusch_grid", run_pusch_vector},
                                                             {"pusch_time_domain", run_pusch_vector},
                                                             {"pusch_fronthaul", run_pusch_vector},
                                                             {"ldpc_decoder", run_ldpc_decoder},
                                                             {"rate_dematcher", run_rate_dematcher},
                                                             {"soft_demapper", run_soft_demapper},
                                                             {"ofdm_demodulator", run_ofdm_demodulator},
                                                             {"channel_estimator", run_channel_estimator}};
  r.name = path;
  if (auto s = io::read_testvector_kind(path, r.kind); !s) {
    r.error = s.message();
    return;
  }
  const auto runner = runners.find(r.kind);
  if (runner == runners.end()) {
    r.error = path + ": unknown kind '" + r.kind + "'";
    return;
  }
  runner->second(r, path, estimator);
}

phy::channel_estimator_kind parse_estimator(const std::string& name)
{
  static const std::map<std::string, phy::channel_estimator_kind> estimators = {
      {"ls", phy::channel_estimator_kind::ls_linear},
      {"dft", phy::channel_estimator_kind::dft},
      {"lmmse", phy::channel_estimator_kind::lmmse}};
  const auto estimator = estimators.find(name);
  if (estimator == estimators.end()) {
    throw std::invalid_argument("unknown estimator '" + name + "' (ls, dft, lmmse)");
  }
  return estimator->second;
}

void run_pusch(case_result& r, const io::pusch_vector& v, phy::channel_estimator_kind estimator,
               phy::const_grid_view grid)
{
  phy::pusch_receiver rx(receiver_config(v, estimator));
  decode_pusch(r, v, grid, rx);
}

} // namespace airan::tools
