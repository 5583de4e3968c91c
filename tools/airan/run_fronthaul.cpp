// airan run --input: the slots of a pcap capture, a UDP stream or a DPDK port
// assembled (split 7.2x or 8) on this thread and decoded with a test vector's
// PDU by decode workers (io::slot_pipeline), so that a slow decode never delays
// the reception of the next slot's packets.

#include "airan/io/ingest/pcap_io.h"
#include "fh_endpoints.h"
#include "fh_frontend.h"
#include "fh_metrics.h"
#include "fh_options.h"
#include "run_cases.h"

#include <nlohmann/json.hpp>

#include "airan/io/ingest/slot_pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace airan::tools {

namespace {

int64_t realtime_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct slot_row {
  uint64_t sequence = 0; ///< Order in which the slot closed.
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

  run_metrics metrics;
  // Decode side: the workers' rows, slot buffers and decoders. Declared before the pipeline, which stops (joining
  // the workers) before they go.
  // A live run may last for hours: the first options.nof_listed_slots slots are kept for the per-slot table and the
  // JSON report, every slot is counted.
  std::mutex rows_mutex;
  std::vector<slot_row> rows;
  uint64_t nof_decoded = 0;
  uint64_t nof_passed = 0;
  std::vector<slot_buffer> buffers;
  std::vector<slot_decoder> decoders;
  std::unique_ptr<io::slot_pipeline> pipeline;

  // Ingest side, this thread: packets in, each closed slot copied into a free buffer and handed to a worker.
  const bool live = is_live(input);
  uint64_t nof_closed = 0;
  std::unique_ptr<slot_frontend> frontend;
  frontend = make_slot_frontend(v, options, [&](const closed_slot &slot) {
    // Counted before the slot is decoded: a scrape that sees it decoded sees its packets.
    metrics.publish(frontend->counters());
    const uint64_t sequence = nof_closed++;
    const auto fill = [&](unsigned b) {
      copy_slot(slot, buffers[b]);
      buffers[b].sequence = sequence;
    };
    if (!live) {
      pipeline->push_waiting(fill); // A file waits for the decoders.
    } else if (!pipeline->push(fill)) {
      metrics.count_overrun();
    }
  });
  for (unsigned b = 0; b != options.decode_buffers; ++b) {
    buffers.push_back(frontend->make_buffer());
  }
  for (unsigned w = 0; w != options.decode_threads; ++w) {
    decoders.emplace_back(v, options.split);
  }
  pipeline = std::make_unique<io::slot_pipeline>(
      io::slot_pipeline_config{options.decode_buffers, options.decode_threads,
                               options.decode_nice},
      [&](unsigned b, unsigned worker) {
        const slot_buffer &slot = buffers[b];
        const slot_header &h = slot.header;
        slot_row row{slot.sequence,     h.frame_id,     h.subframe_id, h.slot_id,
                     h.complete(),      h.nof_received, h.nof_expected, {}};
        row.result.name = std::to_string(h.frame_id) + "." +
                          std::to_string(h.subframe_id) + "." +
                          std::to_string(h.slot_id);
        row.result.kind = "pusch_grid";
        run_pusch(row.result, v, estimator, decoders[worker].grid_of(slot));
        metrics.count_decoded(row.result.crc_ok);
        const std::scoped_lock lock(rows_mutex);
        ++nof_decoded;
        nof_passed += row.complete && row.result.passed ? 1 : 0;
        if (row.sequence < options.nof_listed_slots) {
          rows.push_back(std::move(row));
        }
      });

  const auto source =
      open_source(input, options.eal, options.realtime, options.format.udp_port,
                  options.udp_receive_buffer_kib * 1024U);
  metrics.serve(options.metrics_address, options.metrics_port);
  std::vector<io::rx_packet> burst(64);
  int64_t last_arrival = realtime_ns();
  while (!source->at_end()) {
    const std::size_t n = source->receive_burst(burst);
    frontend->push(std::span(burst).first(n));
    metrics.publish(frontend->counters());
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
        options.nof_slots != 0 && nof_closed >= options.nof_slots;
    if (enough ||
        now - last_arrival > static_cast<int64_t>(options.idle_ms * 1e6)) {
      break;
    }
  }
  frontend->flush();
  metrics.publish(frontend->counters());
  pipeline->stop();
  std::sort(rows.begin(), rows.end(), [](const slot_row &a, const slot_row &b) {
    return a.sequence < b.sequence;
  });
  run_counters counters = metrics.read();
  counters.ingest = frontend->counters(); // The board may have skipped the last publish.
  if (const auto *pcap = dynamic_cast<const io::pcap_source *>(source.get());
      pcap != nullptr && !pcap->read_error().empty()) {
    std::fprintf(stderr, "airan: %s: %s\n", input.path.c_str(),
                 pcap->read_error().c_str());
  }

  std::printf("%-12s %-8s %10s %4s %10s %8s %8s\n", "slot", "arrival",
              options.split == fh_split::split8 ? "samples" : "PRBs", "CRC", "bit errors", "EVM[%]", "SINR[dB]");
  for (const slot_row& row : rows) {
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
  if (nof_decoded > rows.size()) {
    std::printf("... %lu more slots decoded, not listed (--list-slots %u), counted below\n",
                static_cast<unsigned long>(nof_decoded - rows.size()), options.nof_listed_slots);
  }
  const io::ingest_counters &c = counters.ingest;
  std::printf("%lu slots, %lu complete and decoded, %lu dropped (decode "
              "overrun); packets %lu, late %lu, "
              "early %lu, duplicate %lu, out of order %lu, "
              "sequence gaps %lu, malformed %lu, unknown eAxC %lu, frame jumps "
              "%lu, stray slots %lu\n",
              static_cast<unsigned long>(nof_decoded), static_cast<unsigned long>(nof_passed),
              static_cast<unsigned long>(counters.decode.overrun), static_cast<unsigned long>(c.packets),
              static_cast<unsigned long>(c.late), static_cast<unsigned long>(c.early),
              static_cast<unsigned long>(c.duplicate), static_cast<unsigned long>(c.out_of_order),
              static_cast<unsigned long>(c.sequence_gaps), static_cast<unsigned long>(c.malformed_total()),
              static_cast<unsigned long>(c.unknown_eaxc), static_cast<unsigned long>(c.frame_jumps),
              static_cast<unsigned long>(c.stray_slots));
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
  const bool all_passed = nof_passed == nof_decoded && nof_decoded != 0 && counters.decode.overrun == 0;
  const bool count_ok = options.nof_slots == 0 || nof_decoded == options.nof_slots;
  return all_passed && count_ok ? 0 : 1;
}

} // namespace airan::tools
