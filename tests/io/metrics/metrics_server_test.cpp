// Prometheus scrape endpoint over loopback: responses to GET /metrics, other paths and methods, a silent client that
// must not hold up others and is closed after the request timeout, accepting again after running out of file
// descriptors, and the publish / read board.

#include "airan/io/metrics_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <doctest/doctest.h>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace airan::io;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// Reads what the server writes until it closes, for at most timeout (a server that never answers fails the checks
/// instead of hanging the test): the bytes, and the error that ended the read (timed_out on timeout).
std::pair<std::string, boost::system::error_code> read_all(asio::io_context& context, tcp::socket& socket,
                                                           std::chrono::seconds timeout)
{
  std::string reply;
  boost::system::error_code result;
  bool done = false;
  asio::async_read(socket, asio::dynamic_buffer(reply), [&](boost::system::error_code error, std::size_t) {
    result = error;
    done = true;
  });
  context.restart();
  context.run_for(timeout);
  if (!done) {
    socket.cancel();
    context.restart();
    context.run();
    result = asio::error::timed_out;
  }
  return {reply, result};
}

/// Sends request and returns everything the server writes until it closes, within 10 s.
std::string exchange(uint16_t port, const std::string& request)
{
  asio::io_context context;
  tcp::socket socket(context);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  const auto [reply, error] = read_all(context, socket, std::chrono::seconds(10));
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

TEST_CASE("metrics server: a client that never finishes its request is closed after the request timeout")
{
  metrics_server server("127.0.0.1", 0, [] { return std::string("up 1\n"); });
  asio::io_context context;
  tcp::socket slow(context);
  slow.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  asio::write(slow, asio::buffer(std::string("GET /metrics HTTP/1.1\r\nX: y")));
  const auto start = std::chrono::steady_clock::now();
  const auto [reply, error] = read_all(context, slow, std::chrono::seconds(20));
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(reply.empty());
  CHECK(error == asio::error::eof);
  CHECK(waited > std::chrono::seconds(3));
  CHECK(waited < std::chrono::seconds(20));
}

TEST_CASE("metrics server: after running out of file descriptors it accepts again")
{
  metrics_server server("127.0.0.1", 0, [] { return std::string("up 1\n"); });
  // One scrape first: the runtime's lazy set-up (e.g. the sanitizers' type checks, which read files) then happens
  // while descriptors are still available.
  CHECK(exchange(server.port(), "GET /metrics HTTP/1.1\r\n\r\n").ends_with("up 1\n"));
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  // Client sockets made first; then the limit lowered so that the server cannot accept their connections.
  asio::io_context context;
  std::vector<tcp::socket> clients;
  for (unsigned i = 0; i != 8; ++i) {
    clients.emplace_back(context).open(tcp::v4());
  }
  const auto nof_open = static_cast<rlim_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator()));
  rlimit lowered = limit;
  lowered.rlim_cur = nof_open;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
  for (tcp::socket& client : clients) {
    client.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  }
  // Let the server fail its accepts, then give the descriptors back.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  clients.clear();
  REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  const std::string reply = exchange(server.port(), "GET /metrics HTTP/1.1\r\n\r\n");
  CHECK(reply.substr(reply.size() - 5) == "up 1\n");
}

TEST_CASE("metrics server: a bad address is reported")
{
  CHECK_THROWS_AS(metrics_server("not-an-address", 0, [] { return std::string(); }), std::runtime_error);
}

TEST_CASE("metrics server: a head ending in bare LF is answered; one over 16 KB gets 431")
{
  metrics_server server("127.0.0.1", 0, [] { return std::string("up 1\n"); });
  REQUIRE(server.port() != 0);
  const std::string reply = exchange(server.port(), "GET /metrics HTTP/1.0\nHost: x\n\n");
  CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(reply.ends_with("up 1\n"));
  // Mixed line ends, as some hand-written clients send them.
  CHECK(exchange(server.port(), "GET /metrics HTTP/1.0\r\nHost: x\n\r\n").ends_with("up 1\n"));
  // 20 kB of header lines: the reply comes whole although the server leaves part of the request unread.
  std::string request = "GET /metrics HTTP/1.1\r\n";
  while (request.size() < 20000) {
    request += "X-Padding: " + std::string(100, 'a') + "\r\n";
  }
  request += "\r\n";
  CHECK(exchange(server.port(), request).rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
}
