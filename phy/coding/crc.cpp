#include "airan/phy/coding/crc.h"

#include "bit_packing.h"

#include <algorithm>
#include <array>
#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace airan::phy {

namespace {

// All CRCs are computed with a 32-bit register holding the remainder left aligned: dividing by
// P(x) = g(x) x^(32-L) gives the remainder modulo g(x) multiplied by x^(32-L), so one algorithm serves every L.
// Bit 31 of the register is the coefficient of x^31; data enter most significant bit first.

/// Table-driven (slice-by-8) and carry-less multiply folding constants of one CRC type.
struct crc_tables {
  unsigned length;
  /// P(x) without its x^32 term.
  uint32_t poly;
  /// slice[k][b]: register after processing byte b followed by k zero bytes, starting from 0.
  std::array<std::array<uint32_t, 256>, 8> slice;
  /// x^n mod P for the folding distances used with carry-less multiplication.
  uint64_t x128;
  uint64_t x192;
  uint64_t x512;
  uint64_t x576;
};

/// Register after one data bit: the new bit enters at x^31 and x^32 is reduced by P.
constexpr uint32_t shift_bit(uint32_t reg, uint32_t bit, uint32_t poly)
{
  uint32_t top = (reg >> 31) ^ bit;
  return (reg << 1) ^ (top != 0 ? poly : 0U);
}

/// x^n mod P(x).
constexpr uint64_t x_pow_mod(unsigned n, uint32_t poly)
{
  uint32_t r = 1;
  for (unsigned i = 0; i != n; ++i) {
    r = shift_bit(r, 0, poly);
  }
  return r;
}

constexpr crc_tables make_tables(unsigned length, uint32_t generator_low)
{
  crc_tables t{};
  t.length = length;
  t.poly = generator_low << (32 - length);
  for (uint32_t b = 0; b != 256; ++b) {
    uint32_t reg = b << 24;
    for (unsigned i = 0; i != 8; ++i) {
      reg = shift_bit(reg, 0, t.poly);
    }
    t.slice[0][b] = reg;
  }
  for (unsigned k = 1; k != 8; ++k) {
    for (unsigned b = 0; b != 256; ++b) {
      uint32_t prev = t.slice[k - 1][b];
      t.slice[k][b] = (prev << 8) ^ t.slice[0][prev >> 24];
    }
  }
  t.x128 = x_pow_mod(128, t.poly);
  t.x192 = x_pow_mod(192, t.poly);
  t.x512 = x_pow_mod(512, t.poly);
  t.x576 = x_pow_mod(576, t.poly);
  return t;
}

/// Generator polynomials of TS 38.212 5.1 (without the D^L term), in crc_type order.
constexpr std::array<crc_tables, 6> all_tables = {
    make_tables(24, 0x864cfb), // CRC24A
    make_tables(24, 0x800063), // CRC24B
    make_tables(24, 0xb2b117), // CRC24C
    make_tables(16, 0x1021),   // CRC16
    make_tables(11, 0x621),    // CRC11
    make_tables(6, 0x21),      // CRC6
};

const crc_tables& tables_of(crc_type type)
{
  return all_tables[static_cast<unsigned>(type)];
}

uint32_t update_with_tables(const crc_tables& t, uint32_t reg, const uint8_t* data, size_t n)
{
  for (; n >= 8; n -= 8, data += 8) {
    uint32_t head = reg ^ (uint32_t{data[0]} << 24 | uint32_t{data[1]} << 16 | uint32_t{data[2]} << 8 | data[3]);
    reg = t.slice[7][head >> 24] ^ t.slice[6][(head >> 16) & 0xff] ^ t.slice[5][(head >> 8) & 0xff] ^
          t.slice[4][head & 0xff] ^ t.slice[3][data[4]] ^ t.slice[2][data[5]] ^ t.slice[1][data[6]] ^
          t.slice[0][data[7]];
  }
  for (; n != 0; --n, ++data) {
    reg = (reg << 8) ^ t.slice[0][(reg >> 24) ^ *data];
  }
  return reg;
}

#if defined(__x86_64__)

/// Smallest message for which folding with carry-less multiplication is used (four 16-byte lanes).
constexpr size_t clmul_min_bytes = 64;

/// 16 message bytes as a 128-bit polynomial, the first byte's MSB being the coefficient of x^127.
__attribute__((target("pclmul,ssse3"))) __m128i load_block(const uint8_t* data)
{
  const __m128i reverse = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data)), reverse);
}

/// a(x) x^D reduced to 96 bits: a_hi(x) (x^(D+64) mod P) + a_lo(x) (x^D mod P), constants in (high, low) lanes.
__attribute__((target("pclmul,ssse3"))) __m128i fold(__m128i a, __m128i constants)
{
  return _mm_xor_si128(_mm_clmulepi64_si128(a, constants, 0x11), _mm_clmulepi64_si128(a, constants, 0x00));
}

/// Folds 16-byte blocks in four interleaved lanes down to one 128-bit value congruent to the message modulo P, then
/// finishes with the tables (which also multiply by x^32). Requires n >= clmul_min_bytes.
__attribute__((target("pclmul,ssse3"))) uint32_t update_with_clmul(const crc_tables& t,
                                                                    uint32_t reg,
                                                                    const uint8_t* data,
                                                                    size_t n)
{
  __m128i lane0 = _mm_xor_si128(load_block(data), _mm_set_epi32(static_cast<int>(reg), 0, 0, 0));
  __m128i lane1 = load_block(data + 16);
  __m128i lane2 = load_block(data + 32);
  __m128i lane3 = load_block(data + 48);
  data += 64;
  n -= 64;

  const __m128i by_512 = _mm_set_epi64x(static_cast<long long>(t.x576), static_cast<long long>(t.x512));
  for (; n >= 64; n -= 64, data += 64) {
    lane0 = _mm_xor_si128(fold(lane0, by_512), load_block(data));
    lane1 = _mm_xor_si128(fold(lane1, by_512), load_block(data + 16));
    lane2 = _mm_xor_si128(fold(lane2, by_512), load_block(data + 32));
    lane3 = _mm_xor_si128(fold(lane3, by_512), load_block(data + 48));
  }

  const __m128i by_128 = _mm_set_epi64x(static_cast<long long>(t.x192), static_cast<long long>(t.x128));
  __m128i acc = _mm_xor_si128(fold(lane0, by_128), lane1);
  acc = _mm_xor_si128(fold(acc, by_128), lane2);
  acc = _mm_xor_si128(fold(acc, by_128), lane3);
  for (; n >= 16; n -= 16, data += 16) {
    acc = _mm_xor_si128(fold(acc, by_128), load_block(data));
  }

  const __m128i reverse = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  alignas(16) uint8_t folded[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(folded), _mm_shuffle_epi8(acc, reverse));
  reg = update_with_tables(t, 0, folded, sizeof(folded));
  return update_with_tables(t, reg, data, n);
}

bool cpu_has_clmul()
{
  static const bool supported = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
  return supported;
}

#endif

uint32_t update(const crc_tables& t, uint32_t reg, const uint8_t* data, size_t n)
{
#if defined(__x86_64__)
  if (n >= clmul_min_bytes && cpu_has_clmul()) {
    return update_with_clmul(t, reg, data, n);
  }
#endif
  return update_with_tables(t, reg, data, n);
}

uint32_t finish(const crc_tables& t, uint32_t reg)
{
  return reg >> (32 - t.length);
}

} // namespace

unsigned crc_length(crc_type type) noexcept
{
  return tables_of(type).length;
}

uint32_t crc_compute_bytes(crc_type type, std::span<const uint8_t> bytes) noexcept
{
  const crc_tables& t = tables_of(type);
  return finish(t, update(t, 0, bytes.data(), bytes.size()));
}

uint32_t crc_compute_bits(crc_type type, std::span<const uint8_t> bits) noexcept
{
  const crc_tables& t = tables_of(type);
  // Pack 8 bits at a time into a small buffer and run the byte-wise CRC on it; the last size % 8 bits go one by one.
  constexpr size_t chunk_bytes = 512;
  uint8_t packed[chunk_bytes];
  uint32_t reg = 0;
  size_t nof_bytes = bits.size() / 8;
  const uint8_t* in = bits.data();
  while (nof_bytes != 0) {
    size_t n = std::min(nof_bytes, chunk_bytes);
    detail::pack_bytes(packed, in, n);
    in += 8 * n;
    reg = update(t, reg, packed, n);
    nof_bytes -= n;
  }
  for (const uint8_t* end = bits.data() + bits.size(); in != end; ++in) {
    reg = shift_bit(reg, *in, t.poly);
  }
  return finish(t, reg);
}

} // namespace airan::phy
