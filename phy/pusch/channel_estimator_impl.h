#pragma once
// The part of the PUSCH channel estimators shared by every method: LS, timing and frequency offsets, noise and
// covariance, CDM despreading, averaging or interpolation in time, interpolation in frequency
// (channel_estimator_common.cpp, channel_estimator_statistics.cpp). A method supplies only the smoothing of the
// despread LS values in frequency.

#include "airan/phy/pusch/channel_estimator.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace airan::phy {

/// One layer's despread LS values for every rx port and DM-RS occasion, smoothed in place by a method.
struct layer_pilots {
  /// [rx][occasion][nof_pilots].
  cf_t* values = nullptr;
  unsigned nof_rx_ports = 0;
  unsigned nof_occasions = 0;
  unsigned nof_pilots = 0;
  /// Subcarrier of each value counted from the allocation's first subcarrier (x.5 for the centre of a pair).
  std::span<const float> positions;
  /// Subcarriers between consecutive values when they are evenly spaced, 0 otherwise.
  float spacing = 0.0F;
  /// Per rx port: noise variance of each value, and channel power (mean |value|^2 less the noise variance, >= 0).
  std::span<const float> noise_var;
  std::span<const float> power;
  double subcarrier_spacing_hz = 30e3;
  /// Cyclic prefix duration of the numerology (normal CP symbols other than the first of a half subframe).
  double cp_duration_s = 0.0;
  /// Set when the occasions were averaged (combine_occasions()): every occasion holds the same values, so one
  /// frequency interpolation serves every symbol.
  bool occasions_equal = false;

  std::span<cf_t> row(unsigned rx, unsigned occasion) const
  {
    return {values + (std::size_t{rx} * nof_occasions + occasion) * nof_pilots, nof_pilots};
  }
};

/// Most CDM groups (configuration type 2) and DM-RS occasions (single-symbol, dmrs-AdditionalPosition 3).
inline constexpr unsigned max_cdm_groups = 3;
inline constexpr unsigned max_dmrs_occasions = 4;

class channel_estimator_base : public channel_estimator {
public:
  /// even_pilots: the method needs evenly spaced values, so pairs of type 2 pilots are always averaged.
  channel_estimator_base(const channel_estimator_config& config, channel_estimator_kind kind, bool even_pilots);

  channel_estimator_kind kind() const final { return kind_; }
  status validate(const pusch_pdu& pdu, const carrier_config& carrier, unsigned nof_rx_ports) const final;
  void estimate(channel_estimate&         out,
                const_grid_view           rx_grid,
                const pusch_pdu&          pdu,
                const carrier_config&     carrier,
                const pusch_dmrs_pattern& pattern) noexcept final;

protected:
  /// Smooths the despread values of one layer in frequency, in place. Returns the noise variance of a smoothed value
  /// relative to that of a despread value (its noise gain), which the choice between averaging and interpolating the
  /// occasions in time needs.
  virtual float smooth(layer_pilots& layer) noexcept = 0;

  const channel_estimator_config config_;

private:
  /// A CDM group that carries layers.
  struct cdm_group {
    unsigned nof_layers = 0;
    std::array<unsigned, 4> layers{};
    /// Pairs of adjacent pilots are averaged (w_f despreading, or even spacing for type 2).
    bool pairs = false;
  };

  /// Everything derived from the PDU for one call.
  struct call_setup {
    unsigned nof_rx_ports = 0;
    unsigned nof_prb = 0;
    unsigned nof_pilots = 0;
    unsigned pilots_per_prb = 0;
    /// Allocation's first subcarrier in the BWP.
    unsigned first_subcarrier = 0;
    unsigned nof_groups = 0;
    std::array<cdm_group, max_cdm_groups> groups{};
    /// Group of each layer (index in groups).
    std::array<unsigned, 4> layer_group{};
    /// Sub-carriers 0..11 of the CDM groups without data and without layers.
    uint16_t empty_re_mask = 0;
    unsigned nof_occasions = 0;
    /// Symbols per occasion (1 or 2); DM-RS symbol index (in the pattern) of occasion o, symbol s: o * length + s.
    unsigned occasion_length = 1;
    double subcarrier_spacing_hz = 30e3;
    double cp_duration_s = 0.0;
    /// Start of the useful part of each symbol of the slot, seconds from the slot start (TS 38.211 5.3.1).
    std::array<double, max_slot_symbols> symbol_time_s{};
    std::array<double, max_dmrs_occasions> occasion_time_s{};
    /// Time of the first DM-RS symbol: the frequency offset's phase is removed relative to it.
    double reference_time_s = 0.0;
    float beta = 1.0F;
  };

  void setup(call_setup& s, const pusch_pdu& pdu, const carrier_config& carrier, const pusch_dmrs_pattern& pattern,
             unsigned nof_rx_ports) const noexcept;
  /// LS values of the groups that carry layers: y conj(r) into u_.
  void compute_ls(const call_setup& s, const_grid_view rx_grid, const pusch_pdu& pdu, const carrier_config& carrier,
                  const pusch_dmrs_pattern& pattern) noexcept;
  /// Timing and frequency offsets (channel_estimator_statistics.cpp), then their removal from u_.
  void estimate_offsets(channel_estimate& out, const call_setup& s, const pusch_dmrs_pattern& pattern) noexcept;
  void remove_offsets(const call_setup& s, const channel_estimate& out, const pusch_dmrs_pattern& pattern) noexcept;
  /// Noise, covariance and EPRE (channel_estimator_statistics.cpp).
  void estimate_noise(channel_estimate& out, const call_setup& s, const_grid_view rx_grid, const pusch_pdu& pdu,
                      const pusch_dmrs_pattern& pattern) noexcept;
  void estimate_noise_of_group(channel_estimate& out, const call_setup& s, unsigned group,
                               const pusch_dmrs_pattern& pattern) noexcept;
  void estimate_noise_of_empty_groups(channel_estimate& out, const call_setup& s, const_grid_view rx_grid,
                                      const pusch_pdu& pdu, const pusch_dmrs_pattern& pattern) noexcept;
  /// Adds the covariance of residual rows [rx][nof_rows][row_length] (values_per_prb per resource block and row).
  void accumulate_covariance(channel_estimate& out, const call_setup& s, unsigned nof_rows, unsigned row_length,
                             unsigned values_per_prb, unsigned dof_per_prb) noexcept;
  /// CDM despreading of one layer into x_, with its noise variance and power per rx port.
  layer_pilots despread(const call_setup& s, const channel_estimate& out, unsigned layer,
                        const pusch_dmrs_pattern& pattern) noexcept;
  /// Per config_.dmrs_time, averages the smoothed occasions of one layer: always, never, or (adaptive) when the mean
  /// |x_{o+1} - x_o|^2 over rx ports, consecutive occasions and values is at most 4 times the noise variance of a
  /// smoothed value (noise_gain times that of a despread value).
  void combine_occasions(layer_pilots& layer, float noise_gain) noexcept;
  /// Frequency and time interpolation of one smoothed layer into out. Returns whether one set of values served every
  /// symbol (up to the frequency offset's rotation): a single occasion, or the occasions averaged; then only symbol 0
  /// is written, and estimate() derives the others.
  bool interpolate(channel_estimate& out, const call_setup& s, const layer_pilots& pilots, unsigned layer,
                   const pusch_pdu& pdu) noexcept;

  std::span<cf_t> u_row(const call_setup& s, unsigned dmrs_symbol, unsigned group, unsigned rx)
  {
    return {u_.data() + ((std::size_t{dmrs_symbol} * max_cdm_groups + group) * config_.max_nof_rx_ports + rx) *
                            max_pilots_,
            s.nof_pilots};
  }

  channel_estimator_kind kind_;
  bool even_pilots_;
  std::size_t max_pilots_;
  /// Pilot sequence of the current symbol, and conj(r) of every DM-RS symbol: [symbol][pilot].
  std::vector<cf_t> sequence_;
  std::vector<cf_t> conj_r_;
  /// Pilot subcarriers (BWP) of each group: [group][pilot].
  std::vector<uint16_t> subcarriers_;
  std::vector<uint16_t> empty_subcarriers_;
  /// LS values: [DM-RS symbol][group][rx][pilot].
  std::vector<cf_t> u_;
  /// Residuals of the noise fit: [rx][row][value].
  std::vector<cf_t> residual_;
  /// Degrees of freedom per covariance group.
  std::vector<unsigned> dof_;
  /// Despread values of one layer [rx][occasion][pilot], their positions, noise and power per rx port.
  std::vector<cf_t> x_;
  std::vector<float> positions_;
  std::vector<float> layer_noise_;
  std::vector<float> layer_power_;
  /// Per rx port: sum over layers of the channel power.
  std::vector<float> signal_power_;
  /// exp(-j 2 pi k df tau) for every subcarrier k of the allocation, and its conjugate at one group's pilots.
  std::vector<cf_t> phasor_;
  std::vector<cf_t> pilot_phasor_;
  /// Differences between two occasions' values (combine_occasions()).
  std::vector<cf_t> difference_;
  /// Frequency-interpolated channel of each occasion for one rx port and layer: [occasion][subcarrier].
  std::vector<cf_t> occasion_channel_;
};

std::unique_ptr<channel_estimator> make_ls_linear_channel_estimator(const channel_estimator_config& config);
std::unique_ptr<channel_estimator> make_dft_channel_estimator(const channel_estimator_config& config);
std::unique_ptr<channel_estimator> make_lmmse_channel_estimator(const channel_estimator_config& config);

} // namespace airan::phy
