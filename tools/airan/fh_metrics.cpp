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
  return text;
}

run_metrics::run_metrics(const std::string& address, uint16_t port)
{
  if (port != 0) {
    server_ = std::make_unique<io::metrics_server>(address, port, [this] { return to_prometheus(board_.read()); });
  }
}

} // namespace airan::tools
