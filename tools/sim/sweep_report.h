#pragma once
/// Sweep results as JSON (what shards exchange and `airan sweep merge` reads)
/// and CSV; the fields are described in testvectors/SCENARIO.md.

#include "sim/sweep.h"

#include "airan/common/status.h"

#include <string>
#include <string_view>

namespace airan::sim {

/// JSON with the identity of the sweep, the counters of every point and,
/// derived from them, BLER (first transmission and residual) with 95 % Wilson
/// intervals, throughput fraction and the SNR at 70 % throughput.
std::string sweep_to_json(const sweep_result &result);

/// Reads what sweep_to_json() writes (the derived values are ignored); the
/// message names the missing or wrong field.
status sweep_from_json(std::string_view text, sweep_result &out);

/// One line per SNR point: snr_db, slots, blocks, first-transmission errors,
/// BLER with its interval, residual errors and BLER, mean transmissions per
/// block, throughput fraction.
std::string sweep_to_csv(const sweep_result &result);

} // namespace airan::sim
