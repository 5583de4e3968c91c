#pragma once
/// Conversions between unpacked bits (one bit per byte, 0/1) and packed bytes, eight or sixteen bits at a time.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace airan::phy::detail {

static_assert(std::endian::native == std::endian::little, "the bit packing helpers assume a little-endian host");

/// Packs bits[0..7] (values 0/1) into one byte, bits[0] in the most significant position.
inline uint8_t pack_byte_msb_first(const uint8_t* bits) noexcept
{
  uint64_t word;
  std::memcpy(&word, bits, sizeof(word));
  // Bit 0 of byte i moves to bit 63 - i; all partial products land on distinct bit positions, so no carries.
  return static_cast<uint8_t>((word * 0x8040201008040201ULL) >> 56);
}

/// Packs bits[0 .. 8 nof_bytes - 1] (values 0/1) into bytes[0 .. nof_bytes - 1], each byte most significant bit first;
/// AVX2 where the CPU has it (32 bits per step).
void pack_bytes(uint8_t* bytes, const uint8_t* bits, std::size_t nof_bytes) noexcept;
/// The portable code of pack_bytes(), exposed so that both paths can be tested.
void pack_bytes_generic(uint8_t* bytes, const uint8_t* bits, std::size_t nof_bytes) noexcept;

/// Eight bytes 0/1 (in memory order) selected from the bits of value by the one-hot bytes of mask.
inline uint64_t spread_bits(uint8_t value, uint64_t mask) noexcept
{
  uint64_t selected = (value * 0x0101010101010101ULL) & mask;
  // Each byte is 0 or a power of two <= 0x80: adding 0x7f sets bit 7 exactly when it is non-zero, with no carry.
  return ((selected + 0x7f7f7f7f7f7f7f7fULL) >> 7) & 0x0101010101010101ULL;
}

/// Unpacks a byte into eight bits, most significant first, written to bits[0..7].
inline void unpack_byte_msb_first(uint8_t* bits, uint8_t value) noexcept
{
  uint64_t word = spread_bits(value, 0x0102040810204080ULL);
  std::memcpy(bits, &word, sizeof(word));
}

/// Unpacks a byte into eight bits, least significant first, as a word whose memory bytes are bits[0..7].
inline uint64_t unpack_byte_lsb_first(uint8_t value) noexcept
{
  return spread_bits(value, 0x8040201008040201ULL);
}

#if defined(__SSE2__)
/// Sixteen mask bytes, 0xff where a bit is set: byte i tests bit pattern byte i % 8 (one-hot) in byte i / 8 of
/// two_bytes.
inline __m128i bit_masks_16(uint32_t two_bytes, uint64_t pattern) noexcept
{
  __m128i v = _mm_cvtsi32_si128(static_cast<int>(two_bytes & 0xffff));
  v = _mm_unpacklo_epi8(v, v);
  v = _mm_unpacklo_epi16(v, v);
  v = _mm_unpacklo_epi32(v, v); // Byte i holds byte i / 8 of two_bytes.
  const __m128i bit = _mm_set1_epi64x(static_cast<long long>(pattern));
  return _mm_cmpeq_epi8(_mm_and_si128(v, bit), bit);
}
#endif

/// Unpacks two bytes into sixteen bits written to bits[0..15], each byte most significant bit first.
inline void unpack_two_bytes_msb_first(uint8_t* bits, uint8_t first, uint8_t second) noexcept
{
#if defined(__SSE2__)
  __m128i masks = bit_masks_16(first | uint32_t{second} << 8, 0x0102040810204080ULL);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(bits), _mm_and_si128(masks, _mm_set1_epi8(1)));
#else
  unpack_byte_msb_first(bits, first);
  unpack_byte_msb_first(bits + 8, second);
#endif
}

} // namespace airan::phy::detail
