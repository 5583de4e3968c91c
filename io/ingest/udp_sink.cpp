#include "airan/io/ingest/udp_io.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <stdexcept>

namespace airan::io {

namespace asio = boost::asio;

struct udp_sink::impl {
  asio::io_context context;
  asio::ip::udp::socket socket{context};
};

udp_sink::udp_sink(const udp_sink_config &config)
    : impl_(std::make_unique<impl>()) {
  const std::string where = config.host + ":" + std::to_string(config.port);
  boost::system::error_code error;
  const auto address = asio::ip::make_address(config.host, error);
  if (error) {
    throw std::runtime_error("UDP sink " + where + ": " + error.message());
  }
  const asio::ip::udp::endpoint endpoint(address, config.port);
  impl_->socket.open(endpoint.protocol(), error);
  if (!error) {
    impl_->socket.connect(endpoint, error);
  }
  if (!error) {
    impl_->socket.non_blocking(true, error);
  }
  if (error) {
    throw std::runtime_error("UDP sink " + where + ": " + error.message());
  }
}

udp_sink::~udp_sink() = default;

std::size_t
udp_sink::send_burst(std::span<const std::span<const uint8_t>> packets,
                     int64_t /*tx_time_ns*/) noexcept {
  std::size_t n = 0;
  for (const std::span<const uint8_t> packet : packets) {
    boost::system::error_code error;
    impl_->socket.send(asio::buffer(packet.data(), packet.size()), 0, error);
    if (error) {
      break;
    }
    ++n;
  }
  return n;
}

} // namespace airan::io
