#include "fh_endpoints.h"

#include "airan/io/ingest/pcap_io.h"
#include "airan/io/ingest/udp_io.h"
#ifdef AIRAN_HAVE_DPDK
#include "airan/io/ingest/dpdk_port.h"
#endif

#include <stdexcept>

namespace airan::tools {

namespace {

#ifdef AIRAN_HAVE_DPDK
io::dpdk_port_config dpdk_config(const endpoint& e, const std::string& eal)
{
  io::dpdk_port_config config;
  config.eal_args = split_eal_args(eal);
  config.vdev = e.vdev;
  if (config.eal_args.empty()) {
    throw std::invalid_argument("dpdk:" + e.vdev + ": --eal is empty");
  }
  return config;
}
#else
[[noreturn]] void no_dpdk(const endpoint& e)
{
  throw std::runtime_error("dpdk:" + e.vdev + ": this airan was built without DPDK (libdpdk-dev not found)");
}
#endif

} // namespace

bool have_dpdk()
{
#ifdef AIRAN_HAVE_DPDK
  return true;
#else
  return false;
#endif
}

std::unique_ptr<io::packet_source> open_source(const endpoint& input, const std::string& eal, bool realtime,
                                               uint16_t udp_port, unsigned udp_receive_buffer_bytes)
{
  switch (input.kind) {
  case endpoint::kind_t::pcap:
    return std::make_unique<io::pcap_source>(io::pcap_source_config{input.path, realtime, udp_port});
  case endpoint::kind_t::udp: {
    io::udp_source_config config;
    config.bind_address = input.host;
    config.port = input.port;
    config.receive_buffer_bytes = udp_receive_buffer_bytes;
    return std::make_unique<io::udp_source>(config);
  }
  case endpoint::kind_t::dpdk:
    break;
  }
#ifdef AIRAN_HAVE_DPDK
  std::unique_ptr<io::packet_source> source;
  if (const status s = io::make_dpdk_source(dpdk_config(input, eal), source); !s) {
    throw std::runtime_error("dpdk:" + input.vdev + ": " + s.message());
  }
  return source;
#else
  (void)eal;
  no_dpdk(input);
#endif
}

std::unique_ptr<io::packet_sink> open_sink(const endpoint& output, const std::string& eal, io::packet_framing framing)
{
  switch (output.kind) {
  case endpoint::kind_t::pcap: {
    io::pcap_sink_config config;
    config.path = output.path;
    config.framing = framing;
    return std::make_unique<io::pcap_sink>(config);
  }
  case endpoint::kind_t::udp:
    return std::make_unique<io::udp_sink>(io::udp_sink_config{output.host, output.port});
  case endpoint::kind_t::dpdk:
    break;
  }
  if (framing != io::packet_framing::ethernet) {
    throw std::invalid_argument("dpdk:" + output.vdev + ": a DPDK port sends Ethernet frames");
  }
#ifdef AIRAN_HAVE_DPDK
  std::unique_ptr<io::packet_sink> sink;
  if (const status s = io::make_dpdk_sink(dpdk_config(output, eal), sink); !s) {
    throw std::runtime_error("dpdk:" + output.vdev + ": " + s.message());
  }
  return sink;
#else
  (void)eal;
  no_dpdk(output);
#endif
}

} // namespace airan::tools
