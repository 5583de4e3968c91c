#include "airan/common/bit_packing.h"

// The byte packers behind pack_bits(), to test both code paths on any machine.
#include "../../phy/coding/bit_packing.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

TEST_CASE("bit packing: MSB first, known bytes")
{
  const std::vector<uint8_t> bits = {1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1};
  std::vector<uint8_t> bytes(2, 0xff);
  airan::pack_bits(bytes, bits);
  CHECK(bytes[0] == 0xb1);
  CHECK(bytes[1] == 0x60);
}

TEST_CASE("bit packing: pack/unpack round trip for every length up to 300")
{
  std::mt19937 rng(7);
  for (std::size_t n = 0; n <= 300; ++n) {
    std::vector<uint8_t> bits(n);
    for (auto& b : bits) {
      b = static_cast<uint8_t>(rng() & 1U);
    }
    std::vector<uint8_t> bytes((n + 7) / 8);
    airan::pack_bits(bytes, bits);
    std::vector<uint8_t> back(n);
    airan::unpack_bits(back, bytes);
    REQUIRE(back == bits);
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(((bytes[i / 8] >> (7 - i % 8)) & 1U) == bits[i]);
    }
  }
}

TEST_CASE("bit packing: the SIMD and portable byte packers agree with the definition for every length up to 70 bytes")
{
  std::mt19937 rng(8);
  for (std::size_t n = 0; n <= 70; ++n) {
    CAPTURE(n);
    std::vector<uint8_t> bits(8 * n);
    for (auto& b : bits) {
      b = static_cast<uint8_t>(rng() & 1U);
    }
    std::vector<uint8_t> expected(n + 1, 0x5a);
    for (std::size_t i = 0; i < n; ++i) {
      uint8_t byte = 0;
      for (unsigned k = 0; k < 8; ++k) {
        byte = static_cast<uint8_t>(byte << 1 | bits[8 * i + k]);
      }
      expected[i] = byte;
    }
    // One byte past the end shows that nothing more is written.
    std::vector<uint8_t> packed(n + 1, 0x5a);
    std::vector<uint8_t> generic(n + 1, 0x5a);
    airan::phy::detail::pack_bytes(packed.data(), bits.data(), n);
    airan::phy::detail::pack_bytes_generic(generic.data(), bits.data(), n);
    CHECK(packed == expected);
    CHECK(generic == expected);
  }
}
