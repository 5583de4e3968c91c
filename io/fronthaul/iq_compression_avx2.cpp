// AVX2 IQ compression kernels. A group of 8 values of width w is exactly w bytes of the stream (8 w bits), so every
// group starts on a byte boundary: its first 4 values are unpacked from a 16-byte load at the group start, its last
// 4 from a 16-byte load w/2 bytes further (bit offset 4 when w is odd). A byte shuffle gathers, for each value, the
// 4 bytes that hold it into a 32-bit lane in big-endian order; a variable left shift drops the bits of the values
// before it and an arithmetic right shift by 32 - w sign-extends it. Packing merges neighbours with 64-bit shifts
// (2 values, then 4 per 128-bit lane) and a byte shuffle puts the two 4-value strings in place.
//
// The loads and stores reach up to 16 bytes past a group, so the PRBs near the end of a span go through a stack
// copy. Functions carry target("avx2") attributes (no file-wide pragma) so that nothing outside them uses AVX2.

#include "iq_compression_kernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

#include <array>
#include <cassert>
#include <cstring>

namespace airan::io::detail {

bool cpu_has_avx2() noexcept
{
  static const bool supported = __builtin_cpu_supports("avx2");
  return supported;
}

namespace {

/// Byte shuffle and left shifts that unpack one group of 8 values (see the file comment).
struct unpack_pattern {
  uint8_t shuffle[32];
  int32_t shift[8];
};

constexpr unpack_pattern make_unpack_pattern(unsigned width)
{
  unpack_pattern pattern{};
  for (unsigned lane = 0; lane != 2; ++lane) {
    const unsigned first_bit = lane == 0 ? 0 : (4 * width) % 8;
    for (unsigned j = 0; j != 4; ++j) {
      const unsigned bit = first_bit + j * width;
      for (unsigned t = 0; t != 4; ++t) {
        // Little-endian lane: byte t of the 32-bit word is byte 3 - t of the big-endian window.
        pattern.shuffle[16 * lane + 4 * j + t] = static_cast<uint8_t>(bit / 8 + 3 - t);
      }
      pattern.shift[4 * lane + j] = static_cast<int32_t>(bit % 8);
    }
  }
  return pattern;
}

constexpr std::array<unpack_pattern, 17> make_unpack_patterns()
{
  std::array<unpack_pattern, 17> patterns{};
  for (unsigned width = 1; width <= 16; ++width) {
    patterns[width] = make_unpack_pattern(width);
  }
  return patterns;
}

constexpr std::array<unpack_pattern, 17> unpack_patterns = make_unpack_patterns();

/// Bytes read from (decompression) or written at (compression) the start of a PRB by the vector code.
std::size_t unpack_extent(const prb_format& format)
{
  return format.has_exponent + 2 * format.width + format.width / 2 + 16;
}

std::size_t pack_extent(const prb_format& format)
{
  return format.has_exponent + 2 * format.width + 16;
}

/// Number of leading PRBs whose vector accesses, extent bytes from the PRB start, stay inside the span.
std::size_t nof_direct_prbs(std::size_t nof_prb, const prb_format& format, std::size_t extent)
{
  const std::size_t nof_tail = (extent + format.size - 1) / format.size;
  return nof_prb >= nof_tail ? nof_prb - nof_tail + 1 : 0;
}

/// Holds one PRB with room for the vector accesses.
struct prb_copy {
  alignas(16) uint8_t bytes[64] = {};
};

/// The constants of the unpacking of one width.
struct unpacker {
  __m256i  shuffle;
  __m256i  shift;
  __m128i  sign_shift;
  unsigned half;
};

[[gnu::target("avx2")]] inline unpacker make_unpacker(unsigned width)
{
  const unpack_pattern& pattern = unpack_patterns[width];
  return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(pattern.shuffle)),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pattern.shift)),
          _mm_cvtsi32_si128(static_cast<int>(32 - width)), width / 2};
}

/// The 8 values of the group at p, sign-extended to 32 bits.
[[gnu::target("avx2")]] inline __m256i unpack_group(const uint8_t* p, const unpacker& u)
{
  const __m256i bytes = _mm256_inserti128_si256(
      _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))),
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + u.half)), 1);
  return _mm256_sra_epi32(_mm256_sllv_epi32(_mm256_shuffle_epi8(bytes, u.shuffle), u.shift), u.sign_shift);
}

[[gnu::target("avx2")]] inline void decompress_prb(float*                  out,
                                                   const uint8_t*          p,
                                                   const prb_format&       format,
                                                   const unpacker&         u,
                                                   const exponent_factors& factors)
{
  const __m256   factor   = _mm256_set1_ps(factors.value[format.has_exponent != 0 ? p[0] & 0x0F : 0]);
  const uint8_t* mantissa = p + format.has_exponent;
  for (unsigned group = 0; group != 3; ++group) {
    const __m256i values = unpack_group(mantissa + group * format.width, u);
    _mm256_storeu_ps(out + 8 * group, _mm256_mul_ps(_mm256_cvtepi32_ps(values), factor));
  }
}

[[gnu::target("avx2")]] inline void
decompress_prb(int16_t* out, const uint8_t* p, const prb_format& format, const unpacker& u)
{
  const __m128i  exponent = _mm_cvtsi32_si128(format.has_exponent != 0 ? p[0] & 0x0F : 0);
  const uint8_t* mantissa = p + format.has_exponent;
  // Mantissas of at most 16 bits shifted by at most 15 fit 32 bits; packs saturates them to int16.
  const __m256i v0 = _mm256_sll_epi32(unpack_group(mantissa, u), exponent);
  const __m256i v1 = _mm256_sll_epi32(unpack_group(mantissa + format.width, u), exponent);
  const __m256i v2 = _mm256_sll_epi32(unpack_group(mantissa + 2 * format.width, u), exponent);
  const __m256i first  = _mm256_permute4x64_epi64(_mm256_packs_epi32(v0, v1), 0xD8);
  const __m256i second = _mm256_permute4x64_epi64(_mm256_packs_epi32(v2, v2), 0xD8);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), first);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm256_castsi256_si128(second));
}

/// Byte shuffle and 64-bit shifts that turn the two 4-value strings of a group into its bytes (see pack_group()).
struct pack_pattern {
  uint8_t shuffle[32];
  int64_t shift[4];
};

constexpr pack_pattern make_pack_pattern(unsigned width)
{
  pack_pattern   pattern{};
  const unsigned odd    = width % 2;
  const unsigned offset = width / 2;
  // The first string is left-aligned in its 64 bits; the second one too, or 4 bits short of it when it starts in
  // the middle of a byte (odd width), so that it can be ORed into place byte-wise.
  pattern.shift[0] = 64 - 4 * width;
  pattern.shift[2] = 64 - 4 * width - 4 * odd;
  for (unsigned j = 0; j != 16; ++j) {
    // Both strings are byte-reversed (big-endian); the second one moves to byte width / 2.
    pattern.shuffle[j]      = static_cast<uint8_t>(j < 8 ? 7 - j : 0x80);
    pattern.shuffle[16 + j] = static_cast<uint8_t>(j >= offset && j < offset + 8 ? 7 - (j - offset) : 0x80);
  }
  return pattern;
}

constexpr std::array<pack_pattern, 17> make_pack_patterns()
{
  std::array<pack_pattern, 17> patterns{};
  for (unsigned width = 1; width <= 16; ++width) {
    patterns[width] = make_pack_pattern(width);
  }
  return patterns;
}

constexpr std::array<pack_pattern, 17> pack_patterns = make_pack_patterns();

/// The constants of the packing of one width.
struct packer {
  __m256i  shuffle;
  __m256i  shift;
  __m128i  pair_shift;
  __m128i  quad_shift;
  unsigned width;
};

[[gnu::target("avx2")]] inline packer make_packer(unsigned width)
{
  const pack_pattern& pattern = pack_patterns[width];
  return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(pattern.shuffle)),
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pattern.shift)),
          _mm_cvtsi32_si128(static_cast<int>(width)), _mm_cvtsi32_si128(static_cast<int>(2 * width)), width};
}

/// Writes the low width bits of the 8 lanes of q (masked to width bits) MSB first: width bytes, then zeros up to
/// 16 bytes from p. Neighbours merge in 64-bit lanes into (q0 q1), then (q0 q1 q2 q3) in the low 64 bits of each
/// 128-bit lane; one shuffle byte-reverses both strings and moves the second after the first.
[[gnu::target("avx2")]] inline void pack_group(uint8_t* p, __m256i q, const packer& k)
{
  const __m256i low_lanes = _mm256_set1_epi64x(0xFFFFFFFF);
  const __m256i pairs =
      _mm256_or_si256(_mm256_sll_epi64(_mm256_and_si256(q, low_lanes), k.pair_shift), _mm256_srli_epi64(q, 32));
  const __m256i quads = _mm256_or_si256(_mm256_sll_epi64(pairs, k.quad_shift), _mm256_bsrli_epi128(pairs, 8));
  const __m256i bytes = _mm256_shuffle_epi8(_mm256_sllv_epi64(quads, k.shift), k.shuffle);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p),
                   _mm_or_si128(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1)));
}

/// Compresses the 24 int16-domain values of one PRB given in three vectors of 8.
[[gnu::target("avx2")]] inline void
compress_prb(uint8_t* p, const __m256i (&values)[3], const prb_format& format, const packer& k)
{
  unsigned exponent = 0;
  if (format.has_exponent != 0) {
    const __m256i max8 = _mm256_max_epi32(values[0], _mm256_max_epi32(values[1], values[2]));
    const __m256i min8 = _mm256_min_epi32(values[0], _mm256_min_epi32(values[1], values[2]));
    __m128i       max4 = _mm_max_epi32(_mm256_castsi256_si128(max8), _mm256_extracti128_si256(max8, 1));
    __m128i       min4 = _mm_min_epi32(_mm256_castsi256_si128(min8), _mm256_extracti128_si256(min8, 1));
    max4               = _mm_max_epi32(max4, _mm_shuffle_epi32(max4, 0x4E));
    min4               = _mm_min_epi32(min4, _mm_shuffle_epi32(min4, 0x4E));
    max4               = _mm_max_epi32(max4, _mm_shuffle_epi32(max4, 0xB1));
    min4               = _mm_min_epi32(min4, _mm_shuffle_epi32(min4, 0xB1));
    exponent           = block_exponent(_mm_cvtsi128_si32(max4), _mm_cvtsi128_si32(min4), format.width);
    *p++               = static_cast<uint8_t>(exponent);
  }
  const int32_t  top   = (1 << (format.width - 1)) - 1;
  const __m256i  half  = _mm256_set1_epi32((1 << exponent) >> 1);
  const __m128i  shift = _mm_cvtsi32_si128(static_cast<int>(exponent));
  const __m256i  low   = _mm256_set1_epi32(-top - 1);
  const __m256i  high  = _mm256_set1_epi32(top);
  const __m256i  mask  = _mm256_set1_epi32(static_cast<int32_t>((uint32_t{1} << format.width) - 1));
  for (unsigned group = 0; group != 3; ++group) {
    __m256i q = _mm256_sra_epi32(_mm256_add_epi32(values[group], half), shift);
    q         = _mm256_and_si256(_mm256_min_epi32(_mm256_max_epi32(q, low), high), mask);
    pack_group(p + group * format.width, q, k);
  }
}

/// Eight float values in the int16 domain, as to_int16_domain() computes them.
[[gnu::target("avx2")]] inline __m256i to_int16_domain(const float* in, __m256 gain)
{
  __m256 v = _mm256_mul_ps(_mm256_loadu_ps(in), gain);
  v        = _mm256_max_ps(v, _mm256_set1_ps(-32768.0F)); // NaN gives the second operand
  v        = _mm256_min_ps(v, _mm256_set1_ps(32767.0F));
  return _mm256_cvtps_epi32(v);
}

[[gnu::target("avx2")]] inline void load_prb(__m256i (&values)[3], const float* in, __m256 gain)
{
  for (unsigned group = 0; group != 3; ++group) {
    values[group] = to_int16_domain(in + 8 * group, gain);
  }
}

[[gnu::target("avx2")]] inline void load_prb(__m256i (&values)[3], const int16_t* in)
{
  for (unsigned group = 0; group != 3; ++group) {
    values[group] = _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 8 * group)));
  }
}

} // namespace

[[gnu::target("avx2")]] void
decompress_avx2(std::span<cf_t>           iq,
                std::span<const uint8_t>  data,
                const compression_params& params,
                float                     scale) noexcept
{
  const prb_format       format = make_prb_format(params);
  const exponent_factors factors(scale);
  const unpacker         u       = make_unpacker(format.width);
  const std::size_t      nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  auto*             out    = reinterpret_cast<float*>(iq.data());
  const std::size_t direct = nof_direct_prbs(nof_prb, format, unpack_extent(format));
  std::size_t       prb    = 0;
  for (; prb != direct; ++prb) {
    decompress_prb(out + prb * nof_values_per_prb, data.data() + prb * format.size, format, u, factors);
  }
  for (; prb != nof_prb; ++prb) {
    prb_copy copy;
    std::memcpy(copy.bytes, data.data() + prb * format.size, format.size);
    decompress_prb(out + prb * nof_values_per_prb, copy.bytes, format, u, factors);
  }
}

[[gnu::target("avx2")]] void
decompress_avx2(std::span<ci16_t> iq, std::span<const uint8_t> data, const compression_params& params) noexcept
{
  const prb_format  format  = make_prb_format(params);
  const unpacker    u       = make_unpacker(format.width);
  const std::size_t nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  auto*             out    = reinterpret_cast<int16_t*>(iq.data());
  const std::size_t direct = nof_direct_prbs(nof_prb, format, unpack_extent(format));
  std::size_t       prb    = 0;
  for (; prb != direct; ++prb) {
    decompress_prb(out + prb * nof_values_per_prb, data.data() + prb * format.size, format, u);
  }
  for (; prb != nof_prb; ++prb) {
    prb_copy copy;
    std::memcpy(copy.bytes, data.data() + prb * format.size, format.size);
    decompress_prb(out + prb * nof_values_per_prb, copy.bytes, format, u);
  }
}

[[gnu::target("avx2")]] void
compress_avx2(std::span<uint8_t> data, std::span<const cf_t> iq, const compression_params& params, float scale) noexcept
{
  const prb_format  format  = make_prb_format(params);
  const __m256      gain    = _mm256_set1_ps(1.0F / scale);
  const std::size_t nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  const auto*       in     = reinterpret_cast<const float*>(iq.data());
  const packer      k      = make_packer(format.width);
  const std::size_t direct = nof_direct_prbs(nof_prb, format, pack_extent(format));
  __m256i           values[3];
  std::size_t       prb = 0;
  for (; prb != direct; ++prb) {
    load_prb(values, in + prb * nof_values_per_prb, gain);
    compress_prb(data.data() + prb * format.size, values, format, k);
  }
  for (; prb != nof_prb; ++prb) {
    prb_copy copy;
    load_prb(values, in + prb * nof_values_per_prb, gain);
    compress_prb(copy.bytes, values, format, k);
    std::memcpy(data.data() + prb * format.size, copy.bytes, format.size);
  }
}

[[gnu::target("avx2")]] void
compress_avx2(std::span<uint8_t> data, std::span<const ci16_t> iq, const compression_params& params) noexcept
{
  const prb_format  format  = make_prb_format(params);
  const std::size_t nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  const auto*       in     = reinterpret_cast<const int16_t*>(iq.data());
  const packer      k      = make_packer(format.width);
  const std::size_t direct = nof_direct_prbs(nof_prb, format, pack_extent(format));
  __m256i           values[3];
  std::size_t       prb = 0;
  for (; prb != direct; ++prb) {
    load_prb(values, in + prb * nof_values_per_prb);
    compress_prb(data.data() + prb * format.size, values, format, k);
  }
  for (; prb != nof_prb; ++prb) {
    prb_copy copy;
    load_prb(values, in + prb * nof_values_per_prb);
    compress_prb(copy.bytes, values, format, k);
    std::memcpy(data.data() + prb * format.size, copy.bytes, format.size);
  }
}

} // namespace airan::io::detail

#endif
