#pragma once
/// Readers of the airan test-vector kinds of testvectors/FORMAT.md. Every failure (missing file, unknown schema
/// version or kind, missing or malformed attribute or dataset) is a status naming the file and the item.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/pusch/pusch_pdu.h"
#include "airan/phy/ulsch/ulsch_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace airan::io {

/// Schema versions this reader understands.
inline constexpr uint32_t testvector_schema_version = 1;

/// Reads the root attributes schema_version (checked) and kind of a vector.
status read_testvector_kind(const std::string& path, std::string& kind);

/// kind "ulsch_coding": one UL-SCH transport block with its coded and scrambled bits.
struct ulsch_coding_vector {
  phy::ulsch_config config{};
  uint32_t rnti = 0;
  uint32_t n_id = 0;
  std::vector<uint8_t> tb_bits;
  std::vector<uint8_t> coded_bits;
  std::vector<uint8_t> scrambled_bits;
};
status load_ulsch_coding_vector(const std::string& path, ulsch_coding_vector& out);

/// kind "pusch_grid": one PUSCH in a frequency-domain grid [port][symbol][subcarrier] with its transport block.
struct pusch_grid_vector {
  phy::carrier_config carrier{};
  phy::pusch_pdu pdu{};
  uint32_t tbs = 0;
  std::vector<uint8_t> tb_bits;
  unsigned nof_ports = 0;
  unsigned nof_symbols = 0;
  unsigned nof_subcarriers = 0;
  std::vector<cf_t> grid;
};
status load_pusch_grid_vector(const std::string& path, pusch_grid_vector& out);

} // namespace airan::io
