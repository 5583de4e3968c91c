// Scenario YAML parser: the shipped scenarios, defaults, and rejection of bad
// documents with messages that name the key and the problem.
#include "sim/scenario.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using namespace airan;
using namespace airan::sim;

namespace {

const std::string minimal = R"(
carrier:
  numerology: 1
  nof_prb: 52
  cell_id: 7
rx_ports: 2
pdus:
  - nof_prb: 52
    mcs: 10
channel:
  model: AWGN
snr_db: 5
)";

/// The minimal document with one line replaced (or appended when `from` is
/// empty).
std::string edited(const std::string &from, const std::string &to) {
  std::string text = minimal;
  if (from.empty()) {
    return text + to;
  }
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// Parses text that must fail and returns the message.
std::string error_of(const std::string &text) {
  scenario sc;
  const status s = parse_scenario(text, sc, "test.yaml");
  REQUIRE_FALSE(s.is_ok());
  return s.message();
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("Scenario: a minimal document takes the documented defaults") {
  scenario sc;
  const status s = parse_scenario(minimal, sc);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(sc.carrier.numerology == 1);
  CHECK(sc.carrier.cp == phy::cyclic_prefix::normal);
  CHECK(sc.carrier.bwp_size == 52);
  CHECK(sc.nof_rx_ports == 2);
  REQUIRE(sc.pdus.size() == 1);
  const auto &pdu = sc.pdus[0];
  // Scrambling identities default to the cell id
  // (TS 38.211 6.3.1.1, 6.4.1.1.1.1).
  CHECK(pdu.n_id == 7);
  CHECK(pdu.dmrs.scrambling_id[0] == 7);
  CHECK(pdu.dmrs.scrambling_id[1] == 7);
  CHECK(pdu.table == phy::mcs_table::qam64);
  CHECK(pdu.mcs == 10);
  CHECK(pdu.start_symbol == 0);
  CHECK(pdu.nof_symbols == 14);
  CHECK(pdu.nof_antenna_ports == 1);
  CHECK_FALSE(pdu.transform_precoding);
  CHECK_FALSE(pdu.tp_pi2_bpsk);
  CHECK(sc.channel.kind == channel_kind::awgn);
  REQUIRE(sc.snrs_db.size() == 1);
  CHECK(sc.snrs_db[0] == 5.0);
  // TS 38.104 Table 8.2.1.1-1 HARQ.
  CHECK(sc.harq.max_nof_transmissions == 4);
  CHECK(sc.harq.rv_sequence == std::array<unsigned, 4>{0, 2, 3, 1});
}

TEST_CASE("Scenario: the shipped scenarios parse, and the acceptance rows "
          "carry their FRC parameters") {
  const std::filesystem::path dir =
      std::filesystem::path(AIRAN_TESTVECTOR_DIR) / "scenarios";
  unsigned nof_files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    ++nof_files;
    scenario sc;
    const status s = load_scenario(entry.path().string(), sc);
    CHECK_MESSAGE(s.is_ok(), s.message());
  }
  CHECK(nof_files >= 4);

  scenario sc;
  REQUIRE(load_scenario((dir / "g-fr1-a3-14_tdlb100-400.yaml").string(), sc)
              .is_ok());
  CHECK(sc.carrier.nof_prb == 273);
  CHECK(sc.nof_rx_ports == 2);
  CHECK(sc.channel.kind == channel_kind::tdl);
  CHECK(sc.channel.model == phy::tdl_model::tdlb100);
  CHECK(sc.channel.max_doppler_hz == 400.0);
  CHECK(sc.channel.correlation == phy::mimo_correlation::low);
  CHECK(channel_description(sc.channel) == "TDLB100-400 Low");
  CHECK(sc.pdus[0].table == phy::mcs_table::qam256);
  CHECK(sc.pdus[0].mcs == 1);
  CHECK(sc.pdus[0].dmrs.additional_position == 1);
  CHECK(sc.pdus[0].dmrs.nof_cdm_groups_without_data == 2);
}

TEST_CASE("Scenario: DFT-s-OFDM with tp-pi2BPSK")
{
  scenario sc;
  const status s =
      parse_scenario(edited("  - nof_prb: 52\n    mcs: 10", "  - nof_prb: 48\n    mcs: 0\n"
                                                            "    transform_precoding: true\n    tp_pi2_bpsk: true\n"
                                                            "    mcs_table: tp_qam64"),
                     sc);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  REQUIRE(sc.pdus.size() == 1);
  CHECK(sc.pdus[0].transform_precoding);
  CHECK(sc.pdus[0].tp_pi2_bpsk);
  CHECK(sc.pdus[0].table == phy::mcs_table::tp_qam64);
  CHECK(error_of(edited("    mcs: 10", "    mcs: 10\n    tp_pi2_bpsk: 3")).find("tp_pi2_bpsk") != std::string::npos);
}

TEST_CASE("Scenario: group or sequence hopping of the transform precoding DM-RS")
{
  const auto with_hopping = [](const std::string& value) {
    return edited("  - nof_prb: 52\n    mcs: 10", "  - nof_prb: 48\n    mcs: 10\n"
                                                  "    transform_precoding: true\n    mcs_table: tp_qam64\n"
                                                  "    dmrs:\n      low_papr_hopping: " +
                                                      value);
  };
  for (const auto& [name, hopping] :
       {std::pair{"neither", phy::low_papr_hopping::neither}, std::pair{"group", phy::low_papr_hopping::group},
        std::pair{"sequence", phy::low_papr_hopping::sequence}}) {
    CAPTURE(name);
    scenario sc;
    const status s = parse_scenario(with_hopping(name), sc);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    REQUIRE(sc.pdus.size() == 1);
    CHECK(sc.pdus[0].dmrs.group_or_sequence_hopping == hopping);
  }
  scenario sc;
  REQUIRE(parse_scenario(minimal, sc).is_ok());
  CHECK(sc.pdus[0].dmrs.group_or_sequence_hopping == phy::low_papr_hopping::neither);
  CHECK(error_of(with_hopping("both")).find("low_papr_hopping") != std::string::npos);
}

TEST_CASE("Scenario: TDL models, lists of SNRs and impairments") {
  scenario sc;
  const std::string text =
      edited("channel:\n  model: AWGN\nsnr_db: 5\n",
             "channel:\n  model: TDL-C\n  delay_spread_ns: 300\n  "
             "max_doppler_hz: 100\n"
             "  correlation: medium\n  cfo_hz: -150\n  timing_offset_us: 0.5\n"
             "snr_db: [1, 2.5, 4]\n");
  const status s = parse_scenario(text, sc);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(sc.channel.model == phy::tdl_model::tdl_c);
  CHECK(sc.channel.delay_spread_s == doctest::Approx(300e-9));
  CHECK(sc.channel.max_doppler_hz == 100.0);
  CHECK(sc.channel.correlation == phy::mimo_correlation::medium);
  CHECK(sc.channel.cfo_hz == -150.0);
  CHECK(sc.channel.timing_offset_s == doctest::Approx(0.5e-6));
  CHECK(sc.snrs_db == std::vector<double>{1.0, 2.5, 4.0});
}

TEST_CASE("Scenario: bad documents are rejected with the key and the problem") {
  // Unknown keys, at the top and nested.
  CHECK(
      contains(error_of(edited("", "colour: blue\n")), "unknown key 'colour'"));
  const auto nested =
      error_of(edited("    mcs: 10", "    mcs: 10\n    modulation: qpsk"));
  CHECK(contains(nested, "pdus[0]: unknown key 'modulation'"));
  CHECK(contains(nested, "test.yaml:10"));
  // Missing required keys.
  CHECK(contains(error_of(edited("rx_ports: 2\n", "")),
                 "missing required key 'rx_ports'"));
  CHECK(contains(error_of(edited("    mcs: 10\n", "")),
                 "pdus[0]: missing required key 'mcs'"));
  // Types and ranges.
  CHECK(contains(
      error_of(edited("  numerology: 1", "  numerology: one")),
      "carrier.numerology: expected a non-negative integer, got 'one'"));
  CHECK(contains(error_of(edited("  numerology: 1", "  numerology: 5")),
                 "carrier.numerology: value 5 out of range [0, 3]"));
  CHECK(contains(error_of(edited("  cell_id: 7", "  cell_id: -1")),
                 "carrier.cell_id: expected a non-negative integer"));
  CHECK(contains(
      error_of(edited("  - nof_prb: 52", "  - nof_prb: 52\n    mapping: C")),
      "pdus[0].mapping: unknown value 'C'"));
  CHECK(contains(error_of(edited("snr_db: 5", "snr_db: 200")),
                 "snr_db: value 200 out of range"));
  CHECK(contains(error_of(edited("snr_db: 5", "snr_db: []")),
                 "snr_db: expected at least one SNR"));
  CHECK(contains(
      error_of(edited("  - nof_prb: 52",
                      "  - nof_prb: 52\n    dmrs:\n      ports: [0, 1]")),
      "pdus[0].dmrs.ports: expected a list of 1 antenna port(s)"));
  // PDUs the transmitter or receiver refuse: allocation beyond the carrier,
  // more layers than receive ports.
  CHECK(contains(error_of(edited("  - nof_prb: 52", "  - nof_prb: 60")),
                 "pdus[0]: invalid PDU"));
  const auto layers = error_of(
      edited("rx_ports: 2", "rx_ports: 1")
          .replace(minimal.find("    mcs: 10") - 1, 0, "\n    nof_layers: 2"));
  CHECK(contains(layers, "pdus[0]: invalid PDU"));
  CHECK(contains(layers, "receive ports"));
  // Channels.
  CHECK(contains(error_of(edited("model: AWGN", "model: TDL-Z")),
                 "channel.model: unknown TDL channel name 'TDL-Z'"));
  CHECK(contains(
      error_of(edited("model: AWGN", "model: TDL-A\n  max_doppler_hz: 10")),
      "channel: missing required key 'delay_spread_ns'"));
  CHECK(contains(
      error_of(edited("model: AWGN", "model: TDLA30-10\n  max_doppler_hz: 5")),
      "channel.max_doppler_hz: given twice"));
  CHECK(contains(
      error_of(edited("model: AWGN", "model: AWGN\n  max_doppler_hz: 5")),
      "channel.max_doppler_hz: only for TDL channels"));
  // No correlation matrix for 3 receive antennas (TS 38.104 G.2.3.1).
  const auto three =
      edited("model: AWGN", "model: TDLB100-400")
          .replace(minimal.find("rx_ports: 2"), 11, "rx_ports: 3");
  CHECK(contains(error_of(three), "channel.model: "));
  CHECK(contains(
      error_of(edited("model: AWGN", "model: AWGN\n  timing_offset_us: 50")),
      "channel.timing_offset_us: value 50 out of range"));
  // YAML syntax and the wrong kind of node.
  CHECK(contains(error_of("carrier: [1, 2\n"), "YAML syntax"));
  CHECK(contains(error_of("- 1\n- 2\n"), "the document must be a mapping"));
  CHECK(contains(
      error_of(edited("pdus:\n  - nof_prb: 52\n    mcs: 10\n", "pdus: 3\n")),
      "pdus: expected a list"));
  CHECK(contains(error_of(edited("  - nof_prb: 52", "  - prb_start: 52")),
                 "pdus[0].prb_start: value 52 out of range [0, 51]"));
  // A key given twice (YAML forbids it), at the top and nested.
  CHECK(contains(error_of(edited("", "snr_db: 7\n")), "key 'snr_db' given twice"));
  CHECK(contains(error_of(edited("    mcs: 10", "    mcs: 10\n    mcs: 11")), "pdus[0]: key 'mcs' given twice"));
  // The name starts file names: no directories.
  CHECK(contains(error_of(edited("", "name: ../../escape\n")), "name: '../../escape' is not a plain name"));
  CHECK(contains(error_of(edited("", "name: /tmp/x\n")), "is not a plain name"));
  scenario named;
  CHECK(parse_scenario(edited("", "name: g-fr1_a5.v2\n"), named).is_ok());
  // Files.
  scenario sc;
  CHECK(contains(load_scenario("/nonexistent/scenario.yaml", sc).message(),
                 "cannot open"));
}
