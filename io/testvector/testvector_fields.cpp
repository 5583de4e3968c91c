#include "testvector_fields.h"

#include <algorithm>
#include <iterator>
#include <map>

namespace airan::io::detail {

namespace {

std::string shape_text(const std::vector<std::size_t>& shape)
{
  std::string text;
  for (std::size_t d : shape) {
    text += '[';
    text += std::to_string(d);
    text += ']';
  }
  return text;
}

status check_shape(const std::string& path, const std::string& name, const std::vector<std::size_t>& actual,
                   const std::vector<std::size_t>& expected)
{
  if (actual != expected) {
    return status::error(path + ": dataset '" + name + "' has shape " + shape_text(actual) + ", expected " +
                         shape_text(expected));
  }
  return status::ok();
}

/// The most values read from one dataset, whatever a file's attributes say its datasets hold: about three times the
/// largest dataset of a valid vector (the channel estimate of 16 ports, 4 layers, 14 symbols and 275 PRB: 5.9 M).
constexpr std::size_t max_dataset_values = std::size_t{1} << 24;

/// The number of values of a dataset of this shape, at most max_dataset_values: the largest number a read may
/// allocate.
std::size_t nof_values(const std::vector<std::size_t>& shape)
{
  std::size_t n = 1;
  for (std::size_t d : shape) {
    n = d != 0 && n > max_dataset_values / d ? max_dataset_values : n * d;
  }
  return std::min(n, max_dataset_values);
}

std::vector<cf_t> to_complex(const std::vector<float>& values)
{
  std::vector<cf_t> out(values.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = {values[2 * i], values[2 * i + 1]};
  }
  return out;
}

} // namespace

uint32_t field_reader::u32(const std::string& name)
{
  uint32_t value = 0;
  keep(f_.read_attribute(name, value));
  return value;
}

double field_reader::f64(const std::string& name)
{
  double value = 0;
  keep(f_.read_attribute(name, value));
  return value;
}

std::string field_reader::text(const std::string& name)
{
  std::string value;
  keep(f_.read_attribute(name, value));
  return value;
}

unsigned field_reader::choice(const std::string& name, std::initializer_list<const char*> choices)
{
  std::string value;
  if (auto s = f_.read_attribute(name, value); !s) {
    keep(std::move(s));
    return 0;
  }
  unsigned index = 0;
  std::string known;
  for (const char* c : choices) {
    if (value == c) {
      return index;
    }
    known += (index == 0 ? "" : ", ") + std::string(c);
    ++index;
  }
  keep(status::error(path() + ": attribute '" + name + "' is '" + value + "', expected one of " + known));
  return 0;
}

std::vector<uint8_t> field_reader::bits(const std::string& name, std::size_t count)
{
  std::vector<uint8_t> values;
  std::vector<std::size_t> shape;
  if (auto s = f_.read_dataset(name, values, shape, nof_values({count})); !s) {
    keep(std::move(s));
    return {};
  }
  if (auto s = check_shape(path(), name, shape, {count}); !s) {
    keep(std::move(s));
    return {};
  }
  if (std::any_of(values.begin(), values.end(), [](uint8_t b) { return b > 1; })) {
    keep(status::error(path() + ": dataset '" + name + "' holds values other than 0 and 1"));
    return {};
  }
  return values;
}

template <typename T>
std::vector<T> field_reader::shaped(const std::string& name, const std::vector<std::size_t>& expected)
{
  std::vector<T> values;
  std::vector<std::size_t> shape;
  if (auto s = f_.read_dataset(name, values, shape, nof_values(expected)); !s) {
    keep(std::move(s));
    return {};
  }
  if (auto s = check_shape(path(), name, shape, expected); !s) {
    keep(std::move(s));
    return {};
  }
  return values;
}

std::vector<int8_t> field_reader::int8s(const std::string& name, const std::vector<std::size_t>& expected)
{
  return shaped<int8_t>(name, expected);
}

std::vector<float> field_reader::floats(const std::string& name, const std::vector<std::size_t>& expected)
{
  return shaped<float>(name, expected);
}

std::vector<cf_t> field_reader::complexes(const std::string& name, const std::vector<std::size_t>& expected)
{
  std::vector<std::size_t> with_pair = expected;
  with_pair.push_back(2);
  return to_complex(floats(name, with_pair));
}

std::vector<cf_t> field_reader::complexes_within(const std::string& name, const std::vector<std::size_t>& max_shape,
                                                 std::vector<std::size_t>& shape)
{
  std::vector<float> values;
  std::vector<std::size_t> actual;
  std::vector<std::size_t> limit = max_shape;
  limit.push_back(2);
  if (auto s = f_.read_dataset(name, values, actual, nof_values(limit)); !s) {
    keep(std::move(s));
    return {};
  }
  bool fits = actual.size() == max_shape.size() + 1 && actual.back() == 2;
  for (std::size_t d = 0; fits && d < max_shape.size(); ++d) {
    fits = actual[d] >= 1 && actual[d] <= max_shape[d];
  }
  if (!fits) {
    keep(status::error(path() + ": dataset '" + name + "' has shape " + shape_text(actual) + ", expected within " +
                       shape_text(limit)));
    return {};
  }
  shape.assign(actual.begin(), actual.end() - 1);
  return to_complex(values);
}

std::optional<tv_reference<cf_t>> field_reader::complex_reference(const std::string& name,
                                                                  const std::vector<std::size_t>& shape)
{
  if (!f_.has_dataset(name)) {
    return std::nullopt;
  }
  tv_reference<cf_t> ref{complexes(name, shape), shape, f64(name + "_tolerance")};
  return ref;
}

std::optional<tv_reference<int8_t>> field_reader::int8_reference(const std::string& name,
                                                                 const std::vector<std::size_t>& shape)
{
  if (!f_.has_dataset(name)) {
    return std::nullopt;
  }
  tv_reference<int8_t> ref{int8s(name, shape), shape, f64(name + "_tolerance")};
  return ref;
}

void field_writer::complexes(const std::string& name, std::span<const cf_t> values, std::vector<std::size_t> shape)
{
  shape.push_back(2);
  keep(w_.write_dataset(name, std::span<const float>(reinterpret_cast<const float*>(values.data()), 2 * values.size()),
                        shape));
}

void field_writer::complex_reference(const std::string& name, const std::optional<tv_reference<cf_t>>& ref)
{
  if (ref) {
    complexes(name, ref->values, ref->shape);
    f64(name + "_tolerance", ref->tolerance);
  }
}

void field_writer::int8_reference(const std::string& name, const std::optional<tv_reference<int8_t>>& ref)
{
  if (ref) {
    int8s(name, ref->values, ref->shape);
    f64(name + "_tolerance", ref->tolerance);
  }
}

status open_vector(const std::string& path, hdf5_file& f, std::initializer_list<const char*> kinds, std::string& kind)
{
  if (auto s = read_testvector_kind(path, kind); !s) {
    return s;
  }
  std::string expected;
  for (const char* k : kinds) {
    if (kind == k) {
      return hdf5_file::open(path, f);
    }
    expected += (expected.empty() ? "'" : " or '") + std::string(k) + "'";
  }
  return status::error(path + ": kind '" + kind + "', expected " + expected);
}

status create_vector(const std::string& path, hdf5_writer& w, const std::string& kind, const std::string& source)
{
  if (auto s = hdf5_writer::create(path, w); !s) {
    return s;
  }
  first_error e;
  e.keep(w.write_attribute("schema_version", testvector_schema_version));
  e.keep(w.write_attribute("kind", kind));
  e.keep(w.write_attribute("source", source));
  return e.get();
}

status finish_vector(hdf5_writer& w, const first_error& fields)
{
  if (!fields.ok()) {
    return fields.get();
  }
  return w.close();
}

void read_pusch_config(field_reader& r, phy::carrier_config& carrier, phy::pusch_pdu& pdu)
{
  carrier.cell_id = r.u32("cell_id");
  carrier.numerology = r.u32("numerology");
  carrier.cp = r.choice("cyclic_prefix", {"normal", "extended"}) == 0 ? phy::cyclic_prefix::normal
                                                                      : phy::cyclic_prefix::extended;
  carrier.nof_prb = r.u32("carrier_nof_prb");
  carrier.bwp_start = r.u32("bwp_start");
  carrier.bwp_size = r.u32("bwp_size");
  if (r.file().has_attribute("center_frequency_hz")) {
    carrier.center_frequency_hz = r.f64("center_frequency_hz");
  }

  pdu.rnti = r.u32("rnti");
  pdu.n_id = r.u32("n_id");
  pdu.slot = r.u32("slot");
  pdu.prb_start = r.u32("prb_start");
  pdu.nof_prb = r.u32("nof_prb");
  pdu.start_symbol = r.u32("start_symbol");
  pdu.nof_symbols = r.u32("nof_symbols");
  pdu.mapping =
      r.choice("mapping_type", {"A", "B"}) == 0 ? phy::pusch_mapping_type::type_a : phy::pusch_mapping_type::type_b;
  pdu.nof_layers = r.u32("nof_layers");
  pdu.nof_antenna_ports = r.u32("nof_antenna_ports");
  pdu.precoding = r.choice("precoding", {"non_codebook", "codebook"}) == 0 ? phy::pusch_precoding::non_codebook
                                                                           : phy::pusch_precoding::codebook;
  pdu.tpmi = r.u32("tpmi");
  pdu.transform_precoding = r.u32("transform_precoding") != 0;
  if (r.file().has_attribute("tp_pi2_bpsk")) {
    pdu.tp_pi2_bpsk = r.u32("tp_pi2_bpsk") != 0;
  }
  pdu.dmrs.config_type = r.u32("dmrs_config_type");
  pdu.dmrs.max_length = r.u32("dmrs_length");
  pdu.dmrs.additional_position = r.u32("dmrs_additional_position");
  pdu.dmrs.type_a_position = r.u32("dmrs_type_a_position");
  pdu.dmrs.scrambling_id = {r.u32("dmrs_scrambling_id0"), r.u32("dmrs_scrambling_id1")};
  pdu.dmrs.n_scid = r.u32("dmrs_n_scid");
  pdu.dmrs.nof_cdm_groups_without_data = r.u32("dmrs_nof_cdm_groups_without_data");
  pdu.dmrs.n_id_rs = r.u32("dmrs_n_id_rs");
  if (r.file().has_attribute("dmrs_low_papr_hopping")) {
    static constexpr phy::low_papr_hopping hoppings[] = {phy::low_papr_hopping::neither, phy::low_papr_hopping::group,
                                                         phy::low_papr_hopping::sequence};
    pdu.dmrs.group_or_sequence_hopping = hoppings[r.choice("dmrs_low_papr_hopping", {"neither", "group", "sequence"})];
  }
  static constexpr phy::mcs_table tables[] = {phy::mcs_table::qam64, phy::mcs_table::qam256,
                                              phy::mcs_table::qam64_low_se, phy::mcs_table::tp_qam64,
                                              phy::mcs_table::tp_qam64_low_se};
  pdu.table = tables[r.choice("mcs_table", {"qam64", "qam256", "qam64_low_se", "tp_qam64", "tp_qam64_low_se"})];
  pdu.mcs = r.u32("mcs");
  pdu.rv = r.u32("rv");
  if (!r.ok()) {
    return;
  }
  if (pdu.nof_layers == 0 || pdu.nof_layers > pdu.dmrs.ports.size()) {
    r.keep(status::error(r.path() + ": attribute 'nof_layers' must be 1.." + std::to_string(pdu.dmrs.ports.size())));
    return;
  }
  const auto ports = r.int8s("dmrs_ports", {pdu.nof_layers});
  for (std::size_t j = 0; j < ports.size(); ++j) {
    pdu.dmrs.ports[j] = static_cast<unsigned>(ports[j]);
  }
}

void write_pusch_config(field_writer& w, const phy::carrier_config& carrier, const phy::pusch_pdu& pdu)
{
  w.u32("cell_id", carrier.cell_id);
  w.u32("numerology", carrier.numerology);
  w.text("cyclic_prefix", carrier.cp == phy::cyclic_prefix::normal ? "normal" : "extended");
  w.u32("carrier_nof_prb", carrier.nof_prb);
  w.u32("bwp_start", carrier.bwp_start);
  w.u32("bwp_size", carrier.bwp_size);
  w.f64("center_frequency_hz", carrier.center_frequency_hz);
  w.u32("rnti", pdu.rnti);
  w.u32("n_id", pdu.n_id);
  w.u32("slot", pdu.slot);
  w.u32("prb_start", pdu.prb_start);
  w.u32("nof_prb", pdu.nof_prb);
  w.u32("start_symbol", pdu.start_symbol);
  w.u32("nof_symbols", pdu.nof_symbols);
  w.text("mapping_type", pdu.mapping == phy::pusch_mapping_type::type_a ? "A" : "B");
  w.u32("nof_layers", pdu.nof_layers);
  w.u32("nof_antenna_ports", pdu.nof_antenna_ports);
  w.text("precoding", pdu.precoding == phy::pusch_precoding::codebook ? "codebook" : "non_codebook");
  w.u32("tpmi", pdu.tpmi);
  w.u32("transform_precoding", pdu.transform_precoding ? 1 : 0);
  w.u32("tp_pi2_bpsk", pdu.tp_pi2_bpsk ? 1 : 0);
  w.u32("dmrs_config_type", pdu.dmrs.config_type);
  w.u32("dmrs_length", pdu.dmrs.max_length);
  w.u32("dmrs_additional_position", pdu.dmrs.additional_position);
  w.u32("dmrs_type_a_position", pdu.dmrs.type_a_position);
  w.u32("dmrs_scrambling_id0", pdu.dmrs.scrambling_id[0]);
  w.u32("dmrs_scrambling_id1", pdu.dmrs.scrambling_id[1]);
  w.u32("dmrs_n_scid", pdu.dmrs.n_scid);
  w.u32("dmrs_nof_cdm_groups_without_data", pdu.dmrs.nof_cdm_groups_without_data);
  w.u32("dmrs_n_id_rs", pdu.dmrs.n_id_rs);
  // A value outside the enumeration is written as one that every reader rejects.
  static constexpr const char* hopping_names[] = {"neither", "group", "sequence"};
  const auto hopping = static_cast<unsigned>(pdu.dmrs.group_or_sequence_hopping);
  w.text("dmrs_low_papr_hopping", hopping < std::size(hopping_names) ? hopping_names[hopping] : "invalid");
  static const std::map<phy::mcs_table, const char*> tables = {{phy::mcs_table::qam64, "qam64"},
                                                               {phy::mcs_table::qam256, "qam256"},
                                                               {phy::mcs_table::qam64_low_se, "qam64_low_se"},
                                                               {phy::mcs_table::tp_qam64, "tp_qam64"},
                                                               {phy::mcs_table::tp_qam64_low_se, "tp_qam64_low_se"}};
  w.text("mcs_table", tables.at(pdu.table));
  w.u32("mcs", pdu.mcs);
  w.u32("rv", pdu.rv);
  std::vector<uint8_t> ports(pdu.nof_layers);
  for (unsigned j = 0; j < pdu.nof_layers && j < pdu.dmrs.ports.size(); ++j) {
    ports[j] = static_cast<uint8_t>(pdu.dmrs.ports[j]);
  }
  w.u8s("dmrs_ports", ports);
}

} // namespace airan::io::detail
