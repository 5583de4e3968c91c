#pragma once
/// Per-RE kernels of the MIMO equaliser (equalizer_kernel.cpp) and what equalizer.cpp prepares for them.

#include "airan/common/complex.h"

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
};

/// Largest numbers of ports and layers the kernels handle.
constexpr unsigned kernel_max_nof_rx_ports = 16;
constexpr unsigned kernel_max_nof_layers   = 4;

/// Runs the per-RE MMSE solve on all REs of args, with AVX2 and FMA where the CPU has them.
void run_equalizer_kernel(const equalizer_kernel_args& args) noexcept;

} // namespace airan::phy::detail
