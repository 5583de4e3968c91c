#pragma once
/// Conversions between unpacked bits (one bit per byte, 0/1) and packed bytes, eight bits at a time.

#include <bit>
#include <cstdint>
#include <cstring>

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

} // namespace airan::phy::detail
