#include "airan/io/testvector_generator.h"

#include "airan/phy/channel/impairments.h"
#include "airan/phy/coding/ldpc_encoder.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/pusch/dmrs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace airan::io {

namespace {

constexpr const char* block_source = "airan tv generate --blocks";

/// Uniform bits 0/1 from the raw output of mt19937_64 (the same on every platform).
std::vector<uint8_t> random_bits(std::mt19937_64& rng, std::size_t n)
{
  std::vector<uint8_t> bits(n);
  for (auto& b : bits) {
    b = static_cast<uint8_t>(rng() >> 63);
  }
  return bits;
}

/// LLRs of BPSK-modulated bits (0 -> +1) over AWGN at es_n0_db, quantized as the soft demapper does (8 per unit).
std::vector<int8_t> bpsk_llrs(std::span<const uint8_t> bits, double es_n0_db, uint64_t seed)
{
  const float noise_var = static_cast<float>(phy::awgn_noise_variance(es_n0_db, 1.0));
  std::vector<cf_t> y(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i) {
    y[i] = bits[i] != 0 ? -1.0F : 1.0F;
  }
  phy::awgn_generator(seed).add(y, noise_var);
  std::vector<int8_t> llrs(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i) {
    // Real noise variance noise_var / 2: LLR = 4 y / noise_var.
    const float llr = phy::default_llr_scale * 4.0F * y[i].real() / noise_var;
    llrs[i] = static_cast<int8_t>(std::clamp(std::nearbyint(llr), -127.0F, 127.0F));
  }
  return llrs;
}

status ldpc_decoder_case(const std::string& path, phy::ldpc_base_graph graph, unsigned lifting_size, unsigned nof_llrs,
                         double es_n0_db, std::mt19937_64& rng)
{
  ldpc_decoder_vector v;
  v.source = block_source;
  v.graph = graph;
  v.lifting_size = lifting_size;
  v.info_bits = random_bits(rng, phy::ldpc_info_length(graph, lifting_size));
  std::vector<uint8_t> codeword(nof_llrs);
  if (auto s = phy::validate_ldpc_encoder_input(graph, lifting_size, v.info_bits.size(), codeword.size()); !s) {
    return s;
  }
  phy::ldpc_encode(codeword, v.info_bits, graph, lifting_size);
  v.llrs = bpsk_llrs(codeword, es_n0_db, rng());
  phy::ldpc_decoder decoder;
  std::vector<uint8_t> decoded(v.info_bits.size());
  const auto result = decoder.decode(decoded, v.llrs, graph, lifting_size, v.config);
  v.nof_iterations = result.nof_iterations;
  v.parity_ok = result.parity_ok;
  if (!result.parity_ok || decoded != v.info_bits) {
    return status::error(path + ": the LDPC case does not decode; choose a higher SNR");
  }
  return write_ldpc_decoder_vector(path, v);
}

std::vector<int8_t> random_llrs(std::mt19937_64& rng, std::size_t n)
{
  std::vector<int8_t> llrs(n);
  for (auto& l : llrs) {
    l = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  }
  return llrs;
}

status rate_dematcher_cases(const std::string& dir, std::mt19937_64& rng, std::vector<std::string>& names)
{
  // First transmission (rv 0, QPSK) of a BG2 code block with filler bits, then a retransmission (rv 2, 16QAM)
  // combined with it.
  rate_dematcher_vector first;
  first.source = block_source;
  first.params = {phy::ldpc_base_graph::bg2, 32, 300, 50 * 32, 0, 2, 800};
  first.llrs = random_llrs(rng, first.params.e);
  first.soft_buffer.assign(first.params.n_cb, 0);
  first.nof_informed = phy::ldpc_rate_dematch(first.soft_buffer, first.llrs, first.params, true);
  rate_dematcher_vector second = first;
  second.params.rv = 2;
  second.params.modulation_order = 4;
  second.params.e = 600;
  second.new_data = false;
  second.llrs = random_llrs(rng, second.params.e);
  second.soft_buffer_in = first.soft_buffer;
  second.nof_informed = phy::ldpc_rate_dematch(second.soft_buffer, second.llrs, second.params, false);
  for (const auto* v : {&first, &second}) {
    if (auto s = phy::validate(v->params); !s) {
      return s;
    }
  }
  names.push_back(dir + "/rate_dematcher_bg2_rv0.h5");
  if (auto s = write_rate_dematcher_vector(names.back(), first); !s) {
    return s;
  }
  names.push_back(dir + "/rate_dematcher_bg2_rv2_combining.h5");
  return write_rate_dematcher_vector(names.back(), second);
}

status soft_demapper_case(const std::string& path, phy::modulation_scheme modulation, std::mt19937_64& rng)
{
  constexpr unsigned nof_symbols = 240;
  soft_demapper_vector v;
  v.source = block_source;
  v.modulation = modulation;
  const unsigned qm = phy::modulation_order(modulation);
  const auto bits = random_bits(rng, std::size_t{nof_symbols} * qm);
  v.symbols.resize(nof_symbols);
  phy::modulate(v.symbols, bits, modulation);
  // Noise variances from 0.01 to 0.1, each symbol with its own.
  v.noise_var.resize(nof_symbols);
  phy::awgn_generator noise(rng());
  for (unsigned i = 0; i < nof_symbols; ++i) {
    v.noise_var[i] = 0.01F + 0.09F * static_cast<float>(rng() >> 40) / static_cast<float>(1ULL << 24);
    noise.add(std::span(v.symbols).subspan(i, 1), v.noise_var[i]);
  }
  v.llrs.resize(bits.size());
  phy::demodulate_soft(std::span<float>(v.llrs), v.symbols, v.noise_var, modulation);
  v.llrs_tolerance = 1.0e-4;
  return write_soft_demapper_vector(path, v);
}

status ofdm_demodulator_case(const std::string& path, const phy::carrier_config& carrier, unsigned slot,
                             unsigned nof_ports, std::mt19937_64& rng)
{
  ofdm_demodulator_vector v;
  v.source = block_source;
  v.carrier = carrier;
  v.fft_size = phy::ofdm_default_fft_size(carrier.nof_prb);
  v.fft_window_offset_cp_fraction = 0.25F;
  v.slot = slot;
  v.nof_ports = nof_ports;
  if (auto s = phy::validate_ofdm_numerology(carrier, v.fft_size); !s) {
    return s;
  }
  phy::ofdm_modulator modulator({carrier, v.fft_size, phy::ofdm_fft_planning::estimate});
  const auto& numerology = modulator.numerology();
  // The expected grid is the modulator's input: QPSK on every subcarrier of every symbol.
  const std::size_t grid_size =
      std::size_t{nof_ports} * numerology.nof_symbols_per_slot() * numerology.nof_subcarriers();
  v.grid.resize(grid_size);
  phy::modulate(v.grid, random_bits(rng, 2 * grid_size), phy::modulation_scheme::qpsk);
  const std::size_t length = numerology.slot_length(slot);
  v.samples.resize(nof_ports * length);
  std::vector<std::span<cf_t>> spans;
  for (unsigned p = 0; p < nof_ports; ++p) {
    spans.emplace_back(v.samples.data() + p * length, length);
  }
  modulator.modulate(spans, {v.grid.data(), nof_ports, numerology.nof_symbols_per_slot(), numerology.nof_subcarriers()},
                     slot);
  v.grid_tolerance = 1.0e-4;
  return write_ofdm_demodulator_vector(path, v);
}

status channel_estimator_case(const std::string& path, phy::channel_estimator_kind kind, uint64_t seed)
{
  // One layer, 10 of 12 PRB at 30 kHz, DM-RS type 1 on symbols 2 and 11, 2 rx ports, TDL-C 300 ns at 20 dB.
  pusch_vector_spec spec;
  spec.carrier.numerology = 1;
  spec.carrier.nof_prb = 12;
  spec.carrier.bwp_size = 12;
  spec.carrier.cell_id = 3;
  spec.pdu.rnti = 0x4601;
  spec.pdu.nof_prb = 10;
  spec.pdu.prb_start = 1;
  spec.pdu.mcs = 4;
  spec.nof_rx_ports = 2;
  phy::tdl_channel_config fading;
  fading.model = phy::tdl_model::tdlc300;
  fading.max_doppler_hz = 100.0;
  spec.fading = fading;
  spec.snr_db = 20.0;
  spec.seed = seed;
  spec.payload_seed = seed;
  spec.write_references = false;
  pusch_vector received;
  bool crc_ok = false;
  if (auto s = generate_pusch_vector(spec, received, crc_ok); !s) {
    return s;
  }
  channel_estimator_vector v;
  v.source = block_source;
  v.carrier = spec.carrier;
  v.pdu = spec.pdu;
  v.estimator = kind;
  v.nof_rx_ports = spec.nof_rx_ports;
  v.grid = received.grid;
  const phy::channel_estimator_config config{};
  auto estimator = phy::make_channel_estimator(kind, config);
  phy::pusch_dmrs_pattern pattern;
  if (auto s = phy::compute_pusch_dmrs_pattern(pattern, v.pdu, v.carrier); !s) {
    return s;
  }
  if (auto s = estimator->validate(v.pdu, v.carrier, v.nof_rx_ports); !s) {
    return s;
  }
  phy::channel_estimate estimate(config);
  estimator->estimate(estimate, {v.grid.data(), v.nof_rx_ports, received.nof_symbols, received.nof_subcarriers}, v.pdu,
                      v.carrier, pattern);
  const auto channel = estimate.all_channels();
  v.channel = {{channel.begin(), channel.end()},
               {estimate.nof_rx_ports(), estimate.nof_layers(), estimate.nof_symbols(), estimate.nof_subcarriers()},
               reference_tolerance};
  const auto noise = estimate.noise_variance();
  v.noise_variance = {{noise.begin(), noise.end()}, {noise.size()}, reference_tolerance};
  return write_channel_estimator_vector(path, v);
}

} // namespace

status generate_block_vectors(const std::string& dir, uint64_t seed, std::vector<std::string>& names)
{
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return status::error(dir + ": cannot create directory: " + ec.message());
  }
  std::mt19937_64 rng(seed);
  const auto add = [&names, &dir](const std::string& name) {
    names.push_back(dir + "/" + name + ".h5");
    return names.back();
  };
  // BG1 at R = 1/2 and BG2 at R = 1/3, a little above their waterfalls so that decoding takes several iterations.
  if (auto s =
          ldpc_decoder_case(add("ldpc_decoder_bg1_z64"), phy::ldpc_base_graph::bg1, 64, 2 * 22 * 64 - 2 * 64, 2.0, rng);
      !s) {
    return s;
  }
  if (auto s = ldpc_decoder_case(add("ldpc_decoder_bg2_z32"), phy::ldpc_base_graph::bg2, 32, 3 * 10 * 32 - 2 * 32, -1.0,
                                 rng);
      !s) {
    return s;
  }
  if (auto s = rate_dematcher_cases(dir, rng, names); !s) {
    return s;
  }
  const std::pair<phy::modulation_scheme, const char*> modulations[] = {{phy::modulation_scheme::qpsk, "qpsk"},
                                                                        {phy::modulation_scheme::qam16, "qam16"},
                                                                        {phy::modulation_scheme::qam64, "qam64"},
                                                                        {phy::modulation_scheme::qam256, "qam256"}};
  for (const auto& [modulation, name] : modulations) {
    if (auto s = soft_demapper_case(add(std::string("soft_demapper_") + name), modulation, rng); !s) {
      return s;
    }
  }
  phy::carrier_config mu0{0, phy::cyclic_prefix::normal, 0, 25, 0, 25, 0.0};
  phy::carrier_config mu1{1, phy::cyclic_prefix::normal, 0, 24, 0, 24, 3.5e9};
  phy::carrier_config mu2_ecp{2, phy::cyclic_prefix::extended, 0, 24, 0, 24, 0.0};
  if (auto s = ofdm_demodulator_case(add("ofdm_demodulator_mu0"), mu0, 0, 1, rng); !s) {
    return s;
  }
  if (auto s = ofdm_demodulator_case(add("ofdm_demodulator_mu1_f0"), mu1, 3, 2, rng); !s) {
    return s;
  }
  if (auto s = ofdm_demodulator_case(add("ofdm_demodulator_mu2_extended_cp"), mu2_ecp, 1, 1, rng); !s) {
    return s;
  }
  const std::pair<phy::channel_estimator_kind, const char*> estimators[] = {
      {phy::channel_estimator_kind::ls_linear, "ls_linear"},
      {phy::channel_estimator_kind::dft, "dft"},
      {phy::channel_estimator_kind::lmmse, "lmmse"}};
  const uint64_t channel_seed = rng();
  for (const auto& [kind, name] : estimators) {
    if (auto s = channel_estimator_case(add(std::string("channel_estimator_") + name), kind, channel_seed); !s) {
      return s;
    }
  }
  return status::ok();
}

} // namespace airan::io
