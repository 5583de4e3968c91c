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
///    6 for type 2, which cancels the cross-terms of layers with different w_f); frequency offset from the phase
///    between DM-RS occasions (or between the two symbols of a single double-symbol occasion when no CDM group mixes
///    w_t). Both are then removed from the LS values (referred to the first DM-RS symbol).
/// 3. Noise and interference: in every resource block, the LS values of each CDM group and DM-RS occasion are
///    fitted by least squares with, per layer of the group, its cover code w_f(k') w_t(l') times a constant and
///    (when the block has enough REs) a linear slope over frequency; the residual has K fewer degrees of freedom than
///    the n REs fitted, so sum |residual|^2 / (n - K) is unbiased for white noise under that local model. The REs of
///    CDM groups without data and without layers are pure noise and counted with n degrees of freedom. The rx x rx
///    outer products of the residuals, over the same degrees of freedom, give the noise-plus-interference covariance.
/// 4. CDM separation: the layers of a group are separated by despreading, i.e. averaging the LS values times the
///    layer's code over each pair of adjacent DM-RS REs (w_f, only when the group holds layers with different w_f,
///    or, for the DFT method, always with type 2 to get evenly spaced values) and over the two symbols of a
///    double-symbol occasion (w_t; always done: the channel is taken as constant over the two symbols).
/// 5. Frequency: the method smooths the despread values (none, DFT windowing, or LMMSE), then linear interpolation
///    to every subcarrier of the allocation, and the timing offset is put back.
/// 6. Time: linear interpolation between DM-RS occasions and constant extrapolation outside them, with the
///    estimated frequency offset put back as a phase rotation of each symbol.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace airan::phy {

enum class channel_estimator_kind : uint8_t {
  /// LS at the DM-RS REs (after despreading), linear interpolation in frequency and time; no smoothing.
  ls_linear,
  /// LS, then denoising in the delay domain: the values of each DM-RS occasion, extended to a power-of-two length by
  /// a smooth raised-cosine bridge from the last value back to the first (so that the periodic extension has no
  /// jump), are transformed by an FFT; delays outside +-dft_max_delay_s and delay bins whose power, averaged over rx
  /// ports and occasions, is below dft_threshold times the noise level are zeroed before the inverse FFT.
  dft,
  /// LMMSE (Wiener) smoothing in frequency: each value is estimated from the lmmse_filter_length nearest LS values
  /// with the frequency correlation of an assumed power-delay profile (lmmse_profile, lmmse_delay_spread_s, centred on
  /// the estimated timing), the channel power and the noise variance estimated for each rx port and layer.
  lmmse,
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
};

/// Checks the maxima (max_nof_prb 1..275, max_nof_rx_ports 1..16, max_nof_layers 1..4), covariance_nof_prb <=
/// max_nof_prb, dft_max_delay_s in [0, 1e-3), dft_threshold in [0, 1e3], lmmse_delay_spread_s in [0, 1e-4) and
/// lmmse_filter_length 1..64.
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
  /// estimate is one array laid out [rx][layer][symbol][subcarrier] (all_channels()).
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
  std::vector<cf_t> channel_;
  std::vector<float> noise_var_;
  std::vector<float> epre_;
  std::vector<float> snr_db_;
  std::vector<cf_t> covariance_;
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
