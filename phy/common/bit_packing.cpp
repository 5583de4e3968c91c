#include "airan/common/bit_packing.h"

#include <cstring>

namespace airan {

void pack_bits(std::span<uint8_t> bytes, std::span<const uint8_t> bits) noexcept
{
  const std::size_t nof_full = bits.size() / 8;
  for (std::size_t i = 0; i < nof_full; ++i) {
    // Eight 0/1 bytes to one: gather the low bit of each byte with a multiply (bit 0 of byte 0 becomes the MSB).
    uint64_t word;
    std::memcpy(&word, bits.data() + 8 * i, 8);
    word &= 0x0101010101010101ULL;
    bytes[i] = static_cast<uint8_t>((word * 0x8040201008040201ULL) >> 56);
  }
  const std::size_t rest = bits.size() % 8;
  if (rest != 0) {
    uint8_t last = 0;
    for (std::size_t b = 0; b < rest; ++b) {
      last |= static_cast<uint8_t>((bits[8 * nof_full + b] & 1U) << (7 - b));
    }
    bytes[nof_full] = last;
  }
}

void unpack_bits(std::span<uint8_t> bits, std::span<const uint8_t> bytes) noexcept
{
  for (std::size_t i = 0; i < bits.size(); ++i) {
    bits[i] = static_cast<uint8_t>((bytes[i / 8] >> (7 - i % 8)) & 1U);
  }
}

} // namespace airan
