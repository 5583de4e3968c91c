#pragma once
/// CUDA twin of the LDPC rate dematcher with HARQ soft combining (ldpc_rate_dematch()), soft buffers in device memory,
/// all code blocks of a slot in one launch. No CUDA header here.

#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/coding/rate_dematcher.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One code block of a device batch: the LLRs are a device address.
struct rate_dematch_cuda_job {
  unsigned harq_id;
  unsigned cb;
  ldpc_rate_match_params params;
  bool new_data;
  const int8_t* llrs;
};

/// One thread per soft-buffer position: a position gathers its LLRs (several with repetition) in the order
/// e_0, e_1, ... of TS 38.212 5.4.2.1 and combines them with the same saturation as the CPU, so the soft buffers are
/// bit-exact. Lifecycle as ldpc_decoder_cuda: create, setup() (host only), enqueue().
class rate_dematcher_cuda {
public:
  /// Allocates the soft buffers (zeroed), descriptors and staging; throws std::runtime_error on a CUDA error.
  explicit rate_dematcher_cuda(const rate_dematcher_config& config);
  ~rate_dematcher_cuda();
  rate_dematcher_cuda(const rate_dematcher_cuda&) = delete;
  rate_dematcher_cuda& operator=(const rate_dematcher_cuda&) = delete;

  /// Validates and packs the batch; writes the informed length of each job (as ldpc_rate_dematch() returns it). No
  /// allocation, no device call. Jobs must name distinct soft buffers.
  status setup(std::span<const rate_dematch_cuda_job> jobs, std::span<unsigned> informed_lengths) noexcept;

  /// Descriptor copy and one kernel on stream.
  status enqueue(cuda::stream_handle stream) noexcept;

  /// Device address of the soft buffer of (harq_id, cb) (rate_dematcher::soft_buffer_length positions), the input
  /// of ldpc_decoder_cuda; nullptr when out of range.
  const int8_t* device_soft_buffer(unsigned harq_id, unsigned cb) const noexcept;

  /// Host-memory convenience: stages the LLRs, runs on an internal stream and waits.
  status dematch(std::span<const rate_dematch_job> jobs, std::span<unsigned> informed_lengths) noexcept;

  /// Copies the first out.size() positions of a soft buffer to the host (internal stream, waits).
  status read_soft_buffer(unsigned harq_id, unsigned cb, std::span<int8_t> out) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
