#include "airan/phy/coding/rate_matching.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace airan::phy;

namespace {

/// <NULL> marker of TS 38.212 5.3.2 in the reference sequences.
constexpr int null_bit = -1;

/// k_0, TS 38.212 Table 5.4.2.1-2, row by row.
unsigned reference_k0(ldpc_base_graph graph, unsigned rv, unsigned n_cb, unsigned z)
{
  if (graph == ldpc_base_graph::bg1) {
    switch (rv) {
      case 0:
        return 0;
      case 1:
        return (17 * n_cb) / (66 * z) * z;
      case 2:
        return (33 * n_cb) / (66 * z) * z;
      default:
        return (56 * n_cb) / (66 * z) * z;
    }
  }
  switch (rv) {
    case 0:
      return 0;
    case 1:
      return (13 * n_cb) / (50 * z) * z;
    case 2:
      return (25 * n_cb) / (50 * z) * z;
    default:
      return (43 * n_cb) / (50 * z) * z;
  }
}

/// The circular-buffer positions that e_0..e_{E-1} are taken from, by the pseudo-code of TS 38.212 5.4.2.1
/// (d holds null_bit at the <NULL> positions).
std::vector<unsigned> reference_selected_positions(const std::vector<int>& d, const ldpc_rate_match_params& p)
{
  const unsigned k0 = reference_k0(p.graph, p.rv, p.n_cb, p.lifting_size);
  std::vector<unsigned> positions(p.e);
  unsigned k = 0;
  unsigned j = 0;
  while (k < p.e) {
    if (d[(k0 + j) % p.n_cb] != null_bit) {
      positions[k] = (k0 + j) % p.n_cb;
      k = k + 1;
    }
    j = j + 1;
  }
  return positions;
}

/// TS 38.212 5.4.2.1 then 5.4.2.2, literally.
std::vector<uint8_t> reference_rate_match(const std::vector<int>& d, const ldpc_rate_match_params& p)
{
  const std::vector<unsigned> positions = reference_selected_positions(d, p);
  std::vector<int> e(p.e);
  for (unsigned k = 0; k < p.e; ++k) {
    e[k] = d[positions[k]];
  }
  const unsigned qm = p.modulation_order;
  std::vector<uint8_t> f(p.e);
  for (unsigned j = 0; j < p.e / qm; ++j) {
    for (unsigned i = 0; i < qm; ++i) {
      f[i + j * qm] = static_cast<uint8_t>(e[i * (p.e / qm) + j]);
    }
  }
  return f;
}

/// Inverse of the above with saturated accumulation in the order e_0, e_1, ...; returns one past the largest
/// position written (filler included).
unsigned reference_rate_dematch(std::vector<int8_t>& soft,
                                const std::vector<int8_t>& f,
                                const std::vector<int>& d,
                                const ldpc_rate_match_params& p,
                                bool new_data)
{
  const unsigned qm = p.modulation_order;
  std::vector<int> e(p.e);
  for (unsigned j = 0; j < p.e / qm; ++j) {
    for (unsigned i = 0; i < qm; ++i) {
      e[i * (p.e / qm) + j] = f[i + j * qm];
    }
  }
  unsigned end = 0;
  for (unsigned n = 0; n < p.n_cb; ++n) {
    if (new_data) {
      soft[n] = 0;
    }
    if (d[n] == null_bit) {
      soft[n] = 127;
      end = n + 1;
    }
  }
  const std::vector<unsigned> positions = reference_selected_positions(d, p);
  for (unsigned k = 0; k < p.e; ++k) {
    const int sum = soft[positions[k]] + e[k];
    soft[positions[k]] = static_cast<int8_t>(std::clamp(sum, -127, 127));
    end = std::max(end, positions[k] + 1);
  }
  return end;
}

/// Random encoder output d_0..d_{N-1} with <NULL> at the filler positions K'-2Z .. K-2Z-1 (TS 38.212 5.3.2).
std::vector<int> make_reference_d(const ldpc_rate_match_params& p, std::mt19937& rng)
{
  const unsigned z = p.lifting_size;
  const unsigned k = ldpc_info_length(p.graph, z);
  std::vector<int> d(ldpc_codeword_length(p.graph, z));
  for (unsigned n = 0; n < d.size(); ++n) {
    const unsigned c_index = n + 2 * z;
    d[n] = c_index >= p.k_prime && c_index < k ? null_bit : static_cast<int>(rng() & 1U);
  }
  return d;
}

/// The same d as the implementation sees it: bits, with arbitrary values at the <NULL> positions.
std::vector<uint8_t> to_bits(const std::vector<int>& d, std::mt19937& rng)
{
  std::vector<uint8_t> bits(d.size());
  for (unsigned n = 0; n < d.size(); ++n) {
    bits[n] = static_cast<uint8_t>(d[n] == null_bit ? rng() % 256 : d[n]);
  }
  return bits;
}

std::vector<int8_t> random_llrs(std::size_t size, std::mt19937& rng)
{
  std::vector<int8_t> llrs(size);
  for (auto& l : llrs) {
    l = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  }
  return llrs;
}

/// Test cases covering BG1/BG2, several Z, with and without filler and limited buffer, all RVs and all Q_m, and E
/// below and above the number of valid circular-buffer positions (repetition). Calls fn(params) for each.
template <typename Fn>
void for_each_case(Fn&& fn)
{
  std::mt19937 rng(2024);
  for (ldpc_base_graph graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
    for (unsigned z : {2U, 7U, 36U, 104U, 384U}) {
      const unsigned k = ldpc_info_length(graph, z);
      const unsigned n = ldpc_codeword_length(graph, z);
      for (bool filler : {false, true}) {
        const unsigned k_prime = filler ? 2 * z + 1 + static_cast<unsigned>(rng() % (k - 2 * z - 1)) : k;
        for (bool lbrm : {false, true}) {
          const unsigned n_cb_min = std::max(k_prime, k - 2 * z) + 1;
          const unsigned n_cb = lbrm ? n_cb_min + static_cast<unsigned>(rng() % (n - n_cb_min)) : n;
          const unsigned nof_valid = n_cb - (k - k_prime);
          for (unsigned rv = 0; rv != 4; ++rv) {
            for (unsigned qm : {1U, 2U, 4U, 6U, 8U}) {
              const unsigned e_valid_max = std::max(qm, nof_valid / qm * qm);
              const unsigned e_random = qm * (1 + static_cast<unsigned>(rng() % (3 * nof_valid / qm)));
              for (unsigned e : {qm, 17 * qm, e_valid_max, e_valid_max + qm, e_random}) {
                fn(ldpc_rate_match_params{graph, z, k_prime, n_cb, rv, qm, e}, rng);
              }
            }
          }
        }
      }
    }
  }
}

} // namespace

TEST_CASE("N_cb: full and limited circular buffer, TS 38.212 5.4.2.1")
{
  // Without LBRM, N_cb = N = 66 Z (BG1) or 50 Z (BG2).
  CHECK(compute_ldpc_n_cb(ldpc_base_graph::bg1, 384, std::nullopt, 3) == 25344);
  CHECK(compute_ldpc_n_cb(ldpc_base_graph::bg2, 52, std::nullopt, 1) == 2600);
  // TBS_LBRM = 100000, C = 12: N_ref = floor(100000 / (12 * 2/3)) = 12500 < 25344.
  CHECK(compute_ldpc_n_cb(ldpc_base_graph::bg1, 384, 100000U, 12) == 12500);
  // TBS_LBRM = 10001, C = 3: N_ref = floor(10001 / 2) = 5000 < N = 50 * 128 = 6400.
  CHECK(compute_ldpc_n_cb(ldpc_base_graph::bg2, 128, 10001U, 3) == 5000);
  // TBS_LBRM = 1277992, C = 1: N_ref = 1916988 > N, N_cb = N.
  CHECK(compute_ldpc_n_cb(ldpc_base_graph::bg1, 384, 1277992U, 1) == 25344);
  // TBS_LBRM = 5, C = 1 (no overflow concerns, rounding): floor(7.5) = 7.
  CHECK(compute_ldpc_n_cb(ldpc_base_graph::bg2, 2, 5U, 1) == 7);
}

TEST_CASE("k_0: TS 38.212 Table 5.4.2.1-2 worked by hand")
{
  // BG1, Z = 384, N_cb = N = 25344: floor(a N_cb / (66 Z)) = a.
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 0, 25344, 384) == 0);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 1, 25344, 384) == 6528);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 2, 25344, 384) == 12672);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 3, 25344, 384) == 21504);
  // BG2, Z = 384, N_cb = N = 19200.
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 1, 19200, 384) == 4992);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 2, 19200, 384) == 9600);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 3, 19200, 384) == 16512);
  // BG1, Z = 384, N_cb = 16000: floor(272000 / 25344) = 10, floor(528000 / 25344) = 20, floor(896000 / 25344) = 35.
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 1, 16000, 384) == 3840);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 2, 16000, 384) == 7680);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg1, 3, 16000, 384) == 13440);
  // BG2, Z = 52, N_cb = 2000: floor(26000 / 2600) = 10, floor(50000 / 2600) = 19, floor(86000 / 2600) = 33.
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 0, 2000, 52) == 0);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 1, 2000, 52) == 520);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 2, 2000, 52) == 988);
  CHECK(ldpc_rv_start(ldpc_base_graph::bg2, 3, 2000, 52) == 1716);
}

TEST_CASE("E_r: split of G over the code blocks, TS 38.212 5.4.2.1")
{
  std::vector<unsigned> e(4, 0);
  // G = 10000, C = 3, N_L = 1, Q_m = 2: 5000 symbols, mod(5000, 3) = 2, so only r = 0 gets 2 floor(5000/3).
  REQUIRE(compute_cb_rate_match_lengths(e, 10000, 3, 1, 2).is_ok());
  CHECK(e[0] == 3332);
  CHECK(e[1] == 3334);
  CHECK(e[2] == 3334);
  // G = 12000, C = 4, N_L = 2, Q_m = 6: 1000 symbols of 12 bits, divisible by 4: 250 symbols each.
  REQUIRE(compute_cb_rate_match_lengths(e, 12000, 4, 2, 6).is_ok());
  CHECK(e == std::vector<unsigned>{3000, 3000, 3000, 3000});
  // G = 320, C = 3, N_L = 4, Q_m = 8: 10 symbols of 32 bits, mod(10, 3) = 1: r = 0, 1 get 3, r = 2 gets 4.
  REQUIRE(compute_cb_rate_match_lengths(e, 320, 3, 4, 8).is_ok());
  CHECK(e[0] == 96);
  CHECK(e[1] == 96);
  CHECK(e[2] == 128);
  // C = 1 takes all of G.
  REQUIRE(compute_cb_rate_match_lengths(e, 9000, 1, 1, 4).is_ok());
  CHECK(e[0] == 9000);
}

TEST_CASE("E_r: invalid inputs")
{
  std::vector<unsigned> e(4, 0);
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10000, 0, 1, 2).is_ok());
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10000, 5, 1, 2).is_ok());
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10000, 3, 0, 2).is_ok());
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10000, 3, 5, 2).is_ok());
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10000, 3, 1, 3).is_ok());
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10001, 3, 1, 2).is_ok());
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 10002, 3, 2, 2).is_ok());
  // 2 symbols for 3 code blocks.
  CHECK_FALSE(compute_cb_rate_match_lengths(e, 4, 3, 1, 2).is_ok());
}

TEST_CASE("rate matching parameters: validation")
{
  // BG2, Z = 52: K = 520, N = 2600.
  const ldpc_rate_match_params good{ldpc_base_graph::bg2, 52, 500, 2600, 0, 4, 1000};
  CHECK(validate(good).is_ok());
  auto with = [&](auto change) {
    ldpc_rate_match_params p = good;
    change(p);
    return validate(p).is_ok();
  };
  CHECK_FALSE(with([](auto& p) { p.graph = static_cast<ldpc_base_graph>(3); }));
  CHECK_FALSE(with([](auto& p) { p.lifting_size = 0; }));
  CHECK_FALSE(with([](auto& p) { p.lifting_size = 17; }));
  CHECK_FALSE(with([](auto& p) { p.rv = 4; }));
  CHECK_FALSE(with([](auto& p) { p.modulation_order = 3; }));
  CHECK_FALSE(with([](auto& p) { p.modulation_order = 0; }));
  CHECK_FALSE(with([](auto& p) { p.e = 0; }));
  CHECK_FALSE(with([](auto& p) { p.e = 1002; }));
  CHECK_FALSE(with([](auto& p) { p.k_prime = 521; }));
  CHECK_FALSE(with([](auto& p) { p.k_prime = 104; }));
  CHECK(with([](auto& p) { p.k_prime = 105; }));
  CHECK(with([](auto& p) { p.k_prime = 520; }));
  CHECK_FALSE(with([](auto& p) { p.n_cb = 2601; }));
  // N_cb must exceed K' = 500 and K - 2 Z = 416.
  CHECK_FALSE(with([](auto& p) { p.n_cb = 500; }));
  CHECK(with([](auto& p) { p.n_cb = 501; }));
  CHECK_FALSE(with([](auto& p) { p.k_prime = 200; p.n_cb = 416; }));
  CHECK(with([](auto& p) { p.k_prime = 200; p.n_cb = 417; }));
  CHECK(with([](auto& p) { p.modulation_order = 8; p.e = 1000; }));
  CHECK_FALSE(with([](auto& p) { p.modulation_order = 6; p.e = 1000; }));
}

TEST_CASE("rate matching: hand-worked selections and interleaving, BG2 Z = 2")
{
  // BG2, Z = 2: K = 20, N = 100. K' = 16: <NULL> at d_12..d_15. d holds its own position, to trace the selection.
  std::vector<uint8_t> d(100);
  for (unsigned n = 0; n < d.size(); ++n) {
    d[n] = static_cast<uint8_t>(n);
  }
  SUBCASE("rv 0, Q_m = 2, E = 20: e = d_0..d_11, d_16..d_23; f_2j = e_j, f_2j+1 = e_10+j")
  {
    const ldpc_rate_match_params p{ldpc_base_graph::bg2, 2, 16, 100, 0, 2, 20};
    REQUIRE(validate(p).is_ok());
    CHECK(ldpc_rate_match_nof_needed_bits(p) == 24);
    std::vector<uint8_t> f(20);
    ldpc_rate_match(f, std::span(d).first(24), p);
    CHECK(f == std::vector<uint8_t>{0, 10, 1, 11, 2, 16, 3, 17, 4, 18, 5, 19, 6, 20, 7, 21, 8, 22, 9, 23});
  }
  SUBCASE("rv 3, Q_m = 4, E = 24: k_0 = 86, e = d_86..d_99, d_0..d_9; f_4j+i = e_6i+j")
  {
    const ldpc_rate_match_params p{ldpc_base_graph::bg2, 2, 16, 100, 3, 4, 24};
    REQUIRE(validate(p).is_ok());
    CHECK(ldpc_rate_match_nof_needed_bits(p) == 100);
    std::vector<uint8_t> f(24);
    ldpc_rate_match(f, d, p);
    CHECK(f == std::vector<uint8_t>{86, 92, 98, 4, 87, 93, 99, 5, 88, 94, 0, 6,
                                    89, 95, 1, 7, 90, 96, 2, 8, 91, 97, 3, 9});
  }
}

TEST_CASE("rate dematching: hand-worked placement, BG2 Z = 2, rv 0, Q_m = 2, E = 20")
{
  const ldpc_rate_match_params p{ldpc_base_graph::bg2, 2, 16, 100, 0, 2, 20};
  std::vector<int8_t> llrs(20);
  for (unsigned k = 0; k < llrs.size(); ++k) {
    llrs[k] = static_cast<int8_t>(k + 1);
  }
  std::vector<int8_t> soft(100, 55);
  CHECK(ldpc_rate_dematch(soft, llrs, p, true) == 24);
  std::vector<int8_t> expected(100, 0);
  // f_2j = e_j goes to d_j (j < 10); f_2j+1 = e_10+j goes to d_10, d_11, d_16..d_23.
  const unsigned odd_positions[10] = {10, 11, 16, 17, 18, 19, 20, 21, 22, 23};
  for (unsigned j = 0; j < 10; ++j) {
    expected[j] = static_cast<int8_t>(2 * j + 1);
    expected[odd_positions[j]] = static_cast<int8_t>(2 * j + 2);
  }
  std::fill(expected.begin() + 12, expected.begin() + 16, int8_t{127});
  CHECK(soft == expected);
}

TEST_CASE("rate matching: fast implementation equals the TS 38.212 pseudo-code")
{
  unsigned nof_cases = 0;
  for_each_case([&](const ldpc_rate_match_params& p, std::mt19937& rng) {
    REQUIRE(validate(p).is_ok());
    const std::vector<int> d = make_reference_d(p, rng);
    const std::vector<uint8_t> expected = reference_rate_match(d, p);
    const std::vector<unsigned> positions = reference_selected_positions(d, p);
    const unsigned needed = *std::max_element(positions.begin(), positions.end()) + 1;
    CHECK(ldpc_rate_match_nof_needed_bits(p) == needed);
    // Only the needed prefix of d, so that a read beyond it is caught by the sanitizers.
    const std::vector<uint8_t> bits = to_bits(d, rng);
    const std::vector<uint8_t> d_prefix(bits.begin(), bits.begin() + needed);
    std::vector<uint8_t> f(p.e);
    ldpc_rate_match(f, d_prefix, p);
    CHECK_MESSAGE(f == expected,
                  "BG", static_cast<unsigned>(p.graph), " Z ", p.lifting_size, " K' ", p.k_prime, " N_cb ", p.n_cb,
                  " rv ", p.rv, " Qm ", p.modulation_order, " E ", p.e);
    ++nof_cases;
  });
  CHECK(nof_cases == 2 * 5 * 2 * 2 * 4 * 5 * 5);
}

TEST_CASE("rate dematching: fast implementation equals the reference combining, new and combined data")
{
  for_each_case([&](const ldpc_rate_match_params& p, std::mt19937& rng) {
    const std::vector<int> d = make_reference_d(p, rng);
    const std::vector<int8_t> llrs = random_llrs(p.e, rng);
    const unsigned n = ldpc_codeword_length(p.graph, p.lifting_size);
    for (bool new_data : {true, false}) {
      // Earlier soft values, including large ones so that combining saturates.
      std::vector<int8_t> expected = random_llrs(n, rng);
      std::vector<int8_t> soft = expected;
      const unsigned expected_end = reference_rate_dematch(expected, llrs, d, p, new_data);
      CHECK(ldpc_rate_dematch(soft, llrs, p, new_data) == expected_end);
      CHECK_MESSAGE(soft == expected,
                    "BG", static_cast<unsigned>(p.graph), " Z ", p.lifting_size, " K' ", p.k_prime, " N_cb ",
                    p.n_cb, " rv ", p.rv, " Qm ", p.modulation_order, " E ", p.e, " new ", new_data);
    }
  });
}

TEST_CASE("rate dematching of rate matched bits restores each bit's sign at its d positions")
{
  for_each_case([&](const ldpc_rate_match_params& p, std::mt19937& rng) {
    const std::vector<int> d = make_reference_d(p, rng);
    const std::vector<uint8_t> bits = to_bits(d, rng);
    std::vector<uint8_t> f(p.e);
    ldpc_rate_match(f, bits, p);
    std::vector<int8_t> llrs(p.e);
    std::transform(f.begin(), f.end(), llrs.begin(), [](uint8_t b) { return static_cast<int8_t>(b ? -20 : 20); });
    std::vector<int8_t> soft(ldpc_codeword_length(p.graph, p.lifting_size), 99);
    ldpc_rate_dematch(soft, llrs, p, true);

    const std::vector<unsigned> positions = reference_selected_positions(d, p);
    std::vector<bool> selected(soft.size(), false);
    for (unsigned pos : positions) {
      selected[pos] = true;
    }
    bool all_right = true;
    for (unsigned n = 0; n < soft.size(); ++n) {
      if (n >= p.n_cb) {
        all_right &= soft[n] == 99;
      } else if (d[n] == null_bit) {
        all_right &= soft[n] == 127;
      } else if (selected[n]) {
        all_right &= (d[n] == 0 && soft[n] > 0) || (d[n] == 1 && soft[n] < 0);
      } else {
        all_right &= soft[n] == 0;
      }
    }
    CHECK_MESSAGE(all_right, "BG", static_cast<unsigned>(p.graph), " Z ", p.lifting_size, " K' ", p.k_prime,
                  " N_cb ", p.n_cb, " rv ", p.rv, " Qm ", p.modulation_order, " E ", p.e);
  });
}

TEST_CASE("rate dematching: two redundancy versions combine with saturation")
{
  // BG1, Z = 2, no filler: N = N_cb = 132. rv 0 covers d_0..d_79; rv 2 starts at k_0 = 33 * 2 = 66 and covers
  // d_66..d_131 then wraps to d_0..d_13.
  const ldpc_rate_match_params rv0{ldpc_base_graph::bg1, 2, 44, 132, 0, 2, 80};
  ldpc_rate_match_params rv2 = rv0;
  rv2.rv = 2;
  auto region = [](const std::vector<int8_t>& soft, unsigned first, unsigned last, int value) {
    return std::all_of(soft.begin() + first, soft.begin() + last + 1, [&](int8_t v) { return v == value; });
  };
  for (int sign : {1, -1}) {
    std::vector<int8_t> soft(132, 0);
    CHECK(ldpc_rate_dematch(soft, std::vector<int8_t>(80, static_cast<int8_t>(sign * 60)), rv0, true) == 80);
    CHECK(ldpc_rate_dematch(soft, std::vector<int8_t>(80, static_cast<int8_t>(sign * 70)), rv2, false) == 132);
    CHECK(region(soft, 0, 13, sign * 127));
    CHECK(region(soft, 14, 65, sign * 60));
    CHECK(region(soft, 66, 79, sign * 127));
    CHECK(region(soft, 80, 131, sign * 70));
  }
  std::vector<int8_t> soft(132, 0);
  ldpc_rate_dematch(soft, std::vector<int8_t>(80, 60), rv0, true);
  ldpc_rate_dematch(soft, std::vector<int8_t>(80, -70), rv2, false);
  CHECK(region(soft, 0, 13, -10));
  CHECK(region(soft, 66, 79, -10));
}
