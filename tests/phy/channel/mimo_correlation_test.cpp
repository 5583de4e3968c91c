// MIMO correlation matrices, TS 38.104 Annex G.2.3.1.
#include "airan/phy/channel/mimo_correlation.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

void check_row(const std::vector<double>& r, unsigned n, unsigned row, const std::vector<double>& expected,
               double tolerance)
{
  REQUIRE(expected.size() == n);
  for (unsigned col = 0; col != n; ++col) {
    CAPTURE(row);
    CAPTURE(col);
    CHECK(std::abs(r[row * n + col] - expected[col]) <= tolerance);
  }
}

/// Smallest pivot of a plain Cholesky factorisation (positive for a positive definite matrix).
double smallest_pivot(std::vector<double> a, unsigned n)
{
  double smallest = 1e300;
  for (unsigned j = 0; j != n; ++j) {
    for (unsigned k = 0; k != j; ++k) {
      a[j * n + j] -= a[j * n + k] * a[j * n + k];
    }
    smallest = std::min(smallest, a[j * n + j]);
    const double d = std::sqrt(std::max(a[j * n + j], 0.0));
    for (unsigned i = j + 1; i != n; ++i) {
      for (unsigned k = 0; k != j; ++k) {
        a[i * n + j] -= a[i * n + k] * a[j * n + k];
      }
      a[i * n + j] = d > 0.0 ? a[i * n + j] / d : 0.0;
      a[j * n + i] = 0.0;
    }
    a[j * n + j] = d;
  }
  return smallest;
}

} // namespace

TEST_CASE("MIMO correlation levels of TS 38.104 Table G.2.3.1.2-1")
{
  CHECK(mimo_correlation_levels(mimo_correlation::low).alpha == 0.0);
  CHECK(mimo_correlation_levels(mimo_correlation::low).beta == 0.0);
  CHECK(mimo_correlation_levels(mimo_correlation::medium).alpha == 0.9);
  CHECK(mimo_correlation_levels(mimo_correlation::medium).beta == 0.3);
  CHECK(mimo_correlation_levels(mimo_correlation::high).alpha == 0.9);
  CHECK(mimo_correlation_levels(mimo_correlation::high).beta == 0.9);
}

TEST_CASE("MIMO correlation matrices: known answers")
{
  // 1x2 high: [1 0.9; 0.9 1].
  const std::vector<double> r12 = mimo_correlation_matrix(mimo_correlation::high, 1, 2);
  check_row(r12, 2, 0, {1.0, 0.9}, 1e-12);
  // 2x2 high and medium (R_UE (x) R_gNB, UE index major): [1 b a ab], alpha = 0.9 at the UE.
  const std::vector<double> r22h = mimo_correlation_matrix(mimo_correlation::high, 2, 2);
  check_row(r22h, 4, 0, {1.0, 0.9, 0.9, 0.81}, 1e-12);
  check_row(r22h, 4, 3, {0.81, 0.9, 0.9, 1.0}, 1e-12);
  const std::vector<double> r22m = mimo_correlation_matrix(mimo_correlation::medium, 2, 2);
  check_row(r22m, 4, 0, {1.0, 0.3, 0.9, 0.27}, 1e-12);
  check_row(r22m, 4, 1, {0.3, 1.0, 0.27, 0.9}, 1e-12);
  // 2x4 high (a = 0.0001) and 4x4 high (a = 0.00012), first rows as printed (4 digits) in the standard's tables.
  const std::vector<double> r24h = mimo_correlation_matrix(mimo_correlation::high, 2, 4);
  check_row(r24h, 8, 0, {1.0, 0.9883, 0.9542, 0.8999, 0.8999, 0.8894, 0.8587, 0.8099}, 0.5e-4);
  const std::vector<double> r44h = mimo_correlation_matrix(mimo_correlation::high, 4, 4);
  check_row(r44h, 16, 0,
            {1.0, 0.9882, 0.9541, 0.8999, 0.9882, 0.9767, 0.9430, 0.8894, 0.9541, 0.9430, 0.9105, 0.8587, 0.8999,
             0.8894, 0.8587, 0.8099},
            0.5e-4);
  // 2x4 medium worked out from Tables G.2.3.1.1-1/-2: beta = 0.3 over 4 gNB antennas gives 0.3^(1/9) = 0.8748,
  // 0.3^(4/9) = 0.5856, 0.3; times alpha = 0.9 for the other UE antenna.
  const std::vector<double> r24m = mimo_correlation_matrix(mimo_correlation::medium, 2, 4);
  check_row(r24m, 8, 0, {1.0, 0.8748, 0.5856, 0.3, 0.9, 0.7873, 0.5271, 0.27}, 0.5e-4);
  // 1x8 low and 2x8 low: identity.
  for (unsigned tx : {1U, 2U}) {
    const std::vector<double> r = mimo_correlation_matrix(mimo_correlation::low, tx, 8);
    const unsigned            n = 8 * tx;
    for (unsigned i = 0; i != n; ++i) {
      for (unsigned j = 0; j != n; ++j) {
        CHECK(r[i * n + j] == (i == j ? 1.0 : 0.0));
      }
    }
  }
  CHECK(mimo_correlation_adjustment(mimo_correlation::high, 2, 4) == 0.00010);
  CHECK(mimo_correlation_adjustment(mimo_correlation::high, 4, 4) == 0.00012);
  CHECK(mimo_correlation_adjustment(mimo_correlation::medium, 4, 4) == 0.00012);
  CHECK(mimo_correlation_adjustment(mimo_correlation::high, 2, 2) == 0.0);
}

TEST_CASE("MIMO correlation matrices are symmetric, unit-diagonal and positive definite")
{
  const unsigned configs[][2] = {{1, 1}, {1, 2}, {1, 4}, {2, 2}, {2, 4}, {4, 4}};
  for (mimo_correlation level : {mimo_correlation::low, mimo_correlation::medium, mimo_correlation::high}) {
    for (const auto& c : configs) {
      CAPTURE(static_cast<int>(level));
      CAPTURE(c[0]);
      CAPTURE(c[1]);
      REQUIRE(validate_mimo_correlation(level, c[0], c[1]).is_ok());
      const unsigned            n = c[0] * c[1];
      const std::vector<double> r = mimo_correlation_matrix(level, c[0], c[1]);
      for (unsigned i = 0; i != n; ++i) {
        CHECK(r[i * n + i] == doctest::Approx(1.0).epsilon(1e-12));
        for (unsigned j = 0; j != n; ++j) {
          CHECK(r[i * n + j] == r[j * n + i]);
        }
      }
      CHECK(smallest_pivot(r, n) > 0.0);
    }
  }
}

TEST_CASE("MIMO correlation validation")
{
  CHECK(validate_mimo_correlation(mimo_correlation::low, 2, 8).is_ok());
  CHECK(validate_mimo_correlation(mimo_correlation::low, 4, 2).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::high, 4, 2).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::medium, 1, 8).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::high, 2, 1).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::low, 3, 2).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::low, 8, 8).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::low, 1, 16).is_ok());
  CHECK_FALSE(validate_mimo_correlation(mimo_correlation::low, 0, 2).is_ok());
  CHECK_FALSE(validate_mimo_correlation(static_cast<mimo_correlation>(7), 1, 2).is_ok());
}
