#pragma once
/// Linear MIMO equalisation of the PUSCH data resource elements: MMSE and MMSE with interference rejection
/// combining (MMSE-IRC), producing unbiased estimates of the layer symbols (before layer mapping, TS 38.211 6.3.1.3)
/// and their per-RE noise variances for the soft demapper. Receiver processing: not specified by 3GPP.

#include "airan/common/complex.h"
#include "airan/common/status.h"

#include <cstddef>
#include <span>
#include <vector>

namespace airan::phy {

/// Sizes the equaliser is built for; its buffers are allocated at construction.
struct equalizer_config {
  /// Receive ports P, 1..16.
  unsigned max_nof_rx_ports = 4;
  /// Layers v, 1..4.
  unsigned max_nof_layers = 4;
  /// Resource elements per call, 1..2^24 (e.g. 273 * 12 for all data REs of one OFDM symbol of 273 PRB).
  unsigned max_nof_re = 273 * 12;
  /// Use the AVX2+FMA kernels where the CPU has them; false: the baseline x86-64 kernels (for testing them).
  bool allow_avx2 = true;
};

/// Largest number of OFDM symbols sharing one channel estimate in a call (one slot).
constexpr unsigned equalizer_max_nof_symbols = 14;

/// Received signal and channel estimates of nof_re REs in each of nof_symbols OFDM symbols that share the channel
/// (the same RE order in every span). With nof_symbols > 1, the per-RE solve (which depends on the channel and the
/// noise only) is done once for all symbols.
struct equalizer_input {
  unsigned nof_rx_ports = 0;
  unsigned nof_layers   = 0;
  unsigned nof_re       = 0;
  unsigned nof_symbols  = 1;
  /// y[symbol][rx][re]: received values (nof_symbols * nof_rx_ports * nof_re when packed).
  std::span<const cf_t> y;
  /// H[rx][layer][re]: channel of each layer (precoding included) at each port, common to the symbols
  /// (nof_rx_ports * nof_layers * nof_re when packed).
  std::span<const cf_t> h;
  /// Distances in elements between the rows of y (one per port), between its symbols, and between the rows of h
  /// (one per port and layer); 0: packed (nof_re, nof_rx_ports times the row distance, nof_re). Other distances let
  /// the equaliser read a resource grid and a channel estimate in place: RE j of port rx in symbol l is then
  /// y[l * y_symbol_stride + rx * y_port_stride + j], and only the elements so addressed must lie within the spans.
  std::size_t y_port_stride   = 0;
  std::size_t y_symbol_stride = 0;
  std::size_t h_stride        = 0;
  /// Empty: h is the channel of every symbol. Otherwise nof_symbols values of unit modulus: the channel of symbol l
  /// is symbol_phase[l] h (a phase common to all ports and layers, such as the rotation of a carrier frequency
  /// offset), so the solve is still shared and x of symbol l is the shared solution times conj(symbol_phase[l]).
  std::span<const cf_t> symbol_phase = {};
  /// Empty: symbol l of the call starts at y[l * y_symbol_stride]. Otherwise nof_symbols increasing indices: symbol l
  /// starts at y[symbol_index[l] * y_symbol_stride] (e.g. the data symbols of a slot, skipping its DM-RS symbols);
  /// needs a row distance set (y_port_stride or y_symbol_stride).
  std::span<const unsigned> symbol_index = {};
};

/// Equalised layers.
struct equalizer_output {
  /// x[symbol][layer][re]: unbiased estimates of the transmitted unit-average-power symbols
  /// (nof_symbols * nof_layers * nof_re).
  std::span<cf_t> x;
  /// noise_var[layer][re]: variance E|x - s|^2 of the estimation error of x, i.e. 1 / post-equalisation SINR, in
  /// the unit of demodulate_soft's noise_var; the same for every symbol of the call (nof_layers * nof_re).
  std::span<float> noise_var;
  /// True: x[symbol][re][layer] and noise_var[re][layer] instead, the order of a codeword's modulation symbols
  /// before layer mapping (TS 38.211 6.3.1.3: symbol i on layer i mod nof_layers).
  bool interleaved = false;
};

/// Largest noise variance written: the value of REs and layers that carry no information (null channel, no usable
/// port, non-finite input). The soft demapper turns it into LLRs of about 0.
constexpr float equalizer_noise_var_max = 1.0e6F;

/// Largest signal-to-noise ratio assumed at any RE (60 dB): the noise level is raised to at least
/// tr(H^H R_n^-1 H) / equalizer_max_snr (R_n: the noise covariance normalised to unit mean diagonal), so that
/// noise-free inputs and rank-deficient channels stay well conditioned. It also bounds noise_var from below by
/// about 1 / equalizer_max_snr, the demapper's own floor.
constexpr float equalizer_max_snr = 1.0e6F;

/// Smallest noise variance or covariance diagonal, relative to the mean over the ports: smaller values (zero,
/// negative) are raised to this fraction of the mean. Applied as Cholesky pivot floor to the covariance of
/// MMSE-IRC, which makes a singular or indefinite covariance positive definite with the least diagonal loading.
constexpr float equalizer_relative_noise_floor = 1.0e-6F;

/// Smallest mean noise variance (absolute): a zero noise level (noise-free input) is raised to it.
constexpr float equalizer_noise_floor = 1.0e-30F;

/// Linear MMSE equaliser for 1..4 layers and 1..16 receive ports, one independent v x v problem per RE.
///
/// Model at each RE: y = H s + n, s the v unit-average-power layer symbols, n ~ CN(0, R). With the noise
/// whitened and R = sigma^2 I in the whitened domain, the MMSE filter is W = (H^H H + sigma^2 I)^-1 H^H, i.e.
/// W = (H^H R^-1 H + I)^-1 H^H R^-1 in the original domain. Its estimate is biased: E[W y | s_k] = d_k s_k with
/// d_k = [W H]_kk = 1 - sigma^2 [(H^H H + sigma^2 I)^-1]_kk, so the equaliser returns x_k = [W y]_k / d_k, whose
/// error variance (noise plus residual inter-layer interference) is (1 - d_k) / d_k = 1 / SINR_k.
/// - equalize_mmse: R = diag(sigma^2[rx]), one noise variance per port (or one for all ports) for all REs.
/// - equalize_mmse_irc: R a full Hermitian noise-plus-interference covariance per group of consecutive REs (e.g.
///   per PRB), whitened by its Cholesky factor, so that interference with a spatial signature is suppressed.
///
/// Robustness: outputs are finite for every input. Noise levels are floored (equalizer_noise_floor,
/// equalizer_relative_noise_floor, equalizer_max_snr); where d_k falls to 1 / (1 + equalizer_noise_var_max) or
/// below (null channel, no usable port), and wherever a NaN or infinite input makes the result non-finite, x = 0
/// and noise_var = equalizer_noise_var_max (for a non-finite y in one symbol: x = 0 in that symbol, and the noise
/// variance shared by the symbols at that RE is the largest).
///
/// The per-RE work runs on 8 REs at a time with AVX2 and FMA where the CPU has them (4 with baseline x86-64).
/// Memory allocated at construction: about max_nof_re * (4 P (P + 1) + 4) bytes plus 16 kB for the configured
/// maxima P and v. Not thread-safe: one object per thread.
class equalizer {
public:
  /// Checks the ranges documented in equalizer_config.
  static status validate(const equalizer_config& config);

  /// Requires validate(config) to be ok.
  explicit equalizer(const equalizer_config& config);

  /// Checks an MMSE call: 1 <= nof_rx_ports, nof_layers <= nof_rx_ports, 1 <= nof_re, all within the
  /// configuration; 1 <= nof_symbols <= equalizer_max_nof_symbols; span sizes as documented in equalizer_input and
  /// equalizer_output (packed: exactly; with distances: covering every element addressed, row distances at least
  /// nof_re); symbol_phase empty or of nof_symbols entries; symbol_index empty or nof_symbols increasing
  /// values; rx_noise_var.size() 1 or nof_rx_ports.
  status validate_mmse(const equalizer_output& out, const equalizer_input& in,
                       std::span<const float> rx_noise_var) const;

  /// Checks an MMSE-IRC call: the conditions of validate_mmse (without rx_noise_var), 1 <= group_nof_re, and
  /// covariance.size() == ceil(nof_re / group_nof_re) * nof_rx_ports^2.
  status validate_mmse_irc(const equalizer_output& out, const equalizer_input& in,
                           std::span<const cf_t> covariance, unsigned group_nof_re) const;

  /// MMSE equalisation with noise variance rx_noise_var[rx] at port rx (or rx_noise_var[0] at all ports), the
  /// noise being uncorrelated across ports. A NaN or +infinite variance excludes the port; variances below
  /// equalizer_relative_noise_floor times the mean over the usable ports (negative values counted as 0) or below
  /// equalizer_noise_floor are raised to the larger of both. Must pass validate_mmse().
  void equalize_mmse(const equalizer_output& out, const equalizer_input& in,
                     std::span<const float> rx_noise_var) noexcept;

  /// MMSE-IRC equalisation. covariance[g][i][j] (row-major nof_rx_ports x nof_rx_ports per group) is the
  /// noise-plus-interference covariance E[n_i conj(n_j)] of REs g * group_nof_re .. (g + 1) * group_nof_re - 1
  /// (the last group may be shorter). Only the lower triangle j <= i is read (the matrix is Hermitian; the
  /// imaginary part of the diagonal is ignored). A group whose covariance has a NaN or infinite entry gives
  /// x = 0 and noise_var = equalizer_noise_var_max. Must pass validate_mmse_irc().
  void equalize_mmse_irc(const equalizer_output& out, const equalizer_input& in, std::span<const cf_t> covariance,
                         unsigned group_nof_re) noexcept;

private:
  status validate_sizes(const equalizer_output& out, const equalizer_input& in) const;

  equalizer_config config_;
  /// Per-port weights of equalize_mmse.
  std::vector<float> rx_weight_;
  /// Per group of equalize_mmse_irc: the inverse Cholesky factor of the normalised covariance (packed lower
  /// triangle) and the noise level.
  std::vector<cf_t>  group_whitening_;
  std::vector<float> group_noise_level_;
  /// Per-RE combining weights of calls with several symbols.
  std::vector<float> weights_;
};

} // namespace airan::phy
