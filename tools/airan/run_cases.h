#pragma once
// airan run: the check of each test-vector kind (testvectors/FORMAT.md), shared by `airan run` on vector files and on
// fronthaul input.

#include "airan/io/testvector.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/channel_estimator.h"

#include <string>
#include <vector>

namespace airan::tools {

/// A comparison with a reference: max_relative_error() against the vector's tolerance.
struct reference_check {
  std::string name;
  double error = 0.0;
  double tolerance = 0.0;
  bool passed() const { return error <= tolerance; }
};

/// One row of the report.
struct case_result {
  std::string name;
  std::string kind;
  bool passed = false;
  std::string error;
  /// Whether the case decodes a transport block (CRC, EVM and SINR apply).
  bool has_crc = false;
  bool crc_ok = false;
  unsigned bit_errors = 0;
  float evm_percent = -1.0f;
  float sinr_db = 0.0f;
  float ldpc_iterations = 0.0f;
  float time_us = 0.0f;
  std::vector<reference_check> checks;
};

/// Reads the vector at path, runs the blocks its kind names and compares with its expectations; fills r (r.error
/// when it cannot be read or run).
void run_case(case_result& r, const std::string& path, phy::channel_estimator_kind estimator);

/// "ls", "dft" or "lmmse"; throws std::invalid_argument otherwise.
phy::channel_estimator_kind parse_estimator(const std::string& name);

/// Decodes the vector's PUSCH from grid (a BWP grid received some other way, e.g. assembled from fronthaul packets)
/// and compares the transport block with the vector's; the vector's intermediate references are not checked.
void run_pusch(case_result& r, const io::pusch_vector& v, phy::channel_estimator_kind estimator,
               phy::const_grid_view grid);

} // namespace airan::tools
