#pragma once
/// Soft buffers for HARQ combining of LDPC code blocks (TS 38.212 5.4.2 / 6.2.5 rate dematching, TS 38.321 HARQ).

#include "airan/common/status.h"

#include <cstdint>
#include <span>
#include <vector>

namespace airan::phy {

/// Soft buffers of all code blocks of all HARQ processes, allocated at construction. Each code block has a soft
/// buffer in the d domain of TS 38.212 5.3.2 (filled by ldpc_rate_dematch), the length of its informed prefix (the
/// decoder input length) and a CRC-ok flag, so that a retransmission can skip the code blocks already decoded.
/// Indices out of range are reported by a status (mutators) or give an empty/neutral answer (accessors).
class harq_buffer_pool {
public:
  /// Largest codeword length N of TS 38.212 5.3.2: 66 Z_c for BG1 with Z_c = 384.
  static constexpr unsigned default_max_cb_length = 66 * 384;

  harq_buffer_pool(unsigned nof_processes, unsigned max_cbs_per_tb, unsigned max_cb_length = default_max_cb_length);

  unsigned nof_processes() const noexcept { return nof_processes_; }
  unsigned max_cbs_per_tb() const noexcept { return max_cbs_per_tb_; }
  unsigned max_cb_length() const noexcept { return max_cb_length_; }

  /// Error if harq_id or cb is out of range.
  status validate_index(unsigned harq_id, unsigned cb) const;

  /// Soft buffer (max_cb_length LLRs) of code block cb of HARQ process harq_id; empty if out of range.
  std::span<int8_t> cb_soft_buffer(unsigned harq_id, unsigned cb) noexcept;
  std::span<const int8_t> cb_soft_buffer(unsigned harq_id, unsigned cb) const noexcept;

  /// Number of leading soft buffer positions holding information; 0 after reset or if out of range.
  unsigned cb_valid_length(unsigned harq_id, unsigned cb) const noexcept;

  /// Records a transmission of code block cb that informed the first `length` positions (the value returned by
  /// ldpc_rate_dematch): for new data the valid length becomes `length` and the CRC flag is cleared, otherwise the
  /// valid length becomes the larger of both.
  status record_cb_transmission(unsigned harq_id, unsigned cb, unsigned length, bool new_data);

  /// Whether code block cb of HARQ process harq_id has been decoded with a correct CRC; false if out of range.
  bool cb_crc_ok(unsigned harq_id, unsigned cb) const noexcept;

  status set_cb_crc_ok(unsigned harq_id, unsigned cb, bool crc_ok);

  /// Forgets HARQ process harq_id (new transport block): valid lengths 0, CRC flags cleared. The soft values are
  /// cleared by the next ldpc_rate_dematch with new_data.
  status reset(unsigned harq_id);

private:
  status validate_process(unsigned harq_id) const;
  bool in_range(unsigned harq_id, unsigned cb) const noexcept
  {
    return harq_id < nof_processes_ && cb < max_cbs_per_tb_;
  }
  std::size_t cb_index(unsigned harq_id, unsigned cb) const noexcept
  {
    return std::size_t{harq_id} * max_cbs_per_tb_ + cb;
  }

  unsigned nof_processes_;
  unsigned max_cbs_per_tb_;
  unsigned max_cb_length_;
  std::vector<int8_t> soft_;
  std::vector<unsigned> valid_length_;
  std::vector<uint8_t> crc_ok_;
};

} // namespace airan::phy
