#include "fh_options.h"

#include <charconv>
#include <map>
#include <sstream>
#include <stdexcept>

namespace airan::tools {

endpoint parse_endpoint(const std::string &text) {
  endpoint e;
  if (text.rfind("pcap:", 0) == 0 && text.size() > 5) {
    e.kind = endpoint::kind_t::pcap;
    e.path = text.substr(5);
    return e;
  }
  if (text.rfind("dpdk:", 0) == 0 && text.size() > 5) {
    e.kind = endpoint::kind_t::dpdk;
    e.vdev = text.substr(5);
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
  throw std::invalid_argument(
      "'" + text + "' is none of pcap:FILE, udp:HOST:PORT, dpdk:VDEV");
}

std::vector<std::string> split_eal_args(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> args;
  for (std::string arg; in >> arg;) {
    args.push_back(arg);
  }
  return args;
}

void add_eal_option(CLI::App &cmd, std::string &eal) {
  cmd.add_option("--eal", eal,
                 "dpdk: endpoints: DPDK EAL arguments (one EAL per process)")
      ->capture_default_str();
}

void add_split_option(CLI::App &cmd, fh_split &split) {
  const std::map<std::string, fh_split> splits = {{"7", fh_split::split7},
                                                  {"8", fh_split::split8}};
  cmd.add_option("--split", split,
                 "functional split: 7 (O-RAN 7.2x PRBs) or 8 (time-domain "
                 "IQ samples)")
      ->transform(CLI::CheckedTransformer(splits))
      ->default_str("7");
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
  const char* const end = options.bfp.data() + options.bfp.size();
  if (std::from_chars(options.bfp.data(), end, width).ptr != end) {
    width = 0; // Not a whole unsigned number ("9x", "-4").
  }
  if (width < 1 || width > 16) {
    throw std::invalid_argument("--bfp '" + options.bfp +
                                "': expected a mantissa width 1..16 or none");
  }
  return {io::compression_method::block_floating_point, width};
}

std::vector<uint16_t> port_eaxc_of(const fh_format_options &options,
                                   unsigned nof_ports) {
  if (unsigned{options.eaxc_base} + nof_ports - 1 > 0xFFFF) {
    throw std::invalid_argument("--eaxc-base " + std::to_string(options.eaxc_base) + ": " + std::to_string(nof_ports) +
                                " ports need eAxC IDs up to " +
                                std::to_string(unsigned{options.eaxc_base} + nof_ports - 1) + ", beyond 65535");
  }
  std::vector<uint16_t> eaxc(nof_ports);
  for (unsigned i = 0; i != nof_ports; ++i) {
    eaxc[i] = static_cast<uint16_t>(options.eaxc_base + i);
  }
  return eaxc;
}

void add_fronthaul_run_options(CLI::App &cmd, fronthaul_run_options &options) {
  cmd.add_option("--input", options.input,
                 "decode the vector's PUSCH from U-plane packets: pcap:FILE, "
                 "udp:HOST:PORT (bind address) or dpdk:VDEV (e.g. "
                 "dpdk:net_pcap0,rx_pcap=FILE)");
  add_eal_option(cmd, options.eal);
  add_split_option(cmd, options.split);
  add_fh_format_options(cmd, options.format);
  cmd.add_flag("--realtime", options.realtime,
               "pcap input: replay with the capture's timing");
  cmd.add_option("--slots", options.nof_slots,
                 "slots expected (UDP and DPDK input stop after them)");
  cmd.add_option("--window-us", options.window_us,
                 "reception window from a slot's first packet, microseconds")
      ->capture_default_str();
  cmd.add_option("--list-slots", options.nof_listed_slots,
                 "slots listed in the table and the JSON report (the first to "
                 "close; every slot is counted)")
      ->check(CLI::Range(0U, 1'000'000U))
      ->capture_default_str();
  cmd.add_option("--idle-ms", options.idle_ms,
                 "UDP and DPDK input: stop after this long without a packet")
      ->capture_default_str();
  cmd.add_option("--decode-threads", options.decode_threads,
                 "decode worker threads; packets are received and slots "
                 "assembled on a thread of their own")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd.add_option("--decode-nice", options.decode_nice,
                 "added to the decode workers' nice value, so that an "
                 "oversubscribed CPU serves the receive thread first")
      ->check(CLI::Range(0, 19))
      ->capture_default_str();
  cmd.add_option("--decode-buffers", options.decode_buffers,
                 "closed slots queued for or in decoding at once; a slot that "
                 "finds none free is dropped (airan_decode_overrun_total)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd.add_option("--rcvbuf-kib", options.udp_receive_buffer_kib,
                 "UDP input: socket receive buffer (SO_RCVBUF) asked for, KiB; "
                 "the kernel grants at most net.core.rmem_max")
      ->check(CLI::Range(64, 1 << 20))
      ->capture_default_str();
  cmd.add_option("--metrics", options.metrics_path,
                 "write the ingest counters (Prometheus text) to this file");
  cmd.add_option("--metrics-port", options.metrics_port,
                 "serve the ingest and decode counters at GET /metrics on "
                 "this TCP port while the input runs");
  cmd.add_option("--metrics-address", options.metrics_address,
                 "bind address of --metrics-port")
      ->capture_default_str();
}

} // namespace airan::tools
