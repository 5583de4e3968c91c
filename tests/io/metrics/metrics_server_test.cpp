// Prometheus scrape endpoint over loopback: responses to GET /metrics, other paths and methods, a silent client that
// must not hold up others, and the publish / read board.

#include "airan/io/metrics_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <string>

using namespace airan::io;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// Sends request and returns everything the server writes until it closes.
std::string exchange(uint16_t port, const std::string& request)
{
  asio::io_context context;
  tcp::socket socket(context);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  std::string reply;
  boost::system::error_code error;
  asio::read(socket, asio::dynamic_buffer(reply), error);
  CHECK(error == asio::error::eof);
  return reply;
}

} // namespace

TEST_CASE("metrics server: GET /metrics returns the rendered text")
{
  metrics_board<int> board;
  std::atomic<unsigned> nof_renders{0};
  metrics_server server("127.0.0.1", 0, [&] {
    ++nof_renders;
    return "airan_test_total " + std::to_string(board.read()) + "\n";
  });
  REQUIRE(server.port() != 0);
  board.publish(41);
  board.publish(42);
  const std::string reply = exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(reply.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
  const std::string body = "airan_test_total 42\n";
  CHECK(reply.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  CHECK(reply.substr(reply.size() - body.size()) == body);
  CHECK(nof_renders == 1);

  CHECK(exchange(server.port(), "GET /other HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0) == 0);
  CHECK(exchange(server.port(), "POST /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0) == 0);
  CHECK(nof_renders == 1);
}

TEST_CASE("metrics server: a client that sends nothing does not block the next scrape")
{
  metrics_server server("127.0.0.1", 0, [] { return std::string("up 1\n"); });
  asio::io_context context;
  tcp::socket silent(context);
  silent.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const std::string reply = exchange(server.port(), "GET /metrics HTTP/1.0\r\n\r\n");
  CHECK(reply.substr(reply.size() - 5) == "up 1\n");
  // The server is destroyed with the silent connection still open.
}

TEST_CASE("metrics server: a bad address is reported")
{
  CHECK_THROWS_AS(metrics_server("not-an-address", 0, [] { return std::string(); }), std::runtime_error);
}
