// HARQ soft buffers assigned per (RNTI, HARQ process).
#include "airan/phy/pusch/harq_process_map.h"

#include <doctest/doctest.h>

using namespace airan::phy;

namespace {
const harq_tb_layout layout{50184, ldpc_base_graph::bg1, 0};
}

TEST_CASE("HARQ process map: each UE and process has its own buffer, kept across other UEs' transmissions")
{
  harq_process_map map(4);
  const auto a = map.acquire(0x4601, 3, true, layout);
  const auto b = map.acquire(0x4602, 3, true, layout);
  const auto c = map.acquire(0x4601, 4, true, layout);
  CHECK_FALSE(a.combine);
  CHECK(a.buffer != b.buffer);
  CHECK(a.buffer != c.buffer);
  CHECK(b.buffer != c.buffer);
  // Retransmissions find their process's buffer.
  const auto a2 = map.acquire(0x4601, 3, false, layout);
  CHECK(a2.buffer == a.buffer);
  CHECK(a2.combine);
  CHECK(map.acquire(0x4602, 3, false, layout).buffer == b.buffer);
  // New data on a held process reuses its buffer, to be cleared.
  const auto a3 = map.acquire(0x4601, 3, true, layout);
  CHECK(a3.buffer == a.buffer);
  CHECK_FALSE(a3.combine);
  CHECK(map.counters().nof_evictions == 0);
  CHECK(map.counters().nof_lost_retransmissions == 0);
}

TEST_CASE("HARQ process map: released buffers go first, then the least recently used; losses are counted")
{
  harq_process_map map(3);
  const unsigned a = map.acquire(1, 0, true, layout).buffer;
  const unsigned b = map.acquire(2, 0, true, layout).buffer;
  const unsigned c = map.acquire(3, 0, true, layout).buffer;
  // b finishes: the next new process takes b's buffer, not one still held.
  map.release(b);
  CHECK(map.acquire(4, 0, true, layout).buffer == b);
  CHECK(map.counters().nof_evictions == 0);
  // All held; a is used again, so c is now the least recently used and is evicted for UE 5.
  CHECK(map.acquire(1, 0, false, layout).buffer == a);
  CHECK(map.acquire(5, 0, true, layout).buffer == c);
  CHECK(map.counters().nof_evictions == 1);
  // UE 3's retransmission lost its soft bits: it gets a buffer to start afresh (the least recently used, UE 4's).
  const auto lost = map.acquire(3, 0, false, layout);
  CHECK_FALSE(lost.combine);
  CHECK(lost.buffer == b);
  CHECK(map.counters().nof_lost_retransmissions == 1);
  CHECK(map.counters().nof_evictions == 2);
  // A finished process that retransmits anyway is a lost retransmission too.
  map.release(a);
  const auto after_release = map.acquire(1, 0, false, layout);
  CHECK_FALSE(after_release.combine);
  CHECK(map.counters().nof_lost_retransmissions == 2);
  CHECK(map.counters().nof_evictions == 2);
}

TEST_CASE("HARQ process map: a retransmission of another transport block layout starts afresh in its buffer")
{
  harq_process_map map(2);
  const auto a = map.acquire(1, 0, true, layout);
  CHECK(*map.held_layout(1, 0) == layout);
  CHECK(map.held_layout(1, 1) == nullptr);
  CHECK(map.held_layout(2, 0) == nullptr);
  // Another TBS, base graph or TBS_LBRM: the soft bits cannot be combined.
  for (const harq_tb_layout other :
       {harq_tb_layout{3840, ldpc_base_graph::bg1, 0}, harq_tb_layout{50184, ldpc_base_graph::bg2, 0},
        harq_tb_layout{50184, ldpc_base_graph::bg1, 1277992}}) {
    CAPTURE(other.tbs);
    const auto mismatch = map.acquire(1, 0, false, other);
    CHECK(mismatch.buffer == a.buffer);
    CHECK_FALSE(mismatch.combine);
    CHECK(*map.held_layout(1, 0) == other);
    // Back to the first layout: again not combinable with what the buffer now holds.
    CHECK_FALSE(map.acquire(1, 0, false, layout).combine);
  }
  CHECK(map.counters().nof_lost_retransmissions == 6);
  CHECK(map.acquire(1, 0, false, layout).combine);
  CHECK(map.counters().nof_evictions == 0);
}
