#pragma once
/// Packet input and output of the fronthaul, independent of the transport: a
/// DPDK port, a UDP socket or a pcap file deliver bursts of received packets to
/// the slot assembler; the RU emulator sends bursts through the same kinds of
/// backends. No DPDK, Boost or libpcap header appears here.

#include "airan/common/status.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

/// What the first byte of a packet is.
enum class packet_framing : uint8_t {
  /// An Ethernet frame without FCS (DPDK ports, pcap files with link type
  /// Ethernet): parse_ethernet() first.
  ethernet,
  /// An eCPRI PDU, the payload of a UDP datagram (eCPRI over IP).
  ecpri,
};

/// One received packet. The bytes stay valid until the next receive_burst()
/// call on the same source.
struct rx_packet {
  std::span<const uint8_t> bytes;
  packet_framing framing = packet_framing::ethernet;
  /// Receive (or capture) time, nanoseconds on the source's clock
  /// (CLOCK_REALTIME for sockets and pcap files).
  int64_t rx_time_ns = 0;
  /// The source kept only the first bytes of a longer packet (a UDP datagram
  /// beyond the receive buffer, a pcap record shorter than its frame): counted
  /// as malformed (fh_error::cut_on_receive), never parsed.
  bool cut = false;
};

/// A receiver of fronthaul packets. receive_burst() never blocks longer than
/// the source's configured poll timeout and never throws; creation (which may
/// fail with an exception in tools, or a status) is separate.
class packet_source {
public:
  virtual ~packet_source() = default;
  /// Fills up to out.size() packets; returns how many. 0 means none arrived
  /// within the poll timeout (or, for a file, see at_end()).
  virtual std::size_t receive_burst(std::span<rx_packet> out) noexcept = 0;
  /// True when no packet will ever arrive again (end of a file, port closed).
  virtual bool at_end() const noexcept = 0;
};

/// A sender of fronthaul packets (RU emulator). Returns how many of the packets
/// were sent; the rest were refused (queue full) and may be retried.
class packet_sink {
public:
  virtual ~packet_sink() = default;
  virtual std::size_t
  send_burst(std::span<const std::span<const uint8_t>> packets,
             int64_t tx_time_ns) noexcept = 0;
};

} // namespace airan::io
