#include "airan/common/bit_packing.h"

#include "../coding/bit_packing.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace airan {

namespace phy::detail {

namespace {

#if defined(__x86_64__)
/// Whole groups of 4 bytes; returns how many bytes it packed.
[[gnu::target("avx2")]] std::size_t pack_bytes_avx2(uint8_t* bytes, const uint8_t* bits, std::size_t nof_bytes) noexcept
{
  // Reversed within each group of 8 (the shuffle works per 128-bit half), bits[8 g] lands in bit 7 of byte g of the
  // movemask, as MSB first wants; the shift moves bit 0 of every byte to its top bit.
  const __m256i reverse = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1,
                                           0, 15, 14, 13, 12, 11, 10, 9, 8);
  std::size_t i = 0;
  for (; i + 4 <= nof_bytes; i += 4) {
    const __m256i v      = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bits + 8 * i));
    const __m256i top    = _mm256_slli_epi16(_mm256_shuffle_epi8(v, reverse), 7);
    const auto    packed = static_cast<uint32_t>(_mm256_movemask_epi8(top));
    std::memcpy(bytes + i, &packed, sizeof(packed));
  }
  return i;
}

bool has_avx2()
{
  static const bool supported = __builtin_cpu_supports("avx2");
  return supported;
}
#endif

} // namespace

void pack_bytes_generic(uint8_t* bytes, const uint8_t* bits, std::size_t nof_bytes) noexcept
{
  for (std::size_t i = 0; i < nof_bytes; ++i) {
    bytes[i] = pack_byte_msb_first(bits + 8 * i);
  }
}

void pack_bytes(uint8_t* bytes, const uint8_t* bits, std::size_t nof_bytes) noexcept
{
  std::size_t done = 0;
#if defined(__x86_64__)
  if (has_avx2()) {
    done = pack_bytes_avx2(bytes, bits, nof_bytes);
  }
#endif
  pack_bytes_generic(bytes + done, bits + 8 * done, nof_bytes - done);
}

} // namespace phy::detail

void pack_bits(std::span<uint8_t> bytes, std::span<const uint8_t> bits) noexcept
{
  const std::size_t nof_full = bits.size() / 8;
  phy::detail::pack_bytes(bytes.data(), bits.data(), nof_full);
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
