// airan run --input: the slots of a pcap capture, a UDP stream or a DPDK port
// assembled (split 7.2x or 8) and decoded with a test vector's PDU.

#include "airan/io/ingest/pcap_io.h"
#include "fh_endpoints.h"
#include "fh_frontend.h"
#include "fh_metrics.h"
#include "fh_options.h"
#include "run_cases.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace airan::tools {

namespace {

int64_t realtime_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct slot_row {
  unsigned frame = 0, subframe = 0, slot = 0;
  bool complete = false;
  uint64_t nof_received = 0, nof_expected = 0; ///< PRBs or samples.
  case_result result;
};

} // namespace

int run_fronthaul(const std::string &vector_path,
                  const fronthaul_run_options &options,
                  phy::channel_estimator_kind estimator,
                  const std::string &json_path) {
  io::pusch_vector v;
  if (auto s = io::load_pusch_vector(vector_path, v); !s) {
    throw std::runtime_error(s.message());
  }
  const endpoint input = parse_endpoint(options.input);

  run_counters counters;
  run_metrics metrics(options.metrics_address, options.metrics_port);
  std::vector<slot_row> rows;
  const auto frontend = make_slot_frontend(v, options, [&](const received_slot &slot) {
    slot_row row{slot.frame_id,
                 slot.subframe_id,
                 slot.slot_id,
                 slot.complete(),
                 slot.nof_received,
                 slot.nof_expected,
                 {}};
    row.result.name = std::to_string(slot.frame_id) + "." +
                      std::to_string(slot.subframe_id) + "." +
                      std::to_string(slot.slot_id);
    row.result.kind = "pusch_grid";
    run_pusch(row.result, v, estimator, slot.grid);
    ++counters.decode.slots_decoded;
    ++(row.result.crc_ok ? counters.decode.crc_pass : counters.decode.crc_fail);
    rows.push_back(row);
  });

  const auto source = open_source(input, options.eal, options.realtime,
                                  options.format.udp_port);
  std::vector<io::rx_packet> burst(64);
  int64_t last_arrival = realtime_ns();
  const bool live = is_live(input);
  while (!source->at_end()) {
    const std::size_t n = source->receive_burst(burst);
    frontend->push(std::span(burst).first(n));
    counters.ingest = frontend->counters();
    metrics.publish(counters);
    if (!live) {
      continue;
    }
    const int64_t now = realtime_ns();
    if (n > 0) {
      last_arrival = now;
    } else {
      frontend->advance_time(now);
    }
    const bool enough =
        options.nof_slots != 0 && rows.size() >= options.nof_slots;
    if (enough ||
        now - last_arrival > static_cast<int64_t>(options.idle_ms * 1e6)) {
      break;
    }
  }
  frontend->flush();
  counters.ingest = frontend->counters();
  metrics.publish(counters);
  if (const auto *pcap = dynamic_cast<const io::pcap_source *>(source.get());
      pcap != nullptr && !pcap->read_error().empty()) {
    std::fprintf(stderr, "airan: %s: %s\n", input.path.c_str(),
                 pcap->read_error().c_str());
  }

  std::printf("%-12s %-8s %10s %4s %10s %8s %8s\n", "slot", "arrival",
              options.split == fh_split::split8 ? "samples" : "PRBs",
              "CRC", "bit errors", "EVM[%]", "SINR[dB]");
  unsigned nof_passed = 0;
  for (const slot_row &row : rows) {
    const bool passed = row.complete && row.result.passed;
    nof_passed += passed ? 1 : 0;
    if (!row.result.error.empty()) {
      std::printf("%-12s %-8s %10lu ERROR %s\n", row.result.name.c_str(),
                  row.complete ? "complete" : "partial",
                  static_cast<unsigned long>(row.nof_received),
                  row.result.error.c_str());
      continue;
    }
    std::printf("%-12s %-8s %10lu %4s %10u %8.2f %8.1f\n",
                row.result.name.c_str(), row.complete ? "complete" : "partial",
                static_cast<unsigned long>(row.nof_received),
                row.result.crc_ok ? "ok" : "bad",
                row.result.bit_errors, row.result.evm_percent,
                row.result.sinr_db);
  }
  const io::ingest_counters &c = counters.ingest;
  std::printf("%zu slots, %u complete and decoded; packets %lu, late %lu, "
              "early %lu, duplicate %lu, out of order %lu, "
              "sequence gaps %lu, malformed %lu, unknown eAxC %lu\n",
              rows.size(), nof_passed, static_cast<unsigned long>(c.packets),
              static_cast<unsigned long>(c.late),
              static_cast<unsigned long>(c.early),
              static_cast<unsigned long>(c.duplicate),
              static_cast<unsigned long>(c.out_of_order),
              static_cast<unsigned long>(c.sequence_gaps),
              static_cast<unsigned long>(c.malformed_total()),
              static_cast<unsigned long>(c.unknown_eaxc));
  if (!options.metrics_path.empty()) {
    std::ofstream out(options.metrics_path);
    out << io::to_prometheus(c);
    if (!out) {
      throw std::runtime_error("cannot write " + options.metrics_path);
    }
  }
  if (!json_path.empty()) {
    nlohmann::json report = nlohmann::json::array();
    for (const slot_row &row : rows) {
      report.push_back({{"frame", row.frame},
                        {"subframe", row.subframe},
                        {"slot", row.slot},
                        {"complete", row.complete},
                        {"received", row.nof_received},
                        {"expected", row.nof_expected},
                        {"passed", row.result.passed},
                        {"crc_ok", row.result.crc_ok},
                        {"bit_errors", row.result.bit_errors},
                        {"error", row.result.error}});
    }
    std::ofstream out(json_path);
    out << report.dump(2) << "\n";
    if (!out) {
      throw std::runtime_error("cannot write " + json_path);
    }
  }
  const bool all_passed = nof_passed == rows.size() && !rows.empty();
  const bool count_ok =
      options.nof_slots == 0 || rows.size() == options.nof_slots;
  return all_passed && count_ok ? 0 : 1;
}

} // namespace airan::tools
