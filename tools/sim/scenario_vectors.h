#pragma once
/// The PUSCH test vectors of a scenario (airan tv generate): one vector per PDU and SNR point.

#include "airan/common/status.h"
#include "airan/io/testvector_generator.h"
#include "sim/scenario.h"

#include <string>
#include <vector>

namespace airan::sim {

struct named_vector_spec {
  /// File name: <scenario name>_pdu<i>_snr<dB>.h5 (a minus sign written as m).
  std::string file_name;
  io::pusch_vector_spec spec;
};

/// The vector specs of a scenario: its input (grid, time_domain or fronthaul), channel (AWGN or TDL) and SNRs for every PDU;
/// seeds derived from the scenario's seeds and the PDU and SNR indices, so every vector is reproducible on its own.
/// Carrier frequency and timing offsets are not generated yet: a scenario with either is an error.
status scenario_vector_specs(const scenario& sc, std::vector<named_vector_spec>& out);

} // namespace airan::sim
