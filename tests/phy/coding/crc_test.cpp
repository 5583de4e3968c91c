#include "airan/phy/coding/crc.h"

#include <doctest/doctest.h>

#include <initializer_list>
#include <random>
#include <string_view>
#include <vector>

using namespace airan::phy;

namespace {

constexpr crc_type all_types[] = {
    crc_type::crc24a, crc_type::crc24b, crc_type::crc24c, crc_type::crc16, crc_type::crc11, crc_type::crc6};

/// Generator polynomial coefficients, highest power first, from the exponents listed in TS 38.212 5.1.
std::vector<uint8_t> generator_of(crc_type type)
{
  auto from_exponents = [](std::initializer_list<unsigned> exponents) {
    std::vector<uint8_t> g(*exponents.begin() + 1, 0);
    for (unsigned e : exponents) {
      g[g.size() - 1 - e] = 1;
    }
    return g;
  };
  switch (type) {
    case crc_type::crc24a:
      return from_exponents({24, 23, 18, 17, 14, 11, 10, 7, 6, 5, 4, 3, 1, 0});
    case crc_type::crc24b:
      return from_exponents({24, 23, 6, 5, 1, 0});
    case crc_type::crc24c:
      return from_exponents({24, 23, 21, 20, 17, 15, 13, 12, 8, 4, 2, 1, 0});
    case crc_type::crc16:
      return from_exponents({16, 12, 5, 0});
    case crc_type::crc11:
      return from_exponents({11, 10, 9, 5, 0});
    case crc_type::crc6:
      return from_exponents({6, 5, 0});
  }
  return {};
}

/// Parity bits by long division of a(D) D^L by g(D), one bit at a time; p_0 ends up as the MSB of the result.
uint32_t reference_crc(crc_type type, const std::vector<uint8_t>& bits)
{
  std::vector<uint8_t> g = generator_of(type);
  size_t nof_parity = g.size() - 1;
  std::vector<uint8_t> work = bits;
  work.resize(bits.size() + nof_parity, 0);
  for (size_t i = 0; i != bits.size(); ++i) {
    if (work[i] != 0) {
      for (size_t j = 0; j != g.size(); ++j) {
        work[i + j] ^= g[j];
      }
    }
  }
  uint32_t parity = 0;
  for (size_t j = 0; j != nof_parity; ++j) {
    parity = (parity << 1) | work[bits.size() + j];
  }
  return parity;
}

std::vector<uint8_t> unpack(const std::vector<uint8_t>& bytes)
{
  std::vector<uint8_t> bits;
  for (uint8_t byte : bytes) {
    for (int i = 7; i >= 0; --i) {
      bits.push_back((byte >> i) & 1);
    }
  }
  return bits;
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n)
{
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    b = static_cast<uint8_t>(rng());
  }
  return v;
}

std::vector<uint8_t> random_bits(std::mt19937& rng, size_t n)
{
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    b = static_cast<uint8_t>(rng() & 1);
  }
  return v;
}

} // namespace

TEST_CASE("crc: parity lengths of TS 38.212 5.1")
{
  CHECK(crc_length(crc_type::crc24a) == 24);
  CHECK(crc_length(crc_type::crc24b) == 24);
  CHECK(crc_length(crc_type::crc24c) == 24);
  CHECK(crc_length(crc_type::crc16) == 16);
  CHECK(crc_length(crc_type::crc11) == 11);
  CHECK(crc_length(crc_type::crc6) == 6);
}

TEST_CASE("crc: catalogued check values of ASCII \"123456789\" (init 0, no reflection, no final XOR)")
{
  constexpr std::string_view text = "123456789";
  std::vector<uint8_t> bytes(text.begin(), text.end());
  // CRC-24/LTE-A, CRC-24/LTE-B and CRC-16/XMODEM of the CRC catalogue use these polynomials and conventions.
  CHECK(crc_compute_bytes(crc_type::crc24a, bytes) == 0xcde703);
  CHECK(crc_compute_bytes(crc_type::crc24b, bytes) == 0x23ef52);
  CHECK(crc_compute_bytes(crc_type::crc16, bytes) == 0x31c3);
  // The plain long division agrees, which validates the reference used by the other tests.
  CHECK(reference_crc(crc_type::crc24a, unpack(bytes)) == 0xcde703);
  CHECK(reference_crc(crc_type::crc24b, unpack(bytes)) == 0x23ef52);
  CHECK(reference_crc(crc_type::crc16, unpack(bytes)) == 0x31c3);
}

TEST_CASE("crc: empty and all-zero messages have zero parity")
{
  std::vector<uint8_t> zeros(1000, 0);
  for (crc_type type : all_types) {
    CHECK(crc_compute_bytes(type, {}) == 0);
    CHECK(crc_compute_bits(type, {}) == 0);
    CHECK(crc_compute_bytes(type, zeros) == 0);
    CHECK(crc_compute_bits(type, zeros) == 0);
  }
}

TEST_CASE("crc: bytes path matches long division for random messages of many lengths")
{
  std::mt19937 rng(1);
  std::vector<size_t> lengths;
  for (size_t n = 1; n <= 200; ++n) {
    lengths.push_back(n);
  }
  for (size_t n : {255, 256, 257, 1000, 1023, 4096, 4111, 20003}) {
    lengths.push_back(n);
  }
  for (crc_type type : all_types) {
    for (size_t n : lengths) {
      std::vector<uint8_t> bytes = random_bytes(rng, n);
      uint32_t expected = reference_crc(type, unpack(bytes));
      REQUIRE_MESSAGE(crc_compute_bytes(type, bytes) == expected, "type ", static_cast<int>(type), " bytes ", n);
    }
  }
}

TEST_CASE("crc: bits path matches long division and the bytes path")
{
  std::mt19937 rng(2);
  std::vector<size_t> lengths;
  for (size_t n = 1; n <= 700; n += 1) {
    lengths.push_back(n);
  }
  for (size_t n : {4095, 4096, 4097, 8191, 33000, 40003}) {
    lengths.push_back(n);
  }
  for (crc_type type : all_types) {
    for (size_t n : lengths) {
      std::vector<uint8_t> bits = random_bits(rng, n);
      REQUIRE_MESSAGE(crc_compute_bits(type, bits) == reference_crc(type, bits), "type ", static_cast<int>(type),
                      " bits ", n);
    }
    for (size_t n : {1, 7, 64, 65, 600, 5000}) {
      std::vector<uint8_t> bytes = random_bytes(rng, n);
      CHECK(crc_compute_bits(type, unpack(bytes)) == crc_compute_bytes(type, bytes));
    }
  }
}

TEST_CASE("crc: message followed by its parity bits leaves a zero remainder")
{
  std::mt19937 rng(3);
  for (crc_type type : all_types) {
    unsigned nof_parity = crc_length(type);
    for (size_t n : {1, 13, 100, 999, 12345}) {
      std::vector<uint8_t> bits = random_bits(rng, n);
      uint32_t parity = crc_compute_bits(type, bits);
      CHECK(parity < (1U << nof_parity));
      for (unsigned j = 0; j != nof_parity; ++j) {
        bits.push_back((parity >> (nof_parity - 1 - j)) & 1);
      }
      CHECK(crc_compute_bits(type, bits) == 0);
      bits[n / 2] ^= 1;
      CHECK(crc_compute_bits(type, bits) != 0);
    }
    if (nof_parity % 8 == 0) {
      std::vector<uint8_t> bytes = random_bytes(rng, 3000);
      uint32_t parity = crc_compute_bytes(type, bytes);
      for (unsigned j = nof_parity; j != 0; j -= 8) {
        bytes.push_back(static_cast<uint8_t>(parity >> (j - 8)));
      }
      CHECK(crc_compute_bytes(type, bytes) == 0);
    }
  }
}
