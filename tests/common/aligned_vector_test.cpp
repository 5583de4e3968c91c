#include "airan/common/aligned_vector.h"
#include "airan/common/complex.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

TEST_CASE("aligned_vector: data starts on a 64-byte boundary at every size and after growing")
{
  for (const std::size_t n : {1U, 3U, 7U, 8U, 61504U}) {
    CAPTURE(n);
    // A few allocations in a row, so that one lucky address does not pass the check.
    std::vector<airan::aligned_vector<airan::cf_t>> buffers;
    for (int i = 0; i != 4; ++i) {
      buffers.emplace_back(n, airan::cf_t{1.0F, -1.0F});
      CHECK(reinterpret_cast<std::uintptr_t>(buffers.back().data()) % 64 == 0);
      CHECK(buffers.back().size() == n);
      CHECK(buffers.back()[n - 1] == airan::cf_t{1.0F, -1.0F});
    }
    buffers[0].resize(3 * n + 5);
    CHECK(reinterpret_cast<std::uintptr_t>(buffers[0].data()) % 64 == 0);
    CHECK(buffers[0][n - 1] == airan::cf_t{1.0F, -1.0F});
  }
  airan::aligned_vector<uint8_t> bytes(17);
  CHECK(reinterpret_cast<std::uintptr_t>(bytes.data()) % 64 == 0);
}
