#include "airan/phy/coding/harq_buffer.h"
#include "airan/phy/coding/rate_matching.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using namespace airan::phy;

TEST_CASE("HARQ buffer pool: sizes and distinct code block buffers")
{
  harq_buffer_pool pool(4, 3, 100);
  CHECK(pool.nof_processes() == 4);
  CHECK(pool.max_cbs_per_tb() == 3);
  CHECK(pool.max_cb_length() == 100);
  CHECK(harq_buffer_pool(1, 1).max_cb_length() == 25344);

  // Writing each buffer with its own value leaves the others untouched.
  for (unsigned h = 0; h < 4; ++h) {
    for (unsigned cb = 0; cb < 3; ++cb) {
      auto soft = pool.cb_soft_buffer(h, cb);
      REQUIRE(soft.size() == 100);
      std::fill(soft.begin(), soft.end(), static_cast<int8_t>(h * 3 + cb));
    }
  }
  const harq_buffer_pool& const_pool = pool;
  for (unsigned h = 0; h < 4; ++h) {
    for (unsigned cb = 0; cb < 3; ++cb) {
      auto soft = const_pool.cb_soft_buffer(h, cb);
      CHECK(std::all_of(soft.begin(), soft.end(), [&](int8_t v) { return v == static_cast<int8_t>(h * 3 + cb); }));
      CHECK(pool.cb_valid_length(h, cb) == 0);
      CHECK_FALSE(pool.cb_crc_ok(h, cb));
    }
  }
}

TEST_CASE("HARQ buffer pool: indices out of range are reported, never used")
{
  harq_buffer_pool pool(2, 3, 64);
  CHECK(pool.validate_index(1, 2).is_ok());
  CHECK_FALSE(pool.validate_index(2, 0).is_ok());
  CHECK_FALSE(pool.validate_index(0, 3).is_ok());
  CHECK(pool.cb_soft_buffer(2, 0).empty());
  CHECK(pool.cb_soft_buffer(0, 3).empty());
  CHECK(pool.cb_valid_length(5, 0) == 0);
  CHECK_FALSE(pool.cb_crc_ok(0, 7));
  CHECK_FALSE(pool.record_cb_transmission(2, 0, 10, true).is_ok());
  CHECK_FALSE(pool.record_cb_transmission(0, 3, 10, true).is_ok());
  CHECK_FALSE(pool.record_cb_transmission(0, 0, 65, true).is_ok());
  CHECK_FALSE(pool.set_cb_crc_ok(0, 3, true).is_ok());
  CHECK_FALSE(pool.set_cb_crc_ok(2, 0, true).is_ok());
  CHECK_FALSE(pool.reset(2).is_ok());
  CHECK(pool.reset(1).is_ok());
  // An empty pool answers every index with an error.
  harq_buffer_pool empty(0, 0, 0);
  CHECK_FALSE(empty.validate_index(0, 0).is_ok());
  CHECK(empty.cb_soft_buffer(0, 0).empty());
}

TEST_CASE("HARQ buffer pool: valid lengths, CRC flags and reset")
{
  harq_buffer_pool pool(2, 2, 200);
  REQUIRE(pool.record_cb_transmission(0, 1, 80, true).is_ok());
  CHECK(pool.cb_valid_length(0, 1) == 80);
  REQUIRE(pool.record_cb_transmission(0, 1, 50, false).is_ok());
  CHECK(pool.cb_valid_length(0, 1) == 80);
  REQUIRE(pool.record_cb_transmission(0, 1, 132, false).is_ok());
  CHECK(pool.cb_valid_length(0, 1) == 132);
  REQUIRE(pool.record_cb_transmission(1, 0, 40, true).is_ok());

  REQUIRE(pool.set_cb_crc_ok(0, 0, true).is_ok());
  CHECK(pool.cb_crc_ok(0, 0));
  CHECK_FALSE(pool.cb_crc_ok(0, 1));
  REQUIRE(pool.set_cb_crc_ok(0, 0, false).is_ok());
  CHECK_FALSE(pool.cb_crc_ok(0, 0));
  REQUIRE(pool.set_cb_crc_ok(0, 1, true).is_ok());

  // New data for a code block clears its CRC flag; a retransmission keeps it.
  REQUIRE(pool.set_cb_crc_ok(1, 0, true).is_ok());
  REQUIRE(pool.record_cb_transmission(1, 0, 40, false).is_ok());
  CHECK(pool.cb_crc_ok(1, 0));
  REQUIRE(pool.record_cb_transmission(1, 0, 30, true).is_ok());
  CHECK_FALSE(pool.cb_crc_ok(1, 0));
  CHECK(pool.cb_valid_length(1, 0) == 30);

  // Reset forgets one process only.
  REQUIRE(pool.reset(0).is_ok());
  CHECK(pool.cb_valid_length(0, 1) == 0);
  CHECK_FALSE(pool.cb_crc_ok(0, 1));
  CHECK(pool.cb_valid_length(1, 0) == 30);
}

TEST_CASE("HARQ buffer pool: combining two redundancy versions of a transport block")
{
  // Two code blocks, BG1 Z = 2 without filler (N = N_cb = 132), E = 80, Q_m = 2: rv 0 covers d_0..d_79, rv 2
  // (k_0 = 66) covers d_66..d_131 and d_0..d_13.
  harq_buffer_pool pool(8, 2, 132);
  const unsigned harq_id = 5;
  ldpc_rate_match_params params{ldpc_base_graph::bg1, 2, 44, 132, 0, 2, 80};
  REQUIRE(pool.reset(harq_id).is_ok());

  // First transmission: code block 0 with LLR +100, code block 1 with -100.
  for (unsigned cb = 0; cb < 2; ++cb) {
    const std::vector<int8_t> llrs(80, static_cast<int8_t>(cb == 0 ? 100 : -100));
    const unsigned length = ldpc_rate_dematch(pool.cb_soft_buffer(harq_id, cb), llrs, params, true);
    REQUIRE(pool.record_cb_transmission(harq_id, cb, length, true).is_ok());
    CHECK(pool.cb_valid_length(harq_id, cb) == 80);
  }
  // Code block 1 decodes; the retransmission skips it.
  REQUIRE(pool.set_cb_crc_ok(harq_id, 1, true).is_ok());
  params.rv = 2;
  for (unsigned cb = 0; cb < 2; ++cb) {
    if (pool.cb_crc_ok(harq_id, cb)) {
      continue;
    }
    const std::vector<int8_t> llrs(80, 50);
    const unsigned length = ldpc_rate_dematch(pool.cb_soft_buffer(harq_id, cb), llrs, params, false);
    REQUIRE(pool.record_cb_transmission(harq_id, cb, length, false).is_ok());
  }
  CHECK(pool.cb_valid_length(harq_id, 0) == 132);
  CHECK(pool.cb_valid_length(harq_id, 1) == 80);
  auto soft0 = pool.cb_soft_buffer(harq_id, 0);
  for (unsigned n = 0; n < 132; ++n) {
    // 100 + 50 saturates at 127 where both versions overlap.
    const int expected = (n <= 13 || (n >= 66 && n <= 79)) ? 127 : (n < 66 ? 100 : 50);
    CHECK(soft0[n] == expected);
  }
  auto soft1 = pool.cb_soft_buffer(harq_id, 1);
  CHECK(std::all_of(soft1.begin(), soft1.begin() + 80, [](int8_t v) { return v == -100; }));
  CHECK(std::all_of(soft1.begin() + 80, soft1.end(), [](int8_t v) { return v == 0; }));
}
