#include "fh_options.h"

#include <stdexcept>

namespace airan::tools {

endpoint parse_endpoint(const std::string &text) {
  endpoint e;
  if (text.rfind("pcap:", 0) == 0 && text.size() > 5) {
    e.kind = endpoint::kind_t::pcap;
    e.path = text.substr(5);
    return e;
  }
  const std::size_t colon = text.rfind(':');
  if (text.rfind("udp:", 0) == 0 && colon > 4 && colon + 1 < text.size()) {
    e.kind = endpoint::kind_t::udp;
    e.host = text.substr(4, colon - 4);
    try {
      const unsigned long port = std::stoul(text.substr(colon + 1));
      if (port <= 65535) {
        e.port = static_cast<uint16_t>(port);
        return e;
      }
    } catch (const std::exception &) {
    }
  }
  throw std::invalid_argument("'" + text +
                              "' is neither pcap:FILE nor udp:HOST:PORT");
}

void add_fh_format_options(CLI::App &cmd, fh_format_options &options) {
  cmd.add_option(
         "--bfp", options.bfp,
         "IQ compression: block floating point mantissa width 1..16, or none")
      ->capture_default_str();
  cmd.add_flag("--ud-comp-hdr", options.ud_comp_hdr,
               "sections carry udCompHdr (dynamic compression header)");
  cmd.add_option("--eaxc-base", options.eaxc_base,
                 "eAxC ID of receive port 0 (port i: base + i)")
      ->capture_default_str();
  cmd.add_option("--iq-scale", options.iq_scale,
                 "float value of one int16 IQ unit")
      ->capture_default_str();
  cmd.add_option("--udp-port", options.udp_port,
                 "pcap input: UDP destination port of eCPRI datagrams (0: any)")
      ->capture_default_str();
}

io::compression_params compression_of(const fh_format_options &options) {
  if (options.bfp == "none") {
    return {io::compression_method::none, 16};
  }
  unsigned width = 0;
  try {
    width = static_cast<unsigned>(std::stoul(options.bfp));
  } catch (const std::exception &) {
  }
  if (width < 1 || width > 16) {
    throw std::invalid_argument("--bfp '" + options.bfp +
                                "': expected a mantissa width 1..16 or none");
  }
  return {io::compression_method::block_floating_point, width};
}

std::vector<uint16_t> port_eaxc_of(const fh_format_options &options,
                                   unsigned nof_ports) {
  std::vector<uint16_t> eaxc(nof_ports);
  for (unsigned i = 0; i != nof_ports; ++i) {
    eaxc[i] = static_cast<uint16_t>(options.eaxc_base + i);
  }
  return eaxc;
}

void add_fronthaul_run_options(CLI::App &cmd, fronthaul_run_options &options) {
  cmd.add_option("--input", options.input,
                 "decode the vector's PUSCH from U-plane packets: pcap:FILE or "
                 "udp:HOST:PORT (bind address)");
  add_fh_format_options(cmd, options.format);
  cmd.add_flag("--realtime", options.realtime,
               "pcap input: replay with the capture's timing");
  cmd.add_option("--slots", options.nof_slots,
                 "slots expected (UDP input stops after them)");
  cmd.add_option("--window-us", options.window_us,
                 "reception window from a slot's first packet, microseconds")
      ->capture_default_str();
  cmd.add_option("--idle-ms", options.idle_ms,
                 "UDP input: stop after this long without a packet")
      ->capture_default_str();
  cmd.add_option("--metrics", options.metrics_path,
                 "write the ingest counters (Prometheus text) to this file");
}

} // namespace airan::tools
