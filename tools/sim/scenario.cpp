// Scenario YAML parser: every key known, typed and range-checked; PDUs checked
// by the transmitter and receiver.

#include "sim/scenario.h"

#include "airan/phy/channel/impairments.h"
#include "airan/phy/channel/tdl_channel.h"
#include "airan/phy/ofdm/ofdm_numerology.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace airan::sim {

namespace {

/// A parse error: the message already carries source, line and key path.
struct scenario_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One YAML mapping being read, with the key path of its values for the
/// messages.
class yaml_map {
public:
  yaml_map(const YAML::Node &node, std::string path, std::string_view source)
      : node_(node), path_(std::move(path)), source_(source) {
    if (!node_.IsMap()) {
      fail(node_, path_.empty() ? "the document must be a mapping"
                                : "expected a mapping of keys");
    }
  }

  /// Rejects any key not in allowed, and any key given twice (YAML forbids it;
  /// the reader would silently keep one of the values).
  void check_keys(std::initializer_list<std::string_view> allowed) const {
    std::vector<std::string> seen;
    for (const auto &item : node_) {
      const auto key = item.first.as<std::string>();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        fail(item.first, "key '" + key + "' given twice", path_);
      }
      seen.push_back(key);
      bool known = false;
      for (auto a : allowed) {
        known = known || a == key;
      }
      if (!known) {
        std::string list;
        for (auto a : allowed) {
          list += (list.empty() ? "" : ", ") + std::string(a);
        }
        fail(item.first, "unknown key '" + key + "' (known keys: " + list + ")",
             path_);
      }
    }
  }

  bool has(const std::string &key) const {
    return static_cast<bool>(node_[key]);
  }
  YAML::Node node(const std::string &key) const { return node_[key]; }
  std::string key_path(const std::string &key) const {
    return path_.empty() ? key : path_ + "." + key;
  }

  YAML::Node required(const std::string &key) const {
    if (!has(key)) {
      fail(node_, "missing required key '" + key + "'", path_);
    }
    return node_[key];
  }

  /// An unsigned integer in [lo, hi]; absent keys leave value as it is.
  template <typename T>
  void get_uint(const std::string &key, T &value, uint64_t lo, uint64_t hi,
                bool is_required = false) const {
    if (!has(key) && !is_required) {
      return;
    }
    const YAML::Node n = is_required ? required(key) : node(key);
    const uint64_t v = to_uint(n, key_path(key), lo, hi);
    value = static_cast<T>(v);
  }

  /// A finite number in [lo, hi].
  void get_double(const std::string &key, double &value, double lo,
                  double hi) const {
    if (!has(key)) {
      return;
    }
    value = to_double(node(key), key_path(key), lo, hi);
  }

  void get_bool(const std::string &key, bool &value) const {
    if (!has(key)) {
      return;
    }
    const YAML::Node n = node(key);
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value)) {
      fail(n, "expected true or false, got '" + scalar_text(n) + "'",
           key_path(key));
    }
  }

  void get_string(const std::string &key, std::string &value) const {
    if (!has(key)) {
      return;
    }
    const YAML::Node n = node(key);
    if (!n.IsScalar()) {
      fail(n, "expected a string", key_path(key));
    }
    value = n.Scalar();
  }

  /// One of the names of choices.
  template <typename E>
  void get_enum(const std::string &key, E &value,
                const std::map<std::string, E> &choices) const {
    if (!has(key)) {
      return;
    }
    std::string text;
    get_string(key, text);
    const auto it = choices.find(text);
    if (it == choices.end()) {
      std::string list;
      for (const auto &[name, unused] : choices) {
        list += (list.empty() ? "" : ", ") + name;
      }
      fail(node(key),
           "unknown value '" + text + "' (expected one of: " + list + ")",
           key_path(key));
    }
    value = it->second;
  }

  uint64_t to_uint(const YAML::Node &n, const std::string &path, uint64_t lo,
                   uint64_t hi) const {
    uint64_t v = 0;
    if (!n.IsScalar() || !YAML::convert<uint64_t>::decode(n, v)) {
      fail(n, "expected a non-negative integer, got '" + scalar_text(n) + "'",
           path);
    }
    if (v < lo || v > hi) {
      fail(n,
           "value " + std::to_string(v) + " out of range [" +
               std::to_string(lo) + ", " + std::to_string(hi) + "]",
           path);
    }
    return v;
  }

  double to_double(const YAML::Node &n, const std::string &path, double lo,
                   double hi) const {
    double v = 0.0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) ||
        !std::isfinite(v)) {
      fail(n, "expected a finite number, got '" + scalar_text(n) + "'", path);
    }
    if (v < lo || v > hi) {
      std::ostringstream s;
      s << "value " << v << " out of range [" << lo << ", " << hi << "]";
      fail(n, s.str(), path);
    }
    return v;
  }

  [[noreturn]] void fail(const YAML::Node &at, const std::string &problem,
                         const std::string &path) const {
    std::string where = std::string(source_);
    if (at.Mark().line >= 0) {
      where += ":" + std::to_string(at.Mark().line + 1);
    }
    throw scenario_error(where + ": " + (path.empty() ? "" : path + ": ") +
                         problem);
  }
  [[noreturn]] void fail(const YAML::Node &at,
                         const std::string &problem) const {
    fail(at, problem, path_);
  }

  const std::string &path() const { return path_; }
  std::string_view source() const { return source_; }

private:
  static std::string scalar_text(const YAML::Node &n) {
    if (n.IsScalar()) {
      return n.Scalar();
    }
    return n.IsSequence() ? "a list" : n.IsMap() ? "a mapping" : "nothing";
  }

  YAML::Node node_;
  std::string path_;
  std::string_view source_;
};

const std::map<std::string, phy::mcs_table> mcs_tables = {
    {"qam64", phy::mcs_table::qam64},
    {"qam256", phy::mcs_table::qam256},
    {"qam64_low_se", phy::mcs_table::qam64_low_se},
    {"tp_qam64", phy::mcs_table::tp_qam64},
    {"tp_qam64_low_se", phy::mcs_table::tp_qam64_low_se}};

void parse_carrier(const yaml_map &m, phy::carrier_config &c) {
  m.check_keys({"numerology", "cyclic_prefix", "nof_prb", "cell_id",
                "center_frequency_hz"});
  m.get_uint("numerology", c.numerology, 0, phy::ofdm_max_numerology, true);
  m.get_enum("cyclic_prefix", c.cp,
             std::map<std::string, phy::cyclic_prefix>{
                 {"normal", phy::cyclic_prefix::normal},
                 {"extended", phy::cyclic_prefix::extended}});
  m.get_uint("nof_prb", c.nof_prb, 1, 275, true);
  m.get_uint("cell_id", c.cell_id, 0, 1007);
  m.get_double("center_frequency_hz", c.center_frequency_hz, 0.0, 100.0e9);
  // The bandwidth part is the whole carrier.
  c.bwp_start = 0;
  c.bwp_size = c.nof_prb;
  if (auto s = phy::validate_ofdm_numerology(c); !s) {
    m.fail(m.node("numerology"), s.message());
  }
}

void parse_dmrs(const yaml_map &m, phy::pusch_dmrs_config &d, unsigned cell_id,
                unsigned nof_layers) {
  m.check_keys({"config_type", "max_length", "additional_position", "type_a_position", "scrambling_id", "n_scid",
                "nof_cdm_groups_without_data", "ports", "n_id_rs", "low_papr_hopping"});
  m.get_uint("config_type", d.config_type, 1, 2);
  m.get_uint("max_length", d.max_length, 1, 2);
  m.get_uint("additional_position", d.additional_position, 0, 3);
  m.get_uint("type_a_position", d.type_a_position, 2, 3);
  d.scrambling_id = {cell_id, cell_id};
  if (m.has("scrambling_id")) {
    const YAML::Node n = m.node("scrambling_id");
    if (!n.IsSequence() || n.size() != 2) {
      m.fail(n, "expected a list of two identities [N_ID^0, N_ID^1]",
             m.key_path("scrambling_id"));
    }
    for (std::size_t i = 0; i < 2; ++i) {
      d.scrambling_id[i] = static_cast<unsigned>(
          m.to_uint(n[i], m.key_path("scrambling_id"), 0, 65535));
    }
  }
  m.get_uint("n_scid", d.n_scid, 0, 1);
  m.get_uint("nof_cdm_groups_without_data", d.nof_cdm_groups_without_data, 1,
             3);
  d.ports = {0, 1, 2, 3};
  if (m.has("ports")) {
    const YAML::Node n = m.node("ports");
    if (!n.IsSequence() || n.size() != nof_layers) {
      m.fail(n,
             "expected a list of " + std::to_string(nof_layers) +
                 " antenna port(s), one per layer",
             m.key_path("ports"));
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
      d.ports[i] =
          static_cast<unsigned>(m.to_uint(n[i], m.key_path("ports"), 0, 11));
    }
  }
  d.n_id_rs = cell_id;
  m.get_uint("n_id_rs", d.n_id_rs, 0, 1007);
  m.get_enum("low_papr_hopping", d.group_or_sequence_hopping,
             {{"neither", phy::low_papr_hopping::neither},
              {"group", phy::low_papr_hopping::group},
              {"sequence", phy::low_papr_hopping::sequence}});
}

void parse_pdu(const yaml_map &m, phy::pusch_pdu &p,
               const phy::carrier_config &carrier) {
  m.check_keys({"rnti",
                "n_id",
                "slot",
                "prb_start",
                "nof_prb",
                "start_symbol",
                "nof_symbols",
                "mapping",
                "nof_layers",
                "nof_antenna_ports",
                "precoding",
                "tpmi",
                "transform_precoding",
                "tp_pi2_bpsk",
                "mcs_table",
                "mcs",
                "rv",
                "new_data",
                "harq_id",
                "tbs_lbrm",
                "dmrs"});
  m.get_uint("rnti", p.rnti, 0, 65535);
  p.n_id = carrier.cell_id;
  m.get_uint("n_id", p.n_id, 0, 1023);
  m.get_uint("slot", p.slot, 0, 10 * (1U << carrier.numerology) - 1);
  m.get_uint("prb_start", p.prb_start, 0, carrier.nof_prb - 1);
  p.nof_prb = carrier.nof_prb - p.prb_start;
  m.get_uint("nof_prb", p.nof_prb, 1, 275);
  m.get_uint("start_symbol", p.start_symbol, 0, 13);
  p.nof_symbols = phy::ofdm_nof_symbols_per_slot(carrier.cp) - p.start_symbol;
  m.get_uint("nof_symbols", p.nof_symbols, 1, 14);
  m.get_enum("mapping", p.mapping,
             std::map<std::string, phy::pusch_mapping_type>{
                 {"A", phy::pusch_mapping_type::type_a},
                 {"B", phy::pusch_mapping_type::type_b}});
  m.get_uint("nof_layers", p.nof_layers, 1, 4);
  p.nof_antenna_ports = p.nof_layers;
  m.get_uint("nof_antenna_ports", p.nof_antenna_ports, 1, 4);
  m.get_enum("precoding", p.precoding,
             std::map<std::string, phy::pusch_precoding>{
                 {"non_codebook", phy::pusch_precoding::non_codebook},
                 {"codebook", phy::pusch_precoding::codebook}});
  m.get_uint("tpmi", p.tpmi, 0, 27);
  m.get_bool("transform_precoding", p.transform_precoding);
  m.get_bool("tp_pi2_bpsk", p.tp_pi2_bpsk);
  m.get_enum("mcs_table", p.table, mcs_tables);
  m.get_uint("mcs", p.mcs, 0, 31, true);
  m.get_uint("rv", p.rv, 0, 3);
  m.get_bool("new_data", p.new_data);
  m.get_uint("harq_id", p.harq_id, 0, 15);
  if (m.has("tbs_lbrm")) {
    unsigned lbrm = 0;
    m.get_uint("tbs_lbrm", lbrm, 1, std::numeric_limits<unsigned>::max());
    p.tbs_lbrm = lbrm;
  }
  if (m.has("dmrs")) {
    parse_dmrs(yaml_map(m.node("dmrs"), m.key_path("dmrs"), m.source()), p.dmrs,
               carrier.cell_id, p.nof_layers);
  } else {
    p.dmrs.scrambling_id = {carrier.cell_id, carrier.cell_id};
    p.dmrs.n_id_rs = carrier.cell_id;
  }
}

void parse_channel(const yaml_map &m, channel_scenario &c, unsigned nof_tx_max,
                   unsigned nof_rx, const phy::carrier_config &carrier) {
  m.check_keys({"model", "delay_spread_ns", "max_doppler_hz", "correlation",
                "cfo_hz", "timing_offset_us"});
  std::string model;
  m.get_string("model", model);
  if (model.empty()) {
    m.required("model");
  }
  const std::set<std::string> tdl_only = {"delay_spread_ns", "max_doppler_hz",
                                          "correlation"};
  if (model == "AWGN") {
    c.kind = channel_kind::awgn;
    for (const auto &key : tdl_only) {
      if (m.has(key)) {
        m.fail(m.node(key), "only for TDL channels, not with model AWGN",
               m.key_path(key));
      }
    }
  } else {
    c.kind = channel_kind::tdl;
    phy::tdl_channel_config tdl;
    tdl.max_doppler_hz = -1.0;
    if (auto s = phy::parse_tdl_channel_name(model, tdl); !s) {
      m.fail(m.node("model"), s.message() + "; or AWGN", m.key_path("model"));
    }
    if (m.has("max_doppler_hz") && tdl.max_doppler_hz >= 0.0) {
      m.fail(m.node("max_doppler_hz"),
             "given twice: the model name " + model + " sets it",
             m.key_path("max_doppler_hz"));
    }
    m.get_double("max_doppler_hz", tdl.max_doppler_hz, 0.0,
                 phy::tdl_max_doppler_hz);
    if (tdl.max_doppler_hz < 0.0) {
      m.required("max_doppler_hz");
    }
    if (phy::tdl_model_is_preset(tdl.model)) {
      if (m.has("delay_spread_ns")) {
        m.fail(m.node("delay_spread_ns"),
               "the preset " + model + " fixes the delays",
               m.key_path("delay_spread_ns"));
      }
    } else {
      double ds_ns = 0.0;
      m.required("delay_spread_ns");
      m.get_double("delay_spread_ns", ds_ns, 1.0,
                   phy::tdl_max_delay_spread_s * 1e9);
      tdl.delay_spread_s = ds_ns * 1e-9;
    }
    m.get_enum("correlation", tdl.correlation,
               std::map<std::string, phy::mimo_correlation>{
                   {"low", phy::mimo_correlation::low},
                   {"medium", phy::mimo_correlation::medium},
                   {"high", phy::mimo_correlation::high}});
    tdl.nof_tx = nof_tx_max;
    tdl.nof_rx = nof_rx;
    tdl.sample_rate_hz = phy::ofdm_numerology(carrier).sample_rate_hz();
    if (auto s = phy::validate_tdl_channel_config(tdl); !s) {
      m.fail(m.node("model"), s.message(), m.key_path("model"));
    }
    c.model = tdl.model;
    c.delay_spread_s = tdl.delay_spread_s;
    c.max_doppler_hz = tdl.max_doppler_hz;
    c.correlation = tdl.correlation;
  }
  const double sample_rate_hz = phy::ofdm_numerology(carrier).sample_rate_hz();
  m.get_double("cfo_hz", c.cfo_hz, -sample_rate_hz / 2, sample_rate_hz / 2);
  double timing_offset_us = 0.0;
  m.get_double("timing_offset_us", timing_offset_us, -max_timing_offset_s * 1e6,
               max_timing_offset_s * 1e6);
  c.timing_offset_s = timing_offset_us * 1e-6;
}

void parse_harq(const yaml_map &m, harq_scenario &h) {
  m.check_keys({"max_transmissions", "rv_sequence"});
  m.get_uint("max_transmissions", h.max_nof_transmissions, 1, 4);
  if (m.has("rv_sequence")) {
    const YAML::Node n = m.node("rv_sequence");
    if (!n.IsSequence() || n.size() < h.max_nof_transmissions || n.size() > 4) {
      m.fail(n,
             "expected a list of " + std::to_string(h.max_nof_transmissions) +
                 " to 4 redundancy versions",
             m.key_path("rv_sequence"));
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
      h.rv_sequence[i] = static_cast<unsigned>(
          m.to_uint(n[i], m.key_path("rv_sequence"), 0, 3));
    }
  }
}

void parse_snrs(const yaml_map &m, std::vector<double> &snrs) {
  const YAML::Node n = m.required("snr_db");
  if (n.IsSequence()) {
    if (n.size() == 0) {
      m.fail(n, "expected at least one SNR", "snr_db");
    }
    for (const auto &v : n) {
      snrs.push_back(
          m.to_double(v, "snr_db", phy::min_snr_db, phy::max_snr_db));
    }
  } else {
    snrs.push_back(m.to_double(n, "snr_db", phy::min_snr_db, phy::max_snr_db));
  }
}

void parse_document(const YAML::Node &root, scenario &sc,
                    std::string_view source) {
  const yaml_map m(root, "", source);
  m.check_keys({"name", "description", "carrier", "rx_ports", "pdus", "channel",
                "harq", "snr_db", "payload_seed", "seed", "input"});
  m.get_string("name", sc.name);
  // The name starts the file names of the scenario's test vectors.
  const bool plain_name =
      sc.name.empty() || (sc.name.front() != '.' && std::all_of(sc.name.begin(), sc.name.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
                          }));
  if (!plain_name) {
    m.fail(m.node("name"),
           "'" + sc.name +
               "' is not a plain name (letters, digits, '_', '-', '.', not "
               "first)",
           "name");
  }
  m.get_string("description", sc.description);
  parse_carrier(yaml_map(m.required("carrier"), "carrier", source), sc.carrier);
  m.get_uint("rx_ports", sc.nof_rx_ports, 1, max_nof_rx_ports, true);

  const YAML::Node pdus = m.required("pdus");
  if (!pdus.IsSequence() || pdus.size() == 0 || pdus.size() > max_nof_pdus) {
    m.fail(pdus,
           "expected a list of 1 to " + std::to_string(max_nof_pdus) + " PDUs",
           "pdus");
  }
  unsigned max_layers = 1;
  unsigned max_ports = 1;
  for (std::size_t i = 0; i < pdus.size(); ++i) {
    const std::string path = "pdus[" + std::to_string(i) + "]";
    phy::pusch_pdu pdu;
    parse_pdu(yaml_map(pdus[i], path, source), pdu, sc.carrier);
    if (i > 0 && pdu.slot != sc.pdus[0].slot) {
      m.fail(pdus[i],
             "all PDUs belong to one slot: slot " + std::to_string(pdu.slot) +
                 " differs from pdus[0]'s " + std::to_string(sc.pdus[0].slot),
             path + ".slot");
    }
    max_layers = std::max(max_layers, pdu.nof_layers);
    max_ports = std::max(max_ports, pdu.nof_antenna_ports);
    sc.pdus.push_back(pdu);
  }
  phy::pusch_transmitter tx(sc.carrier.nof_prb, max_layers);
  phy::pusch_receiver_config rx_config;
  rx_config.max_nof_prb = sc.carrier.nof_prb;
  rx_config.max_nof_rx_ports = sc.nof_rx_ports;
  rx_config.max_nof_layers = max_layers;
  phy::pusch_receiver rx(rx_config);
  for (std::size_t i = 0; i < sc.pdus.size(); ++i) {
    const std::string path = "pdus[" + std::to_string(i) + "]";
    if (auto s = tx.validate(sc.pdus[i], sc.carrier); !s) {
      m.fail(pdus[i], "invalid PDU: " + s.message(), path);
    }
    if (auto s = rx.validate(sc.pdus[i], sc.carrier, sc.nof_rx_ports); !s) {
      m.fail(pdus[i], "invalid PDU: " + s.message(), path);
    }
  }

  parse_channel(yaml_map(m.required("channel"), "channel", source), sc.channel,
                max_ports, sc.nof_rx_ports, sc.carrier);
  if (m.has("harq")) {
    parse_harq(yaml_map(m.node("harq"), "harq", source), sc.harq);
  }
  parse_snrs(m, sc.snrs_db);
  m.get_uint("payload_seed", sc.payload_seed, 0,
             std::numeric_limits<uint64_t>::max());
  m.get_uint("seed", sc.seed, 0, std::numeric_limits<uint64_t>::max());
  m.get_enum("input", sc.input, std::map<std::string, signal_input>{{"grid", signal_input::grid},
                                                                     {"time_domain", signal_input::time_domain},
                                                                     {"fronthaul", signal_input::fronthaul}});
}

} // namespace

status parse_scenario(std::string_view yaml_text, scenario &out,
                      std::string_view source_name) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    scenario sc;
    parse_document(root, sc, source_name);
    out = std::move(sc);
    return status::ok();
  } catch (const scenario_error &e) {
    return status::error(e.what());
  } catch (const YAML::Exception &e) {
    return status::error(std::string(source_name) + ":" +
                         std::to_string(e.mark.line + 1) +
                         ": YAML syntax: " + e.msg);
  } catch (const std::exception &e) {
    return status::error(std::string(source_name) + ": " + e.what());
  }
}

status load_scenario(const std::string &path, scenario &out) {
  std::ifstream file(path);
  if (!file) {
    return status::error(path + ": cannot open the scenario file");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), out, path);
}

std::string channel_description(const channel_scenario &channel) {
  if (channel.kind == channel_kind::awgn) {
    return "AWGN";
  }
  std::ostringstream s;
  s << phy::tdl_model_name(channel.model);
  if (!phy::tdl_model_is_preset(channel.model)) {
    s << " " << channel.delay_spread_s * 1e9 << "ns";
  }
  static const char *const levels[] = {"Low", "Medium", "High"};
  s << "-" << channel.max_doppler_hz << " "
    << levels[static_cast<int>(channel.correlation)];
  return s.str();
}

} // namespace airan::sim
