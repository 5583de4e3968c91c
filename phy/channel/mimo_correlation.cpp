#include "airan/phy/channel/mimo_correlation.h"

#include <cassert>
#include <cmath>
#include <string>

namespace airan::phy {

namespace {

bool is_one_of(unsigned value, std::initializer_list<unsigned> allowed)
{
  for (unsigned a : allowed) {
    if (value == a) {
      return true;
    }
  }
  return false;
}

/// One side's matrix, TS 38.104 Tables G.2.3.1.1-1 and -2: c^(((i - j) / (n - 1))^2).
std::vector<double> side_matrix(double c, unsigned n)
{
  std::vector<double> r(std::size_t{n} * n, 1.0);
  for (unsigned i = 0; i != n; ++i) {
    for (unsigned j = 0; j != n; ++j) {
      if (i != j) {
        const double x = (static_cast<double>(i) - static_cast<double>(j)) / (n - 1);
        r[i * n + j]   = c == 0.0 ? 0.0 : std::pow(c, x * x);
      }
    }
  }
  return r;
}

} // namespace

mimo_correlation_coefficients mimo_correlation_levels(mimo_correlation level) noexcept
{
  switch (level) {
    case mimo_correlation::medium:
      return {0.9, 0.3};
    case mimo_correlation::high:
      return {0.9, 0.9};
    case mimo_correlation::low:
    default:
      return {0.0, 0.0};
  }
}

double mimo_correlation_adjustment(mimo_correlation level, unsigned nof_ue_antennas, unsigned nof_gnb_antennas) noexcept
{
  if (level == mimo_correlation::high && nof_ue_antennas == 2 && nof_gnb_antennas == 4) {
    return 0.00010;
  }
  if (level != mimo_correlation::low && nof_ue_antennas == 4 && nof_gnb_antennas == 4) {
    return 0.00012;
  }
  return 0.0;
}

status validate_mimo_correlation(mimo_correlation level, unsigned nof_ue_antennas, unsigned nof_gnb_antennas)
{
  if (level != mimo_correlation::low && level != mimo_correlation::medium && level != mimo_correlation::high) {
    return status::error("unknown MIMO correlation level " + std::to_string(static_cast<unsigned>(level)));
  }
  if (!is_one_of(nof_ue_antennas, {1, 2, 4})) {
    return status::error("number of UE (transmit) antennas " + std::to_string(nof_ue_antennas) +
                         " not supported (1, 2 or 4)");
  }
  if (!is_one_of(nof_gnb_antennas, {1, 2, 4, 8})) {
    return status::error("number of gNB (receive) antennas " + std::to_string(nof_gnb_antennas) +
                         " not supported (1, 2, 4 or 8)");
  }
  if (level == mimo_correlation::low) {
    return status::ok();
  }
  const unsigned u = nof_ue_antennas;
  const unsigned g = nof_gnb_antennas;
  const bool     tabulated =
      (u == 1 && (g == 1 || g == 2 || g == 4)) || (u == 2 && (g == 2 || g == 4)) || (u == 4 && g == 4);
  if (!tabulated) {
    return status::error(std::string(level == mimo_correlation::high ? "high" : "medium") + " correlation for " +
                         std::to_string(u) + "x" + std::to_string(g) +
                         " not defined by TS 38.104 G.2.3.1.2 (1x2, 1x4, 2x2, 2x4 and 4x4 are)");
  }
  return status::ok();
}

std::vector<double> mimo_correlation_matrix(mimo_correlation level, unsigned nof_ue_antennas, unsigned nof_gnb_antennas)
{
  assert(validate_mimo_correlation(level, nof_ue_antennas, nof_gnb_antennas).is_ok());
  const mimo_correlation_coefficients c      = mimo_correlation_levels(level);
  const std::vector<double>           r_ue   = side_matrix(c.alpha, nof_ue_antennas);
  const std::vector<double>           r_gnb  = side_matrix(c.beta, nof_gnb_antennas);
  const double                        a      = mimo_correlation_adjustment(level, nof_ue_antennas, nof_gnb_antennas);
  const unsigned                      n      = nof_ue_antennas * nof_gnb_antennas;
  std::vector<double>                 r(std::size_t{n} * n);
  for (unsigned row = 0; row != n; ++row) {
    for (unsigned col = 0; col != n; ++col) {
      const unsigned ue_row = row / nof_gnb_antennas;
      const unsigned ue_col = col / nof_gnb_antennas;
      const double   kron   = r_ue[ue_row * nof_ue_antennas + ue_col] *
                          r_gnb[(row % nof_gnb_antennas) * nof_gnb_antennas + col % nof_gnb_antennas];
      r[std::size_t{row} * n + col] = (kron + (row == col ? a : 0.0)) / (1.0 + a);
    }
  }
  return r;
}

} // namespace airan::phy
