#pragma once
// The slot of a fronthaul vector's capture, for pusch_vector_grid().

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/io/testvector.h"

#include <vector>

namespace airan::io::detail {

/// Assembles the capture at v.pcap_path and copies the first complete slot with the PDU's slot number into grid.
status capture_grid(const pusch_vector& v, std::vector<cf_t>& grid);

} // namespace airan::io::detail
