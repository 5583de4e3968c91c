/// Max-log soft demapper for the constellations of TS 38.211 5.1.
///
/// Square QAM with 2K bits per symbol is, up to the factor a = 1/sqrt(norm), the product of two Gray PAMs with levels
/// +-1, +-3, ..., +-(2^K - 1): the real part carries the even bits b(0), b(2), ..., the imaginary part the odd ones
/// (TS 38.211 5.1.3 to 5.1.6). The constellation distance splits into a real and an imaginary term, so the max-log
/// LLR of a bit only depends on its own dimension, u = Re(y)/a or Im(y)/a:
///   llr = a^2 / N0 * (min_{x in A1} (u - x)^2 - min_{x in A0} (u - x)^2),
/// with A0 / A1 the PAM levels whose bit is 0 / 1. Two exact identities give all bits in closed form:
/// - sign bit (b0: A0 = positive levels): for u >= 0 the nearest negative level is -1 and the nearest positive one
///   is p = min(2 floor(u/2) + 1, 2^K - 1), so the metric is (u + 1)^2 - (u - p)^2 = (p + 1)(2u + 1 - p) >= 0, and
///   the metric is odd in u;
/// - bit j >= 1: its level sets are symmetric, so only |u| matters, and the positive levels are 2^(K-1) - z with z a
///   level of the (K-1)-bit PAM carrying bits b(j) onwards; the metric of bit j of the K-bit PAM at u is the metric
///   of bit j-1 of the (K-1)-bit PAM at 2^(K-1) - |u|.
/// Both are piecewise linear: a few vector operations per LLR, no search over the constellation.
///
/// The kernels (soft_demapper_kernels_body.h) use the compiler's generic vector types and process 8 symbols (16 floats)
/// per step. They are compiled twice, for baseline x86-64 and for AVX2+FMA, and the build matching the CPU is chosen
/// at run time.

#include "airan/phy/modulation/modulation.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace airan::phy {
namespace {

using v8f   = float __attribute__((vector_size(32)));
using v8i   = int32_t __attribute__((vector_size(32)));
using v4i64 = int64_t __attribute__((vector_size(32)));
using v16hi = int16_t __attribute__((vector_size(32)));
using v16qi = int8_t __attribute__((vector_size(16)));
using v32qi = int8_t __attribute__((vector_size(32)));
using v8qi  = int8_t __attribute__((vector_size(8)));

#define AIRAN_DEMAP_INLINE [[gnu::always_inline]] inline

/// The two builds of the kernels.
#define AIRAN_DEMAP_AVX2 0
namespace generic {
#include "soft_demapper_kernels_body.h"
} // namespace generic
#undef AIRAN_DEMAP_AVX2

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define AIRAN_DEMAP_AVX2 1
namespace avx2 {
#include "soft_demapper_kernels_body.h"
} // namespace avx2
#undef AIRAN_DEMAP_AVX2
#pragma GCC pop_options
#endif

#undef AIRAN_DEMAP_INLINE

template <typename T>
void demap_dispatch(T* llrs, const float* iq, const float* noise_var, std::size_t n, modulation_scheme s, float scale)
{
#if defined(__x86_64__)
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (has_avx2) {
    avx2::demap(llrs, iq, noise_var, n, s, scale);
    return;
  }
#endif
  generic::demap(llrs, iq, noise_var, n, s, scale);
}

} // namespace

void demodulate_soft(std::span<float>       llrs,
                     std::span<const cf_t>  symbols,
                     std::span<const float> noise_var,
                     modulation_scheme      scheme) noexcept
{
  assert(llrs.size() == symbols.size() * modulation_order(scheme));
  assert(noise_var.size() == symbols.size());
  // std::complex<float> arrays may be read as interleaved float pairs ([complex.numbers]).
  demap_dispatch(llrs.data(), reinterpret_cast<const float*>(symbols.data()), noise_var.data(), symbols.size(), scheme,
                 1.0F);
}

void demodulate_soft(std::span<int8_t>      llrs,
                     std::span<const cf_t>  symbols,
                     std::span<const float> noise_var,
                     modulation_scheme      scheme,
                     float                  llr_scale) noexcept
{
  assert(llrs.size() == symbols.size() * modulation_order(scheme));
  assert(noise_var.size() == symbols.size());
  assert(llr_scale > 0.0F && llr_scale <= 1.0e6F);
  demap_dispatch(llrs.data(), reinterpret_cast<const float*>(symbols.data()), noise_var.data(), symbols.size(), scheme,
                 llr_scale);
}

} // namespace airan::phy
