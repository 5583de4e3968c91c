#include "airan/phy/coding/ldpc_encoder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

using namespace airan::phy;

namespace {

std::vector<uint8_t> random_bits(std::size_t n, std::mt19937& rng)
{
  std::vector<uint8_t> bits(n);
  for (auto& b : bits) {
    b = static_cast<uint8_t>(rng() & 1U);
  }
  return bits;
}

using encode_function = void (*)(std::span<uint8_t>, std::span<const uint8_t>, ldpc_base_graph, unsigned) noexcept;

/// The dispatching encoder and its portable code path (the same as the former where the CPU lacks AVX2).
const std::pair<const char*, encode_function> encoders[] = {{"ldpc_encode", &ldpc_encode},
                                                            {"generic", &detail::ldpc_encode_generic}};

std::vector<uint8_t> encode(encode_function f,
                            const std::vector<uint8_t>& info,
                            ldpc_base_graph graph,
                            unsigned z,
                            std::size_t length)
{
  REQUIRE(validate_ldpc_encoder_input(graph, z, info.size(), length).is_ok());
  std::vector<uint8_t> codeword(length, 0xAA);
  f(codeword, info, graph, z);
  return codeword;
}

/// The full codeword [c_0 .. c_{K-1} w_0 ...] of TS 38.212 5.3.2: the punctured c_0 .. c_{2Z-1} put back in front.
std::vector<uint8_t> full_codeword(const std::vector<uint8_t>& info, const std::vector<uint8_t>& d, unsigned z)
{
  std::vector<uint8_t> full(info.begin(), info.begin() + 2 * z);
  full.insert(full.end(), d.begin(), d.end());
  return full;
}

/// Number of rows of the lifted H (TS 38.212 5.3.2: entry (i, j) is the identity cyclically shifted by P(i,j) =
/// V(i,j) mod Z, so row z of block row i checks bit (z + P) mod Z of block column j) that are not satisfied.
unsigned count_failed_checks(const std::vector<uint8_t>& full, ldpc_base_graph graph, unsigned z)
{
  const auto& bg = get_ldpc_base_graph(graph);
  const unsigned set = *ldpc_lifting_set_index(z);
  unsigned failed = 0;
  for (unsigned i = 0; i < bg.nof_rows; ++i) {
    for (unsigned row = 0; row < z; ++row) {
      unsigned sum = 0;
      for (const auto& e : bg.entries) {
        if (e.row == i) {
          sum += full.at(e.col * z + (row + e.shift_by_set[set] % z) % z);
        }
      }
      failed += sum % 2;
    }
  }
  return failed;
}

/// Parity bits by Gaussian elimination over GF(2) of the lifted H: H_p w = H_s c, with H_p the columns K .. end.
std::vector<uint8_t> reference_parity(const std::vector<uint8_t>& info, ldpc_base_graph graph, unsigned z)
{
  const auto& bg = get_ldpc_base_graph(graph);
  const unsigned set = *ldpc_lifting_set_index(z);
  const std::size_t k = info.size();
  const std::size_t m = bg.nof_rows * z;
  // Augmented matrix [H_p | H_s c], one row per check.
  std::vector<std::vector<uint8_t>> rows(m, std::vector<uint8_t>(m + 1, 0));
  for (const auto& e : bg.entries) {
    for (unsigned row = 0; row < z; ++row) {
      const std::size_t col = e.col * z + (row + e.shift_by_set[set] % z) % z;
      auto& r = rows[e.row * z + row];
      if (col < k) {
        r[m] ^= info[col];
      } else {
        r[col - k] ^= 1;
      }
    }
  }
  for (std::size_t col = 0; col < m; ++col) {
    std::size_t pivot = col;
    while (pivot < m && rows[pivot][col] == 0) {
      ++pivot;
    }
    REQUIRE_MESSAGE(pivot < m, "H_p is singular");
    std::swap(rows[pivot], rows[col]);
    for (std::size_t r = 0; r < m; ++r) {
      if (r != col && rows[r][col] != 0) {
        for (std::size_t c = col; c <= m; ++c) {
          rows[r][c] ^= rows[col][c];
        }
      }
    }
  }
  std::vector<uint8_t> parity(m);
  for (std::size_t r = 0; r < m; ++r) {
    parity[r] = rows[r][m];
  }
  return parity;
}

} // namespace

TEST_CASE("LDPC encoder: every lifting size of both base graphs satisfies all parity checks (TS 38.212 5.3.2)")
{
  std::mt19937 rng(2024);
  for (auto [name, f] : encoders) {
    for (auto graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
      for (unsigned z : ldpc_lifting_sizes()) {
        CAPTURE(name);
        CAPTURE(static_cast<int>(graph));
        CAPTURE(z);
        const auto info = random_bits(ldpc_info_length(graph, z), rng);
        const auto d = encode(f, info, graph, z, ldpc_codeword_length(graph, z));
        CHECK(std::all_of(d.begin(), d.end(), [](uint8_t b) { return b <= 1; }));
        // Systematic part: d_{k-2Z} = c_k for 2Z <= k < K.
        CHECK(std::equal(info.begin() + 2 * z, info.end(), d.begin()));
        CHECK(count_failed_checks(full_codeword(info, d, z), graph, z) == 0);
      }
    }
  }
}

TEST_CASE("LDPC encoder: the set index 6 (BG1) and 3, 7 (BG2) core shifts, with 105 mod Z = 105 for Z = 208")
{
  std::mt19937 rng(7);
  for (auto [name, f] : encoders) {
    for (unsigned trial = 0; trial < 4; ++trial) {
      for (auto [graph, z] : {std::pair{ldpc_base_graph::bg1, 208U},
                              std::pair{ldpc_base_graph::bg1, 104U},
                              std::pair{ldpc_base_graph::bg2, 208U},
                              std::pair{ldpc_base_graph::bg2, 224U},
                              std::pair{ldpc_base_graph::bg2, 240U}}) {
        CAPTURE(name);
        CAPTURE(z);
        const auto info = random_bits(ldpc_info_length(graph, z), rng);
        const auto d = encode(f, info, graph, z, ldpc_codeword_length(graph, z));
        CHECK(count_failed_checks(full_codeword(info, d, z), graph, z) == 0);
      }
    }
  }
}

TEST_CASE("LDPC encoder: parity bits equal Gaussian elimination on the lifted H for small Z")
{
  std::mt19937 rng(99);
  for (auto graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
    // One lifting size of every set index i_LS = 0..7.
    for (unsigned z : {2U, 3U, 5U, 7U, 9U, 11U, 13U, 15U}) {
      CAPTURE(static_cast<int>(graph));
      CAPTURE(z);
      const auto info = random_bits(ldpc_info_length(graph, z), rng);
      const auto parity = reference_parity(info, graph, z);
      const std::size_t nof_systematic = info.size() - 2 * z;
      for (auto [name, f] : encoders) {
        CAPTURE(name);
        const auto d = encode(f, info, graph, z, ldpc_codeword_length(graph, z));
        CHECK(std::equal(parity.begin(), parity.end(), d.begin() + nof_systematic, d.end()));
      }
    }
  }
}

TEST_CASE("LDPC encoder: a shortened codeword is the prefix of the full one")
{
  std::mt19937 rng(5);
  for (auto [name, f] : encoders) {
    for (auto graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
      for (unsigned z : {2U, 7U, 36U, 104U, 208U, 352U, 384U}) {
        CAPTURE(name);
        CAPTURE(static_cast<int>(graph));
        CAPTURE(z);
        const auto info = random_bits(ldpc_info_length(graph, z), rng);
        const std::size_t n = ldpc_codeword_length(graph, z);
        const std::size_t min_length = ldpc_min_codeword_length(graph, z);
        const auto full = encode(f, info, graph, z, n);
        std::vector<std::size_t> lengths = {min_length, min_length + 1, min_length + z, n - 1};
        std::uniform_int_distribution<std::size_t> dist(min_length, n);
        for (unsigned t = 0; t < 6; ++t) {
          lengths.push_back(dist(rng));
        }
        for (std::size_t length : lengths) {
          CAPTURE(length);
          const auto d = encode(f, info, graph, z, length);
          CHECK(std::equal(d.begin(), d.end(), full.begin()));
        }
      }
    }
  }
}

TEST_CASE("LDPC encoder: the code is linear and maps all-zero information to the all-zero codeword")
{
  std::mt19937 rng(11);
  for (auto [name, f] : encoders) {
    for (auto graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
      CAPTURE(name);
      const unsigned z = 384;
      const std::size_t n = ldpc_codeword_length(graph, z);
      const std::vector<uint8_t> zero(ldpc_info_length(graph, z), 0);
      const auto d0 = encode(f, zero, graph, z, n);
      CHECK(std::all_of(d0.begin(), d0.end(), [](uint8_t b) { return b == 0; }));
      const auto a = random_bits(zero.size(), rng);
      const auto b = random_bits(zero.size(), rng);
      std::vector<uint8_t> a_xor_b(zero.size());
      std::transform(a.begin(), a.end(), b.begin(), a_xor_b.begin(), [](uint8_t x, uint8_t y) { return x ^ y; });
      const auto da = encode(f, a, graph, z, n);
      const auto db = encode(f, b, graph, z, n);
      const auto dab = encode(f, a_xor_b, graph, z, n);
      for (std::size_t i = 0; i < n; ++i) {
        REQUIRE((da[i] ^ db[i]) == dab[i]);
      }
    }
  }
}

TEST_CASE("LDPC encoder: invalid parameters are rejected")
{
  const auto bg1 = ldpc_base_graph::bg1;
  const auto bg2 = ldpc_base_graph::bg2;
  CHECK(validate_ldpc_encoder_input(bg1, 384, 8448, 25344).is_ok());
  CHECK(validate_ldpc_encoder_input(bg1, 384, 8448, 9216).is_ok());
  CHECK(validate_ldpc_encoder_input(bg2, 2, 20, 100).is_ok());
  CHECK(validate_ldpc_encoder_input(bg2, 2, 20, 24).is_ok());

  for (unsigned z : {0U, 1U, 17U, 385U, 416U, 480U}) {
    const auto s = validate_ldpc_encoder_input(bg1, z, 22 * z, 66 * z);
    CHECK_FALSE(s.is_ok());
    CHECK(s.message().find("lifting size") != std::string::npos);
  }
  auto s = validate_ldpc_encoder_input(bg1, 384, 3840, 25344);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("information bits") != std::string::npos);
  CHECK_FALSE(validate_ldpc_encoder_input(bg2, 384, 8448, 19200).is_ok());
  CHECK_FALSE(validate_ldpc_encoder_input(bg1, 384, 8447, 25344).is_ok());

  s = validate_ldpc_encoder_input(bg1, 384, 8448, 25345);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("codeword length") != std::string::npos);
  CHECK_FALSE(validate_ldpc_encoder_input(bg1, 384, 8448, 9215).is_ok());
  CHECK_FALSE(validate_ldpc_encoder_input(bg1, 384, 8448, 0).is_ok());
  CHECK_FALSE(validate_ldpc_encoder_input(bg2, 384, 3840, 19201).is_ok());
  CHECK_FALSE(validate_ldpc_encoder_input(bg2, 384, 3840, 4607).is_ok());
  CHECK_FALSE(validate_ldpc_encoder_input(static_cast<ldpc_base_graph>(3), 384, 8448, 25344).is_ok());
}
