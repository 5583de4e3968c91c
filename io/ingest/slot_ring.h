#pragma once
// The slots in flight of an assembler (U-plane PRBs or split 8 samples): a fixed ring of entries keyed by the slot's
// index within the 256 frames of frameId. A slot opens with its first message and gets a deadline (its first rx time
// plus the reception window); messages for a slot up to one frame behind the newest one opened are late, messages
// that find every entry open are early. A message further from the newest slot, behind or ahead, is a jump of the
// frame numbering (counted): its slot opens and becomes the newest. Closed entries are reused oldest first. The
// caller keeps the slot contents in its own arrays, indexed like the entries.

#include "airan/io/ingest/ingest_counters.h"

#include <cstdint>
#include <vector>

namespace airan::io::detail {

inline constexpr unsigned nof_frame_ids = 256;
inline constexpr unsigned nof_subframes_per_frame = 10;

class slot_ring {
public:
  enum class slot_state : uint8_t { free, open, closed };

  /// nof_entries slots in flight; numerology mu (2^mu slots per subframe); window: reception window, ns.
  slot_ring(unsigned nof_entries, unsigned numerology, int64_t window_ns)
      : entries_(nof_entries), numerology_(numerology), window_ns_(window_ns),
        nof_keys_(nof_frame_ids * nof_subframes_per_frame << numerology)
  {
  }

  uint32_t key(uint8_t frame_id, uint8_t subframe_id, uint8_t slot_id) const noexcept
  {
    return ((uint32_t{frame_id} * nof_subframes_per_frame + subframe_id) << numerology_) + slot_id;
  }
  uint8_t frame_id(unsigned index) const noexcept
  {
    return static_cast<uint8_t>(entries_[index].key / (nof_subframes_per_frame << numerology_));
  }
  uint8_t subframe_id(unsigned index) const noexcept
  {
    return static_cast<uint8_t>(entries_[index].key % (nof_subframes_per_frame << numerology_) >> numerology_);
  }
  uint8_t slot_id(unsigned index) const noexcept
  {
    return static_cast<uint8_t>(entries_[index].key % (1U << numerology_));
  }

  /// The entry of the slot, opening one when the slot is new (opened: its contents must be reset); -1 when the
  /// message is early or late (counted).
  int find_or_open(uint32_t key, int64_t rx_time_ns, bool& closed, bool& opened, ingest_counters& counters) noexcept
  {
    closed = false;
    opened = false;
    for (unsigned i = 0; i != entries_.size(); ++i) {
      if (entries_[i].state != slot_state::free && entries_[i].key == key) {
        closed = entries_[i].state == slot_state::closed;
        return static_cast<int>(i);
      }
    }
    const uint32_t behind = have_newest_ ? (newest_key_ + nof_keys_ - key) % nof_keys_ : 0;
    const uint32_t one_frame = nof_subframes_per_frame << numerology_;
    if (behind != 0 && behind <= one_frame) {
      ++counters.late;
      return -1;
    }
    int reuse = -1;
    for (unsigned i = 0; i != entries_.size(); ++i) {
      const entry& e = entries_[i];
      if (e.state == slot_state::free) {
        reuse = static_cast<int>(i);
        break;
      }
      if (e.state == slot_state::closed && (reuse < 0 || e.order < entries_[static_cast<unsigned>(reuse)].order)) {
        reuse = static_cast<int>(i);
      }
    }
    if (reuse < 0) {
      ++counters.early;
      return -1;
    }
    entry& e = entries_[static_cast<unsigned>(reuse)];
    e.state = slot_state::open;
    e.key = key;
    e.order = next_order_++;
    e.deadline = rx_time_ns + window_ns_;
    if (have_newest_ && behind != 0 && nof_keys_ - behind > one_frame) {
      ++counters.frame_jumps;
    }
    newest_key_ = key;
    have_newest_ = true;
    opened = true;
    return reuse;
  }

  /// Marks the open entry closed; the caller then hands the slot over.
  void mark_closed(unsigned index) noexcept
  {
    entries_[index].state = slot_state::closed;
    entries_[index].order = next_order_++;
  }

  /// Calls close(index) for every open entry whose deadline is before now_ns (all when flush), oldest first.
  template <typename Close>
  void close_expired(int64_t now_ns, bool flush, Close&& close) noexcept
  {
    for (;;) {
      int oldest = -1;
      for (unsigned i = 0; i != entries_.size(); ++i) {
        const entry& e = entries_[i];
        if (e.state == slot_state::open && (flush || e.deadline < now_ns) &&
            (oldest < 0 || e.order < entries_[static_cast<unsigned>(oldest)].order)) {
          oldest = static_cast<int>(i);
        }
      }
      if (oldest < 0) {
        return;
      }
      close(static_cast<unsigned>(oldest));
    }
  }

private:
  struct entry {
    slot_state state = slot_state::free;
    uint32_t key = 0;
    uint64_t order = 0; ///< When it opened (for oldest-first closing) or closed (for reuse).
    int64_t deadline = 0;
  };

  std::vector<entry> entries_;
  unsigned numerology_;
  int64_t window_ns_;
  uint32_t nof_keys_;
  uint32_t newest_key_ = 0;
  bool have_newest_ = false;
  uint64_t next_order_ = 0;
};

} // namespace airan::io::detail
