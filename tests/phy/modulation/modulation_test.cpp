#include "airan/phy/modulation/modulation.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr std::array<modulation_scheme, 5> all_schemes = {modulation_scheme::pi2_bpsk, modulation_scheme::qpsk,
                                                          modulation_scheme::qam16, modulation_scheme::qam64,
                                                          modulation_scheme::qam256};

using cd_t = std::complex<double>;

/// The formulas of TS 38.211 5.1.2 to 5.1.6 written out literally, in double. b points at the Q_m bits of symbol i.
cd_t reference_point(const uint8_t* b, modulation_scheme scheme, unsigned i)
{
  auto s = [b](unsigned k) { return 1.0 - 2.0 * b[k]; };
  switch (scheme) {
    case modulation_scheme::pi2_bpsk:
      return std::polar(1.0, std::numbers::pi / 2 * (i % 2)) / std::sqrt(2.0) * cd_t{s(0), s(0)};
    case modulation_scheme::qpsk:
      return cd_t{s(0), s(1)} / std::sqrt(2.0);
    case modulation_scheme::qam16:
      return cd_t{s(0) * (2 - s(2)), s(1) * (2 - s(3))} / std::sqrt(10.0);
    case modulation_scheme::qam64:
      return cd_t{s(0) * (4 - s(2) * (2 - s(4))), s(1) * (4 - s(3) * (2 - s(5)))} / std::sqrt(42.0);
    case modulation_scheme::qam256:
      return cd_t{s(0) * (8 - s(2) * (4 - s(4) * (2 - s(6)))), s(1) * (8 - s(3) * (4 - s(5) * (2 - s(7))))} /
             std::sqrt(170.0);
  }
  return {};
}

/// Bits of pattern number `pattern`, b(0) first, as Q_m unpacked bits.
std::vector<uint8_t> pattern_bits(unsigned pattern, unsigned qm)
{
  std::vector<uint8_t> bits(qm);
  for (unsigned k = 0; k != qm; ++k) {
    bits[k] = (pattern >> (qm - 1 - k)) & 1U;
  }
  return bits;
}

/// Brute-force max-log LLRs of one symbol at position i: for each bit, the squared distance to the nearest point with
/// the bit set minus that to the nearest point with the bit clear, over all 2^Q_m constellation points, over N0.
std::vector<double> brute_force_llrs(cd_t y, double noise_var, modulation_scheme scheme, unsigned i)
{
  const unsigned      qm = modulation_order(scheme);
  std::vector<double> d0(qm, std::numeric_limits<double>::infinity());
  std::vector<double> d1(qm, std::numeric_limits<double>::infinity());
  for (unsigned pattern = 0; pattern != (1U << qm); ++pattern) {
    const auto   bits = pattern_bits(pattern, qm);
    const double d    = std::norm(y - reference_point(bits.data(), scheme, i));
    for (unsigned k = 0; k != qm; ++k) {
      if (bits[k] == 0) {
        d0[k] = std::min(d0[k], d);
      } else {
        d1[k] = std::min(d1[k], d);
      }
    }
  }
  std::vector<double> llrs(qm);
  for (unsigned k = 0; k != qm; ++k) {
    llrs[k] = (d1[k] - d0[k]) / noise_var;
  }
  return llrs;
}

std::vector<uint8_t> random_bits(std::size_t n, std::mt19937& rng)
{
  std::bernoulli_distribution coin;
  std::vector<uint8_t>        bits(n);
  for (auto& b : bits) {
    b = coin(rng) ? 1 : 0;
  }
  return bits;
}

int reference_quantised(double llr, float scale)
{
  return static_cast<int>(std::clamp(std::nearbyint(scale * llr), -127.0, 127.0));
}

} // namespace

TEST_CASE("modulation order: bits per symbol of TS 38.211 5.1")
{
  CHECK(modulation_order(modulation_scheme::pi2_bpsk) == 1);
  CHECK(modulation_order(modulation_scheme::qpsk) == 2);
  CHECK(modulation_order(modulation_scheme::qam16) == 4);
  CHECK(modulation_order(modulation_scheme::qam64) == 6);
  CHECK(modulation_order(modulation_scheme::qam256) == 8);
}

TEST_CASE("modulate: hand-computed points of TS 38.211 5.1.3 to 5.1.6")
{
  struct point {
    modulation_scheme    scheme;
    std::vector<uint8_t> bits;
    double               re;
    double               im;
    double               norm;
  };
  // Each worked out from the formulas, e.g. 64QAM 001010: (1-2b0)[4 - (1-2b2)[2 - (1-2b4)]] = 4 + (2 + 1) = 7.
  const std::vector<point> points = {
      {modulation_scheme::qpsk, {0, 0}, 1, 1, 2},
      {modulation_scheme::qpsk, {0, 1}, 1, -1, 2},
      {modulation_scheme::qpsk, {1, 0}, -1, 1, 2},
      {modulation_scheme::qpsk, {1, 1}, -1, -1, 2},
      {modulation_scheme::qam16, {0, 0, 0, 0}, 1, 1, 10},
      {modulation_scheme::qam16, {0, 0, 1, 1}, 3, 3, 10},
      {modulation_scheme::qam16, {1, 0, 1, 1}, -3, 3, 10},
      {modulation_scheme::qam16, {0, 1, 0, 0}, 1, -1, 10},
      {modulation_scheme::qam64, {0, 0, 0, 0, 0, 0}, 3, 3, 42},
      {modulation_scheme::qam64, {0, 0, 1, 0, 1, 0}, 7, 3, 42},
      {modulation_scheme::qam64, {0, 0, 0, 0, 1, 0}, 1, 3, 42},
      {modulation_scheme::qam64, {1, 1, 1, 1, 1, 1}, -7, -7, 42},
      {modulation_scheme::qam256, {0, 0, 0, 0, 0, 0, 0, 0}, 5, 5, 170},
      {modulation_scheme::qam256, {0, 0, 0, 0, 0, 0, 1, 1}, 7, 7, 170},
      {modulation_scheme::qam256, {1, 0, 1, 0, 1, 0, 1, 0}, -15, 5, 170},
      {modulation_scheme::qam256, {0, 1, 0, 1, 0, 1, 0, 1}, 5, -15, 170},
  };
  for (const auto& p : points) {
    CAPTURE(static_cast<int>(p.scheme));
    cf_t symbol;
    modulate({&symbol, 1}, p.bits, p.scheme);
    CHECK(symbol.real() == doctest::Approx(p.re / std::sqrt(p.norm)).epsilon(1e-6));
    CHECK(symbol.imag() == doctest::Approx(p.im / std::sqrt(p.norm)).epsilon(1e-6));
  }
}

TEST_CASE("modulate: pi/2-BPSK phase offset alternates with the symbol index (TS 38.211 5.1.2)")
{
  // i = 0: (1+j)/sqrt2; i = 1: j (1+j)/sqrt2 = (-1+j)/sqrt2; i = 2, b = 1: -(1+j)/sqrt2; i = 3, b = 1: (1-j)/sqrt2.
  const std::vector<uint8_t> bits = {0, 0, 1, 1};
  std::vector<cf_t>          symbols(4);
  modulate(symbols, bits, modulation_scheme::pi2_bpsk);
  const float a = 1.0F / std::sqrt(2.0F);
  CHECK(std::abs(symbols[0] - cf_t{a, a}) < 1e-6F);
  CHECK(std::abs(symbols[1] - cf_t{-a, a}) < 1e-6F);
  CHECK(std::abs(symbols[2] - cf_t{-a, -a}) < 1e-6F);
  CHECK(std::abs(symbols[3] - cf_t{a, -a}) < 1e-6F);

  // Constant bits: the phase offset exp(j pi/2 (i mod 2)) alternates, it does not accumulate.
  std::vector<uint8_t> zeros(9, 0);
  std::vector<cf_t>    run(9);
  modulate(run, zeros, modulation_scheme::pi2_bpsk);
  for (std::size_t i = 1; i != run.size(); ++i) {
    CHECK(std::abs(run[i] - ((i % 2 == 0) ? run[0] : cf_t{0, 1} * run[0])) < 1e-6F);
  }
}

TEST_CASE("modulate: every bit pattern matches the formulas, distinct points, unit average power")
{
  for (auto scheme : all_schemes) {
    CAPTURE(static_cast<int>(scheme));
    const unsigned qm = modulation_order(scheme);
    // All patterns in one span; for pi/2-BPSK each pattern also lands on both parities.
    std::vector<uint8_t> bits;
    for (unsigned repeat = 0; repeat != 2; ++repeat) {
      for (unsigned pattern = 0; pattern != (1U << qm); ++pattern) {
        const auto b = pattern_bits(pattern, qm);
        bits.insert(bits.end(), b.begin(), b.end());
      }
    }
    std::vector<cf_t> symbols(bits.size() / qm);
    modulate(symbols, bits, scheme);
    double power = 0;
    for (unsigned i = 0; i != symbols.size(); ++i) {
      const cd_t expected = reference_point(bits.data() + qm * i, scheme, i);
      CHECK(std::abs(cd_t(symbols[i]) - expected) < 1e-6);
      power += std::norm(cd_t(symbols[i]));
    }
    CHECK(power / symbols.size() == doctest::Approx(1.0).epsilon(1e-6));
    for (unsigned i = 0; i != (1U << qm); ++i) {
      for (unsigned j = i + 1; j != (1U << qm); ++j) {
        CHECK(std::abs(symbols[i] - symbols[j]) > 0.1F);
      }
    }
  }
}

TEST_CASE("demodulate_soft: float LLRs equal brute-force max-log over all constellation points")
{
  std::mt19937 rng(1234);
  for (auto scheme : all_schemes) {
    CAPTURE(static_cast<int>(scheme));
    const unsigned qm = modulation_order(scheme);
    for (double noise_var : {2.0, 0.3, 0.01, 1e-4}) {
      CAPTURE(noise_var);
      // 301 symbols: several demapper blocks, an odd tail. Half are noisy constellation points, half uniform over a box
      // reaching well beyond the outer points (where the piecewise-linear metrics change slope most often).
      const std::size_t                      n    = 301;
      const auto                             bits = random_bits(n * qm, rng);
      std::vector<cf_t>                      symbols(n);
      std::vector<float>                     nv(n);
      std::normal_distribution<float>        gauss(0.0F, static_cast<float>(std::sqrt(noise_var / 2)));
      std::uniform_real_distribution<float>  box(-1.6F, 1.6F);
      std::uniform_real_distribution<double> spread(0.5, 2.0);
      modulate(symbols, bits, scheme);
      for (std::size_t i = 0; i != n; ++i) {
        symbols[i] = (i % 2 == 0) ? symbols[i] + cf_t{gauss(rng), gauss(rng)} : cf_t{box(rng), box(rng)};
        nv[i]      = static_cast<float>(noise_var * spread(rng)); // per-symbol noise variances
      }
      std::vector<float>  llrs(n * qm);
      std::vector<int8_t> llrs_q(n * qm);
      demodulate_soft(llrs, symbols, nv, scheme);
      demodulate_soft(llrs_q, symbols, nv, scheme, default_llr_scale);
      for (std::size_t i = 0; i != n; ++i) {
        const auto ref = brute_force_llrs(symbols[i], nv[i], scheme, static_cast<unsigned>(i));
        // Float rounding: the metrics are differences of squared distances of size up to (|y| + 1)^2, so allow some
        // 16 float ulps of that, over N0.
        const double tol = 2e-6 * std::pow(std::abs(cd_t(symbols[i])) + 1.0, 2) / nv[i];
        for (unsigned k = 0; k != qm; ++k) {
          CAPTURE(i);
          CAPTURE(k);
          CHECK(std::abs(llrs[qm * i + k] - ref[k]) <= tol);
          CHECK(std::abs(llrs_q[qm * i + k] - reference_quantised(ref[k], default_llr_scale)) <= 1);
        }
      }
    }
  }
}

TEST_CASE("demodulate_soft: LLR sign follows the transmitted bit (positive = 0) and hard decisions round-trip")
{
  std::mt19937 rng(99);
  for (auto scheme : all_schemes) {
    CAPTURE(static_cast<int>(scheme));
    const unsigned     qm   = modulation_order(scheme);
    const std::size_t  n    = 1000;
    const auto         bits = random_bits(n * qm, rng);
    std::vector<cf_t>  symbols(n);
    std::vector<float> nv(n, 1e-3F); // 30 dB: far above the error-free point of 256QAM's minimum distance
    modulate(symbols, bits, scheme);
    std::normal_distribution<float> gauss(0.0F, std::sqrt(1e-5F / 2)); // 50 dB actual noise
    for (auto& s : symbols) {
      s += cf_t{gauss(rng), gauss(rng)};
    }
    std::vector<float>  llrs(n * qm);
    std::vector<int8_t> llrs_q(n * qm);
    demodulate_soft(llrs, symbols, nv, scheme);
    demodulate_soft(llrs_q, symbols, nv, scheme, default_llr_scale);
    std::size_t errors = 0;
    for (std::size_t k = 0; k != bits.size(); ++k) {
      errors += (bits[k] == 0) ? (llrs[k] <= 0) : (llrs[k] >= 0);
      errors += (bits[k] == 0) ? (llrs_q[k] <= 0) : (llrs_q[k] >= 0);
    }
    CHECK(errors == 0);
  }
}

TEST_CASE("demodulate_soft: hand-computed QPSK and 16QAM values and int8 quantisation")
{
  // QPSK: llr = ((y + a)^2 - (y - a)^2) / N0 = 4 a y / N0 per dimension, a = 1/sqrt(2).
  // y = (a/2, -a), N0 = 0.5: llr(b0) = 4 a (a/2) / 0.5 = 2, llr(b1) = -4 a a / 0.5 = -4.
  const float         a    = 1.0F / std::sqrt(2.0F);
  const cf_t          y[1] = {{a / 2, -a}};
  const float         n0[1] = {0.5F};
  std::array<float, 2> llrs;
  demodulate_soft(llrs, y, n0, modulation_scheme::qpsk);
  CHECK(llrs[0] == doctest::Approx(2.0F).epsilon(1e-5));
  CHECK(llrs[1] == doctest::Approx(-4.0F).epsilon(1e-5));
  std::array<int8_t, 2> q;
  demodulate_soft(q, y, n0, modulation_scheme::qpsk, 8.0F);
  CHECK(q[0] == 16);
  CHECK(q[1] == -32);
  demodulate_soft(q, y, n0, modulation_scheme::qpsk, 40.0F); // -160 saturates at -127, never -128
  CHECK(q[0] == 80);
  CHECK(q[1] == -127);

  // 16QAM, one dimension in units of c = 1/sqrt(10): levels +1 (b0 b2 = 00), +3 (01), -1 (10), -3 (11).
  // y = 2.5 c, N0 = 0.1: b0: nearest with b0 = 1 is -1, with b0 = 0 is 3: ((3.5)^2 - (0.5)^2) c^2 / N0 = 12.
  //                      b2: nearest with b2 = 1 is 3, with b2 = 0 is 1: ((0.5)^2 - (1.5)^2) c^2 / N0 = -2.
  const float c     = 1.0F / std::sqrt(10.0F);
  const cf_t  y16[1] = {{2.5F * c, 2.5F * c}};
  const float n16[1] = {0.1F};
  std::array<float, 4> l16;
  demodulate_soft(l16, y16, n16, modulation_scheme::qam16);
  CHECK(l16[0] == doctest::Approx(12.0F).epsilon(1e-5));
  CHECK(l16[1] == doctest::Approx(12.0F).epsilon(1e-5));
  CHECK(l16[2] == doctest::Approx(-2.0F).epsilon(1e-5));
  CHECK(l16[3] == doctest::Approx(-2.0F).epsilon(1e-5));
}

TEST_CASE("demodulate_soft: pi/2-BPSK LLRs follow the symbol parity from the start of the span")
{
  // (1+j)/sqrt2 is bit 0 at an even index and lies between the odd-index points (-1+j)/sqrt2 and (1-j)/sqrt2:
  // llr 4 Re(y conj(c)) / N0 = 4 / N0 at even index, 0 at odd index. N0 = 1.
  const float              a      = 1.0F / std::sqrt(2.0F);
  const std::vector<cf_t>  y      = {{a, a}, {a, a}, {-a, a}, {-a, a}};
  const std::vector<float> n0     = {1, 1, 1, 1};
  std::vector<float>       llrs(4);
  demodulate_soft(llrs, y, n0, modulation_scheme::pi2_bpsk);
  CHECK(llrs[0] == doctest::Approx(4.0F).epsilon(1e-5));
  CHECK(std::abs(llrs[1]) < 1e-6F);
  CHECK(std::abs(llrs[2]) < 1e-6F);
  CHECK(llrs[3] == doctest::Approx(4.0F).epsilon(1e-5));
}

TEST_CASE("demodulate_soft: zero or invalid noise variance and non-finite symbols stay defined")
{
  for (auto scheme : all_schemes) {
    CAPTURE(static_cast<int>(scheme));
    const unsigned qm  = modulation_order(scheme);
    const float    inf = std::numeric_limits<float>::infinity();
    const float    nan = std::numeric_limits<float>::quiet_NaN();
    // Symbol 0: bits all 0, N0 = 0 (floored). 1: bits all 1, N0 = -1 (floored). 2: N0 NaN. 3: N0 +inf.
    // 4: NaN symbol. 5: infinite symbol parts (clamped to the limit, in the bit-0 direction of the sign bits).
    std::vector<uint8_t> bits(6 * qm, 0);
    std::fill(bits.begin() + qm, bits.begin() + 2 * qm, 1);
    std::vector<cf_t> symbols(6);
    modulate(symbols, bits, scheme);
    symbols[4] = {nan, nan};
    symbols[5] = {inf, inf};
    const std::vector<float> nv = {0.0F, -1.0F, nan, inf, 0.1F, 0.1F};

    std::vector<float>  llrs(6 * qm);
    std::vector<int8_t> llrs_q(6 * qm);
    demodulate_soft(llrs, symbols, nv, scheme);
    demodulate_soft(llrs_q, symbols, nv, scheme, default_llr_scale);
    for (unsigned k = 0; k != qm; ++k) {
      CHECK(std::isfinite(llrs[k]));
      CHECK(llrs[k] > 0);
      CHECK(llrs_q[k] == 127);
      CHECK(std::isfinite(llrs[qm + k]));
      CHECK(llrs[qm + k] < 0);
      CHECK(llrs_q[qm + k] == -127);
      CHECK(llrs[2 * qm + k] == 0);
      CHECK(llrs_q[2 * qm + k] == 0);
      CHECK(llrs[3 * qm + k] == 0);
      CHECK(llrs_q[3 * qm + k] == 0);
      CHECK(llrs[4 * qm + k] == doctest::Approx(brute_force_llrs({0, 0}, 0.1, scheme, 4)[k]).epsilon(1e-4));
      CHECK(std::isfinite(llrs[5 * qm + k]));
    }
    // QAM sign bits of the clamped infinite symbol: both parts far on the bit-0 side. (For pi/2-BPSK at the odd index 5
    // the direction (1+j) is orthogonal to the symbol's points, so only finiteness is checked above.)
    if (scheme != modulation_scheme::pi2_bpsk) {
      CHECK(llrs[5 * qm] > 0);
      CHECK(llrs_q[5 * qm + 1] == 127);
    }
    // The floored noise variance gives the same LLRs as N0 = demapper_noise_var_floor.
    std::vector<float> floor_llrs(qm);
    demodulate_soft(floor_llrs, std::span(symbols).first(1), std::vector<float>{demapper_noise_var_floor}, scheme);
    for (unsigned k = 0; k != qm; ++k) {
      CHECK(llrs[k] == floor_llrs[k]);
    }
  }
}

TEST_CASE("demodulate_soft: empty spans")
{
  std::vector<float>  llrs;
  std::vector<int8_t> llrs_q;
  demodulate_soft(llrs, {}, {}, modulation_scheme::qam64);
  demodulate_soft(llrs_q, {}, {}, modulation_scheme::qam64);
  modulate({}, {}, modulation_scheme::qam256);
  CHECK(llrs.empty());
}
