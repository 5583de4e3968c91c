#include "airan/phy/coding/scrambling.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

using namespace airan::phy;

namespace {

/// c(0 .. length-1) computed one value at a time, exactly as written in TS 38.211 5.2.1.
std::vector<uint8_t> reference_sequence(size_t length, uint32_t c_init)
{
  constexpr size_t n_c = 1600;
  std::vector<uint8_t> x1(length + n_c + 31, 0);
  std::vector<uint8_t> x2(length + n_c + 31, 0);
  x1[0] = 1;
  for (size_t i = 0; i != 31; ++i) {
    x2[i] = (c_init >> i) & 1;
  }
  for (size_t n = 0; n + 31 < x1.size(); ++n) {
    x1[n + 31] = (x1[n + 3] + x1[n]) % 2;
    x2[n + 31] = (x2[n + 3] + x2[n + 2] + x2[n + 1] + x2[n]) % 2;
  }
  std::vector<uint8_t> c(length);
  for (size_t n = 0; n != length; ++n) {
    c[n] = (x1[n + n_c] + x2[n + n_c]) % 2;
  }
  return c;
}

std::vector<uint32_t> test_c_inits()
{
  std::vector<uint32_t> c_inits = {0, 1, 2, 0x7fffffff, 0x40000000, 0x55555555, pusch_scrambling_cinit(0xffff, 1023)};
  std::mt19937 rng(11);
  for (int i = 0; i != 40; ++i) {
    c_inits.push_back(rng() & 0x7fffffff);
  }
  return c_inits;
}

constexpr size_t test_lengths[] = {0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 1000, 4097, 12345};

} // namespace

TEST_CASE("scrambling: PUSCH c_init of TS 38.211 6.3.1.1")
{
  CHECK(pusch_scrambling_cinit(0, 0) == 0);
  CHECK(pusch_scrambling_cinit(1, 0) == 32768);
  CHECK(pusch_scrambling_cinit(0x1234, 341) == 0x1234U * 32768U + 341U);
  CHECK(pusch_scrambling_cinit(0xffff, 1023) == 65535U * 32768U + 1023U);
}

TEST_CASE("scrambling: Gold sequence matches the bit-by-bit LFSRs of TS 38.211 5.2.1")
{
  for (uint32_t c_init : test_c_inits()) {
    for (size_t length : test_lengths) {
      std::vector<uint8_t> c(length, 0xee);
      generate_gold_sequence(c, c_init);
      REQUIRE_MESSAGE(c == reference_sequence(length, c_init), "c_init ", c_init, " length ", length);
    }
  }
}

TEST_CASE("scrambling: scramble_bits adds the sequence, twice is the identity")
{
  std::mt19937 rng(12);
  for (uint32_t c_init : test_c_inits()) {
    for (size_t length : test_lengths) {
      std::vector<uint8_t> bits(length);
      for (auto& b : bits) {
        b = rng() & 1;
      }
      std::vector<uint8_t> scrambled = bits;
      scramble_bits(scrambled, c_init);
      std::vector<uint8_t> c = reference_sequence(length, c_init);
      for (size_t i = 0; i != length; ++i) {
        REQUIRE(scrambled[i] == (bits[i] ^ c[i]));
      }
      scramble_bits(scrambled, c_init);
      REQUIRE(scrambled == bits);
    }
  }
}

TEST_CASE("scrambling: descramble_llrs undoes scramble_bits on LLRs")
{
  std::mt19937 rng(13);
  std::uniform_int_distribution<int> magnitude(0, 127);
  for (uint32_t c_init : test_c_inits()) {
    for (size_t length : test_lengths) {
      std::vector<uint8_t> bits(length);
      std::vector<int8_t> llrs(length);
      for (size_t i = 0; i != length; ++i) {
        bits[i] = rng() & 1;
        // Positive LLR means bit 0; magnitudes include 0 and 127.
        int m = magnitude(rng);
        llrs[i] = static_cast<int8_t>(bits[i] != 0 ? -m : m);
      }
      std::vector<uint8_t> scrambled = bits;
      scramble_bits(scrambled, c_init);
      // LLRs of the scrambled bits, with the same magnitudes.
      std::vector<int8_t> received(length);
      for (size_t i = 0; i != length; ++i) {
        received[i] = static_cast<int8_t>(scrambled[i] != bits[i] ? -llrs[i] : llrs[i]);
      }
      descramble_llrs(received, c_init);
      REQUIRE(received == llrs);
    }
  }
}
