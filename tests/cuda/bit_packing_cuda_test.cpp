#include "airan/common/bit_packing.h"
#include "airan/cuda/device.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

TEST_CASE("bit packing on the GPU matches the CPU twin")
{
  std::mt19937 rng(11);
  for (std::size_t n : {1UL, 7UL, 8UL, 9UL, 1000UL, 1UL << 20}) {
    std::vector<uint8_t> bits(n);
    for (auto& b : bits) {
      b = static_cast<uint8_t>(rng() & 1U);
    }
    std::vector<uint8_t> cpu((n + 7) / 8);
    std::vector<uint8_t> gpu((n + 7) / 8, 0xaa);
    airan::pack_bits(cpu, bits);
    const auto st = airan::cuda::pack_bits(gpu, bits);
    REQUIRE_MESSAGE(st.is_ok(), st.message());
    CHECK(gpu == cpu);
  }
}
