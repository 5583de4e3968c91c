#pragma once
/// eCPRI over UDP/IP (O-RAN.WG4.CUS 5.1.3: the eCPRI PDU is the UDP payload) as
/// fronthaul packet source and sink, on Boost.Asio sockets (the source reads
/// through the native handle, Linux recvmmsg() with kernel timestamps). The
/// source is non-blocking: receive_burst() takes what has arrived, waiting at
/// most the poll timeout for the first datagram. No Boost header appears here.

#include "airan/io/ingest/packet_io.h"

#include <cstdint>
#include <memory>
#include <string>

namespace airan::io {

struct udp_source_config {
  /// Local IPv4 or IPv6 address to bind to.
  std::string bind_address = "127.0.0.1";
  /// Local port; 0 picks a free one (local_port() tells which).
  uint16_t port = 0;
  /// Longest wait for the first datagram of a burst, nanoseconds.
  int64_t poll_timeout_ns = 1'000'000;
  /// Largest datagram kept whole (longer ones are cut, and counted as
  /// malformed: fh_error::cut_on_receive).
  unsigned max_datagram_bytes = 9000;
  /// Datagrams per burst at most.
  unsigned max_burst = 64;
  /// Socket receive buffer asked for (SO_RCVBUF; the kernel may grant less, up
  /// to net.core.rmem_max).
  unsigned receive_buffer_bytes = 8u << 20;
};

class udp_source final : public packet_source {
public:
  /// Opens and binds the socket. Throws std::runtime_error naming the address
  /// and the problem.
  explicit udp_source(const udp_source_config &config);
  ~udp_source() override;

  /// Datagrams as eCPRI PDUs (packet_framing::ecpri), read in one recvmmsg()
  /// call; rx_time_ns is the kernel's receive time (SO_TIMESTAMPNS,
  /// CLOCK_REALTIME), so that a reader delayed by its scheduler does not make
  /// packets look late, or the read time where the kernel gives none.
  std::size_t receive_burst(std::span<rx_packet> out) noexcept override;
  /// A socket never ends.
  bool at_end() const noexcept override { return false; }

  uint16_t local_port() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct udp_sink_config {
  /// Destination IPv4 or IPv6 address (numeric) and port.
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

class udp_sink final : public packet_sink {
public:
  /// Opens the socket towards the destination. Throws std::runtime_error naming
  /// it and the problem.
  explicit udp_sink(const udp_sink_config &config);
  ~udp_sink() override;

  /// Sends each packet (an eCPRI PDU) as one datagram now (tx_time_ns is not
  /// used: pacing is the caller's); stops at the first one the socket refuses
  /// (buffer full) and returns how many went out.
  std::size_t send_burst(std::span<const std::span<const uint8_t>> packets,
                         int64_t tx_time_ns) noexcept override;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::io
