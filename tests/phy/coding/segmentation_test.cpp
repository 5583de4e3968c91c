#include "airan/phy/coding/segmentation.h"

#include "airan/phy/coding/crc.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace airan::phy;

namespace {

constexpr auto bg1 = ldpc_base_graph::bg1;
constexpr auto bg2 = ldpc_base_graph::bg2;

/// Expected parameters, worked out by hand from TS 38.212 5.2.2.
struct expected_segmentation {
  unsigned tbs;
  ldpc_base_graph graph;
  unsigned tb_crc_length;
  unsigned nof_cbs;
  unsigned k_prime;
  unsigned lifting_size;
  unsigned k;
  unsigned nof_filler_bits;
};

ldpc_segmentation segmentation_of(unsigned tbs, ldpc_base_graph graph)
{
  ldpc_segmentation s{};
  airan::status st = compute_ldpc_segmentation(s, tbs, graph);
  REQUIRE_MESSAGE(st.is_ok(), st.message());
  return s;
}

void append_bits(std::vector<uint8_t>& bits, uint32_t value, unsigned nof_bits)
{
  for (unsigned j = nof_bits; j != 0; --j) {
    bits.push_back((value >> (j - 1)) & 1);
  }
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n)
{
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    b = static_cast<uint8_t>(rng());
  }
  return v;
}

} // namespace

TEST_CASE("segmentation: base graph selection of TS 38.212 6.2.2 / 7.2.2")
{
  CHECK(select_ldpc_base_graph(292, 0.95F) == bg2);
  CHECK(select_ldpc_base_graph(296, 0.95F) == bg1);
  CHECK(select_ldpc_base_graph(3824, 0.67F) == bg2);
  CHECK(select_ldpc_base_graph(3824, 0.68F) == bg1);
  CHECK(select_ldpc_base_graph(3840, 0.5F) == bg1);
  CHECK(select_ldpc_base_graph(100000, 0.25F) == bg2);
  CHECK(select_ldpc_base_graph(100000, 0.26F) == bg1);
  CHECK(select_ldpc_base_graph(1000, 0.3F) == bg2);
}

TEST_CASE("segmentation: parameters worked out from TS 38.212 5.2.2")
{
  // B = A + L; K_b (BG2) = 6 if B <= 192, 8 if B <= 560, 9 if B <= 640, else 10; Z_c = min Z with K_b Z >= K'.
  const expected_segmentation cases[] = {
      {24, bg2, 16, 1, 40, 7, 70, 30},           // B = 40, K_b = 6: 6 * 7 = 42 >= 40.
      {176, bg2, 16, 1, 192, 32, 320, 128},      // B = 192, K_b = 6 (boundary).
      {184, bg2, 16, 1, 200, 26, 260, 60},       // B = 200, K_b = 8: 8 * 26 = 208 >= 200 > 8 * 24.
      {544, bg2, 16, 1, 560, 72, 720, 160},      // B = 560, K_b = 8 (boundary): 8 * 72 >= 560 > 8 * 64.
      {552, bg2, 16, 1, 568, 64, 640, 72},       // B = 568, K_b = 9: 9 * 64 = 576 >= 568.
      {624, bg2, 16, 1, 640, 72, 720, 80},       // B = 640, K_b = 9 (boundary): 9 * 72 >= 640 > 9 * 64.
      {632, bg2, 16, 1, 648, 72, 720, 72},       // B = 648, K_b = 10: 10 * 72 >= 648 > 10 * 64.
      {1000, bg2, 16, 1, 1016, 104, 1040, 24},   // B = 1016, K_b = 10.
      {3824, bg2, 16, 1, 3840, 384, 3840, 0},    // B = K_cb = 3840: still one code block.
      {3848, bg2, 24, 2, 1960, 208, 2080, 120},  // B = 3872: C = 2, B' = 3920.
      {10008, bg2, 24, 3, 3368, 352, 3520, 152}, // B = 10032: C = 3, B' = 10104.
      {3824, bg1, 16, 1, 3840, 176, 3872, 32},   // 22 * 176 = 3872 >= 3840 > 22 * 160.
      {4000, bg1, 24, 1, 4024, 192, 4224, 200},  // CRC24A above 3824.
      {8424, bg1, 24, 1, 8448, 384, 8448, 0},    // B = K_cb = 8448.
      {8432, bg1, 24, 2, 4252, 208, 4576, 324},  // B = 8456: C = 2, B' = 8504.
      {8456, bg1, 24, 2, 4264, 208, 4576, 312},  // B = 8480: C = 2, B' = 8528.
      {1277992, bg1, 24, 152, 8432, 384, 8448, 16}, // Largest TBS: B = 1278016, C = 152, B' = 1281664.
  };
  for (const auto& e : cases) {
    CAPTURE(e.tbs);
    CAPTURE(static_cast<int>(e.graph));
    ldpc_segmentation s = segmentation_of(e.tbs, e.graph);
    CHECK(s.graph == e.graph);
    CHECK(s.tbs == e.tbs);
    CHECK(s.tb_crc_length == e.tb_crc_length);
    CHECK(s.nof_cbs == e.nof_cbs);
    CHECK(s.cb_crc_length == (e.nof_cbs > 1 ? 24U : 0U));
    CHECK(s.k_prime == e.k_prime);
    CHECK(s.lifting_size == e.lifting_size);
    CHECK(s.k == e.k);
    CHECK(s.nof_filler_bits == e.nof_filler_bits);
  }
}

TEST_CASE("segmentation: invalid transport block sizes are rejected")
{
  ldpc_segmentation s{};
  CHECK_FALSE(compute_ldpc_segmentation(s, 0, bg1).is_ok());
  CHECK_FALSE(compute_ldpc_segmentation(s, 12, bg2).is_ok());
  CHECK_FALSE(compute_ldpc_segmentation(s, 1001, bg1).is_ok());
  CHECK_FALSE(compute_ldpc_segmentation(s, max_transport_block_size + 8, bg1).is_ok());
  // B = 17024, C = 3: B' = 17096 is not a multiple of 3.
  CHECK_FALSE(compute_ldpc_segmentation(s, 17000, bg1).is_ok());
  // Largest TBS with BG2: C = 335, B' = 1286056 is not a multiple of 335.
  CHECK_FALSE(compute_ldpc_segmentation(s, max_transport_block_size, bg2).is_ok());
  CHECK_FALSE(compute_ldpc_segmentation(s, 1000, static_cast<ldpc_base_graph>(3)).is_ok());
  airan::status st = compute_ldpc_segmentation(s, 12, bg2);
  CHECK(st.message().find("multiple of 8") != std::string::npos);
}

TEST_CASE("segmentation: code blocks, round trip and CRC checks")
{
  std::mt19937 rng(7);
  const std::pair<unsigned, ldpc_base_graph> sizes[] = {{24, bg2},
                                                        {184, bg2},
                                                        {632, bg2},
                                                        {3824, bg1},
                                                        {3848, bg2},
                                                        {10008, bg2},
                                                        {8424, bg1},
                                                        {8432, bg1},
                                                        {25344, bg1},
                                                        {max_transport_block_size, bg1}};
  for (auto [tbs, graph] : sizes) {
    CAPTURE(tbs);
    const ldpc_segmentation s = segmentation_of(tbs, graph);
    const std::vector<uint8_t> tb = random_bytes(rng, tbs / 8);

    // Expected b_0 .. b_{B-1}: transport block bits followed by the parity bits of CRC24A or CRC16.
    std::vector<uint8_t> b;
    for (uint8_t byte : tb) {
      append_bits(b, byte, 8);
    }
    append_bits(b, crc_compute_bytes(s.tb_crc_length == 24 ? crc_type::crc24a : crc_type::crc16, tb),
                s.tb_crc_length);

    std::vector<uint8_t> cb_bits(size_t{s.nof_cbs} * s.k, 0xaa);
    segment_transport_block(cb_bits, tb, s);

    const unsigned nof_data = s.k_prime - s.cb_crc_length;
    REQUIRE(size_t{nof_data} * s.nof_cbs == b.size());
    for (unsigned r = 0; r != s.nof_cbs; ++r) {
      const uint8_t* cb = cb_bits.data() + size_t{r} * s.k;
      std::vector<uint8_t> expected(b.begin() + size_t{r} * nof_data, b.begin() + size_t{r + 1} * nof_data);
      if (s.nof_cbs > 1) {
        append_bits(expected, crc_compute_bits(crc_type::crc24b, expected), 24);
      }
      expected.resize(s.k, 0);
      REQUIRE(std::vector<uint8_t>(cb, cb + s.k) == expected);
      CHECK(check_code_block_crc({cb, s.k_prime}, s));
    }

    std::vector<uint8_t> tb_out(tb.size());
    std::vector<uint8_t> flags(s.nof_cbs, 7);
    tb_desegmentation_result res = desegment_transport_block(tb_out, cb_bits, s, flags);
    CHECK(res.tb_crc_ok);
    CHECK(res.nof_cb_crc_ok == s.nof_cbs);
    CHECK(tb_out == tb);
    CHECK(std::all_of(flags.begin(), flags.end(), [](uint8_t f) { return f == 1; }));

    // Filler bits are not part of any CRC.
    std::vector<uint8_t> corrupted = cb_bits;
    if (s.nof_filler_bits > 0) {
      corrupted[s.k - 1] ^= 1;
      res = desegment_transport_block(tb_out, corrupted, s, flags);
      CHECK(res.tb_crc_ok);
      CHECK(res.nof_cb_crc_ok == s.nof_cbs);
    }

    // One flipped data bit in the last code block: only that code block fails, and so does the transport block.
    const unsigned bad_cb = s.nof_cbs - 1;
    corrupted = cb_bits;
    const size_t flipped = size_t{bad_cb} * s.k + std::uniform_int_distribution<unsigned>(0, nof_data - 1)(rng);
    corrupted[flipped] ^= 1;
    res = desegment_transport_block(tb_out, corrupted, s, flags);
    CHECK_FALSE(res.tb_crc_ok);
    CHECK(res.nof_cb_crc_ok == s.nof_cbs - 1);
    CHECK(flags[bad_cb] == 0);
    CHECK_FALSE(check_code_block_crc({corrupted.data() + size_t{bad_cb} * s.k, s.k_prime}, s));
    for (unsigned r = 0; r + 1 < s.nof_cbs; ++r) {
      CHECK(flags[r] == 1);
    }

    if (s.nof_cbs > 1) {
      // A flipped code block CRC bit in the first code block: that code block fails, the data are intact.
      corrupted = cb_bits;
      corrupted[s.k_prime - 1] ^= 1;
      res = desegment_transport_block(tb_out, corrupted, s, flags);
      CHECK(res.tb_crc_ok);
      CHECK(res.nof_cb_crc_ok == s.nof_cbs - 1);
      CHECK(flags[0] == 0);
      CHECK(tb_out == tb);
    }
  }
}
