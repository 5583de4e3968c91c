#pragma once
/// CUDA twin of the CRC of TS 38.212 5.1 (crc_compute_bits()): the remainders of a batch of messages (transport
/// blocks and code blocks with their parity bits appended: remainder 0 means the check passes), one thread block per
/// message. No CUDA header here.

#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/coding/crc.h"

#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// One message of a device batch. Pointers are device addresses.
struct crc_cuda_job {
  /// Unpacked bits (one per byte, 0/1), e.g. the LDPC decoder's decisions of a code block with its CRC24B.
  const uint8_t* bits;
  unsigned nof_bits;
  crc_type type;
};

struct crc_cuda_config {
  /// Largest number of messages of one batch (152 code blocks and their transport block).
  unsigned max_nof_jobs = 153;
  /// Host convenience (check()): largest number of bits of all messages of one batch.
  unsigned max_nof_bits = 2 * 1'300'000;
};

/// Bit-exact twin of crc_compute_bits(): every thread of a message's block divides its contiguous slice of the bits
/// by g(D) (the register of TS 38.212 5.1, initial value 0), multiplies its remainder by D^n mod g(D) for the n bits
/// that follow the slice, and the block XOR-reduces the products (the remainder is linear in the message).
/// Lifecycle as soft_demapper_cuda: create (allocates), setup() (host only), enqueue().
class crc_cuda {
public:
  /// Allocates device, pinned and staging memory; throws std::runtime_error on a CUDA error.
  explicit crc_cuda(const crc_cuda_config& config);
  ~crc_cuda();
  crc_cuda(const crc_cuda&) = delete;
  crc_cuda& operator=(const crc_cuda&) = delete;

  /// Validates and packs the batch (at most max_nof_jobs, nof_bits < 2^31). No allocation, no device call.
  status setup(std::span<const crc_cuda_job> jobs) noexcept;

  /// Descriptor copy and one kernel on stream; remainder i lands at remainders()[i] (p_0 in bit L-1, as
  /// crc_compute_bits()).
  status enqueue(cuda::stream_handle stream) noexcept;

  /// Device array of max_nof_jobs remainders written by enqueue().
  const uint32_t* remainders() const noexcept;

  /// Host-memory convenience: stages the messages through pinned and device memory, runs on an internal stream and
  /// waits; remainders.size() == messages.size().
  status compute(std::span<const std::span<const uint8_t>> messages, crc_type type,
                 std::span<uint32_t> remainders) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
