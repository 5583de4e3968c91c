#pragma once
/// Which HARQ soft buffer holds each UE's HARQ process.

#include <cstdint>
#include <vector>

namespace airan::phy {

/// HARQ process numbers a PUSCH PDU may carry: 0..31 (TS 38.331 nrofHARQ-ProcessesForPUSCH-r17 allows 32; 16 before
/// Release 17).
constexpr unsigned max_nof_pusch_harq_processes = 32;

/// Counters of harq_process_map since its creation.
struct harq_process_map_counters {
  /// Buffers taken from a process that still held unfinished soft bits, because every buffer was held.
  uint64_t nof_evictions = 0;
  /// Retransmissions whose process held no buffer (evicted, finished or never seen): decoded without combining.
  uint64_t nof_lost_retransmissions = 0;
};

/// Assigns a pool of HARQ soft buffers, shared by all UEs, to (RNTI, HARQ process) pairs, so that a retransmission
/// combines with the earlier transmissions of the same UE and process whatever the other UEs send meanwhile.
///
/// A process keeps its buffer until its transport block passes CRC (release()) or, when every buffer is held and
/// another process needs one, until it is the least recently used. Lookups are linear in the number of buffers
/// (tens), allocation-free.
class harq_process_map {
public:
  struct assignment {
    unsigned buffer = 0;
    /// Whether the buffer holds this process's earlier soft bits to combine with; false for new data and for lost
    /// retransmissions, whose buffer must be cleared before use.
    bool combine = false;
  };

  /// Requires nof_buffers >= 1.
  explicit harq_process_map(unsigned nof_buffers);

  /// The buffer for a transmission of (rnti, harq_id). New data: the process's buffer if it holds one, else a free
  /// buffer, else the least recently used one. A retransmission: the process's buffer; if it holds none, a buffer
  /// as for new data, counted as a lost retransmission.
  assignment acquire(unsigned rnti, unsigned harq_id, bool new_data) noexcept;

  /// Frees the buffer (its transport block passed CRC): it goes to the next process that needs one.
  void release(unsigned buffer) noexcept;

  unsigned nof_buffers() const noexcept { return static_cast<unsigned>(entries_.size()); }
  const harq_process_map_counters& counters() const noexcept { return counters_; }

private:
  struct entry {
    unsigned rnti = 0;
    unsigned harq_id = 0;
    bool held = false;
    uint64_t last_use = 0;
  };

  std::vector<entry> entries_;
  uint64_t clock_ = 0;
  harq_process_map_counters counters_;
};

} // namespace airan::phy
