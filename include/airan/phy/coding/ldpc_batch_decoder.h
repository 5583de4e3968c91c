#pragma once
/// LDPC decoding of all code blocks of a slot as one batch, on the CPU or the GPU (backend::{cpu, cuda, automatic}).

#include "airan/common/status.h"
#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/common/backend.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One code block of a batch, in host memory: what ldpc_decoder::decode() takes (TS 38.212 5.3.2 codes).
struct ldpc_code_block_job {
  ldpc_base_graph graph;
  /// Z, TS 38.212 Table 5.3.2-1.
  unsigned lifting_size;
  /// Soft values of d_0..d_{n-1}, 1 <= n <= N (see ldpc_decoder).
  std::span<const int8_t> llrs;
  /// Hard decisions of c_0..c_{K-1}; size K = 22 Z (BG1) or 10 Z (BG2).
  std::span<uint8_t> info_bits;
};

/// Creation-time maxima of a batch decoder.
struct ldpc_batch_decoder_config {
  /// Largest number of code blocks of one batch (152 covers one 273-PRB slot of 4 layers at 256QAM).
  unsigned max_nof_code_blocks = 152;
};

/// Decodes batches of code blocks; all memory is allocated at creation. Not thread-safe: one object per thread.
class ldpc_batch_decoder {
public:
  virtual ~ldpc_batch_decoder() = default;

  /// The backend decoding: cpu or cuda.
  virtual backend active_backend() const noexcept = 0;

  /// Checks every job (ldpc_decoder::validate(), the size of info_bits), the configuration, the number of jobs
  /// against the maximum and results.size() == jobs.size().
  status validate(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                  std::span<const ldpc_decode_result> results) const;

  /// Decodes every job with the same arithmetic as ldpc_decoder (bit-exact on both backends) and writes one result
  /// per job. Returns the validation error, or a device error on the cuda backend, without decoding.
  virtual status decode(std::span<const ldpc_code_block_job> jobs, const ldpc_decoder_config& config,
                        std::span<ldpc_decode_result> results) noexcept = 0;

protected:
  explicit ldpc_batch_decoder(unsigned max_nof_code_blocks) : max_nof_code_blocks_(max_nof_code_blocks) {}

private:
  unsigned max_nof_code_blocks_;
};

/// Creates a batch decoder on the given backend. Throws std::runtime_error when cuda is requested and the build or
/// the machine has no usable GPU, or when device memory cannot be allocated.
std::unique_ptr<ldpc_batch_decoder> create_ldpc_batch_decoder(backend requested,
                                                              const ldpc_batch_decoder_config& config = {});

} // namespace airan::phy
