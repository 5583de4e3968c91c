// Prometheus scrape endpoint: asynchronous accept and connections on one dedicated thread running the io_context; each
// connection reads one request head and gets one response, or is closed when the head has not come within
// request_timeout. The server accepts for as long as it lives: a failed accept (out of file descriptors) is retried.

#include "airan/io/metrics_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <istream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace airan::io {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// How long a connection may take to send its request head (a scraper sends it at once).
constexpr std::chrono::seconds request_timeout{5};
/// The pause before accepting again after a failed accept.
constexpr std::chrono::milliseconds accept_retry{100};

std::string response(const std::string& status, const std::string& content_type, const std::string& body)
{
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

/// The response to a request line "METHOD PATH VERSION".
std::string answer(const std::string& request_line, const metrics_server::render_function& render)
{
  std::istringstream line(request_line);
  std::string method;
  std::string target;
  line >> method >> target;
  const std::string path = target.substr(0, target.find('?'));
  if (path != "/metrics") {
    return response("404 Not Found", "text/plain", "not found: try /metrics\n");
  }
  if (method != "GET" && method != "HEAD") {
    return response("405 Method Not Allowed", "text/plain", "only GET\n");
  }
  const std::string body = render();
  std::string text = response("200 OK", "text/plain; version=0.0.4; charset=utf-8", body);
  if (method == "HEAD") {
    text.resize(text.size() - body.size());
  }
  return text;
}

/// One connection: read the request head, write the response, close.
struct connection : std::enable_shared_from_this<connection> {
  connection(tcp::socket s, const metrics_server::render_function& r)
      : socket(std::move(s)), render(r), deadline(socket.get_executor())
  {
  }

  void start()
  {
    deadline.expires_after(request_timeout);
    deadline.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error) {
        boost::system::error_code ignored;
        self->socket.close(ignored);
      }
    });
    asio::async_read_until(
        socket, request, "\r\n\r\n", [self = shared_from_this()](boost::system::error_code error, std::size_t) {
          self->deadline.cancel();
          if (error) {
            return;
          }
          std::istream in(&self->request);
          std::string request_line;
          std::getline(in, request_line);
          self->reply = answer(request_line, self->render);
          asio::async_write(self->socket, asio::buffer(self->reply), [self](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            self->socket.shutdown(tcp::socket::shutdown_both, ignored);
          });
        });
  }

  tcp::socket socket;
  const metrics_server::render_function& render;
  asio::streambuf request{16384};
  std::string reply;
  asio::steady_timer deadline;
};

} // namespace

struct metrics_server::impl {
  render_function render;
  asio::io_context context;
  tcp::acceptor acceptor{context};
  asio::steady_timer retry{context};
  std::thread thread;

  void accept()
  {
    acceptor.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) {
        return; // the server stops
      }
      if (error) {
        // Out of file descriptors, or a connection reset before it was accepted: try again shortly.
        retry.expires_after(accept_retry);
        retry.async_wait([this](boost::system::error_code wait_error) {
          if (!wait_error) {
            accept();
          }
        });
        return;
      }
      std::make_shared<connection>(std::move(socket), render)->start();
      accept();
    });
  }
};

metrics_server::metrics_server(const std::string& address, uint16_t port, render_function render)
    : impl_(std::make_unique<impl>())
{
  impl_->render = std::move(render);
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(address, error);
  const std::string where = "metrics server " + address + ":" + std::to_string(port);
  if (error) {
    throw std::runtime_error(where + ": " + error.message());
  }
  const tcp::endpoint endpoint(ip, port);
  impl_->acceptor.open(endpoint.protocol(), error);
  if (!error) {
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  }
  if (!error) {
    impl_->acceptor.bind(endpoint, error);
  }
  if (!error) {
    impl_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  }
  if (error) {
    throw std::runtime_error(where + ": " + error.message());
  }
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->context.run(); });
}

metrics_server::~metrics_server()
{
  // Connections still open are dropped with the context's pending handlers.
  impl_->context.stop();
  impl_->thread.join();
}

uint16_t metrics_server::port() const noexcept
{
  boost::system::error_code error;
  const auto endpoint = impl_->acceptor.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

} // namespace airan::io
