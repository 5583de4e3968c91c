#include "airan/phy/coding/crc.h"
#include "airan/phy/coding/crc_cuda.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

TEST_CASE("crc (cuda): bit-exact twin of crc_compute_bits for every polynomial and length")
{
  std::mt19937 rng(5);
  crc_cuda gpu({});
  for (unsigned t = 0; t != 6; ++t) {
    const auto type = static_cast<crc_type>(t);
    std::vector<std::vector<uint8_t>> messages;
    // Lengths around the slice boundaries (256 threads), a code block of K = 8448 and a large transport block.
    for (const std::size_t n : {0UL, 1UL, 23UL, 255UL, 256UL, 257UL, 8448UL, 100'001UL, 1'277'992UL}) {
      std::vector<uint8_t> bits(n);
      for (auto& b : bits) {
        b = static_cast<uint8_t>(rng() & 1U);
      }
      messages.push_back(std::move(bits));
    }
    std::vector<std::span<const uint8_t>> views(messages.begin(), messages.end());
    std::vector<uint32_t> remainders(messages.size());
    REQUIRE(gpu.compute(views, type, remainders));
    for (std::size_t i = 0; i != messages.size(); ++i) {
      CHECK(remainders[i] == crc_compute_bits(type, messages[i]));
    }
  }
}

TEST_CASE("crc (cuda): a code block with its CRC24B passes, one flipped bit fails")
{
  std::mt19937 rng(6);
  std::vector<uint8_t> cb(8448);
  for (std::size_t i = 0; i != cb.size() - 24; ++i) {
    cb[i] = static_cast<uint8_t>(rng() & 1U);
  }
  const uint32_t parity = crc_compute_bits(crc_type::crc24b, std::span(cb).first(cb.size() - 24));
  for (unsigned i = 0; i != 24; ++i) {
    cb[cb.size() - 24 + i] = static_cast<uint8_t>((parity >> (23 - i)) & 1U);
  }
  std::vector<uint8_t> corrupted = cb;
  corrupted[1234] ^= 1U;
  const std::span<const uint8_t> views[2] = {cb, corrupted};
  std::vector<uint32_t> remainders(2);
  crc_cuda gpu({});
  REQUIRE(gpu.compute(views, crc_type::crc24b, remainders));
  CHECK(remainders[0] == 0);
  CHECK(remainders[1] != 0);
}

TEST_CASE("crc (cuda): setup rejects too many messages and a null buffer")
{
  crc_cuda gpu({.max_nof_jobs = 2, .max_nof_bits = 64});
  const crc_cuda_job null_job{nullptr, 10, crc_type::crc24a};
  CHECK_FALSE(gpu.setup({&null_job, 1}));
  const crc_cuda_job empty{nullptr, 0, crc_type::crc16};
  const crc_cuda_job three[3] = {empty, empty, empty};
  CHECK_FALSE(gpu.setup(three));
  CHECK(gpu.setup({three, 2}));
}
