#pragma once
/// Kernels of the MIMO equaliser (equalizer_kernel_body.h: per RE, equalizer_whitening.cpp: per covariance group) and
/// what equalizer.cpp prepares for them.

#include "airan/common/complex.h"

#include <cstddef>
#include <cstdint>

namespace airan::phy::detail {

/// How the kernel whitens the noise before the per-RE MMSE solve.
enum class noise_whitening : uint8_t {
  /// White noise of variance noise_level at every port.
  none,
  /// Uncorrelated noise: port rx is weighted by rx_weight[rx] = noise_level / sigma^2[rx].
  diagonal,
  /// Full covariance per group of REs: multiplied by the group's inverse Cholesky factor.
  full,
};

/// One equalisation call: the spans of equalizer_input / equalizer_output as pointers, plus the prepared noise.
struct equalizer_kernel_args {
  cf_t*       x;
  float*      noise_var;
  const cf_t* y;
  const cf_t* h;
  unsigned    nof_rx_ports;
  unsigned    nof_layers;
  unsigned    nof_re;
  unsigned    nof_symbols;
  /// Distances in elements between the rows of y (ports), the symbols of y and the rows of h.
  std::size_t y_port_stride;
  std::size_t y_symbol_stride;
  std::size_t h_stride;

  noise_whitening whitening;
  /// none and diagonal: the white noise level sigma^2 of the (weighted) model, > 0.
  float noise_level;
  /// diagonal: nof_rx_ports weights, >= 0.
  const float* rx_weight;
  /// full: per group g of group_nof_re consecutive REs, the inverse Cholesky factor of the normalised covariance,
  /// lower triangle packed row by row (row i at i (i + 1) / 2, real diagonal), and the white noise level left after
  /// whitening.
  const cf_t*  group_whitening;
  const float* group_noise_level;
  unsigned     group_nof_re;
  /// Null, or nof_symbols unit-modulus phases: x of symbol l is multiplied by conj(symbol_phase[l]).
  const cf_t* symbol_phase;
  /// Null, or nof_symbols indices: symbol l of y starts at y + symbol_index[l] * y_symbol_stride.
  const unsigned* symbol_index;
  /// x[symbol][re][layer] and noise_var[re][layer] instead of x[symbol][layer][re] and noise_var[layer][re].
  bool interleaved;
  /// nof_symbols > 1: room for the combining weights of a block of steps, equalizer_kernel_weights_capacity
  /// floats.
  float* weights;
  /// Run the AVX2+FMA build where the CPU has it (otherwise the baseline build).
  bool allow_avx2;
};

/// True where the CPU has AVX2 and FMA.
bool cpu_has_avx2() noexcept;

/// Largest numbers of ports, layers and symbols the kernels handle.
constexpr unsigned kernel_max_nof_rx_ports = 16;
constexpr unsigned kernel_max_nof_layers   = 4;
constexpr unsigned kernel_max_nof_symbols  = 14;

/// Floats of the combining weights of one step (8 REs) of a call with several symbols: V x P complex vectors.
constexpr std::size_t equalizer_kernel_weights_size(unsigned nof_rx_ports, unsigned nof_layers)
{
  return std::size_t{nof_rx_ports} * nof_layers * 2 * 8;
}

/// Bytes of the combining weights of a block of steps (equalizer_kernel_block_steps()), at most: 64 kB, which the
/// second-level cache keeps while each symbol's rows of y are read in runs long enough for the hardware prefetcher
/// (128 steps, 1024 REs, 8 kB of each row, for 2 layers and 4 ports). Blocks of 16 kB (in the first-level cache, but
/// runs of 2 kB) made the PUSCH receiver's 2-layer equalization about 7 % slower.
constexpr std::size_t equalizer_kernel_block_bytes = 65536;

/// Floats of equalizer_kernel_args::weights that serve a call with any numbers of ports and layers.
constexpr std::size_t equalizer_kernel_weights_capacity = equalizer_kernel_block_bytes / sizeof(float);

static_assert(equalizer_kernel_weights_size(kernel_max_nof_rx_ports, kernel_max_nof_layers) <=
              equalizer_kernel_weights_capacity);

/// Steps whose weights a call with several symbols computes before applying them to every symbol: as many as fit
/// equalizer_kernel_block_bytes.
constexpr unsigned equalizer_kernel_block_steps(unsigned nof_rx_ports, unsigned nof_layers)
{
  return static_cast<unsigned>(equalizer_kernel_weights_capacity /
                               equalizer_kernel_weights_size(nof_rx_ports, nof_layers));
}

/// Runs the per-RE MMSE solve on all REs of args.
void run_equalizer_kernel(const equalizer_kernel_args& args) noexcept;

/// The two builds of run_equalizer_kernel(), each in a translation unit of its own: 4-lane vectors for baseline
/// x86-64, and 8-lane vectors for AVX2+FMA (x86-64 only; the CPU must have both).
void equalize_baseline(const equalizer_kernel_args& args) noexcept;
void equalize_avx2(const equalizer_kernel_args& args) noexcept;

/// For each of nof_groups covariances (nof_rx_ports x nof_rx_ports, row-major, lower triangle read) the whitening of
/// equalizer_kernel_args: the inverse Cholesky factor of the covariance normalised to unit mean diagonal (pivots
/// raised to equalizer_relative_noise_floor) and the mean diagonal r0, raised to equalizer_noise_floor, as the
/// noise level. A group with a non-finite entry or result gets a zero factor and noise level 1 (no information).
void run_whitening_kernel(cf_t*       factors,
                          float*      noise_level,
                          const cf_t* covariance,
                          unsigned    nof_groups,
                          unsigned    nof_rx_ports,
                          bool        allow_avx2) noexcept;

} // namespace airan::phy::detail
