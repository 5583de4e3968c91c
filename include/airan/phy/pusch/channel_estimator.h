#pragma once
/// PUSCH channel estimation from the DM-RS (TS 38.211 6.4.1.1): the effective channel of every layer at every rx
/// port, resource element of the allocation, plus noise-plus-interference statistics, SNR, timing and frequency
/// offsets. The DM-RS are precoded like the data (TS 38.211 6.4.1.1.3), so the channel of layer j is the precoded
/// one, sum_p H(rx, p) W(p, j).
///
/// Processing, common to every method (channel_estimator_kind):
/// 1. LS: the received DM-RS REs of each CDM group that carries layers are multiplied by the conjugate of the base
///    sequence r(m) (TS 38.211 6.4.1.1.1).
/// 2. Timing offset from the phase of the correlation of the LS values one CDM pair apart (4 subcarriers for type 1,
///    6 for type 2, so that the cross-terms of layers with different w_f cancel): unambiguous within
///    +-1 / (2 D df), 4.2 us (type 1) and 2.8 us (type 2) at 30 kHz. Frequency offset from the phase between
///    consecutive DM-RS occasions (symbols with the same l'), or between the two symbols of a single double-symbol
///    occasion when the layers of each CDM group share w_t: unambiguous within +-1 / (2 dt), e.g. 1.5 kHz for DM-RS on
///    symbols 2 and 11 at 30 kHz. Both offsets are then removed from the LS values (phase referred to the first
///    subcarrier of the allocation and to the first DM-RS symbol).
/// 3. Noise and interference (the same for every method). When the allocation has REs of CDM groups without data that
///    carry none of its layers, those REs hold nothing but noise and interference and alone give the statistics, free
///    of any channel model: covariance = sum y y^H / n. Otherwise, in every resource block, the LS values of each CDM
///    group and occasion (n of them) are fitted by least squares with, per layer of the group (L of them), its cover
///    code w_f(k') w_t(l') times a polynomial in frequency of degree 2 (when n >= 6 L), 1 (when n > 2 L) or 0;
///    the residual of a fit with K independent columns has n - K degrees of freedom, so sum |residual|^2 / (n - K) is
///    unbiased for white noise as long as the channel follows the polynomial over the resource block. The rx x rx
///    outer products of the residuals, over the same degrees of freedom, give the noise-plus-interference covariance;
///    its diagonal over the whole allocation is the noise variance of each rx port.
/// 4. CDM separation: the layers of a group are separated by despreading, i.e. averaging the LS values times the
///    layer's code over each pair of adjacent DM-RS REs (w_f: only when the group holds layers with different w_f, or,
///    for the DFT method, always with type 2 to get evenly spaced values; the result stands at the pair's centre) and
///    over the two symbols of a double-symbol occasion (w_t: always; the channel is taken as constant over them).
/// 5. Frequency: the method smooths the despread values (LS: moving average, or none; DFT denoising; LMMSE), then
///    linear interpolation to
///    every subcarrier of the allocation (constant beyond the first and last values), and the timing offset is put
///    back.
/// 6. Time: per dmrs_time_mode, the smoothed occasions are averaged, or linearly interpolated with constant
///    extrapolation outside them; the estimated frequency offset is put back as a phase rotation of each symbol.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace airan::phy {

/// Most OFDM symbols of a slot (normal cyclic prefix).
inline constexpr unsigned max_slot_symbols = 14;

enum class channel_estimator_kind : uint8_t {
  /// LS at the DM-RS REs (after despreading), smoothed in frequency by a moving average over the values of
  /// ls_smoothing_prb resource blocks; then linear interpolation in frequency and, per dmrs_time_mode, averaging or
  /// interpolation in time. ls_smoothing_prb = 0 and dmrs_time_mode = interpolate: raw LS values.
  ///
  /// Frequency: the despread values are evenly spaced D subcarriers apart (type 1: D = 2, or 4 for pairs; type 2:
  /// adjacent pilots are always averaged into pairs, D = 6). Each value is replaced by the mean of the W = 2 h + 1
  /// values centred on it, h = floor(6 ls_smoothing_prb / D) (the window spans at most ls_smoothing_prb resource
  /// blocks; fewer values when the allocation has fewer); the first and last h values, where no centred window
  /// fits, take the least-squares straight line through the first or last W values. Both are exact for a channel
  /// linear in frequency, so a flat channel (and a pure delay, whose slope the timing estimate removes) is not
  /// biased, band edges included. The mean keeps 1 / W of the noise variance (the edge fit 1 / W to (4 W - 2) /
  /// (W (W + 1))).
  /// Trade-off: a delay tau from the estimated timing passes with gain sin(pi W D df tau) / (W sin(pi D df tau)),
  /// about 1 - (pi D df tau)^2 (W^2 - 1) / 6: the 1 resource block default at 30 kHz (type 1, W = 7, D = 2) removes
  /// 8.5 dB of noise and passes 0.25 us at -0.2 dB and 0.6 us at -1 dB. For TDLA30 and TDLB100 wider windows would
  /// remove more noise at a negligible bias; for TDLC300 (taps up to 2.6 us) near 10 dB SNR the mean error of the
  /// default is within 1 dB of the best window (W = 5), and wider windows get worse. A channel with a longer delay
  /// spread needs a narrower window, or LMMSE with a matching profile.
  ///
  /// Time: see dmrs_time_mode; the noise of a smoothed value is that of a despread value / W.
  ls_linear,
  /// LS, then denoising in the delay domain: the values of each DM-RS occasion, extended to a power-of-two length by
  /// a smooth raised-cosine bridge from the last value back to the first (so that the periodic extension has no
  /// jump), are transformed by an FFT; delays outside +-dft_max_delay_s and delay bins whose power, averaged over rx
  /// ports and occasions, is below dft_threshold times the noise level are zeroed before the inverse FFT.
  dft,
  /// LMMSE (Wiener) smoothing in frequency: each value is estimated from the lmmse_filter_length nearest LS values
  /// with the frequency correlation of an assumed power-delay profile (lmmse_profile, lmmse_delay_spread_s, centred on
  /// the estimated timing), the channel power and the noise variance estimated for each rx port and layer. The
  /// design SNR is capped at 60 dB, which keeps the filter well conditioned (error about -75 dB without noise). A
  /// channel longer than the assumed profile is smoothed too much: choose lmmse_delay_spread_s for the deployment.
  lmmse,
};

/// Use of the DM-RS occasions of a slot, after the smoothing in frequency, by every method.
///
/// Linear interpolation between the occasions follows a channel that changes over the slot; averaging the occasions
/// halves the noise again (two occasions) but holds the channel constant. For a channel linear in time, averaging has
/// the lower mean error over the slot exactly when the power of the channel change between consecutive occasions is
/// below twice the noise variance of a smoothed value; `adaptive` measures the mean |x_{o+1} - x_o|^2 over the
/// smoothed values of every rx port (change plus twice their noise) and averages when it is at most four times their
/// noise variance. That noise is the despread values' times the smoothing's noise gain: 1 / W for LS, the fraction of
/// delay bins kept for DFT, the sum of the squared taps of the interior filter (mean over rx ports) for LMMSE.
/// Averaged, the estimate is one channel turned by the frequency offset's phase (channel_estimate::symbol_phase()),
/// which lets the equalizer solve once per resource element for the whole slot.
enum class dmrs_time_mode : uint8_t {
  /// Linear interpolation between occasions, constant outside them.
  interpolate,
  /// The mean of all occasions for every symbol (low Doppler).
  average,
  /// Averaging when the measured change between occasions is small against the noise, interpolation otherwise.
  adaptive,
};

/// Power-delay profile assumed by the LMMSE method, both of RMS delay spread sigma and centred on their mean delay.
enum class power_delay_profile : uint8_t {
  /// Uniform over a width sqrt(12) sigma: correlation sin(pi f T) / (pi f T) at frequency distance f.
  uniform,
  /// Exponential exp(-tau / sigma): correlation exp(j 2 pi f sigma) / (1 + j 2 pi f sigma).
  exponential,
};

struct channel_estimator_config {
  /// Largest allocation, receive ports and layers handled; buffers are sized for them at creation.
  unsigned max_nof_prb = 275;
  unsigned max_nof_rx_ports = 8;
  unsigned max_nof_layers = 4;
  /// Resource blocks per noise-plus-interference covariance matrix (the last group may be smaller); 0: one matrix
  /// for the whole allocation.
  unsigned covariance_nof_prb = 0;
  /// DFT method: largest |delay| kept, relative to the estimated timing, in seconds; 0: the cyclic prefix duration
  /// of the carrier's numerology (TS 38.211 5.3.1, normal CP: 144 kappa 2^-mu T_c).
  float dft_max_delay_s = 0.0F;
  /// DFT method: a delay bin is kept when its average power exceeds this many times the noise power per bin.
  float dft_threshold = 3.0F;
  /// LMMSE method: assumed profile and RMS delay spread, and number of LS values per estimate.
  power_delay_profile lmmse_profile = power_delay_profile::uniform;
  float lmmse_delay_spread_s = 300e-9F;
  unsigned lmmse_filter_length = 16;
  /// LS method: width of the frequency smoothing window in resource blocks (0: none).
  float ls_smoothing_prb = 1.0F;
  /// Every method: use of the DM-RS occasions in time.
  dmrs_time_mode dmrs_time = dmrs_time_mode::adaptive;
};

/// Checks the maxima (max_nof_prb 1..275, max_nof_rx_ports 1..16, max_nof_layers 1..4), covariance_nof_prb <=
/// max_nof_prb, dft_max_delay_s in [0, 1e-3), dft_threshold in [0, 1e3], lmmse_delay_spread_s in [0, 1e-4) and
/// lmmse_filter_length 1..64, ls_smoothing_prb in [0, 8] and dmrs_time a valid mode.
status validate_channel_estimator_config(const channel_estimator_config& config);

/// The result of one estimate. Buffers are allocated at creation for the maxima of a configuration; estimate() sets
/// the dimensions and fills them.
class channel_estimate {
public:
  explicit channel_estimate(const channel_estimator_config& config);

  /// True when an allocation of these dimensions fits the buffers.
  bool fits(unsigned nof_rx_ports, unsigned nof_layers, unsigned nof_prb) const;
  /// Sets the dimensions of the next estimate. Requires fits(nof_rx_ports, nof_layers, nof_prb), nof_symbols <= 14
  /// and covariance_nof_prb <= nof_prb (0: one covariance for the allocation).
  void reshape(unsigned nof_rx_ports, unsigned nof_layers, unsigned nof_symbols, unsigned nof_prb,
               unsigned covariance_nof_prb);

  unsigned nof_rx_ports() const { return nof_rx_ports_; }
  unsigned nof_layers() const { return nof_layers_; }
  /// OFDM symbols of the allocation: symbol 0 of channel() is the allocation's first symbol (pdu.start_symbol).
  unsigned nof_symbols() const { return nof_symbols_; }
  /// Subcarriers of the allocation, 12 nof_prb: subcarrier 0 of channel() is subcarrier 12 pdu.prb_start of the BWP.
  unsigned nof_subcarriers() const { return nof_subcarriers_; }

  /// Channel of one rx port, layer and OFDM symbol of the allocation, one value per allocated subcarrier. The whole
  /// estimate is one array laid out [rx][layer][symbol][subcarrier] (all_channels()). Of a time-invariant estimate
  /// (symbol_phase() not empty) only symbol 0 is computed by the estimator; the first access to another symbol, or to
  /// all_channels(), fills every symbol as symbol_phase()[l] channel(rx, layer, 0).
  std::span<const cf_t> channel(unsigned rx, unsigned layer, unsigned symbol) const;
  std::span<cf_t> channel(unsigned rx, unsigned layer, unsigned symbol);
  std::span<const cf_t> all_channels() const;

  /// Per rx port: noise-plus-interference variance per RE (the grid's units), measured DM-RS EPRE (mean |y|^2 over the
  /// REs of the CDM groups that carry layers, noise included), and SNR in dB of a data RE: sum over layers of the
  /// channel power (bias-corrected LS) over the noise variance, clamped to [-40, 100] dB.
  std::span<const float> noise_variance() const { return {noise_var_.data(), nof_rx_ports_}; }
  std::span<const float> dmrs_epre() const { return {epre_.data(), nof_rx_ports_}; }
  std::span<const float> snr_db() const { return {snr_db_.data(), nof_rx_ports_}; }
  std::span<float> noise_variance() { return {noise_var_.data(), nof_rx_ports_}; }
  std::span<float> dmrs_epre() { return {epre_.data(), nof_rx_ports_}; }
  std::span<float> snr_db() { return {snr_db_.data(), nof_rx_ports_}; }

  /// Noise-plus-interference covariance, one Hermitian rx x rx matrix (row-major, both triangles) per group of
  /// covariance_nof_prb() resource blocks: group g covers resource blocks [g n, min((g + 1) n, nof_prb)) of the
  /// allocation.
  unsigned nof_covariance_groups() const { return nof_covariance_groups_; }
  unsigned covariance_nof_prb() const { return covariance_nof_prb_; }
  std::span<const cf_t> noise_covariance(unsigned group) const;
  std::span<cf_t> noise_covariance(unsigned group);

  /// Non-empty when the estimate holds the channel of every port and layer constant over the allocation's symbols up
  /// to a common phase (one DM-RS occasion, or the occasions averaged): then channel(rx, layer, l) equals
  /// symbol_phase()[l] channel(rx, layer, 0) up to rounding, with |symbol_phase()[l]| = 1 (the rotation of the
  /// frequency offset; all 1 without one), and an equaliser may solve once per RE for every symbol. nof_symbols()
  /// values.
  std::span<const cf_t> symbol_phase() const
  {
    return {symbol_phase_.data(), time_invariant_ ? nof_symbols_ : 0U};
  }
  /// Marks the estimate as time invariant with these phases (nof_symbols() values), its other symbols to be derived
  /// from symbol 0 when read, or not time invariant with an empty span.
  void set_symbol_phase(std::span<const cf_t> phase);
  /// Sets symbols 1.. of a layer, at every rx port, to symbol 0 times phase[l] (nof_symbols() values).
  void derive_layer(unsigned layer, std::span<const cf_t> phase);

  /// Timing offset in seconds: positive when the signal arrives late (Y(k) = X(k) exp(-j 2 pi k df tau)).
  float time_offset_s = 0.0F;
  /// Frequency offset in Hz (a phase exp(j 2 pi f t) growing over the slot); none with a single DM-RS symbol, or a
  /// single double-symbol occasion whose CDM groups mix w_t.
  std::optional<float> cfo_hz;

private:
  unsigned max_nof_rx_ports_;
  unsigned max_nof_layers_;
  unsigned max_nof_prb_;
  unsigned nof_rx_ports_ = 0;
  unsigned nof_layers_ = 0;
  unsigned nof_symbols_ = 0;
  unsigned nof_subcarriers_ = 0;
  unsigned nof_covariance_groups_ = 0;
  unsigned covariance_nof_prb_ = 0;
  /// Fills symbols 1.. of every rx port and layer from symbol 0 if set_symbol_phase() left them to derive.
  void derive_symbols() const;
  /// derive_layer() on the mutable channel, for derive_symbols().
  void write_derived_layer(unsigned layer, const cf_t* phase) const;

  /// mutable: the derived symbols are written on first read (one object serves one thread at a time).
  mutable std::vector<cf_t> channel_;
  mutable bool symbols_pending_ = false;
  std::vector<float> noise_var_;
  std::vector<float> epre_;
  std::vector<float> snr_db_;
  std::vector<cf_t> covariance_;
  bool time_invariant_ = false;
  std::array<cf_t, max_slot_symbols> symbol_phase_{};
};

/// DM-RS based channel estimator of the PUSCH. Holds scratch buffers: one object per thread.
class channel_estimator {
public:
  virtual ~channel_estimator() = default;

  virtual channel_estimator_kind kind() const = 0;

  /// Checks the PDU's DM-RS configuration and allocation (compute_pusch_dmrs_pattern()) and this estimator's maxima:
  /// nof_rx_ports in 1..max_nof_rx_ports, nof_prb <= max_nof_prb, nof_layers <= max_nof_layers.
  virtual status validate(const pusch_pdu& pdu, const carrier_config& carrier, unsigned nof_rx_ports) const = 0;

  /// Estimates the channel of the allocation from the DM-RS (see the top of this file). Requires
  /// validate(pdu, carrier, rx_grid.nof_ports) ok, pattern from compute_pusch_dmrs_pattern(pdu, carrier), out created
  /// with maxima at least this estimator's, and rx_grid covering the slot: nof_symbols = N_symb^slot,
  /// nof_subcarriers = 12 carrier.bwp_size (subcarrier 0 is the BWP's first).
  virtual void estimate(channel_estimate&         out,
                        const_grid_view           rx_grid,
                        const pusch_pdu&          pdu,
                        const carrier_config&     carrier,
                        const pusch_dmrs_pattern& pattern) noexcept = 0;
};

/// Creates an estimator of the given kind, allocating every buffer (and the DFT method's FFT plans) for the
/// configuration's maxima. Returns null when validate_channel_estimator_config(config) fails.
std::unique_ptr<channel_estimator> make_channel_estimator(channel_estimator_kind kind,
                                                          const channel_estimator_config& config);

} // namespace airan::phy
