#pragma once
// Counters of `airan run --input` for live scrapes: the ingest counters of the front end and the decode outcome,
// published by the receive loop after each burst and rendered as Prometheus text by the metrics server's thread.

#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/metrics_server.h"

#include <cstdint>
#include <memory>
#include <string>

namespace airan::tools {

struct decode_counters {
  uint64_t slots_decoded = 0; ///< Slots handed to the PUSCH receiver.
  uint64_t crc_pass = 0;      ///< Transport blocks with a good CRC.
  uint64_t crc_fail = 0;      ///< Bad CRC or a PDU the receiver rejected.
};

struct run_counters {
  io::ingest_counters ingest;
  decode_counters decode;
};

/// Prometheus text of both groups (airan_fh_* and airan_decode_*).
std::string to_prometheus(const run_counters& counters);

/// The board the loop publishes to and, when port != 0, the server on address:port that renders it.
class run_metrics {
public:
  run_metrics(const std::string& address, uint16_t port);
  void publish(const run_counters& counters) noexcept { board_.publish(counters); }

private:
  io::metrics_board<run_counters> board_;
  std::unique_ptr<io::metrics_server> server_;
};

} // namespace airan::tools
