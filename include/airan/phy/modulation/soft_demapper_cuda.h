#pragma once
/// CUDA twin of the max-log soft demapper with descrambling fused (demodulate_soft() then descramble_llrs()), all
/// codewords of a slot in one launch. No CUDA header here.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/modulation/soft_demapper.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One codeword of a device batch. Pointers are device addresses.
struct soft_demapper_cuda_job {
  const cf_t* symbols;
  const float* noise_var;
  unsigned nof_symbols;
  modulation_scheme scheme;
  float llr_scale;
  /// TS 38.211 6.3.1.1; the sequence starts at c(0) for the first LLR.
  uint32_t c_init;
  /// nof_symbols * Q_m LLRs out.
  int8_t* llrs;
};

/// The same arithmetic as demodulate_soft() (IEEE single precision, no contraction, round to nearest even) and the
/// Gold sequence of TS 38.211 5.2.1 computed on the device by jumping its two m-sequences ahead (GF(2) matrix
/// powers), one thread per 8 symbols. Lifecycle as ldpc_decoder_cuda: create, setup() (host only), enqueue().
class soft_demapper_cuda {
public:
  /// Allocates device, pinned and staging memory; throws std::runtime_error on a CUDA error.
  explicit soft_demapper_cuda(const soft_demapper_config& config);
  ~soft_demapper_cuda();
  soft_demapper_cuda(const soft_demapper_cuda&) = delete;
  soft_demapper_cuda& operator=(const soft_demapper_cuda&) = delete;

  /// Validates and packs the batch (at most max_nof_jobs). No allocation, no device call.
  status setup(std::span<const soft_demapper_cuda_job> jobs) noexcept;

  /// Descriptor copy and one kernel on stream.
  status enqueue(cuda::stream_handle stream) noexcept;

  /// Host-memory convenience: stages through pinned and device memory, runs on an internal stream and waits. Jobs
  /// must pass soft_demapper::validate().
  status demodulate(std::span<const soft_demap_job> jobs) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
