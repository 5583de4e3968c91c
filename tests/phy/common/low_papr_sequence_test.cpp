#include "airan/phy/common/low_papr_sequence.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

std::vector<cf_t> sequence(unsigned m_zc, unsigned u, unsigned v, float alpha = 0.0F)
{
  std::vector<cf_t> out(m_zc);
  generate_low_papr_sequence(out, u, v, alpha);
  return out;
}

/// TS 38.211 5.2.2.1 written out with floating-point qbar, as in the standard.
std::complex<double> zc_reference(unsigned m_zc, unsigned u, unsigned v, unsigned n)
{
  unsigned n_zc = m_zc - 1;
  for (;; --n_zc) {
    bool prime = true;
    for (unsigned d = 2; d < n_zc; ++d) {
      prime = prime && (n_zc % d != 0);
    }
    if (prime) {
      break;
    }
  }
  const double qbar = n_zc * (u + 1) / 31.0;
  const double q = std::floor(qbar + 0.5) + v * std::pow(-1.0, std::floor(2 * qbar));
  const double m = n % n_zc;
  return std::polar(1.0, -std::numbers::pi * q * m * (m + 1) / n_zc);
}

double max_error(const std::vector<cf_t>& got, const std::vector<std::complex<double>>& want)
{
  double err = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    err = std::max(err, std::abs(std::complex<double>(got[i]) - want[i]));
  }
  return err;
}

} // namespace

TEST_CASE("low-PAPR sequence: lengths, N_ZC")
{
  CHECK(is_valid_low_papr_length(6));
  CHECK(is_valid_low_papr_length(30));
  CHECK(is_valid_low_papr_length(36));
  CHECK(is_valid_low_papr_length(3300));
  CHECK_FALSE(is_valid_low_papr_length(0));
  CHECK_FALSE(is_valid_low_papr_length(8));
  CHECK_FALSE(is_valid_low_papr_length(3306));
  CHECK(low_papr_zc_length(36) == 31);
  CHECK(low_papr_zc_length(48) == 47);
  CHECK(low_papr_zc_length(72) == 71);
  CHECK(low_papr_zc_length(96) == 89);
  CHECK(low_papr_zc_length(1638) == 1637);
}

TEST_CASE("low-PAPR sequence: unit magnitude for every group and length")
{
  for (unsigned m_zc : {6U, 12U, 18U, 24U, 30U, 36U, 48U, 60U, 72U, 144U, 1638U, 3300U}) {
    for (unsigned u = 0; u < nof_low_papr_groups; ++u) {
      for (unsigned v = 0; v <= (m_zc >= 72 ? 1U : 0U); ++v) {
        for (const cf_t x : sequence(m_zc, u, v)) {
          REQUIRE(std::abs(std::abs(x) - 1.0F) < 1e-5F);
        }
      }
    }
  }
}

TEST_CASE("low-PAPR sequence: tabulated phases (TS 38.211 Tables 5.2.2.2-1 .. -4)")
{
  // Rows of the standard's tables: M_ZC = 6, u = 0; M_ZC = 12, u = 0 and u = 29; M_ZC = 18, u = 0; M_ZC = 24, u = 29.
  const struct {
    unsigned m_zc;
    unsigned u;
    std::vector<int> phi;
  } rows[] = {
      {6, 0, {-3, -1, 3, 3, -1, -3}},
      {12, 0, {-3, 1, -3, -3, -3, 3, -3, -1, 1, 1, 1, -3}},
      {12, 29, {-3, 3, -3, 3, -3, -3, 3, -1, -1, 1, 3, -3}},
      {18, 0, {-1, 3, -1, -3, 3, 1, -3, -1, 3, -3, -1, -1, 1, 1, 1, -1, -1, -1}},
      {24, 29, {3, -3, -1, 1, 3, -1, -1, -3, -1, 3, -1, -3, -1, -3, 3, -1, 3, 1, 1, -3, 3, -3, -3, -3}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.m_zc);
    CAPTURE(row.u);
    const auto table = low_papr_phi(row.m_zc, row.u);
    REQUIRE(table.size() == row.phi.size());
    std::vector<std::complex<double>> want;
    for (std::size_t n = 0; n < row.phi.size(); ++n) {
      CHECK(table[n] == row.phi[n]);
      want.push_back(std::polar(1.0, row.phi[n] * std::numbers::pi / 4));
    }
    CHECK(max_error(sequence(row.m_zc, row.u, 0), want) < 1e-6);
  }
  // Every table entry is an odd phase step in -3..3 and the 30 groups are distinct sequences.
  for (unsigned m_zc : {6U, 12U, 18U, 24U}) {
    for (unsigned u = 0; u < nof_low_papr_groups; ++u) {
      for (int8_t phi : low_papr_phi(m_zc, u)) {
        CHECK((phi == -3 || phi == -1 || phi == 1 || phi == 3));
      }
      for (unsigned w = 0; w < u; ++w) {
        const auto a = low_papr_phi(m_zc, u);
        const auto b = low_papr_phi(m_zc, w);
        CHECK_FALSE(std::equal(a.begin(), a.end(), b.begin()));
      }
    }
  }
}

TEST_CASE("low-PAPR sequence: length 30 and Zadoff-Chu based lengths against the formulas")
{
  for (unsigned u = 0; u < nof_low_papr_groups; ++u) {
    std::vector<std::complex<double>> want;
    for (unsigned n = 0; n < 30; ++n) {
      want.push_back(std::polar(1.0, -std::numbers::pi * (u + 1) * (n + 1) * (n + 2) / 31.0));
    }
    CHECK(max_error(sequence(30, u, 0), want) < 1e-5);
  }
  for (unsigned m_zc : {36U, 60U, 72U, 288U, 1638U}) {
    for (unsigned u = 0; u < nof_low_papr_groups; ++u) {
      for (unsigned v = 0; v <= (m_zc >= 72 ? 1U : 0U); ++v) {
        std::vector<std::complex<double>> want;
        for (unsigned n = 0; n < m_zc; ++n) {
          want.push_back(zc_reference(m_zc, u, v, n));
        }
        CAPTURE(m_zc);
        CAPTURE(u);
        CAPTURE(v);
        CHECK(max_error(sequence(m_zc, u, v), want) < 2e-5);
      }
    }
  }
}

TEST_CASE("low-PAPR sequence: Zadoff-Chu property and cyclic extension")
{
  const unsigned m_zc = 96;
  const unsigned n_zc = low_papr_zc_length(m_zc);
  for (unsigned u : {0U, 7U, 29U}) {
    const auto r = sequence(m_zc, u, 1);
    for (unsigned n = n_zc; n < m_zc; ++n) {
      CHECK(std::abs(r[n] - r[n - n_zc]) < 1e-5F);
    }
    // A prime-length Zadoff-Chu sequence has zero periodic autocorrelation at every non-zero lag.
    for (unsigned lag = 0; lag < n_zc; ++lag) {
      std::complex<double> acc = 0;
      for (unsigned n = 0; n < n_zc; ++n) {
        acc += std::complex<double>(r[n]) * std::conj(std::complex<double>(r[(n + lag) % n_zc]));
      }
      CHECK(std::abs(acc) == doctest::Approx(lag == 0 ? n_zc : 0.0).epsilon(1e-3).scale(1));
    }
  }
}

TEST_CASE("low-PAPR sequence: the cyclic shift alpha multiplies by exp(j alpha n)")
{
  const float alpha = 2 * std::numbers::pi_v<float> * 5 / 12;
  for (unsigned m_zc : {12U, 48U}) {
    const auto base = sequence(m_zc, 3, 0);
    const auto shifted = sequence(m_zc, 3, 0, alpha);
    for (unsigned n = 0; n < m_zc; ++n) {
      CHECK(std::abs(shifted[n] - base[n] * std::polar(1.0F, alpha * n)) < 1e-5F);
    }
  }
}
