#include "airan/phy/channel/impairments.h"

#include "channel_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

namespace airan::phy {

namespace {

/// Samples timing_offset::apply() processes at once.
constexpr unsigned block_size = 1024;

} // namespace

status validate_snr_db(double snr_db)
{
  if (!(snr_db >= min_snr_db && snr_db <= max_snr_db)) {
    return status::error("SNR " + std::to_string(snr_db) + " dB outside [" + std::to_string(min_snr_db) + ", " +
                         std::to_string(max_snr_db) + "] dB");
  }
  return status::ok();
}

double awgn_noise_variance(double snr_db, double signal_power) noexcept
{
  return signal_power * std::pow(10.0, -snr_db / 10.0);
}

double snr_per_sample_db(double snr_per_re_db, unsigned nof_used_subcarriers, unsigned fft_size) noexcept
{
  return snr_per_re_db + 10.0 * std::log10(static_cast<double>(nof_used_subcarriers) / fft_size);
}

awgn_generator::awgn_generator(uint64_t seed) : rng_(std::make_unique<detail::random_generator>(seed)) {}
awgn_generator::awgn_generator(awgn_generator&&) noexcept            = default;
awgn_generator& awgn_generator::operator=(awgn_generator&&) noexcept = default;
awgn_generator::~awgn_generator()                                    = default;

void awgn_generator::add(std::span<cf_t> samples, float noise_variance) noexcept
{
  assert(noise_variance >= 0.0F && std::isfinite(noise_variance));
  const double sigma = std::sqrt(static_cast<double>(noise_variance));
  for (cf_t& x : samples) {
    const std::complex<double> n = rng_->complex_gaussian();
    x += cf_t(static_cast<float>(sigma * n.real()), static_cast<float>(sigma * n.imag()));
  }
}

status validate_frequency_offset(double cfo_hz, double sample_rate_hz)
{
  if (!(sample_rate_hz > 0.0 && std::isfinite(sample_rate_hz))) {
    return status::error("sample rate " + std::to_string(sample_rate_hz) + " Hz is not positive");
  }
  if (!(std::abs(cfo_hz) < sample_rate_hz / 2.0)) {
    return status::error("frequency offset " + std::to_string(cfo_hz) + " Hz not within +-half the sample rate (" +
                         std::to_string(sample_rate_hz / 2.0) + " Hz)");
  }
  return status::ok();
}

void apply_frequency_offset(std::span<cf_t> samples, double cfo_hz, double sample_rate_hz,
                            double start_time_s) noexcept
{
  assert(validate_frequency_offset(cfo_hz, sample_rate_hz).is_ok());
  // The phasor is set exactly (from the absolute time) every `anchor` samples and rotated in double in between.
  constexpr std::size_t anchor      = 256;
  const double          step_cycles = cfo_hz / sample_rate_hz;
  const double          step_re     = std::cos(2.0 * std::numbers::pi * step_cycles);
  const double          step_im     = std::sin(2.0 * std::numbers::pi * step_cycles);
  for (std::size_t n0 = 0; n0 < samples.size(); n0 += anchor) {
    double cycles = cfo_hz * start_time_s + static_cast<double>(n0) * step_cycles;
    cycles -= std::floor(cycles);
    double            e_re = std::cos(2.0 * std::numbers::pi * cycles);
    double            e_im = std::sin(2.0 * std::numbers::pi * cycles);
    const std::size_t end  = std::min(samples.size(), n0 + anchor);
    for (std::size_t n = n0; n != end; ++n) {
      samples[n] *= cf_t(static_cast<float>(e_re), static_cast<float>(e_im));
      const double re = e_re * step_re - e_im * step_im;
      e_im            = e_re * step_im + e_im * step_re;
      e_re            = re;
    }
  }
}

status validate_timing_offset_config(const timing_offset_config& config)
{
  if (config.nof_ports < 1 || config.nof_ports > 16) {
    return status::error("timing offset for " + std::to_string(config.nof_ports) + " ports (1 .. 16)");
  }
  if (!(config.delay_samples >= 0.0 && config.delay_samples <= max_timing_offset_samples)) {
    return status::error("timing offset " + std::to_string(config.delay_samples) + " samples outside [0, " +
                         std::to_string(max_timing_offset_samples) + "]");
  }
  if (config.interpolation != delay_interpolation::nearest_sample &&
      config.interpolation != delay_interpolation::windowed_sinc) {
    return status::error("unknown delay interpolation " + std::to_string(static_cast<unsigned>(config.interpolation)));
  }
  return status::ok();
}

timing_offset::timing_offset(const timing_offset_config& config) :
  config_(config),
  filter_(std::make_unique<detail::delay_filter>(detail::make_delay_filter(config.delay_samples, config.interpolation)))
{
  assert(validate_timing_offset_config(config).is_ok());
  history_ = std::make_unique<detail::sample_history>(config.nof_ports, filter_->last_lag(), block_size);
}

timing_offset::timing_offset(timing_offset&&) noexcept            = default;
timing_offset& timing_offset::operator=(timing_offset&&) noexcept = default;
timing_offset::~timing_offset()                                   = default;

status timing_offset::validate(std::span<const std::span<const cf_t>> in, std::span<const std::span<cf_t>> out) const
{
  if (in.size() != config_.nof_ports || out.size() != config_.nof_ports) {
    return status::error("timing offset of " + std::to_string(config_.nof_ports) + " ports given " +
                         std::to_string(in.size()) + " inputs and " + std::to_string(out.size()) + " outputs");
  }
  for (std::size_t port = 0; port != in.size(); ++port) {
    if (in[port].size() != in.front().size() || out[port].size() != in.front().size()) {
      return status::error("timing offset: every input and output span needs " + std::to_string(in.front().size()) +
                           " samples");
    }
  }
  return status::ok();
}

void timing_offset::apply(std::span<const std::span<const cf_t>> in, std::span<const std::span<cf_t>> out) noexcept
{
  assert(validate(in, out).is_ok());
  const std::size_t total = in.front().size();
  for (std::size_t offset = 0; offset < total; offset += block_size) {
    const unsigned n = static_cast<unsigned>(std::min<std::size_t>(block_size, total - offset));
    for (unsigned port = 0; port != config_.nof_ports; ++port) {
      const cf_t* line = history_->load(port, in[port].subspan(offset, n));
      detail::apply_delay_filter(*filter_, line, out[port].data() + offset, n);
    }
    history_->advance(n);
  }
}

} // namespace airan::phy
