// The test vectors of a scenario: one per PDU and SNR, with their own seeds; generation is deterministic.
#include "sim/scenario_vectors.h"

#include <doctest/doctest.h>

using namespace airan;
using namespace airan::sim;

namespace {

const std::string two_snrs = R"(
name: small
carrier:
  numerology: 0
  nof_prb: 12
rx_ports: 2
pdus:
  - nof_prb: 12
    mcs: 4
  - nof_prb: 6
    prb_start: 6
    mcs: 2
    rnti: 5
channel:
  model: TDLA30-10
snr_db: [-1.5, 20]
input: time_domain
)";

} // namespace

TEST_CASE("Scenario vectors: one spec per PDU and SNR with distinct seeds and names")
{
  scenario sc;
  REQUIRE(parse_scenario(two_snrs, sc).is_ok());
  CHECK(sc.input == signal_input::time_domain);
  std::vector<named_vector_spec> specs;
  REQUIRE(scenario_vector_specs(sc, specs).is_ok());
  REQUIRE(specs.size() == 4);
  CHECK(specs[0].file_name == "small_pdu0_snrm1.5.h5");
  CHECK(specs[3].file_name == "small_pdu1_snr20.0.h5");
  CHECK(specs[3].spec.pdu.rnti == 5);
  CHECK(specs[3].spec.input == io::pusch_input::time_domain);
  REQUIRE(specs[3].spec.fading);
  CHECK(specs[3].spec.fading->max_doppler_hz == 10.0);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (std::size_t j = i + 1; j < specs.size(); ++j) {
      CHECK(specs[i].spec.seed != specs[j].spec.seed);
    }
  }

  // The scenario's vectors come out the same on a second run.
  io::pusch_vector first;
  io::pusch_vector second;
  bool crc_ok = false;
  REQUIRE(io::generate_pusch_vector(specs[3].spec, first, crc_ok).is_ok());
  CHECK(crc_ok);
  REQUIRE(io::generate_pusch_vector(specs[3].spec, second, crc_ok).is_ok());
  CHECK(first.samples == second.samples);
  CHECK(first.tb_bits == second.tb_bits);
}

TEST_CASE("Scenario vectors: SNR points that would share a file name are refused")
{
  std::string text = two_snrs;
  text.replace(text.find("[-1.5, 20]"), 10, "[2.01, 2.04]");
  scenario sc;
  REQUIRE(parse_scenario(text, sc).is_ok());
  std::vector<named_vector_spec> specs;
  const status s = scenario_vector_specs(sc, specs);
  CHECK(s.message().find("would both be written as small_pdu0_snr2.0.h5") != std::string::npos);
}

TEST_CASE("Scenario vectors: input defaults to grid, unknown inputs and offsets are rejected")
{
  std::string text = two_snrs;
  text.replace(text.find("input: time_domain"), 18, "input: pcap");
  scenario sc;
  const status s = parse_scenario(text, sc, "test.yaml");
  CHECK(s.message().find("unknown value 'pcap'") != std::string::npos);

  text = two_snrs;
  text.replace(text.find("input: time_domain"), 18, "input: fronthaul");
  REQUIRE(parse_scenario(text, sc).is_ok());
  std::vector<named_vector_spec> fronthaul;
  REQUIRE(scenario_vector_specs(sc, fronthaul).is_ok());
  CHECK(fronthaul[0].spec.input == io::pusch_input::fronthaul_pcap);

  text = two_snrs;
  text.replace(text.find("input: time_domain"), 18, "");
  REQUIRE(parse_scenario(text, sc).is_ok());
  CHECK(sc.input == signal_input::grid);
  sc.channel.cfo_hz = 100.0;
  std::vector<named_vector_spec> specs;
  CHECK(scenario_vector_specs(sc, specs).message().find("frequency or timing offset") != std::string::npos);
}
