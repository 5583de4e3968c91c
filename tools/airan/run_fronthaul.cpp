// airan run --input: the slots of a pcap capture or a UDP stream assembled and
// decoded with a test vector's PDU.

#include "airan/io/ingest/pcap_io.h"
#include "airan/io/ingest/slot_assembler.h"
#include "airan/io/ingest/udp_io.h"
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
  unsigned nof_prb_received = 0, nof_prb_expected = 0;
  case_result result;
};

std::unique_ptr<io::packet_source>
open_source(const endpoint &e, const fronthaul_run_options &options) {
  if (e.kind == endpoint::kind_t::pcap) {
    return std::make_unique<io::pcap_source>(io::pcap_source_config{
        e.path, options.realtime, options.format.udp_port});
  }
  io::udp_source_config config;
  config.bind_address = e.host;
  config.port = e.port;
  return std::make_unique<io::udp_source>(config);
}

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

  io::slot_assembler_config config;
  config.numerology = v.carrier.numerology;
  config.nof_symbols = v.nof_symbols;
  config.uplane.nof_carrier_prb = v.nof_subcarriers / 12;
  config.uplane.dynamic_compression = options.format.ud_comp_hdr;
  config.uplane.static_compression = compression_of(options.format);
  config.iq_scale = options.format.iq_scale;
  config.port_eaxc = port_eaxc_of(options.format, v.nof_ports);
  config.reception_window_ns = static_cast<int64_t>(options.window_us * 1000.0);

  std::vector<slot_row> rows;
  io::slot_assembler assembler(config, [&](const io::assembled_slot &slot) {
    slot_row row{slot.frame_id,
                 slot.subframe_id,
                 slot.slot_id,
                 slot.complete(),
                 slot.nof_prb_received,
                 slot.nof_prb_expected,
                 {}};
    row.result.name = std::to_string(slot.frame_id) + "." +
                      std::to_string(slot.subframe_id) + "." +
                      std::to_string(slot.slot_id);
    row.result.kind = "pusch_grid";
    run_pusch(row.result, v, estimator, slot.grid);
    rows.push_back(row);
  });

  const auto source = open_source(input, options);
  std::vector<io::rx_packet> burst(64);
  int64_t last_arrival = realtime_ns();
  const bool udp = input.kind == endpoint::kind_t::udp;
  while (!source->at_end()) {
    const std::size_t n = source->receive_burst(burst);
    assembler.push(std::span(burst).first(n));
    if (!udp) {
      continue;
    }
    const int64_t now = realtime_ns();
    if (n > 0) {
      last_arrival = now;
    } else {
      assembler.advance_time(now);
    }
    const bool enough =
        options.nof_slots != 0 && rows.size() >= options.nof_slots;
    if (enough ||
        now - last_arrival > static_cast<int64_t>(options.idle_ms * 1e6)) {
      break;
    }
  }
  assembler.flush();
  if (const auto *pcap = dynamic_cast<const io::pcap_source *>(source.get());
      pcap != nullptr && !pcap->read_error().empty()) {
    std::fprintf(stderr, "airan: %s: %s\n", input.path.c_str(),
                 pcap->read_error().c_str());
  }

  std::printf("%-12s %-8s %10s %4s %10s %8s %8s\n", "slot", "arrival", "PRBs",
              "CRC", "bit errors", "EVM[%]", "SINR[dB]");
  unsigned nof_passed = 0;
  for (const slot_row &row : rows) {
    const bool passed = row.complete && row.result.passed;
    nof_passed += passed ? 1 : 0;
    if (!row.result.error.empty()) {
      std::printf("%-12s %-8s %10u ERROR %s\n", row.result.name.c_str(),
                  row.complete ? "complete" : "partial", row.nof_prb_received,
                  row.result.error.c_str());
      continue;
    }
    std::printf("%-12s %-8s %10u %4s %10u %8.2f %8.1f\n",
                row.result.name.c_str(), row.complete ? "complete" : "partial",
                row.nof_prb_received, row.result.crc_ok ? "ok" : "bad",
                row.result.bit_errors, row.result.evm_percent,
                row.result.sinr_db);
  }
  const io::ingest_counters &c = assembler.counters();
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
                        {"prb_received", row.nof_prb_received},
                        {"prb_expected", row.nof_prb_expected},
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
