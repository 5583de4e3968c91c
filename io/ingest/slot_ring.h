#pragma once
// The slots in flight of an assembler (U-plane PRBs or split 8 samples): a fixed ring of entries keyed by the slot's
// index within the 256 frames of frameId. A slot opens with its first message and gets a deadline (its first rx time
// plus the reception window). The caller keeps the slot contents in its own arrays, indexed like the entries.
//
// Lateness is judged against the newest confirmed slot: a slot is confirmed by a later message that brings it data it
// lacked (not a copy of its first), or by closing complete, so that one stray or corrupted message (whatever its slot,
// however often duplicated) never moves the reference. A message for a slot not in the ring is late when it is at most
// one frame behind the newest confirmed slot, unless no slot was confirmed for two frames (the stream paused or the RU
// restarted); messages that find every entry open are early. A confirmed slot further than one frame from the newest
// one, or any after such a pause, is a jump of the frame numbering (counted) and becomes the newest. A closed confirmed
// entry serves the messages of its slot until one reception window past its deadline; a later message with its key
// belongs to a later occurrence of the key (the frame numbering wraps every 2.56 s, an RU restarts from frame 0). A
// slot that closes never confirmed (a stray message's) is not handed over, and its entry serves no later message: the
// real slot of that key opens its own. Closed entries are reused oldest first.

#include "airan/io/ingest/ingest_counters.h"

#include <algorithm>
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
      entry& e = entries_[i];
      if (e.state == slot_state::free || e.key != key) {
        continue;
      }
      if (e.state == slot_state::open) {
        return static_cast<int>(i);
      }
      if (e.confirmed && rx_time_ns - e.deadline <= window_ns_) {
        closed = true;
        return static_cast<int>(i);
      }
      // Stale (an earlier occurrence of the key), or a stray message's.
    }
    const bool paused = have_newest_ && rx_time_ns - confirmed_time_ > pause_ns;
    const uint32_t behind = have_newest_ ? (newest_key_ + nof_keys_ - key) % nof_keys_ : 0;
    if (have_newest_ && !paused && behind <= one_frame()) {
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
    e.opened_at = rx_time_ns;
    e.deadline = rx_time_ns + window_ns_;
    e.confirmed = false;
    opened = true;
    return reuse;
  }

  /// A message after the first brought the open entry data it lacked.
  void confirm(unsigned index, int64_t rx_time_ns, ingest_counters& counters) noexcept
  {
    confirm(entries_[index], rx_time_ns, counters);
  }

  /// Marks the open entry closed (complete: it holds all its slot's data). Returns whether the caller hands the slot
  /// over: not when it is incomplete and was never confirmed (only its first message's data: a stray slot, counted).
  bool mark_closed(unsigned index, bool complete, ingest_counters& counters) noexcept
  {
    entry& e = entries_[index];
    if (complete) {
      confirm(e, e.opened_at, counters);
    }
    e.state = slot_state::closed;
    e.order = next_order_++;
    counters.stray_slots += e.confirmed ? 0 : 1;
    return e.confirmed;
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
    bool confirmed = false;
    uint32_t key = 0;
    uint64_t order = 0; ///< When it opened (for oldest-first closing) or closed (for reuse).
    int64_t opened_at = 0;
    int64_t deadline = 0;
  };

  /// Two frames (20 ms) without a slot confirmed: the stream paused, and lateness starts anew.
  static constexpr int64_t pause_ns = 20'000'000;

  uint32_t one_frame() const noexcept { return nof_subframes_per_frame << numerology_; }

  /// New data after the first message, or completion, confirms the slot: it becomes the newest when it is ahead of the
  /// newest by up to one frame, or when it is further away or comes after a pause (a jump of the frame numbering,
  /// counted); a slot confirmed behind the newest (its messages came after those of a later slot) leaves it.
  void confirm(entry& e, int64_t rx_time_ns, ingest_counters& counters) noexcept
  {
    if (e.confirmed) {
      return;
    }
    e.confirmed = true;
    const bool paused = have_newest_ && rx_time_ns - confirmed_time_ > pause_ns;
    confirmed_time_ = std::max(confirmed_time_, rx_time_ns);
    if (!have_newest_) {
      newest_key_ = e.key;
      have_newest_ = true;
      return;
    }
    const uint32_t ahead = (e.key + nof_keys_ - newest_key_) % nof_keys_;
    const uint32_t behind = (nof_keys_ - ahead) % nof_keys_;
    if (paused || (ahead > one_frame() && behind > one_frame())) {
      counters.frame_jumps += e.key != newest_key_ ? 1 : 0;
      newest_key_ = e.key;
    } else if (ahead != 0 && ahead <= one_frame()) {
      newest_key_ = e.key;
    }
  }

  std::vector<entry> entries_;
  unsigned numerology_;
  int64_t window_ns_;
  uint32_t nof_keys_;
  uint32_t newest_key_ = 0;
  bool have_newest_ = false;
  int64_t confirmed_time_ = 0; ///< Latest rx time at which a slot was confirmed.
  uint64_t next_order_ = 0;
};

} // namespace airan::io::detail
