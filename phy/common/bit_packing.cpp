#include "airan/common/bit_packing.h"

#include "../coding/bit_packing.h"

namespace airan {

void pack_bits(std::span<uint8_t> bytes, std::span<const uint8_t> bits) noexcept
{
  const std::size_t nof_full = bits.size() / 8;
  for (std::size_t i = 0; i < nof_full; ++i) {
    bytes[i] = phy::detail::pack_byte_msb_first(bits.data() + 8 * i);
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
  const std::size_t nof_full = bits.size() / 8;
  for (std::size_t i = 0; i < nof_full; ++i) {
    phy::detail::unpack_byte_msb_first(bits.data() + 8 * i, bytes[i]);
  }
  for (std::size_t i = 8 * nof_full; i < bits.size(); ++i) {
    bits[i] = static_cast<uint8_t>((bytes[i / 8] >> (7 - i % 8)) & 1U);
  }
}

} // namespace airan
