#include "ofdm_detail.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// std::complex<float> arrays are read as interleaved float pairs ([complex.numbers]).

namespace airan::phy::detail {

namespace {

/// (a_r + j a_i)(b_r + j b_i) written out in single precision, stored at out[0], out[1] (which may alias a).
inline void complex_product(float* out, float a_r, float a_i, float b_r, float b_i)
{
  const float re = a_r * b_r - a_i * b_i;
  const float im = a_r * b_i + a_i * b_r;
  out[0]         = re;
  out[1]         = im;
}

/// multiply_periodic() of samples begin <= i < end.
void multiply_periodic_range(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned begin, unsigned end) noexcept
{
  auto*       d = reinterpret_cast<float*>(dst);
  const auto* s = reinterpret_cast<const float*>(src);
  const auto* w = reinterpret_cast<const float*>(weights);
  for (unsigned i = begin; i != end; ++i) {
    const unsigned r = i % periodic_weight_period;
    complex_product(d + 2 * i, s[2 * i], s[2 * i + 1], w[2 * r], w[2 * r + 1]);
  }
}

#if defined(__x86_64__)
/// Four complex products a * b with b given as (b_r, b_r) and (b_i, b_i) pairs: with a swapped to (a_i, a_r),
/// fmaddsub gives (a_r b_r - a_i b_i, a_i b_r + a_r b_i).
[[gnu::target("avx2,fma")]] inline __m256 complex_product(__m256 a, __m256 b_re, __m256 b_im)
{
  return _mm256_fmaddsub_ps(a, b_re, _mm256_mul_ps(_mm256_permute_ps(a, 0xB1), b_im));
}

[[gnu::target("avx2,fma")]] void scale_avx2(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept
{
  auto*        d    = reinterpret_cast<float*>(dst);
  const auto*  s    = reinterpret_cast<const float*>(src);
  const __m256 b_re = _mm256_set1_ps(factor.real());
  const __m256 b_im = _mm256_set1_ps(factor.imag());
  unsigned     i    = 0;
  for (; i + 4 <= n; i += 4) {
    _mm256_storeu_ps(d + 2 * i, complex_product(_mm256_loadu_ps(s + 2 * i), b_re, b_im));
  }
  scale_generic(dst + i, src + i, factor, n - i);
}

[[gnu::target("avx2,fma")]] void multiply_periodic_avx2(cf_t* dst, const cf_t* src, const cf_t* weights,
                                                       unsigned n) noexcept
{
  static_assert(periodic_weight_period == 16);
  auto*       d = reinterpret_cast<float*>(dst);
  const auto* s = reinterpret_cast<const float*>(src);
  const auto* w = reinterpret_cast<const float*>(weights);
  __m256      w_re[4];
  __m256      w_im[4];
  for (unsigned q = 0; q != 4; ++q) {
    const __m256 v = _mm256_loadu_ps(w + 8 * q);
    w_re[q]        = _mm256_moveldup_ps(v);
    w_im[q]        = _mm256_movehdup_ps(v);
  }
  unsigned i = 0;
  for (; i + 16 <= n; i += 16) {
    for (unsigned q = 0; q != 4; ++q) {
      _mm256_storeu_ps(d + 2 * i + 8 * q, complex_product(_mm256_loadu_ps(s + 2 * i + 8 * q), w_re[q], w_im[q]));
    }
  }
  for (unsigned q = 0; i + 4 <= n; ++q, i += 4) {
    _mm256_storeu_ps(d + 2 * i, complex_product(_mm256_loadu_ps(s + 2 * i), w_re[q], w_im[q]));
  }
  multiply_periodic_range(dst, src, weights, i, n);
}

bool has_avx2()
{
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
}
#endif

} // namespace

void scale_generic(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept
{
  auto*       d = reinterpret_cast<float*>(dst);
  const auto* s = reinterpret_cast<const float*>(src);
  for (unsigned i = 0; i != 2 * n; i += 2) {
    complex_product(d + i, s[i], s[i + 1], factor.real(), factor.imag());
  }
}

void multiply_periodic_generic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned n) noexcept
{
  multiply_periodic_range(dst, src, weights, 0, n);
}

void scale(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept
{
#if defined(__x86_64__)
  if (has_avx2()) {
    scale_avx2(dst, src, factor, n);
    return;
  }
#endif
  scale_generic(dst, src, factor, n);
}

void multiply_periodic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned n) noexcept
{
#if defined(__x86_64__)
  if (has_avx2()) {
    multiply_periodic_avx2(dst, src, weights, n);
    return;
  }
#endif
  multiply_periodic_generic(dst, src, weights, n);
}

} // namespace airan::phy::detail
