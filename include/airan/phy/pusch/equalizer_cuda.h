#pragma once
/// CUDA twin of the MMSE equaliser (equalizer::equalize_mmse(), equalizer.h): the same model, noise floors, port
/// weighting, SNR cap and unbiasing, one thread per resource element, all jobs of a slot (PUSCH allocations, OFDM
/// symbols sharing a channel) in one launch. Single precision with a Gauss-Jordan inverse of the v x v matrix instead
/// of the CPU's closed forms and LDL^H: results agree within a relative error, not bit for bit. No CUDA header here.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/pusch/equalizer.h"

#include <array>
#include <memory>
#include <span>

namespace airan::phy {

/// Receive ports the CUDA equaliser handles (the CPU one handles 16).
constexpr unsigned equalizer_cuda_max_nof_rx_ports = 8;

/// One equalisation of a device batch: the layout of equalizer_input and equalizer_output. Pointers are device
/// addresses.
struct equalizer_cuda_job {
  unsigned nof_rx_ports = 0;
  unsigned nof_layers = 0;
  unsigned nof_re = 0;
  unsigned nof_symbols = 1;
  /// y[symbol][rx][re], h[rx][layer][re], x[symbol][layer][re], noise_var[layer][re].
  const cf_t* y = nullptr;
  const cf_t* h = nullptr;
  cf_t* x = nullptr;
  float* noise_var = nullptr;
  /// Noise variance per receive port (the first nof_rx_ports entries), as equalize_mmse()'s rx_noise_var.
  std::array<float, equalizer_cuda_max_nof_rx_ports> rx_noise_var{};
};

struct equalizer_cuda_config {
  unsigned max_nof_jobs = 16;
  /// Host convenience (equalize_mmse()): the largest equalizer_input of one call.
  unsigned max_nof_rx_ports = 4;
  unsigned max_nof_layers = 4;
  unsigned max_nof_re = 273 * 12;
  unsigned max_nof_symbols = equalizer_max_nof_symbols;
};

/// Lifecycle as soft_demapper_cuda: create (allocates), setup() (host only: validation, port weights and noise
/// levels into descriptors), enqueue().
class equalizer_cuda {
public:
  /// Allocates device, pinned and staging memory; throws std::runtime_error on a CUDA error, std::invalid_argument
  /// for maxima beyond 8 receive ports or 4 layers.
  explicit equalizer_cuda(const equalizer_cuda_config& config);
  ~equalizer_cuda();
  equalizer_cuda(const equalizer_cuda&) = delete;
  equalizer_cuda& operator=(const equalizer_cuda&) = delete;

  /// Checks each job (1 <= layers <= rx ports <= 8, layers <= 4, 1 <= symbols <= 14, buffers given) and packs the
  /// batch. No allocation, no device call.
  status setup(std::span<const equalizer_cuda_job> jobs) noexcept;

  /// Descriptor copy and one kernel on stream.
  status enqueue(cuda::stream_handle stream) noexcept;

  /// Host-memory convenience with the arguments of equalizer::equalize_mmse(): stages through pinned and device
  /// memory, runs on an internal stream and waits.
  status equalize_mmse(const equalizer_output& out, const equalizer_input& in,
                       std::span<const float> rx_noise_var) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
