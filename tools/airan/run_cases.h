#pragma once
// Decoding of test-vector cases shared by `airan run` on vector files and on
// fronthaul input.

#include "airan/io/testvector.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/channel_estimator.h"

#include <string>

namespace airan::tools {

/// One row of the report.
struct case_result {
  std::string name;
  std::string kind;
  bool passed = false;
  std::string error;
  bool crc_ok = false;
  unsigned bit_errors = 0;
  float evm_percent = -1.0f;
  float sinr_db = 0.0f;
  float ldpc_iterations = 0.0f;
  float time_us = 0.0f;
};

/// "ls", "dft" or "lmmse"; throws std::invalid_argument otherwise.
phy::channel_estimator_kind parse_estimator(const std::string &name);

/// Decodes the vector's PUSCH from grid (the vector's own grid, or one
/// received) and compares the transport block with the vector's.
void run_pusch(case_result &r, const io::pusch_grid_vector &v,
               phy::channel_estimator_kind estimator,
               phy::const_grid_view grid);

} // namespace airan::tools
