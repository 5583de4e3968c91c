#include "airan/io/ingest/udp_io.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
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
  /// recvmmsg() descriptors of each datagram of a burst, and room for its timestamp control message.
  std::vector<mmsghdr> messages;
  std::vector<iovec> vectors;
  std::vector<std::array<uint8_t, CMSG_SPACE(sizeof(timespec))>> controls;

  void prepare(std::size_t nof_datagrams)
  {
    arena.resize(nof_datagrams * config.max_datagram_bytes);
    messages.resize(nof_datagrams);
    vectors.resize(nof_datagrams);
    controls.resize(nof_datagrams);
  }

  /// The datagrams waiting, up to limit, without blocking.
  std::size_t try_receive(std::span<rx_packet> out) noexcept
  {
    for (std::size_t i = 0; i != out.size(); ++i) {
      vectors[i] = {arena.data() + i * config.max_datagram_bytes, config.max_datagram_bytes};
      messages[i] = {};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_control = controls[i].data();
      messages[i].msg_hdr.msg_controllen = controls[i].size();
    }
    const int n = recvmmsg(socket.native_handle(), messages.data(), static_cast<unsigned>(out.size()), MSG_DONTWAIT,
                           nullptr);
    if (n <= 0) {
      return 0;
    }
    const int64_t read_time = realtime_ns();
    for (std::size_t i = 0; i != static_cast<std::size_t>(n); ++i) {
      out[i].bytes = {static_cast<const uint8_t*>(vectors[i].iov_base), messages[i].msg_len};
      out[i].framing = packet_framing::ecpri;
      out[i].rx_time_ns = kernel_time(messages[i].msg_hdr).value_or(read_time);
      out[i].cut = (messages[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    }
    return static_cast<std::size_t>(n);
  }

  /// The time the kernel received the datagram (SO_TIMESTAMPNS, CLOCK_REALTIME), when it says.
  static std::optional<int64_t> kernel_time(msghdr& header) noexcept
  {
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
      }
    }
    return std::nullopt;
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
    // Kernel receive timestamps (socket(7)); Boost.Asio has no option for them.
    const int on = 1;
    if (setsockopt(impl_->socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) != 0) {
      error.assign(errno, boost::system::system_category());
    }
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
  impl_->prepare(config.max_burst);
}

udp_source::~udp_source() = default;

std::size_t udp_source::receive_burst(std::span<rx_packet> out) noexcept {
  out = out.first(std::min<std::size_t>(out.size(), impl_->config.max_burst));
  std::size_t n = impl_->try_receive(out);
  if (n == 0 && !out.empty()) {
    pollfd fd{impl_->socket.native_handle(), POLLIN, 0};
    const timespec timeout{
        static_cast<time_t>(impl_->config.poll_timeout_ns / 1'000'000'000),
        static_cast<long>(impl_->config.poll_timeout_ns % 1'000'000'000)};
    if (ppoll(&fd, 1, &timeout, nullptr) > 0) {
      n = impl_->try_receive(out);
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
