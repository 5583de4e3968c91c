#include "airan/phy/coding/mcs_tbs.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace airan::phy;

namespace {

/// TS 38.214 Table 5.1.3.2-1, copied from the standard.
const std::vector<unsigned> standard_tbs_table = {
    24,   32,   40,   48,   56,   64,   72,   80,   88,   96,   104,  112,  120,  128,  136,  144,  152,  160,  168,
    176,  184,  192,  208,  224,  240,  256,  272,  288,  304,  320,  336,  352,  368,  384,  408,  432,  456,  480,
    504,  528,  552,  576,  608,  640,  672,  704,  736,  768,  808,  848,  888,  928,  984,  1032, 1064, 1128, 1160,
    1192, 1224, 1256, 1288, 1320, 1352, 1416, 1480, 1544, 1608, 1672, 1736, 1800, 1864, 1928, 2024, 2088, 2152, 2216,
    2280, 2408, 2472, 2536, 2600, 2664, 2728, 2792, 2856, 2976, 3104, 3240, 3368, 3496, 3624, 3752, 3824};

struct mcs_expectation {
  unsigned index;
  unsigned qm;
  float    r_x1024;
  float    se;
};

void check_rows(mcs_table table, const std::vector<mcs_expectation>& rows, bool pi2_bpsk = false)
{
  for (const auto& row : rows) {
    CAPTURE(row.index);
    const auto entry = lookup_mcs(table, row.index, pi2_bpsk);
    REQUIRE(entry.has_value());
    CHECK(entry->modulation_order == row.qm);
    CHECK(modulation_order(entry->modulation) == row.qm);
    CHECK(entry->target_code_rate_x1024 == row.r_x1024);
    CHECK(entry->spectral_efficiency == row.se);
  }
}

unsigned tbs_of(const tbs_params& p)
{
  unsigned tbs = 0;
  REQUIRE(compute_tbs(tbs, p).is_ok());
  return tbs;
}

unsigned ceil_div(unsigned a, unsigned b)
{
  return (a + b - 1) / b;
}

} // namespace

TEST_CASE("MCS Table 5.1.3.1-1 (qam64): spot checks and reserved rows")
{
  check_rows(mcs_table::qam64,
             {{0, 2, 120, 0.2344F},
              {9, 2, 679, 1.3262F},
              {10, 4, 340, 1.3281F},
              {16, 4, 658, 2.5703F},
              {17, 6, 438, 2.5664F},
              {27, 6, 910, 5.3320F},
              {28, 6, 948, 5.5547F}});
  for (unsigned index : {29U, 30U, 31U, 32U}) {
    CHECK_FALSE(lookup_mcs(mcs_table::qam64, index).has_value());
  }
  CHECK(lookup_mcs_modulation(mcs_table::qam64, 29) == modulation_scheme::qpsk);
  CHECK(lookup_mcs_modulation(mcs_table::qam64, 30) == modulation_scheme::qam16);
  CHECK(lookup_mcs_modulation(mcs_table::qam64, 31) == modulation_scheme::qam64);
  CHECK(lookup_mcs_modulation(mcs_table::qam64, 17) == modulation_scheme::qam64);
  CHECK_FALSE(lookup_mcs_modulation(mcs_table::qam64, 32).has_value());
}

TEST_CASE("MCS Table 5.1.3.1-2 (qam256): spot checks and reserved rows")
{
  check_rows(mcs_table::qam256,
             {{0, 2, 120, 0.2344F},
              {9, 4, 616, 2.4063F},
              {10, 4, 658, 2.5703F},
              {16, 6, 719, 4.2129F},
              {17, 6, 772, 4.5234F},
              {20, 8, 682.5F, 5.3320F},
              {26, 8, 916.5F, 7.1602F},
              {27, 8, 948, 7.4063F}});
  for (unsigned index : {28U, 29U, 30U, 31U}) {
    CHECK_FALSE(lookup_mcs(mcs_table::qam256, index).has_value());
  }
  CHECK(lookup_mcs_modulation(mcs_table::qam256, 28) == modulation_scheme::qpsk);
  CHECK(lookup_mcs_modulation(mcs_table::qam256, 29) == modulation_scheme::qam16);
  CHECK(lookup_mcs_modulation(mcs_table::qam256, 30) == modulation_scheme::qam64);
  CHECK(lookup_mcs_modulation(mcs_table::qam256, 31) == modulation_scheme::qam256);
}

TEST_CASE("MCS Table 5.1.3.1-3 (qam64_low_se): spot checks and reserved rows")
{
  check_rows(mcs_table::qam64_low_se,
             {{0, 2, 30, 0.0586F},
              {9, 2, 251, 0.4902F},
              {10, 2, 308, 0.6016F},
              {16, 4, 378, 1.4766F},
              {17, 4, 434, 1.6953F},
              {27, 6, 719, 4.2129F},
              {28, 6, 772, 4.5234F}});
  for (unsigned index : {29U, 30U, 31U}) {
    CHECK_FALSE(lookup_mcs(mcs_table::qam64_low_se, index).has_value());
  }
  CHECK(lookup_mcs_modulation(mcs_table::qam64_low_se, 31) == modulation_scheme::qam64);
}

TEST_CASE("MCS Tables 6.1.4.1-1/-2 (transform precoding): q = 1 with tp-pi2BPSK, q = 2 without")
{
  // Table 6.1.4.1-1 rows 0 and 1: Q_m = q, R x 1024 = 240/q and 314/q.
  check_rows(mcs_table::tp_qam64, {{0, 1, 240, 0.2344F}, {1, 1, 314, 0.3066F}}, true);
  check_rows(mcs_table::tp_qam64, {{0, 2, 120, 0.2344F}, {1, 2, 157, 0.3066F}}, false);
  CHECK(lookup_mcs(mcs_table::tp_qam64, 0, true)->modulation == modulation_scheme::pi2_bpsk);
  check_rows(mcs_table::tp_qam64,
             {{2, 2, 193, 0.3770F},
              {9, 2, 679, 1.3262F},
              {10, 4, 340, 1.3281F},
              {16, 4, 658, 2.5703F},
              {17, 6, 466, 2.7305F},
              {27, 6, 948, 5.5547F}},
             true);
  CHECK_FALSE(lookup_mcs(mcs_table::tp_qam64, 28).has_value());
  CHECK(lookup_mcs_modulation(mcs_table::tp_qam64, 28, true) == modulation_scheme::pi2_bpsk);
  CHECK(lookup_mcs_modulation(mcs_table::tp_qam64, 28, false) == modulation_scheme::qpsk);
  CHECK(lookup_mcs_modulation(mcs_table::tp_qam64, 29) == modulation_scheme::qpsk);
  CHECK(lookup_mcs_modulation(mcs_table::tp_qam64, 31) == modulation_scheme::qam64);

  // Table 6.1.4.1-2 rows 0..5: Q_m = q, R x 1024 = 60/q .. 198/q.
  check_rows(mcs_table::tp_qam64_low_se, {{0, 1, 60, 0.0586F}, {5, 1, 198, 0.1934F}}, true);
  check_rows(mcs_table::tp_qam64_low_se, {{0, 2, 30, 0.0586F}, {5, 2, 99, 0.1934F}}, false);
  check_rows(mcs_table::tp_qam64_low_se,
             {{6, 2, 120, 0.2344F},
              {15, 2, 679, 1.3262F},
              {16, 4, 378, 1.4766F},
              {22, 4, 699, 2.7305F},
              {23, 4, 772, 3.0156F},
              {24, 6, 567, 3.3223F},
              {27, 6, 772, 4.5234F}});
  CHECK_FALSE(lookup_mcs(mcs_table::tp_qam64_low_se, 28, true).has_value());
  CHECK(lookup_mcs_modulation(mcs_table::tp_qam64_low_se, 28, true) == modulation_scheme::pi2_bpsk);
}

TEST_CASE("MCS tables: every valid row has spectral efficiency Q_m R rounded to 4 decimals")
{
  for (auto table : {mcs_table::qam64, mcs_table::qam256, mcs_table::qam64_low_se, mcs_table::tp_qam64,
                     mcs_table::tp_qam64_low_se}) {
    for (bool pi2_bpsk : {false, true}) {
      unsigned nof_valid = 0;
      for (unsigned index = 0; index != nof_mcs_indices; ++index) {
        CAPTURE(index);
        const auto entry = lookup_mcs(table, index, pi2_bpsk);
        CHECK(lookup_mcs_modulation(table, index, pi2_bpsk).has_value());
        if (!entry) {
          continue;
        }
        ++nof_valid;
        CHECK(lookup_mcs_modulation(table, index, pi2_bpsk) == entry->modulation);
        const double se = entry->modulation_order * entry->target_code_rate_x1024 / 1024.0;
        CHECK(std::abs(se - entry->spectral_efficiency) <= 0.00005 + 1e-6);
      }
      // Valid rows: 29 in Tables 5.1.3.1-1 and 5.1.3.1-3, 28 in the others.
      const bool has_29 = table == mcs_table::qam64 || table == mcs_table::qam64_low_se;
      CHECK(nof_valid == (has_29 ? 29U : 28U));
    }
  }
}

TEST_CASE("TBS Table 5.1.3.2-1: the 93 values of the standard")
{
  const auto table = tbs_table();
  REQUIRE(table.size() == 93);
  CHECK(std::equal(table.begin(), table.end(), standard_tbs_table.begin(), standard_tbs_table.end()));
}

TEST_CASE("TBS: examples worked out from TS 38.214 5.1.3.2")
{
  // 1 PRB, 12 symbols, 12 DM-RS REs, QPSK R = 120/1024, 1 layer: N'_RE = 144 - 12 = 132, N_info = 132 x 120/1024 x 2
  // = 30.94; n = max(3, 4 - 6) = 3, N'_info = max(24, 8 floor(3.87)) = 24 -> TBS 24.
  CHECK(tbs_of({12, 12, 0, 1, 120.0F / 1024, 2, 1}) == 24);

  // 10 PRB, 14 symbols, 12 DM-RS, QPSK R = 679/1024: N_RE = 156 x 10, N_info = 1560 x 679/1024 x 2 = 2068.83;
  // n = 11 - 6 = 5, N'_info = 32 floor(64.65) = 2048 -> smallest table entry >= 2048 is 2088.
  CHECK(tbs_of({14, 12, 0, 10, 679.0F / 1024, 2, 1}) == 2088);
  // Same with S = 0.5: N_info = 1034.41, n = 10 - 6 = 4, N'_info = 16 floor(64.65) = 1024 -> 1032.
  CHECK(tbs_of({14, 12, 0, 10, 679.0F / 1024, 2, 1, 0.5F}) == 1032);

  // pi/2-BPSK R = 240/1024, 1 PRB, N'_RE = 168 - 12 = 156: N_info = 36.56, n = 3, N'_info = 8 floor(4.57) = 32 -> 32.
  CHECK(tbs_of({14, 12, 0, 1, 240.0F / 1024, 1, 1}) == 32);

  // Exactly at the boundary: 239 PRB x (144 - 16) REs x 64/1024 x 2 = 3824 (small branch): n = 11 - 6 = 5,
  // N'_info = 32 floor(119.5) = 3808 -> 3824.
  CHECK(tbs_of({12, 16, 0, 239, 64.0F / 1024, 2, 1}) == 3824);
  // One PRB more: N_info = 3840 > 3824, n = floor(log2 3816) - 5 = 6, N'_info = max(3840, 64 round(59.63)) = 3840;
  // R <= 1/4: C = ceil(3864 / 3816) = 2, TBS = 16 ceil(3864 / 16) - 24 = 16 x 242 - 24 = 3848.
  CHECK(tbs_of({12, 16, 0, 240, 64.0F / 1024, 2, 1}) == 3848);
  // Same N_info = 3840 with R = 1/2 (32 PRB x 120 REs x 2 bits / 2): C = 1, TBS = 8 ceil(3864 / 8) - 24 = 3840.
  CHECK(tbs_of({12, 24, 0, 32, 0.5F, 2, 1}) == 3840);

  // Rounding tie: 31 PRB x 84 REs x 1/2 x 4 = 5208, (5208 - 24) / 2^7 = 40.5 rounds up to 41: N'_info = 5248,
  // C = 1, TBS = 8 ceil(5272 / 8) - 24 = 5248 (rounding down would give 5120).
  CHECK(tbs_of({8, 12, 0, 31, 0.5F, 4, 1}) == 5248);

  // 52 PRB, 14 symbols, 24 DM-RS, xOverhead 6, 16QAM R = 658/1024, 2 layers: N'_RE = 138, N_RE = 7176,
  // N_info = 7176 x 658/1024 x 4 x 2 = 36889.1; n = 15 - 5 = 10, N'_info = 1024 round(36.001) = 36864;
  // C = ceil(36888 / 8424) = 5, TBS = 40 ceil(36888 / 40) - 24 = 40 x 923 - 24 = 36896.
  CHECK(tbs_of({14, 24, 6, 52, 658.0F / 1024, 4, 2}) == 36896);

  // Low rate, large TB: 273 PRB, 156 REs, QPSK R = 99/1024 <= 1/4, 2 layers: N_info = 16469.6, n = 14 - 5 = 9,
  // N'_info = 512 round(32.12) = 16384; C = ceil(16408 / 3816) = 5, TBS = 40 ceil(16408 / 40) - 24 = 16416.
  CHECK(tbs_of({14, 12, 0, 273, 99.0F / 1024, 2, 2}) == 16416);

  // 273 PRB, 256QAM R = 948/1024, 4 layers: N_RE = 42588, N_info = 1261669.5; n = 20 - 5 = 15,
  // N'_info = 32768 round(38.502) = 1277952; C = ceil(1277976 / 8424) = 152,
  // TBS = 1216 ceil(1277976 / 1216) - 24 = 1216 x 1051 - 24 = 1277992.
  CHECK(tbs_of({14, 12, 0, 273, 948.0F / 1024, 8, 4}) == 1277992);
  // 12 x 14 REs per PRB are capped at 156: no DM-RS gives the same TBS.
  CHECK(tbs_of({14, 0, 0, 273, 948.0F / 1024, 8, 4}) == 1277992);
}

TEST_CASE("TBS: small-branch values lie in Table 5.1.3.2-1, large-branch TBS + CRC splits into equal byte-aligned "
          "code blocks, and the TBS grows with the PRB count")
{
  unsigned nof_small = 0;
  unsigned nof_large = 0;
  for (auto table : {mcs_table::qam64, mcs_table::qam256, mcs_table::qam64_low_se}) {
    for (unsigned mcs = 0; mcs != nof_mcs_indices; ++mcs) {
      const auto entry = lookup_mcs(table, mcs);
      if (!entry) {
        continue;
      }
      const float code_rate = entry->target_code_rate_x1024 / 1024.0F;
      for (unsigned layers : {1U, 2U, 4U}) {
        for (unsigned symbols : {2U, 7U, 14U}) {
          unsigned previous = 0;
          for (unsigned prb = 1; prb <= 275; prb += (prb < 20 ? 1 : 13)) {
            const tbs_params p{symbols, 12, 0, prb, code_rate, entry->modulation_order, layers};
            const unsigned   tbs    = tbs_of(p);
            const double     n_info = std::min(156U, 12 * symbols - 12) * prb * static_cast<double>(code_rate) *
                                  entry->modulation_order * layers;
            CAPTURE(n_info);
            CHECK(tbs >= previous);
            previous = tbs;
            if (n_info <= 3824) {
              ++nof_small;
              CHECK(std::find(standard_tbs_table.begin(), standard_tbs_table.end(), tbs) != standard_tbs_table.end());
            } else {
              ++nof_large;
              // Code blocks of TS 38.212 5.2.2 for B = TBS + 24: base graph 2 (K_cb = 3840) when R <= 1/4, else
              // base graph 1 (K_cb = 8448), with a 24-bit CRC per block when C > 1.
              const unsigned b = tbs + 24;
              const unsigned k_cb = (code_rate <= 0.25F) ? 3840 : 8448;
              const unsigned c    = (b <= k_cb) ? 1 : ceil_div(b, k_cb - 24);
              CHECK(tbs > 3824);
              CHECK(b % (8 * c) == 0);
            }
          }
        }
      }
    }
  }
  CHECK(nof_small > 100);
  CHECK(nof_large > 100);
}

TEST_CASE("TBS: invalid parameters are rejected and leave the output untouched")
{
  const tbs_params valid{14, 12, 0, 50, 0.5F, 4, 2};
  REQUIRE(validate_tbs_params(valid).is_ok());

  std::vector<tbs_params> invalid;
  auto                    with = [&](auto change) {
    tbs_params p = valid;
    change(p);
    invalid.push_back(p);
  };
  with([](tbs_params& p) { p.nof_symbols = 0; });
  with([](tbs_params& p) { p.nof_symbols = 15; });
  with([](tbs_params& p) { p.nof_prb = 0; });
  with([](tbs_params& p) { p.nof_prb = 276; });
  with([](tbs_params& p) { p.nof_layers = 0; });
  with([](tbs_params& p) { p.nof_layers = 9; });
  with([](tbs_params& p) { p.modulation_order = 0; });
  with([](tbs_params& p) { p.modulation_order = 3; });
  with([](tbs_params& p) { p.modulation_order = 10; });
  with([](tbs_params& p) { p.target_code_rate = 0.0F; });
  with([](tbs_params& p) { p.target_code_rate = 1.0F; });
  with([](tbs_params& p) { p.target_code_rate = -0.25F; });
  with([](tbs_params& p) { p.target_code_rate = std::numeric_limits<float>::quiet_NaN(); });
  with([](tbs_params& p) { p.target_code_rate = std::numeric_limits<float>::infinity(); });
  with([](tbs_params& p) { p.scaling = 0.0F; });
  with([](tbs_params& p) { p.scaling = 0.3F; });
  with([](tbs_params& p) { p.nof_overhead_re = 5; });
  // No data REs: N'_RE = 12 x 1 - 12 = 0, and 12 x 2 - 12 - 12 = 0 (N_info would be 0).
  with([](tbs_params& p) {
    p.nof_symbols         = 1;
    p.nof_dmrs_re_per_prb = 12;
  });
  with([](tbs_params& p) {
    p.nof_symbols         = 2;
    p.nof_dmrs_re_per_prb = 12;
    p.nof_overhead_re     = 12;
  });
  with([](tbs_params& p) { p.nof_dmrs_re_per_prb = 1000; });

  for (const auto& p : invalid) {
    unsigned tbs = 12345;
    CHECK_FALSE(validate_tbs_params(p).is_ok());
    const auto s = compute_tbs(tbs, p);
    CHECK_FALSE(s.is_ok());
    CHECK_FALSE(s.message().empty());
    CHECK(tbs == 12345);
  }
  // One data RE per PRB is enough.
  unsigned tbs = 0;
  CHECK(compute_tbs(tbs, {1, 11, 0, 1, 0.5F, 2, 1}).is_ok());
  CHECK(tbs == 24);
}

TEST_CASE("TBS_LBRM: n_PRB,LBRM of TS 38.212 Table 5.4.2.1-1 and worked examples")
{
  CHECK(lbrm_nof_prb(1) == 32);
  CHECK(lbrm_nof_prb(32) == 32);
  CHECK(lbrm_nof_prb(33) == 66);
  CHECK(lbrm_nof_prb(66) == 66);
  CHECK(lbrm_nof_prb(67) == 107);
  CHECK(lbrm_nof_prb(107) == 107);
  CHECK(lbrm_nof_prb(108) == 135);
  CHECK(lbrm_nof_prb(135) == 135);
  CHECK(lbrm_nof_prb(136) == 162);
  CHECK(lbrm_nof_prb(162) == 162);
  CHECK(lbrm_nof_prb(163) == 217);
  CHECK(lbrm_nof_prb(217) == 217);
  CHECK(lbrm_nof_prb(218) == 273);
  CHECK(lbrm_nof_prb(275) == 273);

  // 273 PRB, 256QAM, 4 layers: N_info = 156 x 273 x 948/1024 x 8 x 4 = 1261669.5 -> 1277992 (as the TBS example).
  CHECK(compute_tbs_lbrm(4, 8, 273) == 1277992);
  // Layers are limited to 4.
  CHECK(compute_tbs_lbrm(8, 8, 273) == 1277992);
  // 32 PRB, 64QAM, 1 layer: N_info = 156 x 32 x 948/1024 x 6 = 27729; n = 14 - 5 = 9,
  // N'_info = 512 round(54.11) = 27648; C = ceil(27672 / 8424) = 4, TBS = 32 ceil(27672 / 32) - 24 = 27656.
  CHECK(compute_tbs_lbrm(1, 6, 32) == 27656);
  // 66 PRB, 64QAM, 2 layers: N_info = 114382.1; n = 16 - 5 = 11, N'_info = 2048 round(55.84) = 114688;
  // C = ceil(114712 / 8424) = 14, TBS = 112 ceil(114712 / 112) - 24 = 112 x 1025 - 24 = 114776.
  CHECK(compute_tbs_lbrm(2, 6, 66) == 114776);
  // TBS_LBRM is the TBS of the equivalent allocation (156 REs, R = 948/1024).
  CHECK(compute_tbs_lbrm(3, 4, 107) == tbs_of({14, 12, 0, 107, 948.0F / 1024, 4, 3}));
}
