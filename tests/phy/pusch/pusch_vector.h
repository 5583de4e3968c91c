#pragma once
// The PUSCH reference grids of testvectors/pusch/ (kind "pusch_grid") for tests.
#include "airan/io/testvector.h"

#include <doctest/doctest.h>

#include <string>

namespace airan::phy::test {

using pusch_vector = io::pusch_vector;

inline pusch_vector load_pusch_vector(const std::string& name)
{
  pusch_vector v;
  const std::string path = std::string(AIRAN_TESTVECTOR_DIR) + "/pusch/" + name + ".h5";
  const status s = io::load_pusch_vector(path, v);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return v;
}

/// Name of reference case n: case_00 .. case_41.
inline std::string pusch_case_name(unsigned n)
{
  return (n < 10 ? "case_0" : "case_") + std::to_string(n);
}

inline constexpr unsigned nof_pusch_cases = 42;

} // namespace airan::phy::test
