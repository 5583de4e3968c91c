#include "airan/phy/pusch/transform_precoder.h"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

std::vector<cf_t> random_symbols(std::size_t size, unsigned seed)
{
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0F, 0.7F);
  std::vector<cf_t> x(size);
  for (cf_t& v : x) {
    v = cf_t(normal(rng), normal(rng));
  }
  return x;
}

/// TS 38.211 6.3.1.4 written out: y(k) = 1/sqrt(M) sum_i x(i) exp(sign j 2 pi i k / M).
std::vector<std::complex<double>> naive_dft(const std::vector<cf_t>& x, double sign)
{
  const std::size_t m = x.size();
  std::vector<std::complex<double>> y(m);
  for (std::size_t k = 0; k < m; ++k) {
    for (std::size_t i = 0; i < m; ++i) {
      const double angle = sign * 2 * std::numbers::pi * static_cast<double>(i * k % m) / static_cast<double>(m);
      y[k] += std::complex<double>(x[i]) * std::polar(1.0, angle);
    }
    y[k] /= std::sqrt(static_cast<double>(m));
  }
  return y;
}

double relative_error(const std::vector<cf_t>& got, const std::vector<std::complex<double>>& want)
{
  double err = 0;
  double norm = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    err += std::norm(std::complex<double>(got[i]) - want[i]);
    norm += std::norm(want[i]);
  }
  return std::sqrt(err / norm);
}

} // namespace

TEST_CASE("transform precoding sizes are 12 x 2^a 3^b 5^c")
{
  for (unsigned n : {1U, 2U, 3U, 4U, 5U, 6U, 8U, 9U, 10U, 12U, 15U, 16U, 75U, 243U, 250U, 256U, 270U}) {
    CHECK(is_valid_transform_precoding_size(n));
  }
  for (unsigned n : {0U, 7U, 11U, 13U, 14U, 21U, 49U, 273U, 275U}) {
    CHECK_FALSE(is_valid_transform_precoding_size(n));
  }
  unsigned count = 0;
  for (unsigned n = 1; n <= 275; ++n) {
    count += is_valid_transform_precoding_size(n) ? 1 : 0;
  }
  CHECK(count == 53);
}

TEST_CASE("transform precoding equals the DFT of TS 38.211 6.3.1.4 and deprecoding inverts it")
{
  transform_precoder dft(275);
  unsigned seed = 1;
  for (unsigned n : {1U, 2U, 3U, 5U, 9U, 25U, 36U, 75U, 243U, 270U}) {
    CAPTURE(n);
    const auto x = random_symbols(12 * n, seed++);
    auto y = x;
    dft.precode(y);
    CHECK(relative_error(y, naive_dft(x, -1.0)) < 1e-5);
    auto back = y;
    dft.deprecode(back);
    std::vector<std::complex<double>> original(x.begin(), x.end());
    CHECK(relative_error(back, original) < 1e-5);
    CHECK(relative_error(back, naive_dft(y, 1.0)) < 1e-5);
  }
}

TEST_CASE("transform precoding works on unaligned buffers and keeps the energy")
{
  transform_precoder dft(10);
  // One symbol's data starting at an odd complex offset of a larger buffer.
  auto buffer = random_symbols(1 + 12 * 10 + 1, 99);
  const std::vector<cf_t> x(buffer.begin() + 1, buffer.begin() + 1 + 120);
  const cf_t before = buffer.front();
  const cf_t after = buffer.back();
  dft.precode(std::span(buffer).subspan(1, 120));
  CHECK(buffer.front() == before);
  CHECK(buffer.back() == after);
  double energy_in = 0;
  double energy_out = 0;
  for (std::size_t i = 0; i < 120; ++i) {
    energy_in += std::norm(x[i]);
    energy_out += std::norm(buffer[1 + i]);
  }
  CHECK(energy_out == doctest::Approx(energy_in).epsilon(1e-5));
  CHECK(relative_error(std::vector<cf_t>(buffer.begin() + 1, buffer.begin() + 121), naive_dft(x, -1.0)) < 1e-5);
}
