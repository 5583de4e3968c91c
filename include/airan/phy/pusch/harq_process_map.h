#pragma once
/// Which HARQ soft buffer holds each UE's HARQ process.

#include "airan/phy/coding/ldpc_base_graph.h"

#include <cstdint>
#include <vector>

namespace airan::phy {

/// HARQ process numbers a PUSCH PDU may carry: 0..31 (TS 38.331 nrofHARQ-ProcessesForPUSCH-r17 allows 32; 16 before
/// Release 17).
constexpr unsigned max_nof_pusch_harq_processes = 32;

/// What fixes the layout of a transport block's soft bits: the TBS and the LDPC base graph give the code block
/// segmentation (TS 38.212 6.2.2, 5.2.2), TBS_LBRM the circular buffer length (5.4.2.1; 0 without limited buffer
/// rate matching). A retransmission combines only with earlier transmissions of the same layout.
struct harq_tb_layout {
  unsigned tbs = 0;
  ldpc_base_graph graph = ldpc_base_graph::bg1;
  unsigned tbs_lbrm = 0;
  bool operator==(const harq_tb_layout&) const = default;
};

/// Counters of harq_process_map since its creation.
struct harq_process_map_counters {
  /// Buffers taken from a process that still held unfinished soft bits, because every buffer was held.
  uint64_t nof_evictions = 0;
  /// Retransmissions whose process held no buffer (evicted, finished or never seen), or held the soft bits of a
  /// transport block of another layout: decoded without combining.
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

  /// The buffer for a transmission of (rnti, harq_id) of a transport block of this layout. New data: the process's
  /// buffer if it holds one, else a free buffer, else the least recently used one. A retransmission: the process's
  /// buffer; if it holds none, a buffer as for new data, and if it holds another layout's soft bits, that buffer to
  /// be cleared; both counted as a lost retransmission.
  assignment acquire(unsigned rnti, unsigned harq_id, bool new_data, const harq_tb_layout& layout) noexcept;

  /// The layout of the transport block whose soft bits (rnti, harq_id) holds; null when it holds none.
  const harq_tb_layout* held_layout(unsigned rnti, unsigned harq_id) const noexcept;

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
    harq_tb_layout layout;
  };

  /// The buffer (rnti, harq_id) holds; nof_buffers() when none.
  unsigned find(unsigned rnti, unsigned harq_id) const noexcept;

  std::vector<entry> entries_;
  uint64_t clock_ = 0;
  harq_process_map_counters counters_;
};

} // namespace airan::phy
