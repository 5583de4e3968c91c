#include "airan/phy/coding/scrambling.h"

#include "bit_packing.h"

#include <array>
#include <cassert>
#include <cstddef>
#include <cstring>

namespace airan::phy {

namespace {

// Both m-sequences are produced 64 values per step as words: bit i of word k is x(64 k + i). Squaring the
// characteristic polynomials (p(D)^2 = p(D^2) over GF(2)) gives recurrences with lags 56..62:
//   x1: D^31 + D^3 + 1                 -> x(n) = x(n - 56) + x(n - 62)
//   x2: D^31 + D^3 + D^2 + D + 1       -> x(n) = x(n - 56) + x(n - 58) + x(n - 60) + x(n - 62)
// so bits 0..55 of a word depend on the previous word only, and bits 56..63 also on bits 0..7 of the same word.

constexpr uint64_t next_x1_word(uint64_t prev)
{
  uint64_t w = (prev >> 8) ^ (prev >> 2);
  return w ^ (w << 56) ^ (w << 62);
}

constexpr uint64_t next_x2_word(uint64_t prev)
{
  uint64_t w = (prev >> 8) ^ (prev >> 6) ^ (prev >> 4) ^ (prev >> 2);
  return w ^ (w << 56) ^ (w << 58) ^ (w << 60) ^ (w << 62);
}

/// First word x(0..63) from x(0..30), one value at a time with the recurrences of TS 38.211 5.2.1.
constexpr uint64_t first_x1_word(uint32_t init)
{
  uint64_t w = init;
  for (unsigned n = 0; n + 31 != 64; ++n) {
    w |= (((w >> (n + 3)) ^ (w >> n)) & 1U) << (n + 31);
  }
  return w;
}

constexpr uint64_t first_x2_word(uint32_t init)
{
  uint64_t w = init;
  for (unsigned n = 0; n + 31 != 64; ++n) {
    w |= (((w >> (n + 3)) ^ (w >> (n + 2)) ^ (w >> (n + 1)) ^ (w >> n)) & 1U) << (n + 31);
  }
  return w;
}

/// N_C = 1600 initial values are discarded: exactly 25 words.
constexpr unsigned nof_skipped_words = 1600 / 64;

/// x1(1600 .. 1663): x1 starts from the same state for every c_init.
constexpr uint64_t x1_after_skip = [] {
  uint64_t w = first_x1_word(1);
  for (unsigned k = 0; k != nof_skipped_words; ++k) {
    w = next_x1_word(w);
  }
  return w;
}();

/// x2(1600 .. 1663) is linear in c_init: table[b][v] is its value for c_init = v 2^(8 b), so that the word for any
/// c_init is the XOR of one entry per byte of c_init.
constexpr std::array<std::array<uint64_t, 256>, 4> x2_after_skip_table = [] {
  std::array<uint64_t, 32> column{};
  for (unsigned j = 0; j != 31; ++j) {
    uint64_t w = first_x2_word(1U << j);
    for (unsigned k = 0; k != nof_skipped_words; ++k) {
      w = next_x2_word(w);
    }
    column[j] = w;
  }
  std::array<std::array<uint64_t, 256>, 4> table{};
  for (unsigned b = 0; b != 4; ++b) {
    for (unsigned v = 0; v != 256; ++v) {
      for (unsigned i = 0; i != 8; ++i) {
        if ((v >> i) & 1) {
          table[b][v] ^= column[8 * b + i];
        }
      }
    }
  }
  return table;
}();

/// Produces c(n) 64 values at a time.
class gold_sequence_generator {
public:
  explicit gold_sequence_generator(uint32_t c_init) : x1_(x1_after_skip)
  {
    assert(c_init < (1U << 31));
    for (unsigned b = 0; b != 4; ++b) {
      x2_ ^= x2_after_skip_table[b][(c_init >> (8 * b)) & 0xff];
    }
  }

  /// c(64 k .. 64 k + 63), c(64 k + i) in bit i, for k = 0, 1, ... on successive calls.
  uint64_t next()
  {
    uint64_t c = x1_ ^ x2_;
    x1_ = next_x1_word(x1_);
    x2_ = next_x2_word(x2_);
    return c;
  }

private:
  uint64_t x1_;
  uint64_t x2_ = 0;
};

// Sequence values are applied a block at a time, as mask bytes 0x00 (c = 0) or 0xff (c = 1).
#if defined(__SSE2__)

using mask_block = __m128i;
constexpr unsigned block_size = 16;

/// Mask bytes of the block_size values in the low bits of c, value i in byte i.
mask_block expand(uint64_t c)
{
  return detail::bit_masks_16(static_cast<uint32_t>(c), 0x8040201008040201ULL);
}

mask_block load_block(const uint8_t* p)
{
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

void store_block(uint8_t* p, mask_block v)
{
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
}

/// Bytes 0/1 from mask bytes.
mask_block ones_where(mask_block mask)
{
  return _mm_and_si128(mask, _mm_set1_epi8(1));
}

mask_block xor_blocks(mask_block a, mask_block b)
{
  return _mm_xor_si128(a, b);
}

/// Two's complement negation of the bytes of x where the mask is set: (x ^ m) - m.
mask_block negate_where(mask_block x, mask_block mask)
{
  return _mm_sub_epi8(_mm_xor_si128(x, mask), mask);
}

#else

using mask_block = uint64_t;
constexpr unsigned block_size = 8;

mask_block expand(uint64_t c)
{
  return detail::unpack_byte_lsb_first(static_cast<uint8_t>(c)) * 0xff;
}

mask_block load_block(const uint8_t* p)
{
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

void store_block(uint8_t* p, mask_block v)
{
  std::memcpy(p, &v, sizeof(v));
}

mask_block ones_where(mask_block mask)
{
  return mask & 0x0101010101010101ULL;
}

mask_block xor_blocks(mask_block a, mask_block b)
{
  return a ^ b;
}

mask_block negate_where(mask_block x, mask_block mask)
{
  // Bytewise (x ^ m) + (m & 1): the low 7 bits plus at most 1 cannot carry out of a byte; bit 7 takes their carry.
  constexpr uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
  uint64_t y = x ^ mask;
  return ((y & low7) + ones_where(mask)) ^ (y & ~low7);
}

#endif

/// Runs the sequence along data[0 .. size-1]: block_op(data + n, mask) for whole blocks of block_size values and
/// value_op(data + n, c(n)) for the last size % 64 values.
template <typename BlockOp, typename ValueOp>
void apply_sequence(uint8_t* data, size_t size, uint32_t c_init, BlockOp block_op, ValueOp value_op)
{
  gold_sequence_generator generator(c_init);
  size_t n = 0;
  for (; n + 64 <= size; n += 64) {
    uint64_t c = generator.next();
    for (unsigned i = 0; i != 64; i += block_size) {
      block_op(data + n + i, expand(c >> i));
    }
  }
  if (n != size) {
    for (uint64_t c = generator.next(); n != size; ++n, c >>= 1) {
      value_op(data + n, static_cast<uint8_t>(c & 1));
    }
  }
}

} // namespace

void generate_gold_sequence(std::span<uint8_t> c_bits, uint32_t c_init) noexcept
{
  apply_sequence(
      c_bits.data(), c_bits.size(), c_init, [](uint8_t* p, mask_block mask) { store_block(p, ones_where(mask)); },
      [](uint8_t* p, uint8_t c) { *p = c; });
}

uint32_t pusch_scrambling_cinit(uint16_t rnti, uint16_t n_id) noexcept
{
  assert(n_id < 1024);
  return (uint32_t{rnti} << 15) + n_id;
}

void scramble_bits(std::span<uint8_t> bits, uint32_t c_init) noexcept
{
  apply_sequence(
      bits.data(), bits.size(), c_init,
      [](uint8_t* p, mask_block mask) { store_block(p, xor_blocks(load_block(p), ones_where(mask))); },
      [](uint8_t* p, uint8_t c) { *p ^= c; });
}

void descramble_llrs(std::span<int8_t> llrs, uint32_t c_init) noexcept
{
  apply_sequence(
      reinterpret_cast<uint8_t*>(llrs.data()), llrs.size(), c_init,
      [](uint8_t* p, mask_block mask) { store_block(p, negate_where(load_block(p), mask)); },
      [](uint8_t* p, uint8_t c) {
        auto m = static_cast<uint8_t>(-c);
        *p = static_cast<uint8_t>((*p ^ m) + c);
      });
}

} // namespace airan::phy
