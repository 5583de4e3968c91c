// AVX2 instantiation of the layered min-sum kernel: 32 lanes of 8 bits. Compiled for AVX2 by a target region so
// that the library itself runs on any x86-64; called only after a runtime check (ldpc_decoder.cpp).

#include "ldpc_decoder_schedule.h"

#ifdef AIRAN_LDPC_DECODER_HAVE_AVX2

#include <immintrin.h>

// Every header the kernel includes comes before the target region: library code (inline functions of the
// standard library) must not be compiled for AVX2 here, as another source file may emit the same functions.
#include <cassert>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

#pragma GCC push_options
#pragma GCC target("avx2")

#include "ldpc_decoder_kernel.h"

namespace airan::phy::detail {

namespace {

struct avx2_ops {
  using vec = __m256i;
  static constexpr unsigned width = 32;

  static vec load(const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(int8_t* p, vec v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static vec zero() { return _mm256_setzero_si256(); }
  static vec all_ones() { return _mm256_set1_epi8(-1); }
  static vec adds(vec a, vec b) { return _mm256_adds_epi8(a, b); }
  static vec subs(vec a, vec b) { return _mm256_subs_epi8(a, b); }
  static vec abs(vec a) { return _mm256_abs_epi8(a); }
  static vec min_u(vec a, vec b) { return _mm256_min_epu8(a, b); }
  static vec max_u(vec a, vec b) { return _mm256_max_epu8(a, b); }
  static vec bit_or(vec a, vec b) { return _mm256_or_si256(a, b); }
  static vec bit_xor(vec a, vec b) { return _mm256_xor_si256(a, b); }
  static vec select_eq(vec a, vec b, vec x, vec y) { return _mm256_blendv_epi8(y, x, _mm256_cmpeq_epi8(a, b)); }
  // vpsignb negates where the sign operand is negative and zeroes where it is 0: setting bit 0 avoids the latter.
  static vec apply_sign(vec magnitude, vec sign)
  {
    return _mm256_sign_epi8(magnitude, _mm256_or_si256(sign, _mm256_set1_epi8(1)));
  }
  static vec clamp_llr(vec a) { return _mm256_max_epi8(a, _mm256_set1_epi8(-127)); }
  // floor(m * q / 16) as the high half of (m << 8) * (q << 4) in 16-bit lanes.
  static vec scale(vec magnitude, unsigned scaling_q4, unsigned min_magnitude, unsigned offset)
  {
    const vec factor = _mm256_set1_epi16(static_cast<short>(scaling_q4 << 4));
    const vec low = _mm256_mulhi_epu16(_mm256_unpacklo_epi8(zero(), magnitude), factor);
    const vec high = _mm256_mulhi_epu16(_mm256_unpackhi_epi8(zero(), magnitude), factor);
    const vec lowest = _mm256_min_epu8(magnitude, _mm256_set1_epi8(static_cast<char>(min_magnitude)));
    const vec scaled = _mm256_max_epu8(_mm256_packus_epi16(low, high), lowest);
    const vec limited = _mm256_min_epu8(scaled, _mm256_set1_epi8(static_cast<char>(ldpc_max_message)));
    return _mm256_subs_epu8(limited, _mm256_set1_epi8(static_cast<char>(offset)));
  }
  static bool any_negative(vec a) { return _mm256_movemask_epi8(a) != 0; }
  static vec sign_bit(vec a) { return _mm256_and_si256(_mm256_srli_epi16(a, 7), _mm256_set1_epi8(1)); }
  // Byte shifts as 16-bit shifts with the bits shifted in from the neighbour byte masked off.
  static vec condition(vec a, unsigned shift)
  {
    const vec half = _mm256_set1_epi8(static_cast<char>((1U << shift) >> 1));
    const vec rounded = _mm256_adds_epu8(_mm256_abs_epi8(a), half);
    const vec shifted = _mm256_and_si256(_mm256_srl_epi16(rounded, _mm_cvtsi32_si128(static_cast<int>(shift))),
                                         _mm256_set1_epi8(static_cast<char>(0xFFU >> shift)));
    const vec magnitude = _mm256_min_epu8(shifted, _mm256_set1_epi8(static_cast<char>(ldpc_max_channel_llr)));
    return _mm256_sign_epi8(magnitude, a);
  }
};

} // namespace

ldpc_decode_result ldpc_decode_avx2(const ldpc_layered_schedule& schedule, std::span<const int8_t> llrs,
                                    std::span<uint8_t> info_bits) noexcept
{
  return ldpc_layered_kernel<avx2_ops>::decode(schedule, llrs, info_bits);
}

} // namespace airan::phy::detail

#pragma GCC pop_options

#endif
