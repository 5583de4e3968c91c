#pragma once
/// Parameters of one UL-SCH transport block transmission, TS 38.212 6.2.

#include "airan/common/status.h"

#include <cstdint>
#include <optional>

namespace airan::phy {

struct ulsch_config {
  /// A: transport block size in bits, TS 38.212 6.2.1 (from TS 38.214 6.1.4.2).
  unsigned tbs;
  /// R: target code rate of the MCS, for the LDPC base graph selection of TS 38.212 6.2.2.
  float target_code_rate;
  /// Q_m: modulation order, 1, 2, 4, 6 or 8.
  unsigned modulation_order;
  /// N_L: number of transmission layers, 1..4.
  unsigned nof_layers;
  /// G: number of coded bits available for the UL-SCH in the slot, TS 38.212 6.2.7.
  unsigned nof_coded_bits;
  /// rv_id: redundancy version 0..3, TS 38.212 5.4.2.1.
  unsigned rv;
  /// TBS_LBRM for limited buffer rate matching (TS 38.212 6.2.5); none: full circular buffer.
  std::optional<unsigned> tbs_lbrm;
};

/// Largest effective code rate the chain accepts ((A + CRC bits) / G), after TS 38.214 6.1.4.2's 0.95 limit.
inline constexpr float ulsch_max_effective_code_rate = 0.95f;

} // namespace airan::phy
