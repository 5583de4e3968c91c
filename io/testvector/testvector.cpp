#include "airan/io/testvector.h"

#include "airan/io/hdf5_file.h"

#include <map>

namespace airan::io {

namespace {

/// Reads attributes, keeping the first error so a loader can read everything and check once.
class attribute_reader {
public:
  attribute_reader(const hdf5_file& f, status& error) : f_(f), error_(error) {}

  uint32_t u32(const std::string& name)
  {
    uint32_t value = 0;
    keep(f_.read_attribute(name, value));
    return value;
  }
  double f64(const std::string& name)
  {
    double value = 0;
    keep(f_.read_attribute(name, value));
    return value;
  }
  std::string text(const std::string& name)
  {
    std::string value;
    keep(f_.read_attribute(name, value));
    return value;
  }
  void keep(status s)
  {
    if (error_.is_ok() && !s.is_ok()) {
      error_ = std::move(s);
    }
  }

private:
  const hdf5_file& f_;
  status& error_;
};

status open_kind(const std::string& path, hdf5_file& f, const std::string& expected_kind)
{
  if (auto s = hdf5_file::open(path, f); !s) {
    return s;
  }
  std::string kind;
  if (auto s = read_testvector_kind(path, kind); !s) {
    return s;
  }
  if (kind != expected_kind) {
    return status::error(path + ": kind '" + kind + "', expected '" + expected_kind + "'");
  }
  return status::ok();
}

status check_bits(const std::string& path, const std::string& name, const std::vector<uint8_t>& bits,
                  std::size_t expected)
{
  if (bits.size() != expected) {
    return status::error(path + ": dataset '" + name + "' holds " + std::to_string(bits.size()) + " values, " +
                         std::to_string(expected) + " expected");
  }
  for (uint8_t b : bits) {
    if (b > 1) {
      return status::error(path + ": dataset '" + name + "' holds values other than 0 and 1");
    }
  }
  return status::ok();
}

} // namespace

status read_testvector_kind(const std::string& path, std::string& kind)
{
  hdf5_file f;
  if (auto s = hdf5_file::open(path, f); !s) {
    return s;
  }
  uint32_t version = 0;
  if (auto s = f.read_attribute("schema_version", version); !s) {
    return s;
  }
  if (version != testvector_schema_version) {
    return status::error(path + ": schema_version " + std::to_string(version) + " is not supported (this airan reads " +
                         std::to_string(testvector_schema_version) + ")");
  }
  return f.read_attribute("kind", kind);
}

status load_ulsch_coding_vector(const std::string& path, ulsch_coding_vector& out)
{
  hdf5_file f;
  if (auto s = open_kind(path, f, "ulsch_coding"); !s) {
    return s;
  }
  status error;
  attribute_reader a(f, error);
  out.config.tbs = a.u32("tbs");
  out.config.nof_coded_bits = a.u32("nof_coded_bits");
  out.config.target_code_rate = static_cast<float>(a.f64("target_code_rate"));
  out.config.modulation_order = a.u32("modulation_order");
  out.config.nof_layers = a.u32("nof_layers");
  out.config.rv = a.u32("rv");
  out.config.tbs_lbrm.reset();
  out.rnti = a.u32("rnti");
  out.n_id = a.u32("n_id");
  a.keep(f.read_dataset("tb_bits", out.tb_bits));
  a.keep(f.read_dataset("coded_bits", out.coded_bits));
  a.keep(f.read_dataset("scrambled_bits", out.scrambled_bits));
  if (!error) {
    return error;
  }
  if (out.rnti > 65535 || out.n_id > 1023) {
    return status::error(path + ": rnti or n_id out of range");
  }
  a.keep(check_bits(path, "tb_bits", out.tb_bits, out.config.tbs));
  a.keep(check_bits(path, "coded_bits", out.coded_bits, out.config.nof_coded_bits));
  a.keep(check_bits(path, "scrambled_bits", out.scrambled_bits, out.config.nof_coded_bits));
  return error;
}

status load_pusch_grid_vector(const std::string& path, pusch_grid_vector& out)
{
  hdf5_file f;
  if (auto s = open_kind(path, f, "pusch_grid"); !s) {
    return s;
  }
  status error;
  attribute_reader a(f, error);
  const auto u32 = [&a](const std::string& name) { return a.u32(name); };
  const auto text = [&a](const std::string& name) { return a.text(name); };
  out.carrier.cell_id = u32("cell_id");
  out.carrier.numerology = u32("numerology");
  out.carrier.cp = text("cyclic_prefix") == "normal" ? phy::cyclic_prefix::normal : phy::cyclic_prefix::extended;
  out.carrier.nof_prb = u32("carrier_nof_prb");
  out.carrier.bwp_start = u32("bwp_start");
  out.carrier.bwp_size = u32("bwp_size");

  phy::pusch_pdu& pdu = out.pdu;
  pdu.rnti = u32("rnti");
  pdu.n_id = u32("n_id");
  pdu.slot = u32("slot");
  pdu.prb_start = u32("prb_start");
  pdu.nof_prb = u32("nof_prb");
  pdu.start_symbol = u32("start_symbol");
  pdu.nof_symbols = u32("nof_symbols");
  pdu.mapping = text("mapping_type") == "A" ? phy::pusch_mapping_type::type_a : phy::pusch_mapping_type::type_b;
  pdu.nof_layers = u32("nof_layers");
  pdu.nof_antenna_ports = u32("nof_antenna_ports");
  pdu.precoding =
      text("precoding") == "codebook" ? phy::pusch_precoding::codebook : phy::pusch_precoding::non_codebook;
  pdu.tpmi = u32("tpmi");
  pdu.transform_precoding = u32("transform_precoding") != 0;
  pdu.dmrs.config_type = u32("dmrs_config_type");
  pdu.dmrs.max_length = u32("dmrs_length");
  pdu.dmrs.additional_position = u32("dmrs_additional_position");
  pdu.dmrs.type_a_position = u32("dmrs_type_a_position");
  pdu.dmrs.scrambling_id = {u32("dmrs_scrambling_id0"), u32("dmrs_scrambling_id1")};
  pdu.dmrs.n_scid = u32("dmrs_n_scid");
  pdu.dmrs.nof_cdm_groups_without_data = u32("dmrs_nof_cdm_groups_without_data");
  pdu.dmrs.n_id_rs = u32("dmrs_n_id_rs");
  std::vector<uint8_t> ports;
  if (auto s = f.read_dataset("dmrs_ports", ports); !s) {
    return s;
  }
  if (ports.size() != pdu.nof_layers || ports.size() > pdu.dmrs.ports.size()) {
    return status::error(path + ": dataset 'dmrs_ports' must hold one port per layer");
  }
  for (std::size_t j = 0; j < ports.size(); ++j) {
    pdu.dmrs.ports[j] = ports[j];
  }
  const std::map<std::string, phy::mcs_table> tables = {
      {"qam64", phy::mcs_table::qam64}, {"qam256", phy::mcs_table::qam256}, {"qam64_low_se", phy::mcs_table::qam64_low_se}};
  const auto table = tables.find(text("mcs_table"));
  if (table == tables.end()) {
    return error.is_ok() ? status::error(path + ": unknown mcs_table") : error;
  }
  pdu.table = table->second;
  pdu.mcs = u32("mcs");
  pdu.rv = u32("rv");

  out.tbs = u32("tbs");
  if (!error) {
    return error;
  }
  a.keep(f.read_dataset("tb_bits", out.tb_bits));
  std::vector<float> values;
  std::vector<std::size_t> shape;
  a.keep(f.read_dataset("grid", values, shape));
  if (!error) {
    return error;
  }
  if (auto s = check_bits(path, "tb_bits", out.tb_bits, out.tbs); !s) {
    return s;
  }
  if (shape.size() != 4 || shape[3] != 2 || shape[0] == 0 || shape[0] > 16 || shape[1] == 0 || shape[1] > 14 ||
      shape[2] == 0 || shape[2] > 12 * 275) {
    return status::error(path + ": dataset 'grid' must be [port][symbol][subcarrier][2] within 16 x 14 x 3300");
  }
  out.nof_ports = static_cast<unsigned>(shape[0]);
  out.nof_symbols = static_cast<unsigned>(shape[1]);
  out.nof_subcarriers = static_cast<unsigned>(shape[2]);
  out.grid.resize(values.size() / 2);
  for (std::size_t i = 0; i < out.grid.size(); ++i) {
    out.grid[i] = {values[2 * i], values[2 * i + 1]};
  }
  return status::ok();
}

} // namespace airan::io
