#pragma once
// The packet source of `airan run --input` and the packet sink of `airan ru-emu --out`, for every endpoint kind:
// pcap file, UDP socket, DPDK virtual device (when the DPDK backend is built).

#include "airan/io/ingest/packet_io.h"
#include "fh_options.h"

#include <memory>
#include <string>

namespace airan::tools {

/// Whether dpdk: endpoints are available (the DPDK port backend was built).
bool have_dpdk();

/// Opens the input. pcap: replays the file (realtime: with its timing; udp_port: the UDP destination port to read);
/// udp: binds the socket with a receive buffer of udp_receive_buffer_bytes asked for; dpdk: starts EAL with eal
/// (split_eal_args) and opens the virtual device's RX queue 0. Throws std::runtime_error naming the endpoint and the
/// problem.
std::unique_ptr<io::packet_source> open_source(const endpoint& input, const std::string& eal, bool realtime,
                                               uint16_t udp_port, unsigned udp_receive_buffer_bytes);

/// Opens the output. pcap: frames of framing (ecpri: wrapped into UDP/IPv4); udp: one datagram per eCPRI PDU; dpdk:
/// Ethernet frames on the virtual device's TX queue 0 (framing must be ethernet). Throws std::runtime_error.
std::unique_ptr<io::packet_sink> open_sink(const endpoint& output, const std::string& eal, io::packet_framing framing);

/// Whether the endpoint delivers packets as they come (a socket or a port) rather than from a file that ends.
inline bool is_live(const endpoint& e)
{
  return e.kind != endpoint::kind_t::pcap;
}

} // namespace airan::tools
