#pragma once
/// Impairments added to a signal after the fading channel: white Gaussian noise at a given SNR, carrier frequency
/// offset and timing offset. CPU, deterministic given a seed.
///
/// SNR definitions. The SNR is stated per resource element, SNR_RE = S_RE / N_RE: S_RE the average received signal
/// power per RE at one receive antenna, N_RE the noise power in the bandwidth of one RE (signal and noise both taken
/// over the transmission bandwidth, as the base-station performance requirements do). With this project's OFDM
/// scaling (ofdm.h: unitary DFT) white noise of variance sigma^2 per time-domain sample has variance sigma^2 per RE
/// after demodulation, so:
/// - frequency-domain sweeps (y = H x + n per RE) and time-domain signals alike: sigma^2 = S_RE / SNR_RE
///   (awgn_noise_variance(snr_db, S_RE));
/// - a time-domain signal has the power per sample S_sample = S_RE N_used / N_FFT (N_used occupied subcarriers out of
///   the FFT size; the cyclic prefix repeats samples and does not change the average), so the same noise is
///   SNR_sample = SNR_RE N_used / N_FFT: snr_per_sample_db(). awgn_noise_variance(snr_sample_db, S_sample) gives the
///   same sigma^2 from a measured time-domain power.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/channel/delay_interpolation.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace airan::phy {

namespace detail {
class random_generator;
class sample_history;
struct delay_filter;
} // namespace detail

/// SNRs accepted by validate_snr_db(), in dB.
constexpr double min_snr_db = -50.0;
constexpr double max_snr_db = 100.0;

/// Checks an SNR: finite, in [min_snr_db, max_snr_db].
status validate_snr_db(double snr_db);

/// Noise variance E|n|^2 that gives the SNR (dB) against a signal power: signal_power / 10^(snr_db / 10).
double awgn_noise_variance(double snr_db, double signal_power) noexcept;

/// The per-sample SNR (dB) of a time-domain OFDM signal whose per-RE SNR is snr_per_re_db:
/// snr_per_re_db + 10 log10(nof_used_subcarriers / fft_size).
double snr_per_sample_db(double snr_per_re_db, unsigned nof_used_subcarriers, unsigned fft_size) noexcept;

/// Circular complex white Gaussian noise, a portable generator (the same numbers on every platform for a seed). One
/// object serves one thread at a time; consecutive calls continue one sequence.
class awgn_generator {
public:
  explicit awgn_generator(uint64_t seed);
  awgn_generator(awgn_generator&&) noexcept;
  awgn_generator& operator=(awgn_generator&&) noexcept;
  ~awgn_generator();

  /// samples[n] += n_n, E|n_n|^2 = noise_variance (noise_variance / 2 per real dimension). Does not allocate.
  void add(std::span<cf_t> samples, float noise_variance) noexcept;

private:
  std::unique_ptr<detail::random_generator> rng_;
};

/// Checks a carrier frequency offset against the sample rate: finite, |cfo_hz| < sample_rate_hz / 2, rate > 0.
status validate_frequency_offset(double cfo_hz, double sample_rate_hz);

/// Carrier frequency offset: samples[n] *= exp(j 2 pi cfo_hz t_n), t_n = start_time_s + n / sample_rate_hz (a phase
/// ramp in absolute time, continuous across blocks). Requires validate_frequency_offset() to be ok.
void apply_frequency_offset(std::span<cf_t> samples, double cfo_hz, double sample_rate_hz,
                            double start_time_s) noexcept;

/// Largest timing offset accepted, in samples.
constexpr double max_timing_offset_samples = 1.0e6;

struct timing_offset_config {
  /// Ports delayed alike (1 .. 16).
  unsigned nof_ports = 1;
  /// Delay d >= 0 in samples: a whole part and a fraction.
  double              delay_samples = 0.0;
  delay_interpolation interpolation = delay_interpolation::windowed_sinc;
};

/// Checks the number of ports, the delay (finite, 0 .. max_timing_offset_samples) and the interpolation.
status validate_timing_offset_config(const timing_offset_config& config);

/// Timing offset: out[n] = in(n - d - latency_samples()), the fraction of d realised as delay_interpolation.h says
/// (latency_samples() = delay_latency_samples(interpolation)). Consecutive calls continue one signal. One object serves
/// one thread at a time.
class timing_offset {
public:
  /// Requires validate_timing_offset_config(config) to be ok.
  explicit timing_offset(const timing_offset_config& config);
  timing_offset(timing_offset&&) noexcept;
  timing_offset& operator=(timing_offset&&) noexcept;
  ~timing_offset();

  unsigned latency_samples() const noexcept { return delay_latency_samples(config_.interpolation); }

  /// Checks nof_ports input and output spans, all of one length.
  status validate(std::span<const std::span<const cf_t>> in, std::span<const std::span<cf_t>> out) const;

  /// Delays one block of every port. out[p] may be the same memory as in[p]. Requires validate(in, out) to be ok.
  /// Does not allocate.
  void apply(std::span<const std::span<const cf_t>> in, std::span<const std::span<cf_t>> out) noexcept;

private:
  timing_offset_config                    config_;
  std::unique_ptr<detail::delay_filter>   filter_;
  std::unique_ptr<detail::sample_history> history_;
};

} // namespace airan::phy
