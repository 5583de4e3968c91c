/// Transport block size, TS 38.214 5.1.3.2 / 6.1.4.2, and TBS_LBRM, TS 38.212 5.4.2.1 / 6.2.5.

#include "airan/phy/coding/mcs_tbs.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>

namespace airan::phy {
namespace {

/// TS 38.214 Table 5.1.3.2-1: TBS for N_info <= 3824.
constexpr std::array<uint16_t, 93> tbs_values = {
    24,   32,   40,   48,   56,   64,   72,   80,   88,   96,   104,  112,  120,  128,  136,  144,  152,  160,  168,
    176,  184,  192,  208,  224,  240,  256,  272,  288,  304,  320,  336,  352,  368,  384,  408,  432,  456,  480,
    504,  528,  552,  576,  608,  640,  672,  704,  736,  768,  808,  848,  888,  928,  984,  1032, 1064, 1128, 1160,
    1192, 1224, 1256, 1288, 1320, 1352, 1416, 1480, 1544, 1608, 1672, 1736, 1800, 1864, 1928, 2024, 2088, 2152, 2216,
    2280, 2408, 2472, 2536, 2600, 2664, 2728, 2792, 2856, 2976, 3104, 3240, 3368, 3496, 3624, 3752, 3824};

uint64_t ceil_div(uint64_t a, uint64_t b)
{
  return (a + b - 1) / b;
}

/// TS 38.214 5.1.3.2 steps 3 and 4, from N_info > 0 and the code rate R. N_info is exact in double: it is a product
/// of small integers, a dyadic S and a float R.
unsigned tbs_from_n_info(double n_info, double code_rate)
{
  assert(n_info > 0);
  if (n_info <= 3824) {
    // Step 3: n = max(3, floor(log2 N_info) - 6), N'_info = max(24, 2^n floor(N_info / 2^n)), then the smallest
    // table entry not below N'_info (the last entry, 3824, is not below it since N'_info <= N_info <= 3824).
    const int    n         = std::max(3, std::ilogb(n_info) - 6);
    const double step      = std::ldexp(1.0, n);
    const double n_info_q  = std::max(24.0, step * std::floor(n_info / step));
    const auto*  candidate = std::lower_bound(tbs_values.begin(), tbs_values.end(), n_info_q);
    return *candidate;
  }
  // Step 4: n = floor(log2(N_info - 24)) - 5, N'_info = max(3840, 2^n round((N_info - 24) / 2^n)), ties rounded up.
  const int      n        = std::ilogb(n_info - 24) - 5;
  const double   step     = std::ldexp(1.0, n);
  const uint64_t n_info_q =
      std::max<uint64_t>(3840, static_cast<uint64_t>(step * std::floor((n_info - 24) / step + 0.5)));
  uint64_t nof_code_blocks = 1;
  if (code_rate <= 0.25) {
    nof_code_blocks = ceil_div(n_info_q + 24, 3816);
  } else if (n_info_q > 8424) {
    nof_code_blocks = ceil_div(n_info_q + 24, 8424);
  }
  return static_cast<unsigned>(8 * nof_code_blocks * ceil_div(n_info_q + 24, 8 * nof_code_blocks) - 24);
}

} // namespace

std::span<const uint16_t> tbs_table()
{
  return tbs_values;
}

status validate_tbs_params(const tbs_params& p)
{
  if (p.nof_symbols < 1 || p.nof_symbols > 14) {
    return status::error("TBS: number of symbols " + std::to_string(p.nof_symbols) + " outside 1..14");
  }
  if (p.nof_prb < 1 || p.nof_prb > 275) {
    return status::error("TBS: number of PRBs " + std::to_string(p.nof_prb) + " outside 1..275");
  }
  if (p.nof_layers < 1 || p.nof_layers > 8) {
    return status::error("TBS: number of layers " + std::to_string(p.nof_layers) + " outside 1..8");
  }
  if (p.modulation_order != 1 && p.modulation_order != 2 && p.modulation_order != 4 && p.modulation_order != 6 &&
      p.modulation_order != 8) {
    return status::error("TBS: modulation order " + std::to_string(p.modulation_order) + " not in {1, 2, 4, 6, 8}");
  }
  if (!(p.target_code_rate > 0.0F && p.target_code_rate < 1.0F)) {
    return status::error("TBS: target code rate " + std::to_string(p.target_code_rate) + " outside (0, 1)");
  }
  if (p.scaling != 1.0F && p.scaling != 0.5F && p.scaling != 0.25F) {
    return status::error("TBS: scaling " + std::to_string(p.scaling) + " not in {1, 0.5, 0.25} (Table 5.1.3.2-2)");
  }
  if (p.nof_overhead_re != 0 && p.nof_overhead_re != 6 && p.nof_overhead_re != 12 && p.nof_overhead_re != 18) {
    return status::error("TBS: overhead " + std::to_string(p.nof_overhead_re) + " REs per PRB not in {0, 6, 12, 18}");
  }
  const unsigned nof_re = 12 * p.nof_symbols;
  if (p.nof_dmrs_re_per_prb >= nof_re || p.nof_overhead_re >= nof_re - p.nof_dmrs_re_per_prb) {
    return status::error("TBS: no data REs (N'_RE = 12 x " + std::to_string(p.nof_symbols) + " - " +
                         std::to_string(p.nof_dmrs_re_per_prb) + " DM-RS - " + std::to_string(p.nof_overhead_re) +
                         " overhead <= 0), N_info would be 0");
  }
  return status::ok();
}

status compute_tbs(unsigned& tbs, const tbs_params& p)
{
  if (status s = validate_tbs_params(p); !s) {
    return s;
  }
  // TS 38.214 5.1.3.2 steps 1 and 2.
  const unsigned n_re_per_prb = 12 * p.nof_symbols - p.nof_dmrs_re_per_prb - p.nof_overhead_re;
  const unsigned n_re         = std::min(156U, n_re_per_prb) * p.nof_prb;
  const double   n_info       = static_cast<double>(p.scaling) * n_re * static_cast<double>(p.target_code_rate) *
                        p.modulation_order * p.nof_layers;
  tbs = tbs_from_n_info(n_info, p.target_code_rate);
  return status::ok();
}

unsigned lbrm_nof_prb(unsigned nof_prb_bwp) noexcept
{
  constexpr std::array<unsigned, 6> upper_bounds = {32, 66, 107, 135, 162, 217};
  for (unsigned bound : upper_bounds) {
    if (nof_prb_bwp <= bound) {
      return bound;
    }
  }
  return 273;
}

unsigned compute_tbs_lbrm(unsigned max_nof_layers, unsigned max_modulation_order, unsigned nof_prb_lbrm) noexcept
{
  assert(max_nof_layers >= 1);
  assert(max_modulation_order == 2 || max_modulation_order == 4 || max_modulation_order == 6 ||
         max_modulation_order == 8);
  assert(nof_prb_lbrm == lbrm_nof_prb(nof_prb_lbrm));
  constexpr double code_rate = 948.0 / 1024.0;
  const double     n_info    = 156.0 * nof_prb_lbrm * code_rate * max_modulation_order * std::min(max_nof_layers, 4U);
  return tbs_from_n_info(n_info, code_rate);
}

} // namespace airan::phy
