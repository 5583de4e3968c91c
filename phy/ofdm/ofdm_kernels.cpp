#include "ofdm_detail.h"

#include <algorithm>
#include <cstdint>

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

/// multiply_cyclic() of samples begin <= i < end.
void multiply_cyclic_range(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned first, unsigned begin,
                           unsigned end) noexcept
{
  auto*       d = reinterpret_cast<float*>(dst);
  const auto* s = reinterpret_cast<const float*>(src);
  const auto* w = reinterpret_cast<const float*>(weights);
  for (unsigned i = begin; i != end; ++i) {
    const unsigned r = (first + i) % cyclic_weight_period;
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

/// Lanes of the first `count` (0..4) complex values of a vector.
[[gnu::target("avx2,fma")]] inline __m256i first_values(unsigned count)
{
  const __m256i lane = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lane);
}

/// Four products of multiply_cyclic() from i on with the weights at wv, of which the first `count` (0..4) are stored:
/// every value takes the same vector arithmetic, wherever dst starts.
[[gnu::target("avx2,fma")]] inline void multiply_cyclic_step(float* d, const float* s, const float* wv, unsigned i,
                                                             unsigned count)
{
  const __m256 w = _mm256_loadu_ps(wv);
  const __m256i mask = first_values(count);
  const __m256 x = count == 4 ? _mm256_loadu_ps(s + 2 * i) : _mm256_maskload_ps(s + 2 * i, mask);
  const __m256 result = complex_product(x, _mm256_moveldup_ps(w), _mm256_movehdup_ps(w));
  if (count == 4) {
    _mm256_storeu_ps(d + 2 * i, result);
  } else {
    _mm256_maskstore_ps(d + 2 * i, mask, result);
  }
}

[[gnu::target("avx2,fma")]] void multiply_cyclic_avx2(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned first,
                                                      unsigned n) noexcept
{
  static_assert(cyclic_weight_period % 16 == 0 && cyclic_weight_table_size == cyclic_weight_period + 15);
  auto*       d = reinterpret_cast<float*>(dst);
  const auto* s = reinterpret_cast<const float*>(src);
  // The weights of values i .. i + 15, read from weight (first + i) % 64 on: the table's repeated entries cover the
  // wrap.
  const auto weights_of = [&](unsigned i) {
    return reinterpret_cast<const float*>(weights + (first + i) % cyclic_weight_period);
  };
  // Up to a 32-byte boundary of dst first, so that the other stores do not straddle cache lines.
  const auto to_boundary = static_cast<unsigned>((32 - reinterpret_cast<std::uintptr_t>(dst) % 32) % 32 / sizeof(cf_t));
  unsigned i = std::min(n, to_boundary);
  multiply_cyclic_step(d, s, weights_of(0), 0, i);
  for (; i + 16 <= n; i += 16) {
    const float* w = weights_of(i);
    for (unsigned q = 0; q != 4; ++q) {
      multiply_cyclic_step(d, s, w + 8 * q, i + 4 * q, 4);
    }
  }
  for (; i + 4 <= n; i += 4) {
    multiply_cyclic_step(d, s, weights_of(i), i, 4);
  }
  multiply_cyclic_step(d, s, weights_of(i), i, n - i);
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

void multiply_cyclic_generic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned first, unsigned n) noexcept
{
  multiply_cyclic_range(dst, src, weights, first, 0, n);
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

void multiply_cyclic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned first, unsigned n) noexcept
{
#if defined(__x86_64__)
  if (has_avx2()) {
    multiply_cyclic_avx2(dst, src, weights, first, n);
    return;
  }
#endif
  multiply_cyclic_generic(dst, src, weights, first, n);
}

} // namespace airan::phy::detail
