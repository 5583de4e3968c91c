/// Whitening factors of MMSE-IRC, one covariance group per vector lane (lane i: group first + i): the covariance R of
/// each group normalised to unit mean diagonal, R / r0 = L L^H (Cholesky, pivots raised to
/// equalizer_relative_noise_floor, which is the least diagonal loading that makes R positive definite), and
/// F = L^-1, so that F n is white with variance r0 for noise n of covariance R.
///
/// Compiled twice, with 8-lane vectors for AVX2+FMA and 4-lane vectors for baseline x86-64, like the per-RE kernels.

#include "equalizer_kernel.h"

#include "airan/phy/pusch/equalizer.h"
#include "equalizer_simd.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

namespace airan::phy::detail {
namespace {

/// Position of entry (i, j), j <= i, in a packed lower triangle.
constexpr unsigned tri(unsigned i, unsigned j)
{
  return i * (i + 1) / 2 + j;
}

/// 1 / sqrt(x) lane by lane (x > 0).
template <typename F>
AIRAN_EQ_INLINE F inverse_sqrt(F x)
{
  float v[lanes_of<F>];
  std::memcpy(v, &x, sizeof(v));
  for (float& e : v) {
    e = 1.0F / std::sqrt(e);
  }
  std::memcpy(&x, v, sizeof(v));
  return x;
}

/// Groups first .. first + count - 1, count <= lanes; the other lanes repeat group first and are not stored.
template <typename F>
AIRAN_EQ_INLINE void whiten_groups(cf_t*       factors,
                                   float*      noise_level,
                                   const cf_t* covariance,
                                   unsigned    first,
                                   unsigned    count,
                                   unsigned    p)
{
  const std::size_t matrix = std::size_t{p} * p;
  // The lower triangle of the covariances, overwritten by L, then by F = L^-1.
  constexpr unsigned lanes = lanes_of<F>;
  cvec<F>            m[kernel_max_nof_rx_ports * (kernel_max_nof_rx_ports + 1) / 2];
  for (unsigned i = 0; i != p; ++i) {
    for (unsigned j = 0; j <= i; ++j) {
      float re[lanes];
      float im[lanes];
      for (unsigned lane = 0; lane != lanes; ++lane) {
        const cf_t v = covariance[(first + (lane < count ? lane : 0)) * matrix + i * p + j];
        re[lane]     = v.real();
        im[lane]     = v.imag();
      }
      std::memcpy(&m[tri(i, j)].re, re, sizeof(re));
      std::memcpy(&m[tri(i, j)].im, im, sizeof(im));
    }
  }

  F r0 = {};
  for (unsigned i = 0; i != p; ++i) {
    r0 += m[tri(i, i)].re;
  }
  r0                   = r0 * (1.0F / static_cast<float>(p));
  mask_of<F>    ok      = is_finite(r0);
  const F       floor   = splat<F>(equalizer_noise_floor);
  r0                    = select(r0 > floor, r0, floor);
  const F       scale   = 1.0F / r0;
  const F       minimum = splat<F>(equalizer_relative_noise_floor);

  // Cholesky, column by column: L_jj = sqrt(pivot) (its inverse kept in inv), L_ij = (R_ij / r0 - sum_k L_ik
  // conj(L_jk)) / L_jj.
  F inv[kernel_max_nof_rx_ports];
  for (unsigned j = 0; j != p; ++j) {
    F pivot = scale * m[tri(j, j)].re;
    for (unsigned k = 0; k != j; ++k) {
      pivot -= norm(m[tri(j, k)]);
    }
    inv[j] = inverse_sqrt(select(pivot > minimum, pivot, minimum));
    for (unsigned i = j + 1; i != p; ++i) {
      cvec<F> s = scale * m[tri(i, j)];
      for (unsigned k = 0; k != j; ++k) {
        s = conj_mul_sub(s, m[tri(j, k)], m[tri(i, k)]);
      }
      m[tri(i, j)] = inv[j] * s;
    }
  }

  // F = L^-1 row by row, in place: F_ii = 1 / L_ii, F_ij = -F_ii sum_{j <= k < i} L_ik F_kj. Ascending j reads
  // L_ik only for k >= j, not yet overwritten, and F_kj of the rows above.
  for (unsigned i = 0; i != p; ++i) {
    for (unsigned j = 0; j != i; ++j) {
      cvec<F> s = inv[j] * m[tri(i, j)];
      for (unsigned k = j + 1; k != i; ++k) {
        s = mul_add(s, m[tri(i, k)], m[tri(k, j)]);
      }
      m[tri(i, j)] = -inv[i] * s;
      ok &= is_finite(m[tri(i, j)].re) & is_finite(m[tri(i, j)].im);
    }
    m[tri(i, i)] = {inv[i], F{}};
    ok &= is_finite(inv[i]);
  }

  int32_t ok_lane[lanes];
  float   r0_lane[lanes];
  std::memcpy(ok_lane, &ok, sizeof(ok_lane));
  std::memcpy(r0_lane, &r0, sizeof(r0_lane));
  const unsigned nof_entries = p * (p + 1) / 2;
  for (unsigned e = 0; e != nof_entries; ++e) {
    float re[lanes];
    float im[lanes];
    std::memcpy(re, &m[e].re, sizeof(re));
    std::memcpy(im, &m[e].im, sizeof(im));
    for (unsigned lane = 0; lane != count; ++lane) {
      factors[(first + lane) * nof_entries + e] = ok_lane[lane] != 0 ? cf_t{re[lane], im[lane]} : cf_t{};
    }
  }
  for (unsigned lane = 0; lane != count; ++lane) {
    noise_level[first + lane] = ok_lane[lane] != 0 ? r0_lane[lane] : 1.0F;
  }
}

template <typename F>
AIRAN_EQ_INLINE void whiten_all(cf_t* factors, float* noise_level, const cf_t* covariance, unsigned nof_groups,
                                unsigned p)
{
  for (unsigned first = 0; first < nof_groups; first += lanes_of<F>) {
    whiten_groups<F>(factors, noise_level, covariance, first, std::min(lanes_of<F>, nof_groups - first), p);
  }
}

void whiten_baseline(cf_t* factors, float* noise_level, const cf_t* covariance, unsigned nof_groups, unsigned p)
{
  whiten_all<v4f>(factors, noise_level, covariance, nof_groups, p);
}

#if defined(__x86_64__)
[[gnu::target("avx2,fma")]] void
whiten_avx2(cf_t* factors, float* noise_level, const cf_t* covariance, unsigned nof_groups, unsigned p)
{
  whiten_all<v8f>(factors, noise_level, covariance, nof_groups, p);
}
#endif

} // namespace

void run_whitening_kernel(cf_t*       factors,
                          float*      noise_level,
                          const cf_t* covariance,
                          unsigned    nof_groups,
                          unsigned    nof_rx_ports,
                          bool        allow_avx2) noexcept
{
#if defined(__x86_64__)
  if (allow_avx2 && cpu_has_avx2()) {
    whiten_avx2(factors, noise_level, covariance, nof_groups, nof_rx_ports);
    return;
  }
#endif
  whiten_baseline(factors, noise_level, covariance, nof_groups, nof_rx_ports);
}

} // namespace airan::phy::detail
