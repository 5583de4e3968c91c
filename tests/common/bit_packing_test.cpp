#include "airan/common/bit_packing.h"

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
