// Sweeps: confidence intervals, the 70 % throughput point, shards merged equal
// an unsharded run, JSON round trip, and HARQ soft combining.
#include "sim/link_simulator.h"
#include "sim/scenario.h"
#include "sim/sweep.h"
#include "sim/sweep_report.h"

#include <doctest/doctest.h>

#include <cmath>
#include <set>

using namespace airan;
using namespace airan::sim;

namespace {

/// 24 PRB at 30 kHz, 16QAM R 340/1024 (MCS 10 of the 64QAM table), 2 RX, AWGN.
scenario small_scenario() {
  const char *text = R"(
name: small
carrier: {numerology: 1, nof_prb: 24, cell_id: 3}
rx_ports: 2
pdus:
  - {rnti: 100, nof_prb: 24, mcs_table: qam64, mcs: 10}
channel: {model: AWGN}
snr_db: [-2.5, 4]
)";
  scenario sc;
  const status s = parse_scenario(text, sc);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return sc;
}

void check_equal(const sweep_point &a, const sweep_point &b) {
  CHECK(a.snr_db == b.snr_db);
  CHECK(a.nof_slots == b.nof_slots);
  CHECK(a.nof_blocks == b.nof_blocks);
  CHECK(a.first_errors == b.first_errors);
  CHECK(a.residual_errors == b.residual_errors);
  CHECK(a.nof_transmissions == b.nof_transmissions);
  CHECK(a.delivered_bits == b.delivered_bits);
  CHECK(a.max_bits == b.max_bits);
}

} // namespace

TEST_CASE("Sweep: Wilson score interval") {
  const double z = 1.959963984540054;
  // k = 0 and k = n have closed forms: [0, z^2 / (n + z^2)] and [n / (n + z^2),
  // 1].
  const auto none = wilson_interval(0, 10, z);
  CHECK(none.low == 0.0);
  CHECK(none.high == doctest::Approx(z * z / (10 + z * z)).epsilon(1e-12));
  const auto all = wilson_interval(10, 10, z);
  CHECK(all.low == doctest::Approx(10 / (10 + z * z)).epsilon(1e-12));
  CHECK(all.high == doctest::Approx(1.0).epsilon(1e-12));
  // k = n / 2: centred on 1/2 with half-width z / (1 + z^2/n) sqrt(1/(4n) +
  // z^2/(4n^2)); n = 10 by hand: 0.26340.
  const auto half = wilson_interval(5, 10, z);
  CHECK(half.low == doctest::Approx(0.5 - 0.26340).epsilon(1e-4));
  CHECK(half.high == doctest::Approx(0.5 + 0.26340).epsilon(1e-4));
  // Mirror symmetry, narrowing with n, and no information without trials.
  const auto a = wilson_interval(3, 40, z);
  const auto b = wilson_interval(37, 40, z);
  CHECK(a.low == doctest::Approx(1.0 - b.high).epsilon(1e-12));
  CHECK(a.high == doctest::Approx(1.0 - b.low).epsilon(1e-12));
  const auto wide = wilson_interval(30, 400, z);
  const auto narrow = wilson_interval(300, 4000, z);
  CHECK(narrow.high - narrow.low < wide.high - wide.low);
  CHECK(narrow.low < 0.075);
  CHECK(narrow.high > 0.075);
  const auto empty = wilson_interval(0, 0, z);
  CHECK(empty.low == 0.0);
  CHECK(empty.high == 1.0);
}

TEST_CASE("Sweep: SNR at 70 % throughput by linear interpolation") {
  auto point = [](double snr, uint64_t delivered, uint64_t max) {
    sweep_point p;
    p.snr_db = snr;
    p.delivered_bits = delivered;
    p.max_bits = max;
    return p;
  };
  // Out of SNR order on purpose; the crossing is between 1 dB (50 %) and 2 dB
  // (90 %): 1.5 dB.
  const std::vector<sweep_point> points = {
      point(2.0, 90, 100), point(0.0, 10, 100), point(1.0, 50, 100),
      point(3.0, 100, 100)};
  const auto snr = snr_at_throughput(points, 0.7);
  REQUIRE(snr.has_value());
  CHECK(*snr == doctest::Approx(1.5));
  CHECK_FALSE(snr_at_throughput(points, 1.5).has_value());
  CHECK_FALSE(snr_at_throughput(std::vector<sweep_point>{point(0.0, 80, 100),
                                                         point(1.0, 90, 100)},
                                0.7)
                  .has_value());
}

TEST_CASE("Sweep: seeds derived from indices are distinct and reproducible") {
  std::set<uint64_t> seeds;
  for (uint64_t snr = 0; snr < 8; ++snr) {
    for (uint64_t slot = 0; slot < 64; ++slot) {
      seeds.insert(derive_seed(1, {snr, slot}));
    }
  }
  CHECK(seeds.size() == 8 * 64);
  CHECK(derive_seed(1, {2, 3}) == derive_seed(1, {2, 3}));
  CHECK(derive_seed(1, {2, 3}) != derive_seed(1, {3, 2}));
  CHECK(derive_seed(1, {2, 3}) != derive_seed(2, {2, 3}));
}

TEST_CASE("Sweep: shards merged equal the unsharded run, through JSON") {
  const scenario sc = small_scenario();
  sweep_config config;
  config.snrs_db = sc.snrs_db;
  config.nof_slots = 5;
  config.nof_threads = 2;
  const sweep_result whole = run_sweep(sc, config);

  std::vector<sweep_result> parts;
  config.nof_shards = 3;
  config.nof_threads = 1;
  for (unsigned i : {2U, 0U, 1U}) {
    config.shard_index = i;
    sweep_result part;
    REQUIRE(
        sweep_from_json(sweep_to_json(run_sweep(sc, config)), part).is_ok());
    parts.push_back(part);
  }
  // Shard 2 of 3 holds items 2, 5, 8: SNR 0 slots 2 and SNR 1 slots 0, 3.
  CHECK(parts[0].points[0].nof_slots == 1);
  CHECK(parts[0].points[1].nof_slots == 2);
  sweep_result merged;
  const status s = merge_sweep_results(parts, merged);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(merged.shards == std::vector<unsigned>{0, 1, 2});
  REQUIRE(merged.points.size() == whole.points.size());
  for (std::size_t i = 0; i < whole.points.size(); ++i) {
    CAPTURE(i);
    check_equal(merged.points[i], whole.points[i]);
  }
  // The high SNR point decodes everything at the first transmission; the low
  // one does not.
  CHECK(whole.points[1].first_errors == 0);
  CHECK(whole.points[1].delivered_bits == whole.points[1].max_bits);
  CHECK(whole.points[0].first_errors > 0);

  // Mismatches are refused with the reason.
  std::vector<sweep_result> twice = {parts[0], parts[0]};
  CHECK(merge_sweep_results(twice, merged)
            .message()
            .find("shard 2 given twice") != std::string::npos);
  std::vector<sweep_result> other = {parts[0], parts[1]};
  other[1].estimator = "lmmse";
  CHECK(merge_sweep_results(other, merged).message().find("estimator") !=
        std::string::npos);
  other = {parts[0], parts[1]};
  other[1].points[0].snr_db = 7.0;
  CHECK(merge_sweep_results(other, merged).message().find("SNR points") !=
        std::string::npos);
  sweep_result bad;
  CHECK(sweep_from_json("{\"scenario\": \"x\"}", bad)
            .message()
            .find("scenario_digest") != std::string::npos);
  CHECK_FALSE(sweep_from_json("not json", bad).is_ok());
  // Counts that cannot be: negative, more errors than blocks, shards repeated or beyond nof_shards.
  const std::string good = sweep_to_json(parts[0]);
  REQUIRE(sweep_from_json(good, bad).is_ok());
  const auto edited = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  const std::string blocks = "\"blocks\": " + std::to_string(parts[0].points[0].nof_blocks);
  CHECK(sweep_from_json(edited(blocks, "\"blocks\": -1"), bad).message().find("field 'blocks'") != std::string::npos);
  const std::string first_errors = "\"first_errors\": " + std::to_string(parts[0].points[0].first_errors);
  CHECK(sweep_from_json(edited(first_errors, "\"first_errors\": 1000000"), bad)
            .message()
            .find("errors beyond its blocks") != std::string::npos);
  CHECK(sweep_from_json(edited("\"nof_shards\": 3", "\"nof_shards\": 2"), bad).message().find("shards") !=
        std::string::npos);
}

TEST_CASE(
    "Sweep: HARQ soft combining delivers what single transmissions cannot") {
  scenario sc = small_scenario();
  sweep_config config;
  config.snrs_db = {-2.5};
  config.nof_slots = 20;
  config.seed = 7;
  // Below the waterfall of one transmission (about 0.5 dB here): nearly every
  // first transmission fails.
  const sweep_point harq = run_sweep(sc, config).points[0];
  CHECK(harq.first_errors >= 18);
  // Four transmissions combined collect about 6 dB more energy plus the
  // incremental redundancy of RV 2, 3, 1: most blocks get through. Without
  // combining, four independent tries would leave a fraction 0.9^4 = 0.66 in
  // error.
  CHECK(harq.residual_errors <= 4);
  CHECK(harq.nof_transmissions > harq.nof_blocks);

  // The control: with a single transmission nothing is combined and the
  // residual BLER is the first one.
  sc.harq.max_nof_transmissions = 1;
  const sweep_point single = run_sweep(sc, config).points[0];
  CHECK(single.residual_errors == single.first_errors);
  CHECK(single.residual_errors >= 18);
}

TEST_CASE("Link simulator: a noise-free TDL slot with CFO and timing offset "
          "decodes") {
  scenario sc = small_scenario();
  sc.channel.kind = channel_kind::tdl;
  sc.channel.model = phy::tdl_model::tdla30;
  sc.channel.max_doppler_hz = 10.0;
  sc.channel.cfo_hz = 100.0;
  sc.channel.timing_offset_s = -0.3e-6;
  link_simulator link(sc, phy::channel_estimator_kind::ls_linear);
  link.draw_payloads(5);
  const bool active[] = {true};
  const unsigned rvs[] = {0};
  link.transmit(active, rvs, 60.0, 11);
  bool delivered = false;
  const auto result = link.receive(0, 0, true, delivered);
  CHECK(delivered);
  CHECK(result.time_offset_s ==
        doctest::Approx(-0.3e-6).epsilon(0.1e-6 / 0.3e-6));
  CHECK(result.cfo_hz == doctest::Approx(100.0).epsilon(0.2));
}
