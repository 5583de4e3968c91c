#pragma once
// Loader of the PUSCH reference grids in testvectors/pusch/ (kind "pusch_grid", testvectors/FORMAT.md), for tests.
#include "airan/io/hdf5_file.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

namespace airan::phy::test {

struct pusch_vector {
  carrier_config carrier;
  pusch_pdu pdu;
  uint32_t tbs = 0;
  uint32_t modulation_order = 0;
  std::vector<uint8_t> tb_bits;
  std::vector<float> grid;
  std::vector<std::size_t> shape;
};

inline uint32_t attribute(const io::hdf5_file& f, const std::string& name)
{
  uint32_t value = 0;
  const status s = f.read_attribute(name, value);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return value;
}

inline std::string text_attribute(const io::hdf5_file& f, const std::string& name)
{
  std::string value;
  const status s = f.read_attribute(name, value);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return value;
}

inline pusch_vector load_pusch_vector(const std::string& name)
{
  io::hdf5_file f;
  const std::string path = std::string(AIRAN_TESTVECTOR_DIR) + "/pusch/" + name + ".h5";
  REQUIRE_MESSAGE(io::hdf5_file::open(path, f).is_ok(), path);
  REQUIRE(attribute(f, "schema_version") == 1);
  REQUIRE(text_attribute(f, "kind") == "pusch_grid");

  pusch_vector v;
  v.carrier.cell_id = attribute(f, "cell_id");
  v.carrier.numerology = attribute(f, "numerology");
  v.carrier.cp = text_attribute(f, "cyclic_prefix") == "normal" ? cyclic_prefix::normal : cyclic_prefix::extended;
  v.carrier.nof_prb = attribute(f, "carrier_nof_prb");
  v.carrier.bwp_start = attribute(f, "bwp_start");
  v.carrier.bwp_size = attribute(f, "bwp_size");

  pusch_pdu& pdu = v.pdu;
  pdu.rnti = attribute(f, "rnti");
  pdu.n_id = attribute(f, "n_id");
  pdu.slot = attribute(f, "slot");
  pdu.prb_start = attribute(f, "prb_start");
  pdu.nof_prb = attribute(f, "nof_prb");
  pdu.start_symbol = attribute(f, "start_symbol");
  pdu.nof_symbols = attribute(f, "nof_symbols");
  pdu.mapping = text_attribute(f, "mapping_type") == "A" ? pusch_mapping_type::type_a : pusch_mapping_type::type_b;
  pdu.nof_layers = attribute(f, "nof_layers");
  pdu.nof_antenna_ports = attribute(f, "nof_antenna_ports");
  pdu.precoding =
      text_attribute(f, "precoding") == "codebook" ? pusch_precoding::codebook : pusch_precoding::non_codebook;
  pdu.tpmi = attribute(f, "tpmi");
  pdu.transform_precoding = attribute(f, "transform_precoding") != 0;
  pdu.dmrs.config_type = attribute(f, "dmrs_config_type");
  pdu.dmrs.max_length = attribute(f, "dmrs_length");
  pdu.dmrs.additional_position = attribute(f, "dmrs_additional_position");
  pdu.dmrs.type_a_position = attribute(f, "dmrs_type_a_position");
  pdu.dmrs.scrambling_id = {attribute(f, "dmrs_scrambling_id0"), attribute(f, "dmrs_scrambling_id1")};
  pdu.dmrs.n_scid = attribute(f, "dmrs_n_scid");
  pdu.dmrs.nof_cdm_groups_without_data = attribute(f, "dmrs_nof_cdm_groups_without_data");
  pdu.dmrs.n_id_rs = attribute(f, "dmrs_n_id_rs");
  std::vector<uint8_t> ports;
  REQUIRE(f.read_dataset("dmrs_ports", ports).is_ok());
  REQUIRE(ports.size() == pdu.nof_layers);
  for (std::size_t j = 0; j < ports.size(); ++j) {
    pdu.dmrs.ports[j] = ports[j];
  }
  const std::map<std::string, mcs_table> tables = {
      {"qam64", mcs_table::qam64}, {"qam256", mcs_table::qam256}, {"qam64_low_se", mcs_table::qam64_low_se}};
  pdu.table = tables.at(text_attribute(f, "mcs_table"));
  pdu.mcs = attribute(f, "mcs");
  pdu.rv = attribute(f, "rv");

  v.tbs = attribute(f, "tbs");
  v.modulation_order = attribute(f, "modulation_order");
  REQUIRE(f.read_dataset("tb_bits", v.tb_bits).is_ok());
  const status s = f.read_dataset("grid", v.grid, v.shape);
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
