#include "airan/phy/channel/tdl_channel.h"

#include "channel_detail.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

namespace airan::phy {

namespace {

/// Samples processed at once by apply().
constexpr unsigned block_size = 512;
/// Gain evaluations per period of the maximum Doppler, and the longest interval between two.
constexpr double updates_per_doppler_period = 256.0;
constexpr double max_update_interval_s      = 1.0e-3;
/// LOS Doppler shift relative to f_D, TR 38.901 7.7.2.
constexpr double los_doppler_fraction = 0.7;
/// Random stream of the LOS phases (the fading processes use streams 0 .. nof_links * nof_paths - 1).
constexpr uint64_t los_stream = uint64_t{1} << 40U;

/// Lower Cholesky factor of a symmetric positive semi-definite matrix (pivots that round-off makes <= 0 give a zero
/// column).
std::vector<double> cholesky(const std::vector<double>& r, unsigned n)
{
  std::vector<double> l(r.size(), 0.0);
  for (unsigned j = 0; j != n; ++j) {
    double pivot = r[j * n + j];
    for (unsigned k = 0; k != j; ++k) {
      pivot -= l[j * n + k] * l[j * n + k];
    }
    const double diagonal = pivot > 0.0 ? std::sqrt(pivot) : 0.0;
    l[j * n + j]          = diagonal;
    for (unsigned i = j + 1; i != n; ++i) {
      double sum = r[i * n + j];
      for (unsigned k = 0; k != j; ++k) {
        sum -= l[i * n + k] * l[j * n + k];
      }
      l[i * n + j] = diagonal > 0.0 ? sum / diagonal : 0.0;
    }
  }
  return l;
}

/// acc[i] += c x[i], written on floats so that the compiler vectorises it (AVX2 where the CPU has it; not FMA, which
/// would round differently and make the output depend on the machine).
__attribute__((target_clones("avx2", "default"))) void accumulate(const cf_t* x, cf_t c, cf_t* acc, std::size_t n) noexcept
{
  const float* __restrict xf = reinterpret_cast<const float*>(x);
  float* __restrict y        = reinterpret_cast<float*>(acc);
  const float re             = c.real();
  const float im             = c.imag();
  for (std::size_t k = 0; k != n; ++k) {
    const float xr = xf[2 * k];
    const float xi = xf[2 * k + 1];
    y[2 * k] += re * xr - im * xi;
    y[2 * k + 1] += re * xi + im * xr;
  }
}

/// acc0[i] += c0 x[i], acc1[i] += c1 x[i], likewise.
__attribute__((target_clones("avx2", "default"))) void accumulate(const cf_t* x, cf_t c0, cf_t c1, cf_t* acc0, cf_t* acc1, unsigned n) noexcept
{
  const float* __restrict xf = reinterpret_cast<const float*>(x);
  float* __restrict y0       = reinterpret_cast<float*>(acc0);
  float* __restrict y1       = reinterpret_cast<float*>(acc1);
  const float  r0 = c0.real();
  const float  i0 = c0.imag();
  const float  r1 = c1.real();
  const float  i1 = c1.imag();
  for (std::size_t k = 0; k != n; ++k) {
    const float xr = xf[2 * k];
    const float xi = xf[2 * k + 1];
    y0[2 * k] += r0 * xr - i0 * xi;
    y0[2 * k + 1] += r0 * xi + i0 * xr;
    y1[2 * k] += r1 * xr - i1 * xi;
    y1[2 * k + 1] += r1 * xi + i1 * xr;
  }
}

} // namespace

status validate_tdl_channel_config(const tdl_channel_config& config)
{
  if (status s = validate_tdl_profile(config.model, config.delay_spread_s); !s) {
    return s;
  }
  if (!(config.max_doppler_hz >= 0.0 && config.max_doppler_hz <= tdl_max_doppler_hz)) {
    return status::error("maximum Doppler " + std::to_string(config.max_doppler_hz) + " Hz outside [0, " +
                         std::to_string(tdl_max_doppler_hz) + "] Hz");
  }
  if (!(config.sample_rate_hz >= tdl_min_sample_rate_hz && config.sample_rate_hz <= tdl_max_sample_rate_hz)) {
    return status::error("sample rate " + std::to_string(config.sample_rate_hz) + " Hz outside [" +
                         std::to_string(tdl_min_sample_rate_hz) + ", " + std::to_string(tdl_max_sample_rate_hz) +
                         "] Hz");
  }
  if (status s = validate_mimo_correlation(config.correlation, config.nof_tx, config.nof_rx); !s) {
    return s;
  }
  if (config.interpolation != delay_interpolation::nearest_sample &&
      config.interpolation != delay_interpolation::windowed_sinc) {
    return status::error("unknown delay interpolation " + std::to_string(static_cast<unsigned>(config.interpolation)));
  }
  return status::ok();
}

status parse_tdl_channel_name(std::string_view name, tdl_channel_config& config)
{
  tdl_model model;
  if (parse_tdl_model(name, model).is_ok()) {
    config.model = model;
    if (tdl_model_is_preset(model)) {
      config.delay_spread_s = 0.0;
    }
    return status::ok();
  }
  const std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || !parse_tdl_model(name.substr(0, dash), model).is_ok() ||
      !tdl_model_is_preset(model)) {
    return status::error("unknown TDL channel name '" + std::string(name) +
                         "' (expected a model name or TDLA30-<Hz>, TDLB100-<Hz>, TDLC300-<Hz>)");
  }
  const std::string_view doppler = name.substr(dash + 1);
  unsigned               doppler_hz = 0;
  const auto [end, error]           = std::from_chars(doppler.data(), doppler.data() + doppler.size(), doppler_hz);
  if (doppler.empty() || error != std::errc() || end != doppler.data() + doppler.size()) {
    return status::error("maximum Doppler '" + std::string(doppler) + "' in TDL channel name '" + std::string(name) +
                         "' is not a whole number of Hz");
  }
  config.model          = model;
  config.delay_spread_s = 0.0;
  config.max_doppler_hz = doppler_hz;
  return status::ok();
}

tdl_channel::tdl_channel(const tdl_channel_config& config) :
  config_(config),
  k_factor_(tdl_los_k_factor(config.model)),
  los_doppler_hz_(los_doppler_fraction * config.max_doppler_hz),
  latency_(delay_latency_samples(config.interpolation)),
  next_start_s_(std::numeric_limits<double>::quiet_NaN()),
  cached_points_{std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min()}
{
  assert(validate_tdl_channel_config(config).is_ok());
  const double fs = config.sample_rate_hz;

  unsigned max_lag = 0;
  for (const tdl_path& path : tdl_power_delay_profile(config.model, config.delay_spread_s)) {
    const detail::delay_filter filter = detail::make_delay_filter(path.delay_s * fs, config.interpolation);
    filters_.push_back(filter);
    max_lag = std::max(max_lag, filter.last_lag());
    path_delays_s_.push_back(config.interpolation == delay_interpolation::nearest_sample
                                 ? filter.first_lag / fs
                                 : path.delay_s);
    path_powers_.push_back(path.power);
    path_amplitudes_.push_back(std::sqrt(path.power));
  }

  const unsigned nof_links = config.nof_tx * config.nof_rx;
  correlation_             = mimo_correlation_matrix(config.correlation, config.nof_tx, config.nof_rx);
  cholesky_                = cholesky(correlation_, nof_links);

  detail::random_generator los_rng(config.seed, los_stream);
  for (unsigned link = 0; link != nof_links; ++link) {
    los_phases_cycles_.push_back(los_rng.uniform());
  }

  const double longest = std::floor(max_update_interval_s * fs);
  const double interval =
      config.max_doppler_hz > 0.0 ? std::floor(fs / (updates_per_doppler_period * config.max_doppler_hz)) : longest;
  update_interval_ = static_cast<unsigned>(std::clamp(interval, 1.0, longest));

  const unsigned nof_paths = this->nof_paths();
  processes_ = std::make_unique<detail::fading_processes>(nof_links * nof_paths, config.max_doppler_hz, config.seed, 0);
  history_   = std::make_unique<detail::sample_history>(config.nof_tx, max_lag, block_size);

  process_values_.resize(std::size_t{nof_links} * nof_paths);
  cached_gains_.resize(2 * std::size_t{nof_links} * nof_paths);
  delayed_.resize(std::size_t{config.nof_tx} * nof_paths * block_size);
  delayed_inputs_.resize(std::size_t{config.nof_tx} * nof_paths);
  accumulator_.resize(std::max<std::size_t>(2 * block_size, std::size_t{nof_links} * nof_paths));
}

tdl_channel::tdl_channel(tdl_channel&&) noexcept            = default;
tdl_channel& tdl_channel::operator=(tdl_channel&&) noexcept = default;
tdl_channel::~tdl_channel()                                 = default;

status tdl_channel::validate(std::span<const std::span<const cf_t>> tx, std::span<const std::span<cf_t>> rx) const
{
  if (tx.size() != config_.nof_tx || rx.size() != config_.nof_rx) {
    return status::error("the channel takes " + std::to_string(config_.nof_tx) + " input and " +
                         std::to_string(config_.nof_rx) + " output spans, not " + std::to_string(tx.size()) +
                         " and " + std::to_string(rx.size()));
  }
  const std::size_t length = tx.front().size();
  for (std::span<const cf_t> s : tx) {
    if (s.size() != length) {
      return status::error("input spans of different lengths");
    }
  }
  for (std::span<const cf_t> s : rx) {
    if (s.size() != length) {
      return status::error("output spans must have the length of the inputs (" + std::to_string(length) +
                           " samples), not " + std::to_string(s.size()));
    }
  }
  return status::ok();
}

status tdl_channel::validate_frequency_response(std::span<const cf_t> response) const
{
  if (response.empty() || response.size() % nof_links() != 0) {
    return status::error("frequency response of " + std::to_string(response.size()) +
                         " values is not a non-zero whole number of subcarriers for each of the " +
                         std::to_string(nof_links()) + " links");
  }
  return status::ok();
}

void tdl_channel::grid_position(double position_samples, int64_t& k, double& weight) const noexcept
{
  const double interval = update_interval_;
  k                     = static_cast<int64_t>(std::floor(position_samples / interval));
  weight                = (position_samples - static_cast<double>(k) * interval) / interval;
}

const cf_t* tdl_channel::grid_gains(int64_t k) noexcept
{
  const std::size_t entry_size = process_values_.size();
  for (unsigned entry = 0; entry != 2; ++entry) {
    if (cached_points_[entry] == k) {
      last_used_entry_ = entry;
      return cached_gains_.data() + entry * entry_size;
    }
  }
  const unsigned entry = 1 - last_used_entry_;
  last_used_entry_     = entry;
  cached_points_[entry] = k;
  cf_t* gains           = cached_gains_.data() + entry * entry_size;

  const double time_s = static_cast<double>(k) * update_interval_ / config_.sample_rate_hz;
  processes_->evaluate(time_s, process_values_);
  const unsigned nof_links = this->nof_links();
  const unsigned nof_paths = this->nof_paths();
  if (k_factor_ > 0.0) {
    const double los     = std::sqrt(k_factor_ / (k_factor_ + 1.0));
    const double diffuse = std::sqrt(1.0 / (k_factor_ + 1.0));
    for (unsigned m = 0; m != nof_links; ++m) {
      double cycles = los_doppler_hz_ * time_s + los_phases_cycles_[m];
      cycles -= std::floor(cycles);
      std::complex<double>& g = process_values_[std::size_t{m} * nof_paths];
      g = los * std::polar(1.0, 2.0 * std::numbers::pi * cycles) + diffuse * g;
    }
  }
  for (unsigned l = 0; l != nof_links; ++l) {
    for (unsigned p = 0; p != nof_paths; ++p) {
      std::complex<double> sum = 0.0;
      for (unsigned m = 0; m <= l; ++m) {
        sum += cholesky_[std::size_t{l} * nof_links + m] * process_values_[std::size_t{m} * nof_paths + p];
      }
      gains[std::size_t{l} * nof_paths + p] = cf_t(path_amplitudes_[p] * sum);
    }
  }
  return gains;
}

void tdl_channel::tap_gains(std::span<cf_t> gains, double time_s) noexcept
{
  assert(gains.size() == process_values_.size());
  int64_t k;
  double  weight;
  grid_position(time_s * config_.sample_rate_hz, k, weight);
  const cf_t* a0 = grid_gains(k);
  const cf_t* a1 = grid_gains(k + 1);
  const float w  = static_cast<float>(weight);
  for (std::size_t i = 0; i != gains.size(); ++i) {
    gains[i] = a0[i] + w * (a1[i] - a0[i]);
  }
}

void tdl_channel::frequency_response(std::span<cf_t> response, double time_s, double first_subcarrier_hz,
                                     double subcarrier_spacing_hz) noexcept
{
  assert(validate_frequency_response(response).is_ok());
  const unsigned    nof_links       = this->nof_links();
  const unsigned    nof_paths       = this->nof_paths();
  const std::size_t nof_subcarriers = response.size() / nof_links;
  std::span<cf_t>   gains(accumulator_.data(), process_values_.size());
  tap_gains(gains, time_s);
  std::fill(response.begin(), response.end(), cf_t());
  // Chunks of subcarriers: per path the phase ramp exp(-j 2 pi f_k tau) of the chunk is computed once (set exactly at
  // the chunk's first subcarrier, then advanced by one rotation per subcarrier in double) and added to every link.
  constexpr std::size_t chunk = 256;
  std::array<cf_t, chunk> ramp;
  for (std::size_t k0 = 0; k0 < nof_subcarriers; k0 += chunk) {
    const std::size_t length = std::min(chunk, nof_subcarriers - k0);
    for (unsigned p = 0; p != nof_paths; ++p) {
      const double tau         = path_delays_s_[p];
      double       step_cycles = -subcarrier_spacing_hz * tau;
      step_cycles -= std::floor(step_cycles);
      double cycles = -(first_subcarrier_hz + static_cast<double>(k0) * subcarrier_spacing_hz) * tau;
      cycles -= std::floor(cycles);
      const double step_re = std::cos(2.0 * std::numbers::pi * step_cycles);
      const double step_im = std::sin(2.0 * std::numbers::pi * step_cycles);
      double       e_re    = std::cos(2.0 * std::numbers::pi * cycles);
      double       e_im    = std::sin(2.0 * std::numbers::pi * cycles);
      for (std::size_t k = 0; k != length; ++k) {
        ramp[k]         = cf_t(static_cast<float>(e_re), static_cast<float>(e_im));
        const double re = e_re * step_re - e_im * step_im;
        e_im            = e_re * step_im + e_im * step_re;
        e_re            = re;
      }
      for (unsigned l = 0; l != nof_links; ++l) {
        accumulate(ramp.data(), gains[std::size_t{l} * nof_paths + p], response.data() + l * nof_subcarriers + k0,
                   length);
      }
    }
  }
}

void tdl_channel::apply(std::span<const std::span<const cf_t>> tx, std::span<const std::span<cf_t>> rx,
                        double start_time_s) noexcept
{
  assert(validate(tx, rx).is_ok());
  const double      fs    = config_.sample_rate_hz;
  const std::size_t total = tx.front().size();
  if (!(std::abs(start_time_s - next_start_s_) * fs <= 0.5)) {
    history_->clear();
  }
  next_start_s_ = start_time_s + static_cast<double>(total) / fs;

  const unsigned nof_paths      = this->nof_paths();
  const double   interval       = update_interval_;
  const double   start_position = start_time_s * fs - latency_;
  cf_t* const    acc0           = accumulator_.data();
  cf_t* const    acc1           = acc0 + block_size;

  for (std::size_t offset = 0; offset < total; offset += block_size) {
    const unsigned n = static_cast<unsigned>(std::min<std::size_t>(block_size, total - offset));
    for (unsigned u = 0; u != config_.nof_tx; ++u) {
      const cf_t* line = history_->load(u, tx[u].subspan(offset, n));
      for (unsigned p = 0; p != nof_paths; ++p) {
        const detail::delay_filter& filter = filters_[p];
        const std::size_t           index  = std::size_t{u} * nof_paths + p;
        if (filter.is_shift()) {
          delayed_inputs_[index] = line - filter.first_lag;
        } else {
          cf_t* out = delayed_.data() + index * block_size;
          detail::apply_delay_filter(filter, line, out, n);
          delayed_inputs_[index] = out;
        }
      }
    }

    // Runs of samples between two gain grid points.
    unsigned i = 0;
    while (i < n) {
      const double position = start_position + static_cast<double>(offset + i);
      int64_t      k;
      double       weight;
      grid_position(position, k, weight);
      const double   to_next = static_cast<double>(k + 1) * interval - position;
      const unsigned run     = static_cast<unsigned>(std::min<double>(n - i, std::max(1.0, std::ceil(to_next))));
      const cf_t*    a0      = grid_gains(k);
      const cf_t*    a1      = grid_gains(k + 1);
      for (unsigned r = 0; r != config_.nof_rx; ++r) {
        std::fill_n(acc0, run, cf_t());
        std::fill_n(acc1, run, cf_t());
        for (unsigned u = 0; u != config_.nof_tx; ++u) {
          const std::size_t link = link_index(u, r);
          for (unsigned p = 0; p != nof_paths; ++p) {
            const cf_t c0 = a0[link * nof_paths + p];
            const cf_t c1 = a1[link * nof_paths + p] - c0;
            accumulate(delayed_inputs_[std::size_t{u} * nof_paths + p] + i, c0, c1, acc0, acc1, run);
          }
        }
        cf_t* out = rx[r].data() + offset + i;
        for (unsigned j = 0; j != run; ++j) {
          const float w = static_cast<float>((weight * interval + j) / interval);
          out[j]        = acc0[j] + w * acc1[j];
        }
      }
      i += run;
    }
    history_->advance(n);
  }
}

} // namespace airan::phy
