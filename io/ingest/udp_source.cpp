#include "airan/io/ingest/udp_io.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace airan::io {

namespace asio = boost::asio;

namespace {

int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

struct udp_source::impl {
  udp_source_config config;
  asio::io_context context;
  asio::ip::udp::socket socket{context};
  std::vector<uint8_t> arena; ///< max_burst datagrams of max_datagram_bytes.

  /// One datagram into slot, or false when none is waiting.
  bool try_receive(std::size_t slot, rx_packet &packet) noexcept {
    boost::system::error_code error;
    uint8_t *p = arena.data() + slot * config.max_datagram_bytes;
    const std::size_t size =
        socket.receive(asio::buffer(p, config.max_datagram_bytes), 0, error);
    if (error) {
      return false;
    }
    packet.bytes = {p, size};
    packet.framing = packet_framing::ecpri;
    packet.rx_time_ns = realtime_ns();
    return true;
  }
};

udp_source::udp_source(const udp_source_config &config)
    : impl_(std::make_unique<impl>()) {
  impl_->config = config;
  const std::string where =
      config.bind_address + ":" + std::to_string(config.port);
  if (config.max_datagram_bytes == 0 || config.max_burst == 0) {
    throw std::runtime_error("UDP source " + where +
                             ": datagram size and burst must be positive");
  }
  boost::system::error_code error;
  const auto address = asio::ip::make_address(config.bind_address, error);
  if (error) {
    throw std::runtime_error("UDP source " + where + ": " + error.message());
  }
  const asio::ip::udp::endpoint endpoint(address, config.port);
  impl_->socket.open(endpoint.protocol(), error);
  if (!error) {
    impl_->socket.set_option(asio::socket_base::receive_buffer_size(
                                 static_cast<int>(config.receive_buffer_bytes)),
                             error);
  }
  if (!error) {
    impl_->socket.bind(endpoint, error);
  }
  if (!error) {
    impl_->socket.non_blocking(true, error);
  }
  if (error) {
    throw std::runtime_error("UDP source " + where + ": " + error.message());
  }
  impl_->arena.resize(std::size_t{config.max_burst} *
                      config.max_datagram_bytes);
}

udp_source::~udp_source() = default;

std::size_t udp_source::receive_burst(std::span<rx_packet> out) noexcept {
  const std::size_t limit =
      std::min<std::size_t>(out.size(), impl_->config.max_burst);
  std::size_t n = 0;
  while (n < limit && impl_->try_receive(n, out[n])) {
    ++n;
  }
  if (n == 0 && limit > 0) {
    pollfd fd{impl_->socket.native_handle(), POLLIN, 0};
    const timespec timeout{
        static_cast<time_t>(impl_->config.poll_timeout_ns / 1'000'000'000),
        static_cast<long>(impl_->config.poll_timeout_ns % 1'000'000'000)};
    if (ppoll(&fd, 1, &timeout, nullptr) > 0) {
      while (n < limit && impl_->try_receive(n, out[n])) {
        ++n;
      }
    }
  }
  return n;
}

uint16_t udp_source::local_port() const noexcept {
  boost::system::error_code error;
  const auto endpoint = impl_->socket.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

} // namespace airan::io
