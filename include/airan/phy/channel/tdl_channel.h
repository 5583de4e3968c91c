#pragma once
/// Time-varying tapped delay line (TDL) fading channel for test-vector generation and BLER sweeps, on the CPU and
/// deterministic given a seed.
///
/// Model. Between transmit antenna u and receive antenna r (link l = u * nof_rx + r) the channel is
///   y_r(t) = sum_u sum_p a_{l,p}(t) x_u(t - tau_p),
/// with the paths p (delay tau_p, power P_p, sum P_p = 1) of tdl_power_delay_profile() (TR 38.901 7.7.2 and 7.7.3,
/// TS 38.104 G.2.1). The path gains are
///   a_{l,p}(t) = sqrt(P_p) sum_m L[l][m] g_{m,p}(t),
/// L the lower Cholesky factor of the spatial correlation R of mimo_correlation_matrix() (TS 38.104 G.2.3.1; the
/// same R for every path), g_{m,p} independent unit-power fading processes: Rayleigh with the classical (Jakes) Doppler
/// spectrum of maximum Doppler f_D, each a sum of 2 x 16 sinusoids drawn once from the seed (the model of Zheng and
/// Xiao: ensemble autocorrelation J0(2 pi f_D tau), time-average power of every realisation 1), and for the first path
/// of TDL-D and TDL-E (TR 38.901 7.7.2) Rician,
///   g_{m,0}(t) = sqrt(K / (K + 1)) exp(j (2 pi 0.7 f_D t + phi_m)) + sqrt(1 / (K + 1)) g'_{m,0}(t),
/// with the K-factor of the table, the LOS Doppler peak at 0.7 f_D of TR 38.901 7.7.2 and an independent uniform LOS
/// phase phi_m per link. (R mixes the LOS parts of the links too, so every path has covariance exactly R; the first
/// path of one link is Rician with the table's K-factor when R is the identity.) Every process is a function of
/// absolute time: the channel is continuous across calls whatever their lengths.
///
/// Gain updates. The gains are computed exactly at the grid times k U / f_s (U = gain_update_interval_samples(), about
/// 1 / (256 f_D), at most 1 ms) and interpolated linearly in between: the error is below (2 pi / 256)^2 / 8 = -82 dB of
/// the path amplitude.
///
/// Delays: see delay_interpolation.h. The time-domain output is the physical channel output latency_samples() later.
///
/// Frequency domain: frequency_response() gives H_l(f, t) = sum_p a_{l,p}(t) exp(-j 2 pi f tau_p) on the subcarriers
/// of an OFDM symbol, with the delays as applied in the time domain (rounded ones for nearest_sample), for sweeps that
/// skip the OFDM modulation (y = H x + n per resource element).

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/channel/delay_interpolation.h"
#include "airan/phy/channel/mimo_correlation.h"
#include "airan/phy/channel/tdl_profiles.h"

#include <array>
#include <complex>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace airan::phy {

namespace detail {
class fading_processes;
class sample_history;
struct delay_filter;
} // namespace detail

/// Largest maximum Doppler accepted (a UE at 500 km/h on 28 GHz sees 13 kHz).
constexpr double tdl_max_doppler_hz = 20.0e3;
/// Sample rates accepted.
constexpr double tdl_min_sample_rate_hz = 1.0e6;
constexpr double tdl_max_sample_rate_hz = 1.0e9;

struct tdl_channel_config {
  tdl_model model = tdl_model::tdla30;
  /// RMS delay spread DS for TDL-A .. TDL-E (TR 38.901 7.7.3); 0 for the presets TDLA30, TDLB100, TDLC300.
  double delay_spread_s = 0.0;
  /// Maximum Doppler f_D, 0 .. tdl_max_doppler_hz (0: static channel).
  double max_doppler_hz = 10.0;
  /// Transmit (UE) and receive (gNB) antennas; see validate_mimo_correlation() for the supported pairs.
  unsigned         nof_tx      = 1;
  unsigned         nof_rx      = 2;
  mimo_correlation correlation = mimo_correlation::low;
  double           sample_rate_hz = 30.72e6;
  /// Same seed, same channel; different seeds, independent channels.
  uint64_t            seed          = 0;
  delay_interpolation interpolation = delay_interpolation::windowed_sinc;
};

/// Checks every parameter: model and delay spread (validate_tdl_profile()), Doppler, sample rate, antennas and
/// correlation (validate_mimo_correlation()), interpolation.
status validate_tdl_channel_config(const tdl_channel_config& config);

/// Sets model, delay_spread_s and max_doppler_hz from a TS 38.104 propagation condition name, "TDLA30-10",
/// "TDLB100-400", "TDLC300-100" (preset, dash, maximum Doppler in Hz; Table G.2.2-1), or from a bare model name
/// (tdl_model_name(): the delay spread of a scaled model and the Doppler are then left as they are).
status parse_tdl_channel_name(std::string_view name, tdl_channel_config& config);

class tdl_channel {
public:
  /// Draws the fading processes. Requires validate_tdl_channel_config(config) to be ok.
  explicit tdl_channel(const tdl_channel_config& config);
  tdl_channel(tdl_channel&&) noexcept;
  tdl_channel& operator=(tdl_channel&&) noexcept;
  ~tdl_channel();

  const tdl_channel_config& config() const noexcept { return config_; }
  unsigned nof_links() const noexcept { return config_.nof_tx * config_.nof_rx; }
  unsigned nof_paths() const noexcept { return static_cast<unsigned>(path_powers_.size()); }
  /// Link index of a transmit and a receive antenna (the layout of the correlation matrix, tap_gains() and
  /// frequency_response()).
  unsigned link_index(unsigned tx, unsigned rx) const noexcept { return tx * config_.nof_rx + rx; }
  /// The path delays as applied (rounded to the sample grid for nearest_sample), in seconds.
  std::span<const double> path_delays_s() const noexcept { return path_delays_s_; }
  /// P_p, summing to 1.
  std::span<const double> path_powers() const noexcept { return path_powers_; }
  /// R, nof_links() x nof_links(), row-major.
  std::span<const double> correlation_matrix() const noexcept { return correlation_; }
  /// Fixed extra delay of the time-domain output, delay_latency_samples(config().interpolation).
  unsigned latency_samples() const noexcept { return latency_; }
  /// U: samples between two exact evaluations of the gains.
  unsigned gain_update_interval_samples() const noexcept { return update_interval_; }

  /// Checks the arguments of apply(): nof_tx input and nof_rx output spans, all of one length.
  status validate(std::span<const std::span<const cf_t>> tx, std::span<const std::span<cf_t>> rx) const;

  /// Passes one block of samples through the channel: rx_r[n] = y_r(t_n - latency_samples() / f_s) with
  /// t_n = start_time_s + n / f_s the time of tx_u[n]. The delayed paths reach back into earlier blocks: consecutive
  /// calls (start_time_s equal, to half a sample, to the end of the previous block) continue the signal seamlessly,
  /// so applying the channel to two halves gives what applying it to the whole does; any other start_time_s starts a
  /// new burst (nothing transmitted before it). rx may be the same memory as tx. Requires validate(tx, rx) to be ok.
  /// Does not allocate.
  void apply(std::span<const std::span<const cf_t>> tx, std::span<const std::span<cf_t>> rx,
             double start_time_s) noexcept;

  /// a_{l,p}(time_s) for every link and path, [link][path] (nof_links() * nof_paths() values), as apply() uses them.
  void tap_gains(std::span<cf_t> gains, double time_s) noexcept;

  /// H_l(f_k, time_s) for f_k = first_subcarrier_hz + k subcarrier_spacing_hz, k = 0 .. K - 1, [link][k]; K is
  /// response.size() / nof_links(). With this project's OFDM grid (ofdm.h) subcarrier k of N_RB PRB is at
  /// (k - 6 N_RB) Delta f: first_subcarrier_hz = -6 N_RB Delta f. Requires validate_frequency_response() to be ok.
  /// Does not allocate.
  void frequency_response(std::span<cf_t> response, double time_s, double first_subcarrier_hz,
                          double subcarrier_spacing_hz) noexcept;

  /// Checks that the response holds a whole, non-zero number of subcarriers per link.
  status validate_frequency_response(std::span<const cf_t> response) const;

private:
  /// The gains at grid point k, from a two-entry cache.
  const cf_t* grid_gains(int64_t k) noexcept;
  /// Position of a time on the gain grid: grid point and weight of the next one.
  void grid_position(double position_samples, int64_t& k, double& weight) const noexcept;

  tdl_channel_config  config_;
  std::vector<double> path_delays_s_;
  std::vector<double> path_powers_;
  std::vector<double> path_amplitudes_;
  std::vector<double> correlation_;
  /// Lower Cholesky factor of correlation_.
  std::vector<double> cholesky_;
  double              k_factor_;
  double              los_doppler_hz_;
  std::vector<double> los_phases_cycles_;
  unsigned            latency_;
  unsigned            update_interval_;

  std::unique_ptr<detail::fading_processes> processes_;
  std::vector<detail::delay_filter>         filters_;
  std::unique_ptr<detail::sample_history>   history_;
  /// Time the next contiguous block starts at (NaN before the first block).
  double next_start_s_;

  // Scratch, sized at creation.
  std::vector<std::complex<double>> process_values_;
  /// Gains at two grid points, [entry][link][path], and the grid point each entry holds.
  std::vector<cf_t>      cached_gains_;
  std::array<int64_t, 2> cached_points_;
  unsigned               last_used_entry_ = 0;
  /// Delayed inputs [tx][path][sample] of one block, and pointers to them (or into the history for shifts).
  std::vector<cf_t>        delayed_;
  std::vector<const cf_t*> delayed_inputs_;
  std::vector<cf_t>        accumulator_;
};

} // namespace airan::phy
