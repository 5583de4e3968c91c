#pragma once
// Helpers shared by the fronthaul tests: plain reference bit handling, written independently of the code under
// test.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace airan::io::test {

/// Bytes of a string of '0' / '1' characters (spaces ignored), MSB first; the length must be a multiple of 8.
inline std::vector<uint8_t> bytes_from_bits(std::string_view bits)
{
  std::vector<uint8_t> bytes;
  unsigned             nof_bits = 0;
  for (const char c : bits) {
    if (c == ' ') {
      continue;
    }
    if (nof_bits % 8 == 0) {
      bytes.push_back(0);
    }
    bytes.back() = static_cast<uint8_t>(bytes.back() | (c == '1' ? 1 : 0) << (7 - nof_bits % 8));
    ++nof_bits;
  }
  return bytes;
}

/// Two's complement string of width characters for value.
inline std::string two_complement_bits(int value, unsigned width)
{
  std::string bits;
  for (unsigned i = width; i-- > 0;) {
    bits.push_back(((static_cast<unsigned>(value) >> i) & 1) != 0 ? '1' : '0');
  }
  return bits;
}

/// Signed value of width bits starting at bit offset first_bit of bytes (MSB first), one bit at a time.
inline int read_signed_bits(const std::vector<uint8_t>& bytes, std::size_t first_bit, unsigned width)
{
  long value = 0;
  for (unsigned i = 0; i != width; ++i) {
    const std::size_t bit = first_bit + i;
    value                 = 2 * value + ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
  }
  if (value >= (1L << (width - 1))) {
    value -= 1L << width;
  }
  return static_cast<int>(value);
}

} // namespace airan::io::test
