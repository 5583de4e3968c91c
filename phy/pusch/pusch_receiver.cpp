#include "airan/phy/pusch/pusch_receiver.h"

#include "airan/phy/coding/scrambling.h"
#include "airan/phy/coding/segmentation.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/equalizer.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/transform_precoder.h"
#include "airan/phy/ulsch/ulsch_decoder.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cmath>
#include <memory>
#include <numbers>
#include <numeric>
#include <stdexcept>

namespace airan::phy {

namespace {

constexpr unsigned max_symbols = 14;
constexpr unsigned max_qm = 8;
constexpr std::size_t cache_line = 64;
/// Highest per-port SNR the receiver trusts (60 dB): noise estimates are floored at this far below the DM-RS
/// power, so that a noise-free port (estimate 0) and a port with rounding noise (1e-14) weigh the same.
constexpr float max_port_snr = 1.0e6f;

channel_estimator_config estimator_config(const pusch_receiver_config& cfg)
{
  channel_estimator_config c;
  c.max_nof_prb = cfg.max_nof_prb;
  c.max_nof_rx_ports = cfg.max_nof_rx_ports;
  c.max_nof_layers = cfg.max_nof_layers;
  return c;
}

/// The layout of the transport block's soft bits (harq_tb_layout).
harq_tb_layout tb_layout(const ulsch_config& ulsch)
{
  return {ulsch.tbs, select_ldpc_base_graph(ulsch.tbs, ulsch.target_code_rate), ulsch.tbs_lbrm.value_or(0)};
}

std::string layout_text(const harq_tb_layout& layout)
{
  return "TBS " + std::to_string(layout.tbs) + ", LDPC base graph " +
         std::to_string(static_cast<unsigned>(layout.graph)) +
         (layout.tbs_lbrm == 0 ? std::string() : ", TBS_LBRM " + std::to_string(layout.tbs_lbrm));
}

using stage_clock = std::chrono::steady_clock;

/// Microseconds from start to now; restarts start.
float lap_us(stage_clock::time_point& start)
{
  const auto now = stage_clock::now();
  const float us = std::chrono::duration<float, std::micro>(now - start).count();
  start = now;
  return us;
}

float to_db(double linear)
{
  return static_cast<float>(10.0 * std::log10(std::max(linear, 1e-30)));
}

/// Squared distances of equalized symbols to their nearest points of a square QAM with k bits per dimension, and the
/// powers of those points, summed over blocks of up to 8 symbols. Per dimension the points are the odd levels
/// +-1 .. +-(2^k - 1) times qam_level_unit(k); the nearest one has the value's sign, so only |value| matters.
class qam_error_sums {
public:
  static constexpr std::size_t max_block = 8;

  explicit qam_error_sums(unsigned k)
      : top_(static_cast<float>((1U << k) - 1)), far_(4.0f * static_cast<float>(1U << k)), unit_(qam_level_unit(k))
  {
  }

  void add(std::span<const cf_t> block)
  {
    assert(block.size() <= max_block);
    // std::complex<float> arrays may be read as interleaved float pairs ([complex.numbers]).
    const auto* dims = reinterpret_cast<const float*>(block.data());
    // One sum per position in the block: independent lanes, which the compiler keeps in vector registers.
    for (std::size_t j = 0; j < 2 * block.size(); ++j) {
      // |v| in level units, capped (NaN too) below 2^k so that the conversion to int is defined.
      const float u = std::abs(dims[j]) / unit_;
      const float capped = u < top_ + 1.0f ? u : top_ + 1.0f;
      const float level = std::min(2.0f * static_cast<float>(static_cast<int>(0.5f * capped)) + 1.0f, top_);
      // Errors count up to four times the constellation's extent (NaN too): one corrupt value still dominates the
      // EVM, without overflowing the sum to infinity.
      const float d = ((u < far_ ? u : far_) - level) * unit_;
      error_[j] += d * d;
      power_[j] += level * level;
    }
  }

  /// RMS error over RMS power, in percent.
  double evm_percent() const
  {
    const double error = std::accumulate(error_.begin(), error_.end(), 0.0);
    const double power = std::accumulate(power_.begin(), power_.end(), 0.0) * unit_ * unit_;
    return 100.0 * std::sqrt(error / std::max(power, 1e-30));
  }

private:
  float top_;
  float far_;
  float unit_;
  std::array<float, 2 * max_block> error_{};
  std::array<float, 2 * max_block> power_{};
};

/// Squared distances of equalized pi/2-BPSK symbols to their nearest points (TS 38.211 5.1.2: symbol i is
/// +-exp(j pi/2 (i mod 2)) (1 + j)/sqrt(2)) over blocks that start at even codeword indices, and the count of symbols.
class pi2_bpsk_error_sums {
public:
  void add(std::span<const cf_t> block)
  {
    for (std::size_t i = 0; i < block.size(); ++i) {
      // Odd symbols turned back by -j; then the points are +-(1 + j)/sqrt(2), the nearest the one on the side of
      // the line Re + Im = 0 where the value lies.
      const cf_t z = i % 2 == 0 ? block[i] : cf_t{block[i].imag(), -block[i].real()};
      const float sign = z.real() + z.imag() < 0.0f ? -1.0f : 1.0f;
      const float e = std::norm(z - sign * cf_t{std::numbers::sqrt2_v<float> / 2, std::numbers::sqrt2_v<float> / 2});
      // Capped at four times the constellation's extent (NaN too), as for the QAMs.
      error_ += e < far ? e : far;
      ++count_;
    }
  }

  /// RMS error over RMS power (1), in percent.
  double evm_percent() const { return 100.0 * std::sqrt(error_ / std::max(count_, 1.0)); }

private:
  static constexpr float far = 16.0f;
  double error_ = 0.0;
  double count_ = 0.0;
};

} // namespace

struct pusch_receiver::impl {
  explicit impl(const pusch_receiver_config& cfg)
      : config(cfg),
        estimator(make_channel_estimator(cfg.estimator, estimator_config(cfg))),
        estimate(estimator_config(cfg)),
        eq({cfg.max_nof_rx_ports, cfg.max_nof_layers, 12 * cfg.max_nof_prb}),
        tp(cfg.max_nof_prb),
        decoder(max_transport_block_size, cfg.nof_harq_buffers, cfg.ldpc),
        harq(cfg.nof_harq_buffers)
  {
    const std::size_t max_re = std::size_t{12} * cfg.max_nof_prb;
    subcarriers.resize(max_re);
    y.resize(cfg.max_nof_rx_ports * max_re);
    h.resize(std::size_t{cfg.max_nof_rx_ports} * cfg.max_nof_layers * max_re);
    const std::size_t max_codeword_symbols = max_symbols * max_re * cfg.max_nof_layers;
    // symbols from a 64-byte boundary (allocations are aligned to at least 8 bytes, one cf_t).
    symbol_storage.resize(max_codeword_symbols + cache_line / sizeof(cf_t));
    void* first = symbol_storage.data();
    std::size_t space = symbol_storage.size() * sizeof(cf_t);
    [[maybe_unused]] const void* aligned = std::align(cache_line, max_codeword_symbols * sizeof(cf_t), first, space);
    assert(aligned != nullptr);
    symbols = {static_cast<cf_t*>(first), max_codeword_symbols};
    symbol_noise_var.resize(max_codeword_symbols);
    llrs.resize(max_codeword_symbols * max_qm);
    noise_var.resize(cfg.max_nof_rx_ports);
    covariance.resize(std::size_t{cfg.max_nof_rx_ports} * cfg.max_nof_rx_ports);
  }

  /// Noise statistics for the equalizer with the per-port SNR capped at max_port_snr. One covariance for the whole
  /// allocation (channel_estimator_config::covariance_nof_prb = 0).
  void floor_noise(unsigned nof_rx_ports)
  {
    const auto estimated = estimate.noise_variance();
    const auto epre = estimate.dmrs_epre();
    const auto cov = estimate.noise_covariance(0);
    std::copy(cov.begin(), cov.end(), covariance.begin());
    for (unsigned rx = 0; rx < nof_rx_ports; ++rx) {
      const float floor = epre[rx] / max_port_snr;
      noise_var[rx] = std::max(estimated[rx], floor);
      auto& diagonal = covariance[std::size_t{rx} * nof_rx_ports + rx];
      diagonal = {std::max(diagonal.real(), floor), 0.0f};
    }
  }

  /// Equalizes the data REs of every allocated symbol into the codeword's symbol order (layer mapping of TS 38.211
  /// 6.3.1.3 inverted: symbol i of the codeword is on layer i mod v). Returns the number of codeword symbols. With a
  /// time-invariant estimate (channel_estimate::symbol_phase()), the symbols that carry data on every subcarrier are
  /// equalized in runs, up to the next symbol that carries data on only some subcarriers; each run is one equalizer
  /// call, which solves once per RE for all its symbols.
  unsigned equalize(const_grid_view grid, const pusch_pdu& pdu, const pusch_dmrs_pattern& pattern,
                    unsigned nof_rx_ports)
  {
    const bool time_invariant = !estimate.symbol_phase().empty();
    const unsigned end = pdu.start_symbol + pdu.nof_symbols;
    unsigned written = 0;
    nof_shared = 0;
    std::array<unsigned, max_slot_symbols> run{};
    unsigned run_length = 0;
    auto flush = [&] {
      if (run_length > 0) {
        written += equalize_symbols(grid, pdu, 0xfff, std::span(run).first(run_length), nof_rx_ports, written);
        run_length = 0;
      }
    };
    for (unsigned l = pdu.start_symbol; l < end; ++l) {
      const uint16_t re_mask = pattern.data_re_mask(l);
      if (re_mask == 0xfff && time_invariant) {
        run[run_length++] = l;
      } else if (re_mask != 0) {
        flush();
        const unsigned single[] = {l};
        written += equalize_symbols(grid, pdu, re_mask, single, nof_rx_ports, written);
      }
    }
    flush();
    return written;
  }

  /// Equalizes the data REs in re_mask of the given symbols (several: all subcarriers, time-invariant estimate) into
  /// the codeword's symbols from index written on; returns the number of codeword symbols.
  unsigned equalize_symbols(const_grid_view grid, const pusch_pdu& pdu, uint16_t re_mask,
                            std::span<const unsigned> symbol_list, unsigned nof_rx_ports, unsigned written)
  {
    const unsigned v = pdu.nof_layers;
    const auto nof_symbols = static_cast<unsigned>(symbol_list.size());
    const unsigned l = symbol_list[0];
    const unsigned first_sc = 12 * pdu.prb_start;
    const std::size_t grid_port_stride = std::size_t{grid.nof_symbols} * grid.nof_subcarriers;
    const std::size_t channel_stride = std::size_t{estimate.nof_symbols()} * estimate.nof_subcarriers();
    equalizer_input in{nof_rx_ports, v, 0, nof_symbols, {}, {}};
    std::array<unsigned, max_slot_symbols> index{};
    std::array<cf_t, max_slot_symbols> phase{};
    if (re_mask == 0xfff) {
      // Every subcarrier of the allocation carries data: the grid and the estimate are read in place. Several
      // symbols use the channel of the allocation's first symbol and their phases relative to it.
      const unsigned channel_symbol = nof_symbols > 1 ? 0 : l - pdu.start_symbol;
      in.nof_re = 12 * pdu.nof_prb;
      in.y = {grid.symbol(0, l).data() + first_sc,
              (symbol_list.back() - l) * std::size_t{grid.nof_subcarriers} + (nof_rx_ports - 1) * grid_port_stride +
                  in.nof_re};
      in.y_port_stride = grid_port_stride;
      in.y_symbol_stride = grid.nof_subcarriers;
      in.h = {estimate.channel(0, 0, channel_symbol).data(),
              (std::size_t{nof_rx_ports} * v - 1) * channel_stride + in.nof_re};
      in.h_stride = channel_stride;
      if (nof_symbols > 1) {
        for (unsigned i = 0; i < nof_symbols; ++i) {
          index[i] = symbol_list[i] - l;
          phase[i] = estimate.symbol_phase()[symbol_list[i] - pdu.start_symbol];
        }
        in.symbol_index = std::span(index).first(nof_symbols);
        in.symbol_phase = std::span(phase).first(nof_symbols);
      }
    } else {
      in.nof_re = gather(grid, pdu, re_mask, l, nof_rx_ports);
      in.y = std::span<const cf_t>(y).first(std::size_t{nof_rx_ports} * in.nof_re);
      in.h = std::span<const cf_t>(h).first(std::size_t{nof_rx_ports} * v * in.nof_re);
    }
    const std::size_t per_symbol = std::size_t{v} * in.nof_re;
    // Straight into the codeword's symbols; the noise variances shared by several symbols once, at the first.
    const auto re_noise_var = std::span(symbol_noise_var).subspan(written, per_symbol);
    if (nof_symbols > 1) {
      shared[nof_shared++] = {written, static_cast<unsigned>(per_symbol), nof_symbols};
    }
    const equalizer_output out{symbols.subspan(written, nof_symbols * per_symbol), re_noise_var, true};
    if (config.equalizer == equalizer_kind::mmse_irc) {
      eq.equalize_mmse_irc(out, in, std::span<const cf_t>(covariance).first(std::size_t{nof_rx_ports} * nof_rx_ports),
                           in.nof_re);
    } else {
      eq.equalize_mmse(out, in, std::span<const float>(noise_var).first(nof_rx_ports));
    }
    if (pdu.transform_precoding) {
      // TS 38.211 6.3.1.4 inverted (one layer): the IDFT spreads each RE's noise over the symbol. An RE without
      // information (x = 0, noise_var = equalizer_noise_var_max) is off by its whole value, of unit mean energy (the
      // DFT is unitary): that is its share, not the marker, which would bury the symbol's other REs.
      for (unsigned i = 0; i < nof_symbols; ++i) {
        tp.deprecode(out.x.subspan(i * per_symbol, per_symbol));
      }
      const float mean =
          std::accumulate(re_noise_var.begin(), re_noise_var.end(), 0.0f,
                          [](float sum, float var) { return sum + (var < equalizer_noise_var_max ? var : 1.0f); }) /
          static_cast<float>(in.nof_re);
      std::fill(re_noise_var.begin(), re_noise_var.end(), mean);
    }
    return static_cast<unsigned>(nof_symbols * per_symbol);
  }

  /// Copies the REs of symbol l in re_mask and their channel estimates into y and h (the equaliser's packed layout);
  /// returns their number.
  unsigned gather(const_grid_view grid, const pusch_pdu& pdu, uint16_t re_mask, unsigned l, unsigned nof_rx_ports)
  {
    const unsigned v = pdu.nof_layers;
    const unsigned first_sc = 12 * pdu.prb_start;
    const unsigned nof_re = pusch_allocation_subcarriers(subcarriers, pdu, re_mask);
    for (unsigned rx = 0; rx < nof_rx_ports; ++rx) {
      const auto received = grid.symbol(rx, l);
      cf_t* dst = y.data() + std::size_t{rx} * nof_re;
      for (unsigned re = 0; re < nof_re; ++re) {
        dst[re] = received[subcarriers[re]];
      }
      for (unsigned layer = 0; layer < v; ++layer) {
        const auto channel = estimate.channel(rx, layer, l - pdu.start_symbol);
        cf_t* hd = h.data() + (std::size_t{rx} * v + layer) * nof_re;
        for (unsigned re = 0; re < nof_re; ++re) {
          hd[re] = channel[subcarriers[re] - first_sc];
        }
      }
    }
    return nof_re;
  }

  /// Calls f(first, noise_var, repeat) for the codeword symbols [0, nof_symbols) in order: symbols first ..
  /// first + repeat * noise_var.size() - 1, each block of noise_var.size() symbols with the noise variances noise_var
  /// (repeat > 1: a run of symbols sharing them, equalize_symbols()).
  template <typename F>
  void for_each_noise_segment(unsigned nof_symbols, F&& f) const
  {
    const auto noise = std::span<const float>(symbol_noise_var);
    unsigned next = 0;
    for (unsigned r = 0; r < nof_shared; ++r) {
      const shared_noise& run = shared[r];
      if (next < run.first) {
        f(next, noise.subspan(next, run.first - next), 1U);
      }
      f(run.first, noise.subspan(run.first, run.per_symbol), run.nof_symbols);
      next = run.first + run.per_symbol * run.nof_symbols;
    }
    if (next < nof_symbols) {
      f(next, noise.subspan(next, nof_symbols - next), 1U);
    }
  }

  /// Soft demapping of the codeword's symbols into llrs. The demapper counts the pi/2-BPSK phase from the start of
  /// each span it gets; pi/2-BPSK comes only with transform precoding, whose DM-RS symbols carry no data (two CDM
  /// groups without data, compute_pusch_dmrs_pattern()), so every data symbol carries 12 N_PRB codeword symbols and
  /// every span starts at an even index of the codeword as the phase needs.
  void demap(std::span<int8_t> llr_out, unsigned nof_symbols, modulation_scheme modulation) const
  {
    const unsigned qm = modulation_order(modulation);
    for_each_noise_segment(nof_symbols, [&](unsigned first, std::span<const float> noise_var, unsigned repeat) {
      for (unsigned i = 0; i < repeat; ++i) {
        const std::size_t offset = first + std::size_t{i} * noise_var.size();
        assert(modulation != modulation_scheme::pi2_bpsk || offset % 2 == 0);
        demodulate_soft(llr_out.subspan(offset * qm, noise_var.size() * qm),
                        std::span<const cf_t>(symbols).subspan(offset, noise_var.size()), noise_var, modulation);
      }
    });
  }

  /// sum 1 / max(noise_var, 1e-12): float partial sums in independent lanes (vectorisable), added in double per
  /// block.
  static double inverse_sum(std::span<const float> noise_var)
  {
    constexpr unsigned lanes = 8;
    constexpr std::size_t block = 512;
    double sum = 0.0;
    for (std::size_t begin = 0; begin < noise_var.size(); begin += block) {
      const std::size_t end = std::min(noise_var.size(), begin + block);
      std::array<float, lanes> partial{};
      std::size_t i = begin;
      for (; i + lanes <= end; i += lanes) {
        for (unsigned j = 0; j < lanes; ++j) {
          partial[j] += 1.0f / std::max(noise_var[i + j], 1e-12f);
        }
      }
      for (; i < end; ++i) {
        partial[0] += 1.0f / std::max(noise_var[i], 1e-12f);
      }
      sum += std::accumulate(partial.begin(), partial.end(), 0.0);
    }
    return sum;
  }

  /// EVM against the nearest constellation points (for pi/2-BPSK, of the symbol's own two), on 8 consecutive codeword
  /// symbols in every 64 (an eighth of the symbols, from every layer), and mean post-equalization SINR over all
  /// symbols.
  void measure(pusch_rx_result& result, unsigned nof_symbols, modulation_scheme modulation)
  {
    constexpr unsigned evm_stride = 64;
    constexpr std::size_t evm_run = qam_error_sums::max_block;
    const auto for_each_sample = [&](auto& sums) {
      for (unsigned first = 0; first < nof_symbols; first += evm_stride) {
        sums.add(std::span<const cf_t>(symbols).subspan(first, std::min<std::size_t>(evm_run, nof_symbols - first)));
      }
      return sums.evm_percent();
    };
    if (modulation == modulation_scheme::pi2_bpsk) {
      pi2_bpsk_error_sums sums;
      result.evm_percent = static_cast<float>(for_each_sample(sums));
    } else {
      qam_error_sums sums(modulation_order(modulation) / 2);
      result.evm_percent = static_cast<float>(for_each_sample(sums));
    }
    double sinr = 0.0;
    for_each_noise_segment(nof_symbols, [&](unsigned, std::span<const float> noise_var, unsigned repeat) {
      sinr += repeat * inverse_sum(noise_var);
    });
    result.sinr_db = to_db(sinr / std::max(nof_symbols, 1U));
  }

  pusch_receiver_config config;
  std::unique_ptr<channel_estimator> estimator;
  channel_estimate estimate;
  equalizer eq;
  transform_precoder tp;
  ulsch_decoder decoder;
  harq_process_map harq;
  std::vector<uint16_t> subcarriers;
  std::vector<cf_t> y;
  std::vector<cf_t> h;
  /// Runs of codeword symbols whose noise variances symbol_noise_var holds once, at the run's first symbol.
  struct shared_noise {
    unsigned first = 0;
    unsigned per_symbol = 0;
    unsigned nof_symbols = 0;
  };
  std::array<shared_noise, max_slot_symbols> shared{};
  unsigned nof_shared = 0;
  /// The equalized codeword symbols: storage, and the part of it that starts at a cache line, so that the equalizer's
  /// 32-byte stores do not straddle two lines (2 to 4 % less equalizer time for 2 layers and 4 ports).
  std::vector<cf_t> symbol_storage;
  std::span<cf_t> symbols;
  std::vector<float> symbol_noise_var;
  std::vector<int8_t> llrs;
  std::vector<float> noise_var;
  std::vector<cf_t> covariance;
  /// Sizes of the last receive()'s intermediates.
  unsigned last_nof_symbols = 0;
  unsigned last_nof_bits = 0;
};

pusch_receiver::pusch_receiver(const pusch_receiver_config& config)
{
  if (config.nof_harq_buffers == 0) {
    throw std::invalid_argument("PUSCH receiver: nof_harq_buffers must be positive");
  }
  // The maxima (PRB, ports, layers) size the estimator and the equaliser: its checks cover both.
  if (auto s = validate_channel_estimator_config(estimator_config(config)); !s) {
    throw std::invalid_argument("PUSCH receiver: " + s.message());
  }
  impl_ = std::make_unique<impl>(config);
}

const harq_process_map_counters& pusch_receiver::harq_counters() const noexcept
{
  return impl_->harq.counters();
}

pusch_receiver::~pusch_receiver() = default;

status pusch_receiver::validate(const pusch_pdu& pdu, const carrier_config& carrier, unsigned nof_rx_ports) const
{
  if (auto s = validate_pusch_pdu(pdu, carrier); !s) {
    return s;
  }
  const auto& cfg = impl_->config;
  if (carrier.bwp_size > cfg.max_nof_prb) {
    return status::error("PUSCH receiver: BWP of " + std::to_string(carrier.bwp_size) + " PRB exceeds the maximum " +
                         std::to_string(cfg.max_nof_prb));
  }
  if (nof_rx_ports < pdu.nof_layers || nof_rx_ports > cfg.max_nof_rx_ports) {
    return status::error("PUSCH receiver: " + std::to_string(nof_rx_ports) + " receive ports for " +
                         std::to_string(pdu.nof_layers) + " layers (at most " + std::to_string(cfg.max_nof_rx_ports) +
                         " ports)");
  }
  if (pdu.nof_layers > cfg.max_nof_layers) {
    return status::error("PUSCH receiver: " + std::to_string(pdu.nof_layers) + " layers exceed the maximum " +
                         std::to_string(cfg.max_nof_layers));
  }
  if (auto s = impl_->estimator->validate(pdu, carrier, nof_rx_ports); !s) {
    return s;
  }
  pusch_codeword_params cw;
  if (auto s = compute_pusch_codeword_params(cw, pdu, carrier); !s) {
    return s;
  }
  if (pdu.harq_id >= max_nof_pusch_harq_processes) {
    return status::error("PUSCH receiver: HARQ process " + std::to_string(pdu.harq_id) + " out of range (0.." +
                         std::to_string(max_nof_pusch_harq_processes - 1) + ")");
  }
  // Combining soft bits of another code block segmentation would decode garbage; the held bits are kept for a
  // retransmission of the right transport block.
  const harq_tb_layout* held = impl_->harq.held_layout(pdu.rnti, pdu.harq_id);
  const harq_tb_layout layout = tb_layout(cw.ulsch);
  if (!pdu.new_data && held != nullptr && *held != layout) {
    return status::error("PUSCH receiver: retransmission of " + layout_text(layout) +
                         ", but the HARQ process holds the soft bits of " + layout_text(*held) +
                         " (a retransmission carries the transport block of its initial transmission, TS 38.214 "
                         "6.1.4.2)");
  }
  return impl_->decoder.validate(cw.ulsch, 0);
}

pusch_rx_result pusch_receiver::receive(std::span<uint8_t> tb_bytes, const_grid_view grid, const pusch_pdu& pdu,
                                        const carrier_config& carrier, std::span<ulsch_cb_result> cb_results) noexcept
{
  pusch_rx_result result;
  pusch_dmrs_pattern pattern;
  pusch_codeword_params cw;
  if (!compute_pusch_dmrs_pattern(pattern, pdu, carrier) || !compute_pusch_codeword_params(cw, pdu, carrier)) {
    return result;
  }
  auto& d = *impl_;
  auto& times = result.times;
  const auto start = stage_clock::now();
  auto lap = start;
  d.estimator->estimate(d.estimate, grid, pdu, carrier, pattern);
  result.time_offset_s = d.estimate.time_offset_s;
  result.cfo_hz = d.estimate.cfo_hz.value_or(0.0f);
  const auto snr = d.estimate.snr_db();
  result.dmrs_snr_db = snr.empty() ? 0.0f : std::accumulate(snr.begin(), snr.end(), 0.0f) / snr.size();

  times.channel_estimation = lap_us(lap);

  d.floor_noise(grid.nof_ports);
  const unsigned nof_symbols = d.equalize(grid, pdu, pattern, grid.nof_ports);
  times.equalization = lap_us(lap);

  const auto llrs = std::span(d.llrs).first(cw.nof_coded_bits);
  d.last_nof_symbols = nof_symbols;
  d.last_nof_bits = cw.nof_coded_bits;
  d.demap(llrs, nof_symbols, cw.modulation);
  times.demapping = lap_us(lap);
  d.measure(result, nof_symbols, cw.modulation);
  times.measurements = lap_us(lap);
  descramble_llrs(llrs, pusch_scrambling_cinit(static_cast<uint16_t>(pdu.rnti), static_cast<uint16_t>(pdu.n_id)));
  times.demapping += lap_us(lap);

  const auto harq = d.harq.acquire(pdu.rnti, pdu.harq_id, pdu.new_data, tb_layout(cw.ulsch));
  result.harq_retransmission_lost = !pdu.new_data && !harq.combine;
  const auto decoded = d.decoder.decode(tb_bytes, llrs, cw.ulsch, harq.buffer, !harq.combine, cb_results);
  if (decoded.tb_crc_ok) {
    d.harq.release(harq.buffer);
  }
  times.decoding = lap_us(lap);
  times.total = std::chrono::duration<float, std::micro>(lap - start).count();
  result.tb_crc_ok = decoded.tb_crc_ok;
  result.tbs = cw.tbs;
  result.nof_cbs = decoded.nof_cbs;
  result.nof_cb_crc_ok = decoded.nof_cb_crc_ok;
  result.mean_ldpc_iterations =
      decoded.nof_cbs_decoded == 0 ? 0.0f : static_cast<float>(decoded.total_iterations) / decoded.nof_cbs_decoded;
  result.max_ldpc_iterations = decoded.max_iterations;
  return result;
}

pusch_rx_intermediates pusch_receiver::intermediates() const noexcept
{
  const auto& d = *impl_;
  if (d.last_nof_bits == 0) {
    return {};
  }
  return {&d.estimate, std::span<const cf_t>(d.symbols).first(d.last_nof_symbols),
          std::span<const int8_t>(d.llrs).first(d.last_nof_bits)};
}

} // namespace airan::phy
