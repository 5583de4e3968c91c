#pragma once
/// pcap files as fronthaul packet source and sink (libpcap; link type Ethernet,
/// nanosecond timestamps written). The source reads eCPRI over Ethernet frames
/// (EtherType 0xAEFE, optionally 802.1Q tagged) whole, and eCPRI over UDP/IPv4
/// as the UDP payload (the eCPRI PDU); other frames are skipped and counted. It
/// replays either as fast as possible or with the capture's timing (each packet
/// no earlier than its offset from the first one); rx_time_ns is the capture
/// timestamp in both cases.

#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/ingest/packet_io.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace airan::io {

struct pcap_source_config {
  std::string path;
  /// Replay with the capture's timing; otherwise as fast as possible.
  bool realtime = false;
  /// eCPRI over UDP: destination port of the datagrams to read (0: any port).
  uint16_t udp_port = 0;
  /// Longest wait of receive_burst() for a packet that is not due yet
  /// (realtime), nanoseconds.
  int64_t poll_timeout_ns = 1'000'000;
};

class pcap_source final : public packet_source {
public:
  /// Opens the file. Throws std::runtime_error naming the file and the problem
  /// (missing, not a pcap file, link type other than Ethernet).
  explicit pcap_source(const pcap_source_config &config);
  ~pcap_source() override;

  std::size_t receive_burst(std::span<rx_packet> out) noexcept override;
  bool at_end() const noexcept override;

  /// Frames read from the file that carry no eCPRI (other protocols, other UDP
  /// ports, fragments).
  uint64_t nof_skipped() const noexcept;
  /// Empty, or libpcap's message when reading stopped on an error (a file cut
  /// short) rather than at its end.
  const std::string &read_error() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// How pcap_sink writes a packet it is given.
struct pcap_sink_config {
  std::string path;
  /// ethernet: the packets are Ethernet frames, written as they are. ecpri: the
  /// packets are eCPRI PDUs, written as the UDP payload of an IPv4 frame with
  /// the addresses and ports below.
  packet_framing framing = packet_framing::ethernet;
  mac_address destination_mac{0x02, 0, 0, 0, 0, 0x02};
  mac_address source_mac{0x02, 0, 0, 0, 0, 0x01};
  std::array<uint8_t, 4> destination_ip{192, 168, 1, 2};
  std::array<uint8_t, 4> source_ip{192, 168, 1, 1};
  uint16_t destination_port = 50000;
  uint16_t source_port = 50000;
};

class pcap_sink final : public packet_sink {
public:
  /// Creates (truncates) the file. Throws std::runtime_error naming the file
  /// when it cannot be written.
  explicit pcap_sink(const pcap_sink_config &config);
  ~pcap_sink() override;

  /// Writes every packet with the timestamp tx_time_ns (nanoseconds since the
  /// epoch); only an eCPRI PDU too large for one IPv4 datagram is refused.
  std::size_t send_burst(std::span<const std::span<const uint8_t>> packets,
                         int64_t tx_time_ns) noexcept override;
  /// Writes what is buffered to the file.
  void flush() noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::io
