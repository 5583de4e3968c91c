#pragma once
// Counters of `airan run --input` for live scrapes: the ingest counters of the front end, published by the ingest
// thread after each burst, and the decode outcome, counted by the decode workers (and overruns by the ingest
// thread); the metrics server's thread renders both as Prometheus text.

#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/metrics_server.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace airan::tools {

struct decode_counters {
  uint64_t slots_decoded = 0; ///< Slots handed to the PUSCH receiver.
  uint64_t crc_pass = 0;      ///< Transport blocks with a good CRC.
  uint64_t crc_fail = 0;      ///< Bad CRC or a PDU the receiver rejected.
  uint64_t overrun = 0;       ///< Slots dropped: every slot buffer was still held by the decode workers.
};

struct run_counters {
  io::ingest_counters ingest;
  decode_counters decode;
};

/// Prometheus text of both groups (airan_fh_* and airan_decode_*).
std::string to_prometheus(const run_counters& counters);

/// The board the ingest thread publishes to, the decode counters any thread adds to and the server that renders them
/// (serve()).
class run_metrics {
public:
  /// Starts the Prometheus endpoint (GET /metrics) on address:port; nothing for port 0. Called once the input is open,
  /// so that a scraper that reaches the endpoint finds the receiver ready for packets.
  void serve(const std::string& address, uint16_t port);

  void publish(const io::ingest_counters& counters) noexcept { board_.publish(counters); }
  void count_decoded(bool crc_ok) noexcept;
  void count_overrun() noexcept { overrun_.fetch_add(1, std::memory_order_relaxed); }
  /// Both groups: the last ingest counters published, the decode counters now.
  run_counters read() const;

private:
  io::metrics_board<io::ingest_counters> board_;
  std::atomic<uint64_t> slots_decoded_{0};
  std::atomic<uint64_t> crc_pass_{0};
  std::atomic<uint64_t> crc_fail_{0};
  std::atomic<uint64_t> overrun_{0};
  /// Last: destroyed (its thread stopped) before what it reads.
  std::unique_ptr<io::metrics_server> server_;
};

} // namespace airan::tools
