#pragma once
// Test fixtures of the equaliser tests: random channels and a plain double-precision MMSE reference.
#include "airan/phy/pusch/equalizer.h"
#include <doctest/doctest.h>
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <utility>
#include <random>
#include <vector>

namespace airan::phy::equalizer_test {

using namespace airan;

using cd_t = std::complex<double>;
using cmat = std::vector<std::vector<cd_t>>;

inline cmat zeros(std::size_t rows, std::size_t cols)
{
  return cmat(rows, std::vector<cd_t>(cols));
}

/// Inverse by Gauss-Jordan elimination with partial pivoting.
inline cmat inverse(cmat a)
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

inline cmat multiply(const cmat& a, const cmat& b)
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

inline cmat hermitian_transpose(const cmat& a)
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
inline void reference_equalize(std::vector<cd_t>& x, std::vector<double>& noise_var, const cmat& h, const cmat& y,
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

inline cf_t complex_normal(std::mt19937& rng, double variance)
{
  std::normal_distribution<float> n(0.0F, static_cast<float>(std::sqrt(variance / 2)));
  return {n(rng), n(rng)};
}

inline cf_t qpsk(std::mt19937& rng)
{
  std::bernoulli_distribution coin;
  const float                 a = static_cast<float>(1 / std::sqrt(2.0));
  return {coin(rng) ? a : -a, coin(rng) ? a : -a};
}

/// Well-conditioned channels: layer k mainly on ports k, k + v, k + 2v, ... with a random phase, plus a Gaussian
/// spread of power 0.1. With fixed_channel the same H at every RE.
inline problem make_problem(unsigned ports, unsigned layers, unsigned nof_re, std::mt19937& rng, bool fixed_channel = false)
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
inline void transmit(problem& p, std::mt19937& rng, const std::vector<cd_t>& c, unsigned group_nof_re = 0)
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
inline std::vector<cd_t> diagonal_colouring(const std::vector<float>& variances)
{
  const std::size_t n = variances.size();
  std::vector<cd_t> c(n * n);
  for (std::size_t i = 0; i != n; ++i) {
    c[i * n + i] = std::sqrt(double{variances[i]});
  }
  return c;
}

/// A random colouring matrix C (P x P) of a well-conditioned covariance: sqrt(sigma2) (I + 0.5 B), B Gaussian.
inline std::vector<cd_t> random_colouring(unsigned ports, double sigma2, std::mt19937& rng)
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
inline std::vector<cf_t> covariance_of(const std::vector<cd_t>& c, unsigned ports)
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
inline void check_against_reference(const problem& p, const result& out, const std::vector<cf_t>& r, unsigned group_nof_re)
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
inline std::vector<cf_t> diagonal_covariance(const std::vector<float>& variances)
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

inline error_statistics statistics(const problem& p, const result& out, unsigned k)
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

inline bool all_finite(const result& out)
{
  return std::all_of(out.x.begin(), out.x.end(),
                     [](cf_t v) { return std::isfinite(v.real()) && std::isfinite(v.imag()); }) &&
         std::all_of(out.noise_var.begin(), out.noise_var.end(),
                     [](float v) { return std::isfinite(v) && v >= 0.0F; });
}

inline equalizer make_equalizer(unsigned ports = 8, unsigned nof_re = 4096, bool allow_avx2 = true)
{
  const equalizer_config config{ports, 4, nof_re, allow_avx2};
  REQUIRE(equalizer::validate(config).is_ok());
  return equalizer(config);
}

} // namespace airan::phy::equalizer_test
