#pragma once
/// CUDA twin of the LDPC decoder (ldpc_decoder.h): layered normalized / offset min-sum with the same 8-bit fixed
/// point, one thread block per code block, all code blocks of a slot in one launch. No CUDA header here.

#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/coding/ldpc_batch_decoder.h"
#include "airan/phy/coding/ldpc_decoder.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One code block of a device batch. Pointers are device addresses, valid until the enqueued work has run.
struct ldpc_cuda_code_block {
  ldpc_base_graph graph;
  /// Z, TS 38.212 Table 5.3.2-1.
  unsigned lifting_size;
  /// n: number of LLRs, 1..N (TS 38.212 5.3.2; see ldpc_decoder).
  unsigned nof_llrs;
  /// Device address of the n LLRs of d_0..d_{n-1}.
  const int8_t* llrs;
  /// Device address of K bytes receiving the hard decisions of c_0..c_{K-1}.
  uint8_t* info_bits;
};

/// Batch LDPC decoder on the GPU; bit-exact twin of ldpc_decoder (same conditioning, saturation, normalization,
/// processed rows, iteration count and early stop). Lifecycle: construct (allocates everything for
/// max_nof_code_blocks), then per slot setup() (host only: validates and packs descriptors in pinned memory) and
/// enqueue(stream) (descriptor copy, one kernel, result copy; capturable in a CUDA graph). results() holds the
/// outcome once the stream has passed the enqueued work. Not thread-safe: one object per thread.
class ldpc_decoder_cuda {
public:
  /// Allocates device, pinned and staging memory; throws std::runtime_error on a CUDA error.
  explicit ldpc_decoder_cuda(const ldpc_batch_decoder_config& config);
  ~ldpc_decoder_cuda();
  ldpc_decoder_cuda(const ldpc_decoder_cuda&) = delete;
  ldpc_decoder_cuda& operator=(const ldpc_decoder_cuda&) = delete;

  /// Validates and packs the batch (at most max_nof_code_blocks code blocks). No allocation, no device call.
  status setup(std::span<const ldpc_cuda_code_block> code_blocks, const ldpc_decoder_config& config) noexcept;

  /// Enqueues the batch of the last successful setup() on stream: descriptors in, decode, results out.
  status enqueue(cuda::stream_handle stream) noexcept;

  /// One result per code block of the last setup(), valid after the enqueued work has completed.
  std::span<const ldpc_decode_result> results() const noexcept;

  /// Host-memory convenience (tests, the batch interface): stages the LLRs through pinned and device memory, runs
  /// setup() and enqueue() on an internal stream, copies the decisions back and waits. Jobs must pass
  /// ldpc_batch_decoder::validate().
  status decode(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                std::span<ldpc_decode_result> results) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
