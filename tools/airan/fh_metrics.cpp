#include "fh_metrics.h"

namespace airan::tools {

std::string to_prometheus(const run_counters& counters)
{
  std::string text = io::to_prometheus(counters.ingest);
  const auto add = [&](const std::string& name, const std::string& help, uint64_t value) {
    const std::string metric = "airan_decode_" + name + "_total";
    text += "# HELP " + metric + " " + help + "\n# TYPE " + metric + " counter\n" + metric + " " +
            std::to_string(value) + "\n";
  };
  add("slots", "Slots handed to the PUSCH receiver.", counters.decode.slots_decoded);
  add("crc_pass", "Transport blocks decoded with a good CRC.", counters.decode.crc_pass);
  add("crc_fail", "Transport blocks with a bad CRC or a rejected PDU.", counters.decode.crc_fail);
  add("overrun", "Slots dropped because every slot buffer was held by the decode workers.", counters.decode.overrun);
  return text;
}

void run_metrics::serve(const std::string& address, uint16_t port)
{
  if (port != 0) {
    server_ = std::make_unique<io::metrics_server>(address, port, [this] { return to_prometheus(read()); });
  }
}

void run_metrics::count_decoded(bool crc_ok) noexcept
{
  // The CRC outcome first: a scrape that sees the slot counted sees its outcome.
  (crc_ok ? crc_pass_ : crc_fail_).fetch_add(1, std::memory_order_relaxed);
  slots_decoded_.fetch_add(1, std::memory_order_release);
}

run_counters run_metrics::read() const
{
  run_counters counters;
  counters.ingest = board_.read();
  counters.decode.slots_decoded = slots_decoded_.load(std::memory_order_acquire);
  counters.decode.crc_pass = crc_pass_.load(std::memory_order_relaxed);
  counters.decode.crc_fail = crc_fail_.load(std::memory_order_relaxed);
  counters.decode.overrun = overrun_.load(std::memory_order_relaxed);
  return counters;
}

} // namespace airan::tools
