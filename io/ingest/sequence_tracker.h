#pragma once
// Sequence ids of one eAxC (ecpriSeqid, eCPRI 2.0 3.2.4.1: incremented by one
// per message, modulo 256). Ids within 127 ahead of the next expected one move
// the stream forward (the ids skipped count as gaps); ids within 128 behind it
// either fill a gap (an out-of-order message) or repeat one already seen (left
// to the grid's duplicate check).

#include <array>
#include <cstdint>

namespace airan::io::detail {

class sequence_tracker {
public:
  /// Updates the counters with one message's id.
  void update(uint8_t seq, uint64_t &gaps, uint64_t &out_of_order) noexcept {
    if (!started_) {
      // Ids before the first one are not gaps: mark the whole window behind it
      // as seen.
      seen_.fill(~uint64_t{0});
      started_ = true;
      next_ = seq;
    }
    const uint8_t ahead = static_cast<uint8_t>(seq - next_);
    if (ahead < 128) {
      for (uint8_t id = next_; id != seq; ++id) {
        set(id, false);
        ++gaps;
      }
      set(seq, true);
      next_ = static_cast<uint8_t>(seq + 1);
      return;
    }
    if (!is_set(seq)) {
      set(seq, true);
      ++out_of_order;
      --gaps;
    }
  }

private:
  bool is_set(uint8_t id) const noexcept {
    return ((seen_[id / 64] >> (id % 64)) & 1) != 0;
  }
  void set(uint8_t id, bool value) noexcept {
    const uint64_t bit = uint64_t{1} << (id % 64);
    seen_[id / 64] = value ? seen_[id / 64] | bit : seen_[id / 64] & ~bit;
  }

  std::array<uint64_t, 4> seen_{};
  uint8_t next_ = 0;
  bool started_ = false;
};

} // namespace airan::io::detail
