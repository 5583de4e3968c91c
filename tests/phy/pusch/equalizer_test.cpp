// MIMO equaliser: agreement with a plain double-precision MMSE written from the formulas, statistics of the reported
// noise variances, interference rejection, robustness to degenerate input, validation.
#include "airan/phy/pusch/equalizer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <utility>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

using cd_t = std::complex<double>;
using cmat = std::vector<std::vector<cd_t>>;

cmat zeros(std::size_t rows, std::size_t cols)
{
  return cmat(rows, std::vector<cd_t>(cols));
}

/// Inverse by Gauss-Jordan elimination with partial pivoting.
cmat inverse(cmat a)
{
  const std::size_t n   = a.size();
  cmat              inv = zeros(n, n);
  for (std::size_t i = 0; i != n; ++i) {
    inv[i][i] = 1.0;
  }
  for (std::size_t c = 0; c != n; ++c) {
    std::size_t best = c;
    for (std::size_t r = c + 1; r != n; ++r) {
      if (std::abs(a[r][c]) > std::abs(a[best][c])) {
        best = r;
      }
    }
    std::swap(a[c], a[best]);
    std::swap(inv[c], inv[best]);
    const cd_t p = a[c][c];
    for (std::size_t j = 0; j != n; ++j) {
      a[c][j] /= p;
      inv[c][j] /= p;
    }
    for (std::size_t r = 0; r != n; ++r) {
      if (r != c) {
        const cd_t f = a[r][c];
        for (std::size_t j = 0; j != n; ++j) {
          a[r][j] -= f * a[c][j];
          inv[r][j] -= f * inv[c][j];
        }
      }
    }
  }
  return inv;
}

cmat multiply(const cmat& a, const cmat& b)
{
  cmat c = zeros(a.size(), b[0].size());
  for (std::size_t i = 0; i != a.size(); ++i) {
    for (std::size_t j = 0; j != b[0].size(); ++j) {
      for (std::size_t k = 0; k != b.size(); ++k) {
        c[i][j] += a[i][k] * b[k][j];
      }
    }
  }
  return c;
}

cmat hermitian_transpose(const cmat& a)
{
  cmat t = zeros(a[0].size(), a.size());
  for (std::size_t i = 0; i != a.size(); ++i) {
    for (std::size_t j = 0; j != a[0].size(); ++j) {
      t[j][i] = std::conj(a[i][j]);
    }
  }
  return t;
}

/// The MMSE-IRC equaliser of one RE as written in the textbook: W = (H^H R^-1 H + I)^-1 H^H R^-1, d_k = [W H]_kk,
/// x_k = [W y]_k / d_k, noise_var_k = (1 - d_k) / d_k.
void reference_equalize(std::vector<cd_t>& x, std::vector<double>& noise_var, const cmat& h, const cmat& y,
                        const cmat& r)
{
  const std::size_t v      = h[0].size();
  const cmat        hh_ri  = multiply(hermitian_transpose(h), inverse(r));
  cmat              a      = multiply(hh_ri, h);
  for (std::size_t k = 0; k != v; ++k) {
    a[k][k] += 1.0;
  }
  const cmat w  = multiply(inverse(a), hh_ri);
  const cmat wy = multiply(w, y);
  const cmat wh = multiply(w, h);
  x.resize(v);
  noise_var.resize(v);
  for (std::size_t k = 0; k != v; ++k) {
    const double d = wh[k][k].real();
    x[k]           = wy[k][0] / d;
    noise_var[k]   = (1.0 - d) / d;
  }
}

/// A test problem: y = H s + n over nof_re REs, in the equaliser's layouts.
struct problem {
  unsigned          nof_rx_ports;
  unsigned          nof_layers;
  unsigned          nof_re;
  std::vector<cf_t> y;
  std::vector<cf_t> h;
  /// s[layer][re]: transmitted QPSK symbols.
  std::vector<cf_t> s;

  cf_t& y_at(unsigned rx, unsigned re) { return y[rx * nof_re + re]; }
  cf_t& h_at(unsigned rx, unsigned k, unsigned re) { return h[(rx * nof_layers + k) * nof_re + re]; }

  equalizer_input input() const { return {nof_rx_ports, nof_layers, nof_re, 1, y, h}; }
};

struct result {
  std::vector<cf_t>  x;
  std::vector<float> noise_var;

  explicit result(const problem& p) : x(p.nof_layers * p.nof_re), noise_var(p.nof_layers * p.nof_re) {}
  equalizer_output output() { return {x, noise_var}; }
};

cf_t complex_normal(std::mt19937& rng, double variance)
{
  std::normal_distribution<float> n(0.0F, static_cast<float>(std::sqrt(variance / 2)));
  return {n(rng), n(rng)};
}

cf_t qpsk(std::mt19937& rng)
{
  std::bernoulli_distribution coin;
  const float                 a = static_cast<float>(1 / std::sqrt(2.0));
  return {coin(rng) ? a : -a, coin(rng) ? a : -a};
}

/// Well-conditioned channels: layer k mainly on ports k, k + v, k + 2v, ... with a random phase, plus a Gaussian
/// spread of power 0.1. With fixed_channel the same H at every RE.
problem make_problem(unsigned ports, unsigned layers, unsigned nof_re, std::mt19937& rng, bool fixed_channel = false)
{
  problem                               p{ports, layers, nof_re, std::vector<cf_t>(ports * nof_re),
                std::vector<cf_t>(ports * layers * nof_re), std::vector<cf_t>(layers * nof_re)};
  std::uniform_real_distribution<float> phase(0.0F, 6.2831853F);
  for (unsigned re = 0; re != nof_re; ++re) {
    for (unsigned rx = 0; rx != ports; ++rx) {
      for (unsigned k = 0; k != layers; ++k) {
        p.h_at(rx, k, re) = (fixed_channel && re != 0)
                                ? p.h_at(rx, k, 0)
                                : (rx % layers == k ? std::polar(1.0F, phase(rng)) : cf_t{}) + complex_normal(rng, 0.1);
      }
    }
    for (unsigned k = 0; k != layers; ++k) {
      p.s[k * nof_re + re] = qpsk(rng);
    }
  }
  return p;
}

/// y = H s + n with n drawn from CN(0, R): n = C w for R = C C^H, w white (c given row-major P x P).
void transmit(problem& p, std::mt19937& rng, const std::vector<cd_t>& c, unsigned group_nof_re = 0)
{
  const unsigned ports = p.nof_rx_ports;
  for (unsigned re = 0; re != p.nof_re; ++re) {
    const std::size_t offset = group_nof_re == 0 ? 0 : std::size_t{re / group_nof_re} * ports * ports;
    std::vector<cf_t> w(ports);
    for (auto& wi : w) {
      wi = complex_normal(rng, 1.0);
    }
    for (unsigned rx = 0; rx != ports; ++rx) {
      cd_t acc = 0.0;
      for (unsigned k = 0; k != p.nof_layers; ++k) {
        acc += cd_t(p.h_at(rx, k, re)) * cd_t(p.s[k * p.nof_re + re]);
      }
      for (unsigned j = 0; j != ports; ++j) {
        acc += c[offset + rx * ports + j] * cd_t(w[j]);
      }
      p.y_at(rx, re) = cf_t(acc);
    }
  }
}

/// Colouring matrix of uncorrelated noise with the given per-port variances.
std::vector<cd_t> diagonal_colouring(const std::vector<float>& variances)
{
  const std::size_t n = variances.size();
  std::vector<cd_t> c(n * n);
  for (std::size_t i = 0; i != n; ++i) {
    c[i * n + i] = std::sqrt(double{variances[i]});
  }
  return c;
}

/// A random colouring matrix C (P x P) of a well-conditioned covariance: sqrt(sigma2) (I + 0.5 B), B Gaussian.
std::vector<cd_t> random_colouring(unsigned ports, double sigma2, std::mt19937& rng)
{
  std::vector<cd_t> c(ports * ports);
  for (unsigned i = 0; i != ports; ++i) {
    for (unsigned j = 0; j != ports; ++j) {
      c[i * ports + j] = std::sqrt(sigma2) * ((i == j ? 1.0 : 0.0) + 0.5 * cd_t(complex_normal(rng, 1.0 / ports)));
    }
  }
  return c;
}

/// R = C C^H for each group of colouring matrices, as the equaliser's float covariance input.
std::vector<cf_t> covariance_of(const std::vector<cd_t>& c, unsigned ports)
{
  std::vector<cf_t> r(c.size());
  for (std::size_t offset = 0; offset != c.size(); offset += ports * ports) {
    for (unsigned i = 0; i != ports; ++i) {
      for (unsigned j = 0; j != ports; ++j) {
        cd_t acc = 0.0;
        for (unsigned k = 0; k != ports; ++k) {
          acc += c[offset + i * ports + k] * std::conj(c[offset + j * ports + k]);
        }
        r[offset + i * ports + j] = cf_t(acc);
      }
    }
  }
  return r;
}

/// Compares x and noise_var with the reference at every RE, for covariance r[g] of the REs of group g.
void check_against_reference(const problem& p, const result& out, const std::vector<cf_t>& r, unsigned group_nof_re)
{
  const unsigned      ports = p.nof_rx_ports;
  std::vector<cd_t>   x;
  std::vector<double> noise_var;
  double              worst_x  = 0.0;
  double              worst_nv = 0.0;
  for (unsigned re = 0; re != p.nof_re; ++re) {
    cmat r_re = zeros(ports, ports);
    cmat h    = zeros(ports, p.nof_layers);
    cmat y    = zeros(ports, 1);
    for (unsigned i = 0; i != ports; ++i) {
      for (unsigned j = 0; j != ports; ++j) {
        r_re[i][j] = r[(re / group_nof_re * ports + i) * ports + j];
      }
      for (unsigned k = 0; k != p.nof_layers; ++k) {
        h[i][k] = p.h[(i * p.nof_layers + k) * p.nof_re + re];
      }
      y[i][0] = p.y[i * p.nof_re + re];
    }
    reference_equalize(x, noise_var, h, y, r_re);
    for (unsigned k = 0; k != p.nof_layers; ++k) {
      const cd_t   got    = out.x[k * p.nof_re + re];
      const double got_nv = out.noise_var[k * p.nof_re + re];
      worst_x             = std::max(worst_x, std::abs(got - x[k]) / std::max(1.0, std::abs(x[k])));
      worst_nv            = std::max(worst_nv, std::abs(got_nv - noise_var[k]) / noise_var[k]);
    }
  }
  CHECK(worst_x < 1e-4);
  CHECK(worst_nv < 1e-4);
}

/// The covariance input of uncorrelated noise with the given per-port variances.
std::vector<cf_t> diagonal_covariance(const std::vector<float>& variances)
{
  const std::size_t n = variances.size();
  std::vector<cf_t> r(n * n);
  for (std::size_t i = 0; i != n; ++i) {
    r[i * n + i] = variances[i];
  }
  return r;
}

/// Mean of |x - s|^2 and of the reported noise variance over all REs of layer k, and mean of x conj(s) (the bias).
struct error_statistics {
  double error_var;
  double reported_var;
  double gain;
};

error_statistics statistics(const problem& p, const result& out, unsigned k)
{
  error_statistics st{0.0, 0.0, 0.0};
  for (unsigned re = 0; re != p.nof_re; ++re) {
    const cd_t x = out.x[k * p.nof_re + re];
    const cd_t s = p.s[k * p.nof_re + re];
    st.error_var += std::norm(x - s);
    st.reported_var += out.noise_var[k * p.nof_re + re];
    st.gain += (x * std::conj(s)).real();
  }
  st.error_var /= p.nof_re;
  st.reported_var /= p.nof_re;
  st.gain /= p.nof_re;
  return st;
}

bool all_finite(const result& out)
{
  return std::all_of(out.x.begin(), out.x.end(),
                     [](cf_t v) { return std::isfinite(v.real()) && std::isfinite(v.imag()); }) &&
         std::all_of(out.noise_var.begin(), out.noise_var.end(),
                     [](float v) { return std::isfinite(v) && v >= 0.0F; });
}

equalizer make_equalizer(unsigned ports = 8, unsigned nof_re = 4096, bool allow_avx2 = true)
{
  const equalizer_config config{ports, 4, nof_re, allow_avx2};
  REQUIRE(equalizer::validate(config).is_ok());
  return equalizer(config);
}

} // namespace

TEST_CASE("equalizer: MMSE matches the double-precision reference for 1..4 layers and 1, 2, 4, 8 ports")
{
  std::mt19937 rng(1);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 2U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        for (unsigned nof_re : {1U, 8U, 13U, 100U}) {
          CAPTURE(ports);
          CAPTURE(layers);
          CAPTURE(nof_re);
          problem            p = make_problem(ports, layers, nof_re, rng);
          std::vector<float> sigma2(ports);
          for (unsigned rx = 0; rx != ports; ++rx) {
            sigma2[rx] = 0.01F * static_cast<float>(1 + rx % 3);
          }
          transmit(p, rng, diagonal_colouring(sigma2));
          result out(p);
          REQUIRE(eq.validate_mmse(out.output(), p.input(), sigma2).is_ok());
          eq.equalize_mmse(out.output(), p.input(), sigma2);
          check_against_reference(p, out, diagonal_covariance(sigma2), nof_re);

          eq.equalize_mmse(out.output(), p.input(), std::vector<float>{0.02F});
          check_against_reference(p, out, diagonal_covariance(std::vector<float>(ports, 0.02F)), nof_re);
        }
      }
    }
  }
}

TEST_CASE("equalizer: MMSE-IRC matches the double-precision reference for 1..4 layers and 1, 2, 4, 8 ports")
{
  std::mt19937 rng(2);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 2U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        for (unsigned group_nof_re : {1U, 5U, 12U, 100U}) {
          CAPTURE(ports);
          CAPTURE(layers);
          CAPTURE(group_nof_re);
          const unsigned    nof_re     = 100;
          const unsigned    nof_groups = (nof_re + group_nof_re - 1) / group_nof_re;
          problem           p          = make_problem(ports, layers, nof_re, rng);
          std::vector<cd_t> c;
          for (unsigned g = 0; g != nof_groups; ++g) {
            const auto cg = random_colouring(ports, 0.01 * (1 + g % 4), rng);
            c.insert(c.end(), cg.begin(), cg.end());
          }
          transmit(p, rng, c, group_nof_re);
          const std::vector<cf_t> r = covariance_of(c, ports);
          result                  out(p);
          REQUIRE(eq.validate_mmse_irc(out.output(), p.input(), r, group_nof_re).is_ok());
          eq.equalize_mmse_irc(out.output(), p.input(), r, group_nof_re);
          check_against_reference(p, out, r, group_nof_re);
        }
      }
    }
  }
}

/// nof_symbols problems with the channel of p, each with its own symbols and noise, in the layouts of one call.
struct multi_symbol_problem {
  std::vector<problem> symbols;
  std::vector<cf_t>    y;

  equalizer_input input() const
  {
    const problem& p = symbols[0];
    return {p.nof_rx_ports, p.nof_layers, p.nof_re, static_cast<unsigned>(symbols.size()), y, p.h};
  }
};

multi_symbol_problem make_multi_symbol(const problem& p, unsigned nof_symbols, std::mt19937& rng,
                                       const std::vector<cd_t>& c, unsigned group_nof_re)
{
  multi_symbol_problem m;
  for (unsigned l = 0; l != nof_symbols; ++l) {
    problem q = p;
    for (auto& s : q.s) {
      s = qpsk(rng);
    }
    transmit(q, rng, c, group_nof_re);
    m.y.insert(m.y.end(), q.y.begin(), q.y.end());
    m.symbols.push_back(std::move(q));
  }
  return m;
}

TEST_CASE("equalizer: symbols sharing the channel give the results of one call per symbol")
{
  std::mt19937 rng(9);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned ports : {1U, 2U, 4U, 8U}) {
      for (unsigned layers = 1; layers <= std::min(ports, 4U); ++layers) {
        for (unsigned nof_re : {13U, 100U}) {
          for (bool irc : {false, true}) {
            CAPTURE(ports);
            CAPTURE(layers);
            CAPTURE(nof_re);
            CAPTURE(irc);
            const unsigned     nof_symbols = irc ? 3 : equalizer_max_nof_symbols;
            const problem      p           = make_problem(ports, layers, nof_re, rng);
            std::vector<float> sigma2(ports);
            for (unsigned rx = 0; rx != ports; ++rx) {
              sigma2[rx] = 0.01F * static_cast<float>(1 + rx % 3);
            }
            std::vector<cd_t> c = diagonal_colouring(sigma2);
            if (irc) {
              c.clear();
              for (unsigned g = 0; g != (nof_re + 11) / 12; ++g) {
                const auto cg = random_colouring(ports, 0.02, rng);
                c.insert(c.end(), cg.begin(), cg.end());
              }
            }
            const multi_symbol_problem m = make_multi_symbol(p, nof_symbols, rng, c, irc ? 12 : 0);
            const std::vector<cf_t>    r = covariance_of(c, ports);
            auto run = [&](equalizer_output out, const equalizer_input& in) {
              if (irc) {
                REQUIRE(eq.validate_mmse_irc(out, in, r, 12).is_ok());
                eq.equalize_mmse_irc(out, in, r, 12);
              } else {
                REQUIRE(eq.validate_mmse(out, in, sigma2).is_ok());
                eq.equalize_mmse(out, in, sigma2);
              }
            };
            std::vector<cf_t>  x(nof_symbols * layers * nof_re);
            std::vector<float> noise_var(layers * nof_re);
            run({x, noise_var}, m.input());
            for (unsigned l = 0; l != nof_symbols; ++l) {
              result single(m.symbols[l]);
              run(single.output(), m.symbols[l].input());
              for (std::size_t i = 0; i != layers * nof_re; ++i) {
                const cf_t got = x[l * layers * nof_re + i];
                CHECK(std::abs(got - single.x[i]) <= 1e-5F * std::max(1.0F, std::abs(single.x[i])));
                CHECK(noise_var[i] == doctest::Approx(single.noise_var[i]).epsilon(1e-6));
              }
            }
          }
        }
      }
    }
  }
}

TEST_CASE("equalizer: a non-finite received value in one of several symbols marks its RE")
{
  std::mt19937             rng(10);
  equalizer                eq = make_equalizer();
  const problem            p  = make_problem(4, 2, 21, rng);
  const std::vector<float> sigma2(4, 0.01F);
  multi_symbol_problem     m = make_multi_symbol(p, 4, rng, diagonal_colouring(sigma2), 0);
  std::vector<cf_t>        clean_x(4 * 2 * 21);
  std::vector<float>       clean_noise_var(2 * 21);
  eq.equalize_mmse({clean_x, clean_noise_var}, m.input(), sigma2);
  // Symbol 2, port 3, RE 5.
  m.y[(2 * 4 + 3) * 21 + 5] = {std::numeric_limits<float>::quiet_NaN(), 0.0F};
  std::vector<cf_t>  x(clean_x.size());
  std::vector<float> noise_var(clean_noise_var.size());
  eq.equalize_mmse({x, noise_var}, m.input(), sigma2);
  for (unsigned l = 0; l != 4; ++l) {
    for (unsigned k = 0; k != 2; ++k) {
      for (unsigned re = 0; re != 21; ++re) {
        const std::size_t i = (l * 2 + k) * 21 + re;
        if (re == 5 && l == 2) {
          CHECK(x[i] == cf_t{});
        } else {
          CHECK(x[i] == clean_x[i]);
        }
      }
    }
  }
  for (unsigned k = 0; k != 2; ++k) {
    for (unsigned re = 0; re != 21; ++re) {
      CHECK(noise_var[k * 21 + re] == (re == 5 ? equalizer_noise_var_max : clean_noise_var[k * 21 + re]));
    }
  }
}

TEST_CASE("equalizer: the result does not depend on the units of y, H and the noise")
{
  std::mt19937 rng(3);
  equalizer    eq = make_equalizer();
  problem      p  = make_problem(4, 2, 64, rng);
  const std::vector<float> sigma2 = {0.01F, 0.02F, 0.01F, 0.04F};
  transmit(p, rng, diagonal_colouring(sigma2));
  result base(p);
  eq.equalize_mmse(base.output(), p.input(), sigma2);
  for (float scale : {1.0e-6F, 1.0e-3F, 1.0e4F}) {
    CAPTURE(scale);
    problem q = p;
    for (auto& v : q.y) {
      v *= scale;
    }
    for (auto& v : q.h) {
      v *= scale;
    }
    std::vector<float> scaled = sigma2;
    for (auto& s : scaled) {
      s *= scale * scale;
    }
    result out(q);
    eq.equalize_mmse(out.output(), q.input(), scaled);
    for (std::size_t i = 0; i != out.x.size(); ++i) {
      CHECK(std::abs(out.x[i] - base.x[i]) < 1e-5F * std::max(1.0F, std::abs(base.x[i])));
      CHECK(std::abs(out.noise_var[i] - base.noise_var[i]) < 1e-5F * base.noise_var[i]);
    }
  }
}

TEST_CASE("equalizer: noise-free identity channel returns y with a small noise variance")
{
  std::mt19937 rng(4);
  // Both builds of the kernels (the baseline one is what CPUs without AVX2 run).
  for (bool avx2 : {true, false}) {
    CAPTURE(avx2);
    equalizer eq = make_equalizer(8, 4096, avx2);
    for (unsigned layers = 1; layers <= 4; ++layers) {
      CAPTURE(layers);
      problem p = make_problem(layers, layers, 37, rng);
      for (unsigned re = 0; re != p.nof_re; ++re) {
        for (unsigned rx = 0; rx != layers; ++rx) {
          for (unsigned k = 0; k != layers; ++k) {
            p.h_at(rx, k, re) = rx == k ? 1.0F : 0.0F;
          }
        }
      }
      transmit(p, rng, std::vector<cd_t>(layers * layers));
      const std::vector<cf_t> zero_covariance(layers * layers);
      for (bool irc : {false, true}) {
        CAPTURE(irc);
        result out(p);
        if (irc) {
          eq.equalize_mmse_irc(out.output(), p.input(), zero_covariance, p.nof_re);
        } else {
          eq.equalize_mmse(out.output(), p.input(), std::vector<float>{0.0F});
        }
        for (unsigned k = 0; k != layers; ++k) {
          for (unsigned re = 0; re != p.nof_re; ++re) {
            CHECK(std::abs(out.x[k * p.nof_re + re] - p.y_at(k, re)) < 1e-5F);
            CHECK(out.noise_var[k * p.nof_re + re] <= 1e-5F);
          }
        }
      }
    }
  }
}

TEST_CASE("equalizer: the reported noise variance is the variance of the estimation error")
{
  std::mt19937 rng(5);
  equalizer    eq = make_equalizer(8, 40000);
  for (const auto& [ports, layers] : {std::pair{1U, 1U}, {2U, 2U}, {4U, 2U}, {8U, 4U}}) {
    for (bool fixed_channel : {true, false}) {
      CAPTURE(ports);
      CAPTURE(layers);
      CAPTURE(fixed_channel);
      // Low SNR (about 3 dB per port), where the MMSE bias d_k is far from 1.
      problem            p = make_problem(ports, layers, 40000, rng, fixed_channel);
      std::vector<float> sigma2(ports);
      for (unsigned rx = 0; rx != ports; ++rx) {
        sigma2[rx] = 0.3F + 0.4F * static_cast<float>(rx % 2);
      }
      transmit(p, rng, diagonal_colouring(sigma2));
      result out(p);
      eq.equalize_mmse(out.output(), p.input(), sigma2);
      for (unsigned k = 0; k != layers; ++k) {
        const error_statistics st = statistics(p, out, k);
        CHECK(st.error_var == doctest::Approx(st.reported_var).epsilon(0.1));
        CHECK(st.gain == doctest::Approx(1.0).epsilon(0.03));
      }

      // The same with coloured noise, per group of 12 REs, through MMSE-IRC.
      const unsigned    nof_groups = (p.nof_re + 11) / 12;
      std::vector<cd_t> c;
      for (unsigned g = 0; g != nof_groups; ++g) {
        const auto cg = random_colouring(ports, 0.4, rng);
        c.insert(c.end(), cg.begin(), cg.end());
      }
      transmit(p, rng, c, 12);
      eq.equalize_mmse_irc(out.output(), p.input(), covariance_of(c, ports), 12);
      for (unsigned k = 0; k != layers; ++k) {
        const error_statistics st = statistics(p, out, k);
        CHECK(st.error_var == doctest::Approx(st.reported_var).epsilon(0.1));
        CHECK(st.gain == doctest::Approx(1.0).epsilon(0.03));
      }
    }
  }
}

TEST_CASE("equalizer: MMSE-IRC suppresses a strong rank-1 interferer that MMSE cannot")
{
  std::mt19937   rng(6);
  const unsigned ports  = 4;
  const unsigned layers = 2;
  equalizer      eq     = make_equalizer(ports, 20000);
  problem        p      = make_problem(ports, layers, 20000, rng);
  // Noise 0.01 per port plus an interferer 20 dB above it with a fixed spatial signature g: R = 0.01 I + g g^H.
  const double      sigma2 = 0.01;
  std::vector<cd_t> g(ports);
  for (auto& gi : g) {
    gi = cd_t(complex_normal(rng, 1.0)) * std::sqrt(100.0 * sigma2);
  }
  // n = sqrt(sigma2) w + g q with w (per port) and q white.
  for (unsigned re = 0; re != p.nof_re; ++re) {
    const cf_t q = complex_normal(rng, 1.0);
    for (unsigned rx = 0; rx != ports; ++rx) {
      cd_t acc = cd_t(complex_normal(rng, sigma2)) + g[rx] * cd_t(q);
      for (unsigned k = 0; k != layers; ++k) {
        acc += cd_t(p.h_at(rx, k, re)) * cd_t(p.s[k * p.nof_re + re]);
      }
      p.y_at(rx, re) = cf_t(acc);
    }
  }
  std::vector<cf_t>  r(ports * ports);
  std::vector<float> diagonal(ports);
  for (unsigned i = 0; i != ports; ++i) {
    for (unsigned j = 0; j != ports; ++j) {
      r[i * ports + j] = cf_t((i == j ? sigma2 : 0.0) + g[i] * std::conj(g[j]));
    }
    diagonal[i] = r[i * ports + i].real();
  }

  result irc(p);
  result mmse(p);
  eq.equalize_mmse_irc(irc.output(), p.input(), r, p.nof_re);
  eq.equalize_mmse(mmse.output(), p.input(), diagonal);
  for (unsigned k = 0; k != layers; ++k) {
    const error_statistics st_irc  = statistics(p, irc, k);
    const error_statistics st_mmse = statistics(p, mmse, k);
    CAPTURE(st_irc.error_var);
    CAPTURE(st_mmse.error_var);
    // Post-equalisation SINR at least 7 dB better, and IRC's own report is right.
    CHECK(st_irc.error_var * 5.0 < st_mmse.error_var);
    CHECK(st_irc.error_var == doctest::Approx(st_irc.reported_var).epsilon(0.1));
  }
}

TEST_CASE("equalizer: degenerate inputs give finite outputs")
{
  std::mt19937       rng(7);
  equalizer          eq = make_equalizer();
  const float        nan = std::numeric_limits<float>::quiet_NaN();
  const float        inf = std::numeric_limits<float>::infinity();
  const unsigned     ports = 4;
  const unsigned     layers = 2;
  problem            base = make_problem(ports, layers, 29, rng);
  const std::vector<float> sigma2(ports, 0.01F);
  transmit(base, rng, diagonal_colouring(sigma2));
  result reference(base);
  eq.equalize_mmse(reference.output(), base.input(), sigma2);

  auto no_information = [&](const result& out, unsigned re) {
    for (unsigned k = 0; k != layers; ++k) {
      CHECK(out.x[k * base.nof_re + re] == cf_t{});
      CHECK(out.noise_var[k * base.nof_re + re] == equalizer_noise_var_max);
    }
  };
  auto unchanged = [&](const result& out, unsigned re) {
    for (unsigned k = 0; k != layers; ++k) {
      CHECK(out.x[k * base.nof_re + re] == reference.x[k * base.nof_re + re]);
      CHECK(out.noise_var[k * base.nof_re + re] == reference.noise_var[k * base.nof_re + re]);
    }
  };

  SUBCASE("zero channel")
  {
    problem p = base;
    std::fill(p.h.begin(), p.h.end(), cf_t{});
    for (const std::vector<float>& noise : {sigma2, std::vector<float>{0.0F}}) {
      result out(p);
      eq.equalize_mmse(out.output(), p.input(), noise);
      for (unsigned re = 0; re != p.nof_re; ++re) {
        no_information(out, re);
      }
    }
  }
  SUBCASE("zero noise with a rank-deficient channel and a singular covariance")
  {
    problem p = base;
    for (unsigned re = 0; re != p.nof_re; ++re) {
      for (unsigned rx = 0; rx != ports; ++rx) {
        p.h_at(rx, 1, re) = p.h_at(rx, 0, re);
      }
    }
    result out(p);
    eq.equalize_mmse(out.output(), p.input(), std::vector<float>{0.0F});
    CHECK(all_finite(out));
    std::vector<cf_t> r(ports * ports, cf_t{1.0F, 0.0F});
    eq.equalize_mmse_irc(out.output(), p.input(), r, p.nof_re);
    CHECK(all_finite(out));
    std::fill(r.begin(), r.end(), cf_t{});
    eq.equalize_mmse_irc(out.output(), p.input(), r, p.nof_re);
    CHECK(all_finite(out));
    eq.equalize_mmse(out.output(), p.input(), std::vector<float>{-1.0F, 0.0F, 1e-30F, 1.0F});
    CHECK(all_finite(out));
  }
  SUBCASE("NaN and infinity in y or H affect only their RE")
  {
    for (float bad : {nan, inf, -inf}) {
      problem p    = base;
      p.y_at(2, 3) = {bad, 0.0F};
      p.h_at(1, 0, 17) = {0.0F, bad};
      result out(p);
      eq.equalize_mmse(out.output(), p.input(), sigma2);
      for (unsigned re = 0; re != p.nof_re; ++re) {
        if (re == 3 || re == 17) {
          no_information(out, re);
        } else {
          unchanged(out, re);
        }
      }
    }
  }
  SUBCASE("huge values")
  {
    problem p = base;
    for (auto& v : p.y) {
      v *= 1e30F;
    }
    for (auto& v : p.h) {
      v *= 1e30F;
    }
    result out(p);
    eq.equalize_mmse(out.output(), p.input(), sigma2);
    CHECK(all_finite(out));
  }
  SUBCASE("non-finite noise variance excludes its port")
  {
    for (float bad : {nan, inf}) {
      result out(base);
      eq.equalize_mmse(out.output(), base.input(), std::vector<float>{0.01F, bad, 0.01F, 0.01F});
      CHECK(all_finite(out));
      // The reference without port 1: a huge noise variance there.
      check_against_reference(base, out, diagonal_covariance({0.01F, 1e30F, 0.01F, 0.01F}), base.nof_re);
      eq.equalize_mmse(out.output(), base.input(), std::vector<float>{bad});
      for (unsigned re = 0; re != base.nof_re; ++re) {
        no_information(out, re);
      }
    }
  }
  SUBCASE("non-finite covariance affects only its group")
  {
    for (float bad : {nan, inf}) {
      std::vector<cf_t> r(3 * ports * ports);
      for (unsigned g = 0; g != 3; ++g) {
        for (unsigned i = 0; i != ports; ++i) {
          r[(g * ports + i) * ports + i] = 0.01F;
        }
      }
      r[(ports + 2) * ports + 1] = {bad, 0.0F};
      result out(base);
      eq.equalize_mmse_irc(out.output(), base.input(), r, 10);
      for (unsigned re = 0; re != base.nof_re; ++re) {
        if (re >= 10 && re < 20) {
          no_information(out, re);
        } else {
          for (unsigned k = 0; k != layers; ++k) {
            CHECK(std::abs(out.x[k * base.nof_re + re] - reference.x[k * base.nof_re + re]) < 1e-5F);
          }
        }
      }
    }
  }
}

TEST_CASE("equalizer: invalid sizes are rejected")
{
  CHECK_FALSE(equalizer::validate({0, 4, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({17, 4, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 0, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 5, 100}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 4, 0}).is_ok());
  CHECK_FALSE(equalizer::validate({4, 4, (1U << 24) + 1}).is_ok());
  CHECK(equalizer::validate({16, 4, 1U << 24}).is_ok());

  std::mt19937             rng(8);
  equalizer                eq = make_equalizer(4, 100);
  const problem            p  = make_problem(4, 2, 50, rng);
  result                   out(p);
  const equalizer_input    in = p.input();
  const std::vector<float> sigma2(4, 0.1F);
  const std::vector<cf_t>  r(5 * 16);
  CHECK(eq.validate_mmse(out.output(), in, sigma2).is_ok());
  CHECK(eq.validate_mmse(out.output(), in, std::vector<float>{0.1F}).is_ok());
  CHECK(eq.validate_mmse_irc(out.output(), in, r, 10).is_ok());
  CHECK_FALSE(eq.validate_mmse(out.output(), in, std::vector<float>(3, 0.1F)).is_ok());
  CHECK_FALSE(eq.validate_mmse(out.output(), in, std::vector<float>{}).is_ok());
  CHECK_FALSE(eq.validate_mmse_irc(out.output(), in, r, 0).is_ok());
  CHECK_FALSE(eq.validate_mmse_irc(out.output(), in, r, 20).is_ok());
  CHECK_FALSE(eq.validate_mmse_irc(out.output(), in, std::span(r).first(4 * 16), 10).is_ok());

  // One span or count off at a time.
  auto rejected = [&](auto change) {
    equalizer_input  bad_in  = in;
    equalizer_output bad_out = out.output();
    change(bad_in, bad_out);
    return !eq.validate_mmse(bad_out, bad_in, sigma2).is_ok() && !eq.validate_mmse_irc(bad_out, bad_in, r, 10).is_ok();
  };
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.nof_layers = 3; }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.y = i.y.first(i.y.size() - 1); }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.h = i.h.first(i.h.size() - 1); }));
  CHECK(rejected([](equalizer_input&, equalizer_output& o) { o.x = o.x.first(10); }));
  CHECK(rejected([](equalizer_input&, equalizer_output& o) { o.noise_var = o.noise_var.first(10); }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.nof_symbols = 0; }));
  CHECK(rejected([](equalizer_input& i, equalizer_output&) { i.nof_symbols = 2; }));

  // Several symbols: y and x hold all of them, noise_var one set.
  std::vector<cf_t> y3(3 * p.y.size());
  std::vector<cf_t> x3(3 * out.x.size());
  equalizer_input   in3 = in;
  in3.nof_symbols       = 3;
  in3.y                 = y3;
  CHECK(eq.validate_mmse({x3, out.noise_var}, in3, sigma2).is_ok());
  in3.nof_symbols = equalizer_max_nof_symbols + 1;
  CHECK_FALSE(eq.validate_mmse({x3, out.noise_var}, in3, sigma2).is_ok());

  // Layers above ports, ports and REs above the configuration.
  const problem   one_port = make_problem(1, 1, 50, rng);
  equalizer_input wide     = one_port.input();
  wide.nof_layers          = 2;
  CHECK_FALSE(eq.validate_mmse(out.output(), wide, std::vector<float>{0.1F}).is_ok());
  for (const problem& q : {make_problem(8, 1, 50, rng), make_problem(4, 2, 101, rng)}) {
    result out_q(q);
    CHECK_FALSE(eq.validate_mmse(out_q.output(), q.input(), std::vector<float>{0.1F}).is_ok());
  }
}
