// Shared part of the PUSCH channel estimators: the estimate's buffers, validation, the factory, LS, removal of the
// timing and frequency offsets, CDM despreading and interpolation. Statistics are in
// channel_estimator_statistics.cpp.
#include "channel_estimator_impl.h"
#include "channel_estimator_kernels.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

namespace airan::phy {

namespace {

/// TS 38.211 4.1: T_c = 1 / (480 kHz * 4096), kappa = 64.
constexpr double basic_time_unit_s = 1.0 / (480e3 * 4096.0);
constexpr double kappa = 64.0;

/// TS 38.211 5.3.1: N_CP,l^mu in units of T_c for symbol l of a subframe, and N_u^mu = 2048 kappa 2^-mu.
double cp_length_tc(const carrier_config& carrier, unsigned symbol_in_subframe)
{
  const double scale = kappa / static_cast<double>(1U << carrier.numerology);
  if (carrier.cp == cyclic_prefix::extended) {
    return 512.0 * scale;
  }
  const bool long_cp = symbol_in_subframe == 0 || symbol_in_subframe == 7U << carrier.numerology;
  return 144.0 * scale + (long_cp ? 16.0 * kappa : 0.0);
}

/// Start of the useful part of every symbol of the slot, seconds from the slot start (TS 38.211 5.3.1).
void compute_symbol_times(std::array<double, max_slot_symbols>& times, const carrier_config& carrier, unsigned slot)
{
  const unsigned nof_symbols = nof_symbols_per_slot(carrier.cp);
  const unsigned first = (slot % (1U << carrier.numerology)) * nof_symbols;
  const double useful_tc = 2048.0 * kappa / static_cast<double>(1U << carrier.numerology);
  double start_tc = 0.0;
  for (unsigned l = 0; l < nof_symbols; ++l) {
    const double useful_start_tc = start_tc + cp_length_tc(carrier, first + l);
    times[l] = useful_start_tc * basic_time_unit_s;
    start_tc = useful_start_tc + useful_tc;
  }
}

cf_t polar(double phase_rad)
{
  return {static_cast<float>(std::cos(phase_rad)), static_cast<float>(std::sin(phase_rad))};
}

/// out[k] = exp(j step k), k = 0 .. out.size() - 1: 12 offsets times a per-resource-block phase kept in double.
void fill_phasor(std::span<cf_t> out, double step_rad)
{
  std::array<float, 12> offset_re{};
  std::array<float, 12> offset_im{};
  for (unsigned k = 0; k < 12; ++k) {
    offset_re[k] = static_cast<float>(std::cos(step_rad * k));
    offset_im[k] = static_cast<float>(std::sin(step_rad * k));
  }
  const std::complex<double> rotation = std::polar(1.0, 12.0 * step_rad);
  double base_re = 1.0;
  double base_im = 0.0;
  auto* values = reinterpret_cast<float*>(out.data());
  for (std::size_t start = 0; start < out.size(); start += 12) {
    const auto b_re = static_cast<float>(base_re);
    const auto b_im = static_cast<float>(base_im);
    for (std::size_t k = 0; k < 12 && start + k < out.size(); ++k) {
      values[2 * (start + k)] = b_re * offset_re[k] - b_im * offset_im[k];
      values[2 * (start + k) + 1] = b_re * offset_im[k] + b_im * offset_re[k];
    }
    const double next_re = base_re * rotation.real() - base_im * rotation.imag();
    base_im = base_re * rotation.imag() + base_im * rotation.real();
    base_re = next_re;
  }
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------------
// channel_estimate

channel_estimate::channel_estimate(const channel_estimator_config& config) :
  max_nof_rx_ports_(config.max_nof_rx_ports),
  max_nof_layers_(config.max_nof_layers),
  max_nof_prb_(config.max_nof_prb),
  channel_(std::size_t{config.max_nof_rx_ports} * config.max_nof_layers * max_slot_symbols * 12 * config.max_nof_prb),
  noise_var_(config.max_nof_rx_ports),
  epre_(config.max_nof_rx_ports),
  snr_db_(config.max_nof_rx_ports),
  covariance_(std::size_t{config.max_nof_prb} * config.max_nof_rx_ports * config.max_nof_rx_ports)
{
}

bool channel_estimate::fits(unsigned nof_rx_ports, unsigned nof_layers, unsigned nof_prb) const
{
  return nof_rx_ports <= max_nof_rx_ports_ && nof_layers <= max_nof_layers_ && nof_prb <= max_nof_prb_;
}

void channel_estimate::reshape(unsigned nof_rx_ports, unsigned nof_layers, unsigned nof_symbols, unsigned nof_prb,
                               unsigned covariance_nof_prb)
{
  assert(fits(nof_rx_ports, nof_layers, nof_prb) && nof_symbols <= max_slot_symbols && covariance_nof_prb <= nof_prb);
  nof_rx_ports_ = nof_rx_ports;
  nof_layers_ = nof_layers;
  nof_symbols_ = nof_symbols;
  nof_subcarriers_ = 12 * nof_prb;
  covariance_nof_prb_ = covariance_nof_prb == 0 ? nof_prb : covariance_nof_prb;
  nof_covariance_groups_ = (nof_prb + covariance_nof_prb_ - 1) / covariance_nof_prb_;
  time_offset_s = 0.0F;
  cfo_hz.reset();
  time_invariant_ = false;
  symbols_pending_ = false;
}

void channel_estimate::set_symbol_phase(std::span<const cf_t> phase)
{
  assert(phase.empty() || phase.size() == nof_symbols_);
  std::copy(phase.begin(), phase.end(), symbol_phase_.begin());
  time_invariant_ = !phase.empty();
  symbols_pending_ = time_invariant_;
}

void channel_estimate::derive_symbols() const
{
  if (!symbols_pending_) {
    return;
  }
  symbols_pending_ = false;
  for (unsigned layer = 0; layer != nof_layers_; ++layer) {
    write_derived_layer(layer, symbol_phase_.data());
  }
}

void channel_estimate::derive_layer(unsigned layer, std::span<const cf_t> phase)
{
  assert(layer < nof_layers_ && phase.size() == nof_symbols_);
  write_derived_layer(layer, phase.data());
}

void channel_estimate::write_derived_layer(unsigned layer, const cf_t* phase) const
{
  for (unsigned rx = 0; rx != nof_rx_ports_; ++rx) {
    cf_t* const first = channel_.data() + (std::size_t{rx} * nof_layers_ + layer) * nof_symbols_ * nof_subcarriers_;
    for (unsigned l = 1; l < nof_symbols_; ++l) {
      ce::combine(first + std::size_t{l} * nof_subcarriers_, phase[l], first, cf_t{}, first, nof_subcarriers_);
    }
  }
}

std::span<const cf_t> channel_estimate::channel(unsigned rx, unsigned layer, unsigned symbol) const
{
  assert(rx < nof_rx_ports_ && layer < nof_layers_ && symbol < nof_symbols_);
  if (symbol != 0) {
    derive_symbols();
  }
  return {channel_.data() + ((std::size_t{rx} * nof_layers_ + layer) * nof_symbols_ + symbol) * nof_subcarriers_,
          nof_subcarriers_};
}

std::span<cf_t> channel_estimate::channel(unsigned rx, unsigned layer, unsigned symbol)
{
  assert(rx < nof_rx_ports_ && layer < nof_layers_ && symbol < nof_symbols_);
  if (symbol != 0) {
    derive_symbols();
  }
  return {channel_.data() + ((std::size_t{rx} * nof_layers_ + layer) * nof_symbols_ + symbol) * nof_subcarriers_,
          nof_subcarriers_};
}

std::span<const cf_t> channel_estimate::all_channels() const
{
  derive_symbols();
  return {channel_.data(), std::size_t{nof_rx_ports_} * nof_layers_ * nof_symbols_ * nof_subcarriers_};
}

std::span<const cf_t> channel_estimate::noise_covariance(unsigned group) const
{
  assert(group < nof_covariance_groups_);
  const std::size_t size = std::size_t{nof_rx_ports_} * nof_rx_ports_;
  return {covariance_.data() + group * size, size};
}

std::span<cf_t> channel_estimate::noise_covariance(unsigned group)
{
  assert(group < nof_covariance_groups_);
  const std::size_t size = std::size_t{nof_rx_ports_} * nof_rx_ports_;
  return {covariance_.data() + group * size, size};
}

// ---------------------------------------------------------------------------------------------------------------------
// Configuration and factory

status validate_channel_estimator_config(const channel_estimator_config& config)
{
  auto error = [](const std::string& message) { return status::error("channel estimator: " + message); };
  if (config.max_nof_prb < 1 || config.max_nof_prb > 275) {
    return error("max_nof_prb " + std::to_string(config.max_nof_prb) + " outside 1..275");
  }
  if (config.max_nof_rx_ports < 1 || config.max_nof_rx_ports > 16) {
    return error("max_nof_rx_ports " + std::to_string(config.max_nof_rx_ports) + " outside 1..16");
  }
  if (config.max_nof_layers < 1 || config.max_nof_layers > pusch_max_layers) {
    return error("max_nof_layers " + std::to_string(config.max_nof_layers) + " outside 1..4");
  }
  if (config.covariance_nof_prb > config.max_nof_prb) {
    return error("covariance_nof_prb " + std::to_string(config.covariance_nof_prb) + " above max_nof_prb");
  }
  if (!(config.dft_max_delay_s >= 0.0F && config.dft_max_delay_s < 1e-3F)) {
    return error("dft_max_delay_s " + std::to_string(config.dft_max_delay_s) + " outside [0, 1 ms)");
  }
  if (!(config.dft_threshold >= 0.0F && config.dft_threshold <= 1e3F)) {
    return error("dft_threshold " + std::to_string(config.dft_threshold) + " outside [0, 1000]");
  }
  if (!(config.lmmse_delay_spread_s >= 0.0F && config.lmmse_delay_spread_s < 1e-4F)) {
    return error("lmmse_delay_spread_s " + std::to_string(config.lmmse_delay_spread_s) + " outside [0, 100 us)");
  }
  if (config.lmmse_filter_length < 1 || config.lmmse_filter_length > 64) {
    return error("lmmse_filter_length " + std::to_string(config.lmmse_filter_length) + " outside 1..64");
  }
  if (!(config.ls_smoothing_prb >= 0.0F && config.ls_smoothing_prb <= 8.0F)) {
    return error("ls_smoothing_prb " + std::to_string(config.ls_smoothing_prb) + " outside [0, 8]");
  }
  if (config.dmrs_time > dmrs_time_mode::adaptive) {
    return error("dmrs_time " + std::to_string(static_cast<unsigned>(config.dmrs_time)) + " is not a mode");
  }
  return status::ok();
}

std::unique_ptr<channel_estimator> make_channel_estimator(channel_estimator_kind kind,
                                                          const channel_estimator_config& config)
{
  if (!validate_channel_estimator_config(config)) {
    return nullptr;
  }
  switch (kind) {
    case channel_estimator_kind::ls_linear:
      return make_ls_linear_channel_estimator(config);
    case channel_estimator_kind::dft:
      return make_dft_channel_estimator(config);
    case channel_estimator_kind::lmmse:
      return make_lmmse_channel_estimator(config);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------------------------------
// Shared pipeline

channel_estimator_base::channel_estimator_base(const channel_estimator_config& config,
                                               channel_estimator_kind kind,
                                               bool even_pilots) :
  config_(config),
  kind_(kind),
  even_pilots_(even_pilots),
  max_pilots_(std::size_t{6} * config.max_nof_prb),
  sequence_(max_pilots_),
  conj_r_(pusch_max_dmrs_symbols * max_pilots_),
  subcarriers_(max_cdm_groups * max_pilots_),
  empty_subcarriers_(std::size_t{12} * config.max_nof_prb),
  u_(pusch_max_dmrs_symbols * max_cdm_groups * config.max_nof_rx_ports * max_pilots_),
  residual_(std::size_t{config.max_nof_rx_ports} * 12 * config.max_nof_prb),
  dof_(config.max_nof_prb),
  x_(std::size_t{config.max_nof_rx_ports} * max_dmrs_occasions * max_pilots_),
  positions_(max_pilots_),
  layer_noise_(config.max_nof_rx_ports),
  layer_power_(config.max_nof_rx_ports),
  signal_power_(config.max_nof_rx_ports),
  phasor_(std::size_t{12} * config.max_nof_prb),
  pilot_phasor_(max_pilots_),
  difference_(max_pilots_),
  occasion_channel_(max_dmrs_occasions * std::size_t{12} * config.max_nof_prb)
{
}

status channel_estimator_base::validate(const pusch_pdu& pdu, const carrier_config& carrier,
                                        unsigned nof_rx_ports) const
{
  auto error = [](const std::string& message) { return status::error("channel estimator: " + message); };
  if (nof_rx_ports < 1 || nof_rx_ports > config_.max_nof_rx_ports) {
    return error(std::to_string(nof_rx_ports) + " receive ports outside 1.." +
                 std::to_string(config_.max_nof_rx_ports));
  }
  pusch_dmrs_pattern pattern;
  if (auto s = compute_pusch_dmrs_pattern(pattern, pdu, carrier); !s) {
    return s;
  }
  if (pdu.nof_prb > config_.max_nof_prb) {
    return error(std::to_string(pdu.nof_prb) + " PRB above the maximum " + std::to_string(config_.max_nof_prb));
  }
  if (pdu.nof_layers > config_.max_nof_layers) {
    return error(std::to_string(pdu.nof_layers) + " layers above the maximum " +
                 std::to_string(config_.max_nof_layers));
  }
  return status::ok();
}

void channel_estimator_base::setup(call_setup& s, const pusch_pdu& pdu, const carrier_config& carrier,
                                   const pusch_dmrs_pattern& pattern, unsigned nof_rx_ports) const noexcept
{
  s.nof_rx_ports = nof_rx_ports;
  s.nof_prb = pdu.nof_prb;
  s.pilots_per_prb = pattern.nof_pilots_per_prb();
  s.nof_pilots = s.pilots_per_prb * pdu.nof_prb;
  s.first_subcarrier = 12 * pdu.prb_start;

  // Group the layers by CDM group (TS 38.211 Tables 6.4.1.1.3-1, -2).
  std::array<unsigned, max_cdm_groups> index_of_group{};
  index_of_group.fill(max_cdm_groups);
  uint16_t layer_res = 0;
  for (unsigned j = 0; j < pattern.nof_layers; ++j) {
    const pusch_dmrs_layer& layer = pattern.layers[j];
    unsigned& index = index_of_group[layer.cdm_group];
    if (index == max_cdm_groups) {
      index = s.nof_groups++;
    }
    cdm_group& group = s.groups[index];
    group.layers[group.nof_layers++] = j;
    group.pairs = group.pairs || layer.w_f[1] != pattern.layers[group.layers[0]].w_f[1];
    s.layer_group[j] = index;
    layer_res = static_cast<uint16_t>(layer_res | layer.re_mask);
  }
  for (unsigned g = 0; g < s.nof_groups; ++g) {
    s.groups[g].pairs = s.groups[g].pairs || (even_pilots_ && pattern.config_type == 2);
  }
  s.empty_re_mask = static_cast<uint16_t>(pattern.no_data_re_mask & ~layer_res);

  s.occasion_length = pdu.dmrs.max_length;
  s.nof_occasions = pattern.nof_symbols / s.occasion_length;
  s.subcarrier_spacing_hz = 15e3 * static_cast<double>(1U << carrier.numerology);
  s.cp_duration_s = cp_length_tc(carrier, 1) * basic_time_unit_s;
  compute_symbol_times(s.symbol_time_s, carrier, pdu.slot);
  for (unsigned o = 0; o < s.nof_occasions; ++o) {
    double sum = 0.0;
    for (unsigned k = 0; k < s.occasion_length; ++k) {
      sum += s.symbol_time_s[pattern.symbols[o * s.occasion_length + k]];
    }
    s.occasion_time_s[o] = sum / s.occasion_length;
  }
  s.reference_time_s = s.symbol_time_s[pattern.symbols[0]];
  s.beta = pattern.beta;
}

void channel_estimator_base::compute_ls(const call_setup& s, const_grid_view rx_grid, const pusch_pdu& pdu,
                                        const carrier_config& carrier, const pusch_dmrs_pattern& pattern) noexcept
{
  for (unsigned g = 0; g < s.nof_groups; ++g) {
    pusch_dmrs_subcarriers(std::span(subcarriers_).subspan(g * max_pilots_, s.nof_pilots), pattern, pdu,
                           s.groups[g].layers[0]);
  }
  // r(m) is the same for every CDM group of a symbol: take layer 0's pilots and remove its beta w_f w_t
  // (TS 38.211 6.4.1.1.3).
  const pusch_dmrs_layer& layer0 = pattern.layers[0];
  const auto sequence = std::span(sequence_).first(s.nof_pilots);
  for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
    generate_pusch_dmrs(sequence, pattern, pdu, carrier, 0, pattern.symbols[d]);
    cf_t* conj_r = conj_r_.data() + d * max_pilots_;
    const float code_t = static_cast<float>(layer0.w_t[pattern.l_prime[d]]) / s.beta;
    const std::array<float, 2> code = {code_t * layer0.w_f[0], code_t * layer0.w_f[1]};
    for (unsigned i = 0; i < s.nof_pilots; ++i) {
      conj_r[i] = {sequence[i].real() * code[i % 2], -sequence[i].imag() * code[i % 2]};
    }
    for (unsigned g = 0; g < s.nof_groups; ++g) {
      const uint16_t* subcarriers = subcarriers_.data() + g * max_pilots_;
      for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
        const cf_t* y = rx_grid.symbol(r, pattern.symbols[d]).data();
        // Type 1: every other subcarrier of the allocation.
        if (pattern.config_type == 1) {
          ce::strided_multiply(u_row(s, d, g, r).data(), y + subcarriers[0], conj_r, s.nof_pilots);
        } else {
          ce::gather_multiply(u_row(s, d, g, r).data(), y, subcarriers, conj_r, s.nof_pilots);
        }
      }
    }
  }
}

void channel_estimator_base::remove_offsets(const call_setup& s, const channel_estimate& out,
                                            const pusch_dmrs_pattern& pattern) noexcept
{
  const unsigned nof_subcarriers = 12 * s.nof_prb;
  fill_phasor(std::span(phasor_).first(nof_subcarriers),
              -2.0 * std::numbers::pi * s.subcarrier_spacing_hz * out.time_offset_s);
  const double cfo_hz = out.cfo_hz.value_or(0.0F);
  for (unsigned g = 0; g < s.nof_groups; ++g) {
    const uint16_t* subcarriers = subcarriers_.data() + g * max_pilots_;
    ce::gather_conj(pilot_phasor_.data(), phasor_.data(), subcarriers, s.first_subcarrier, s.nof_pilots);
    for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
      const double elapsed_s = s.symbol_time_s[pattern.symbols[d]] - s.reference_time_s;
      const cf_t rotation = polar(-2.0 * std::numbers::pi * cfo_hz * elapsed_s);
      for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
        ce::multiply(u_row(s, d, g, r).data(), rotation, pilot_phasor_.data(), s.nof_pilots);
      }
    }
  }
}

layer_pilots channel_estimator_base::despread(const call_setup& s, const channel_estimate& out, unsigned layer,
                                              const pusch_dmrs_pattern& pattern) noexcept
{
  const unsigned g = s.layer_group[layer];
  const bool pairs = s.groups[g].pairs;
  const unsigned nof_values = pairs ? s.nof_pilots / 2 : s.nof_pilots;
  const unsigned nof_terms = s.occasion_length * (pairs ? 2 : 1);
  const float scale = 1.0F / (s.beta * static_cast<float>(nof_terms));
  const pusch_dmrs_layer& codes = pattern.layers[layer];

  layer_pilots pilots;
  pilots.values = x_.data();
  pilots.nof_rx_ports = s.nof_rx_ports;
  pilots.nof_occasions = s.nof_occasions;
  pilots.nof_pilots = nof_values;
  pilots.subcarrier_spacing_hz = s.subcarrier_spacing_hz;
  pilots.cp_duration_s = s.cp_duration_s;

  const uint16_t* subcarriers = subcarriers_.data() + g * max_pilots_;
  for (unsigned m = 0; m < nof_values; ++m) {
    positions_[m] = pairs ? 0.5F * static_cast<float>(subcarriers[2 * m] + subcarriers[2 * m + 1]) -
                                static_cast<float>(s.first_subcarrier)
                          : static_cast<float>(subcarriers[m] - s.first_subcarrier);
  }
  pilots.positions = std::span(positions_).first(nof_values);
  // Type 1: pilots every 2 subcarriers, pairs every 4; type 2: pairs every 6, single pilots unevenly (0, 1, 6, 7).
  pilots.spacing = pattern.config_type == 1 ? (pairs ? 4.0F : 2.0F) : (pairs ? 6.0F : 0.0F);

  for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
    float energy = 0.0F;
    for (unsigned o = 0; o < s.nof_occasions; ++o) {
      const std::span<cf_t> row = pilots.row(r, o);
      std::fill(row.begin(), row.end(), cf_t{});
      for (unsigned k = 0; k < s.occasion_length; ++k) {
        const cf_t* u = u_row(s, o * s.occasion_length + k, g, r).data();
        const float w = scale * static_cast<float>(codes.w_t[k]);
        if (pairs) {
          ce::accumulate_pairs(row.data(), w, w * static_cast<float>(codes.w_f[1]), u, nof_values);
        } else {
          ce::accumulate_alternating(row.data(), w * static_cast<float>(codes.w_f[0]),
                                     w * static_cast<float>(codes.w_f[1]), u, nof_values);
        }
      }
      energy += ce::correlate(row.data(), row.data(), nof_values).real();
    }
    const float noise = out.noise_variance()[r] / (s.beta * s.beta * static_cast<float>(nof_terms));
    layer_noise_[r] = noise;
    layer_power_[r] = std::max(0.0F, energy / static_cast<float>(nof_values * s.nof_occasions) - noise);
    signal_power_[r] += layer_power_[r];
  }
  pilots.noise_var = std::span(layer_noise_).first(s.nof_rx_ports);
  pilots.power = std::span(layer_power_).first(s.nof_rx_ports);
  return pilots;
}

void channel_estimator_base::combine_occasions(layer_pilots& layer, float noise_gain) noexcept
{
  if (layer.nof_occasions < 2 || config_.dmrs_time == dmrs_time_mode::interpolate) {
    return;
  }
  if (config_.dmrs_time == dmrs_time_mode::adaptive) {
    double change = 0.0;
    double noise = 0.0;
    for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
      for (unsigned o = 0; o + 1 < layer.nof_occasions; ++o) {
        const cf_t* a = layer.row(r, o).data();
        const cf_t* b = layer.row(r, o + 1).data();
        for (unsigned m = 0; m < layer.nof_pilots; ++m) {
          difference_[m] = b[m] - a[m];
        }
        change += ce::correlate(difference_.data(), difference_.data(), layer.nof_pilots).real();
      }
      noise += layer.noise_var[r];
    }
    const double nof_differences = static_cast<double>(layer.nof_occasions - 1) * layer.nof_pilots;
    const double mean_change = change / (nof_differences * layer.nof_rx_ports);
    const double mean_noise = noise_gain * noise / layer.nof_rx_ports;
    if (mean_change > 4.0 * mean_noise) {
      return;
    }
  }
  const float scale = 1.0F / static_cast<float>(layer.nof_occasions);
  for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
    cf_t* first = layer.row(r, 0).data();
    for (unsigned o = 1; o < layer.nof_occasions; ++o) {
      const cf_t* other = layer.row(r, o).data();
      for (unsigned m = 0; m < layer.nof_pilots; ++m) {
        first[m] += other[m];
      }
    }
    for (unsigned m = 0; m < layer.nof_pilots; ++m) {
      first[m] *= scale;
    }
    for (unsigned o = 1; o < layer.nof_occasions; ++o) {
      std::copy_n(first, layer.nof_pilots, layer.row(r, o).data());
    }
  }
  layer.occasions_equal = true;
}

bool channel_estimator_base::interpolate(channel_estimate& out, const call_setup& s, const layer_pilots& pilots,
                                         unsigned layer, const pusch_pdu& pdu) noexcept
{
  // Time: linear between occasions, constant outside, then the frequency offset's phase at each symbol relative to
  // the first DM-RS symbol (the reference of remove_offsets()).
  struct time_weights {
    unsigned first = 0;
    unsigned second = 0;
    cf_t w_first;
    cf_t w_second;
  };
  std::array<time_weights, max_slot_symbols> weights{};
  const double cfo_hz = out.cfo_hz.value_or(0.0F);
  for (unsigned l = 0; l < pdu.nof_symbols; ++l) {
    const double t = s.symbol_time_s[pdu.start_symbol + l];
    time_weights& w = weights[l];
    float second = 0.0F;
    if (t > s.occasion_time_s[0]) {
      unsigned o = 0;
      while (o + 1 < s.nof_occasions && t >= s.occasion_time_s[o + 1]) {
        ++o;
      }
      if (o + 1 < s.nof_occasions) {
        second = static_cast<float>((t - s.occasion_time_s[o]) / (s.occasion_time_s[o + 1] - s.occasion_time_s[o]));
        w.second = o + 1;
      }
      w.first = o;
    }
    const cf_t rotation = polar(2.0 * std::numbers::pi * cfo_hz * (t - s.reference_time_s));
    w.w_first = rotation * (1.0F - second);
    w.w_second = rotation * second;
  }

  if (pilots.occasions_equal) {
    // One occasion's values serve every symbol: its weight is the sum of the two.
    for (unsigned l = 0; l < pdu.nof_symbols; ++l) {
      time_weights& w = weights[l];
      w.w_first += w.w_second;
      w.w_second = cf_t{};
      w.first = 0;
      w.second = 0;
    }
  }
  const unsigned nof_interpolated = pilots.occasions_equal ? 1 : s.nof_occasions;
  // One set of values: symbol 0 only, the caller derives the others from it.
  const unsigned nof_written = nof_interpolated == 1 ? 1 : pdu.nof_symbols;
  const unsigned nof_subcarriers = 12 * s.nof_prb;
  for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
    for (unsigned o = 0; o < nof_interpolated; ++o) {
      ce::interpolate(occasion_channel_.data() + std::size_t{o} * nof_subcarriers, pilots.row(r, o).data(),
                      pilots.positions.data(), pilots.nof_pilots, pilots.spacing, phasor_.data(), nof_subcarriers);
    }
    for (unsigned l = 0; l < nof_written; ++l) {
      const time_weights& w = weights[l];
      ce::combine(out.channel(r, layer, l).data(), w.w_first,
                  occasion_channel_.data() + std::size_t{w.first} * nof_subcarriers, w.w_second,
                  occasion_channel_.data() + std::size_t{w.second} * nof_subcarriers, nof_subcarriers);
    }
  }
  return nof_interpolated == 1;
}

void channel_estimator_base::estimate(channel_estimate&         out,
                                      const_grid_view           rx_grid,
                                      const pusch_pdu&          pdu,
                                      const carrier_config&     carrier,
                                      const pusch_dmrs_pattern& pattern) noexcept
{
  assert(rx_grid.nof_ports >= 1 && rx_grid.nof_ports <= config_.max_nof_rx_ports &&
         rx_grid.nof_symbols == nof_symbols_per_slot(carrier.cp) && rx_grid.nof_subcarriers == 12 * carrier.bwp_size);
  assert(out.fits(rx_grid.nof_ports, pattern.nof_layers, pdu.nof_prb) && pattern.nof_layers == pdu.nof_layers);

  call_setup s;
  setup(s, pdu, carrier, pattern, rx_grid.nof_ports);
  out.reshape(s.nof_rx_ports, pattern.nof_layers, pdu.nof_symbols, pdu.nof_prb,
              std::min(config_.covariance_nof_prb, pdu.nof_prb));

  compute_ls(s, rx_grid, pdu, carrier, pattern);
  estimate_offsets(out, s, pattern);
  remove_offsets(s, out, pattern);
  estimate_noise(out, s, rx_grid, pdu, pattern);

  std::fill_n(signal_power_.begin(), s.nof_rx_ports, 0.0F);
  // Layers interpolated from one set of values (interpolate()) hold symbol 0 only.
  unsigned single_set_layers = 0;
  for (unsigned j = 0; j < pattern.nof_layers; ++j) {
    layer_pilots pilots = despread(s, out, j, pattern);
    combine_occasions(pilots, smooth(pilots));
    single_set_layers |= interpolate(out, s, pilots, j, pdu) ? 1U << j : 0U;
  }
  // Such a layer's channel at symbol l is symbol 0's times the frequency offset's rotation over t_l - t_0.
  std::array<cf_t, max_slot_symbols> phase{};
  const double cfo_hz = out.cfo_hz.value_or(0.0F);
  const double t0 = s.symbol_time_s[pdu.start_symbol];
  for (unsigned l = 0; l < pdu.nof_symbols; ++l) {
    phase[l] = polar(2.0 * std::numbers::pi * cfo_hz * (s.symbol_time_s[pdu.start_symbol + l] - t0));
  }
  if (single_set_layers == (1U << pattern.nof_layers) - 1) {
    // Time invariant: the estimate derives the other symbols when they are read.
    out.set_symbol_phase(std::span(phase).first(pdu.nof_symbols));
  } else {
    for (unsigned j = 0; j < pattern.nof_layers; ++j) {
      if ((single_set_layers >> j & 1U) != 0) {
        out.derive_layer(j, std::span(phase).first(pdu.nof_symbols));
      }
    }
  }

  // SNR of a data RE per rx port, clamped to [-40, 100] dB; no signal (a dead port) or a power that is not finite
  // (corrupt input) is the floor, not the noise-free ceiling.
  for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
    const float noise = out.noise_variance()[r];
    const float signal = signal_power_[r];
    const bool measurable = signal > 0.0F && std::isfinite(signal) && std::isfinite(noise);
    const float ratio = !measurable ? 1e-4F : noise > signal * 1e-10F ? signal / noise : 1e10F;
    out.snr_db()[r] = 10.0F * std::log10(std::clamp(ratio, 1e-4F, 1e10F));
  }
}

} // namespace airan::phy
