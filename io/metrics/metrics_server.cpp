// Prometheus scrape endpoint: asynchronous accept and connections on one dedicated thread running the io_context; each
// connection reads one request head and gets one response, or is closed when the head has not come within
// request_timeout. A head ends at a blank line, CRLF or bare LF (RFC 9112 2.2); one longer than max_head_bytes gets
// 431. The server accepts for as long as it lives: a failed accept (out of file descriptors) is retried.

#include "airan/io/metrics_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <istream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace airan::io {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// How long a connection may take to send its request head (a scraper sends it at once).
constexpr std::chrono::seconds request_timeout{5};
/// The pause before accepting again after a failed accept.
constexpr std::chrono::milliseconds accept_retry{100};
/// Longest request head read.
constexpr std::size_t max_head_bytes = 16384;

/// Match condition of the end of a request head: an empty line, "\n\n" or "\n\r\n".
struct end_of_head {
  using iterator = asio::buffers_iterator<asio::streambuf::const_buffers_type>;
  using result_type = std::pair<iterator, bool>;

  result_type operator()(iterator begin, iterator end) const
  {
    for (iterator i = begin; i != end; ++i) {
      if (*i != '\n') {
        continue;
      }
      iterator next = std::next(i);
      if (next != end && *next == '\r') {
        ++next;
      }
      if (next == end) {
        return {i, false}; // Perhaps the start of the blank line: looked at again with more bytes.
      }
      if (*next == '\n') {
        return {std::next(next), true};
      }
    }
    return {end, false};
  }
};

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

  /// Closes the connection request_timeout from now (a pending wait is cancelled).
  void arm_deadline()
  {
    deadline.expires_after(request_timeout);
    deadline.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error) {
        boost::system::error_code ignored;
        self->socket.close(ignored);
      }
    });
  }

  void start()
  {
    arm_deadline();
    asio::async_read_until(
        socket, request, end_of_head{}, [self = shared_from_this()](boost::system::error_code error, std::size_t) {
          if (error == asio::error::not_found) {
            // The buffer filled before the head ended.
            self->reply = response("431 Request Header Fields Too Large", "text/plain",
                                   "request head over " + std::to_string(max_head_bytes) + " bytes\n");
            self->write_reply();
            return;
          }
          if (error) {
            self->deadline.cancel();
            return;
          }
          std::istream in(&self->request);
          std::string request_line;
          std::getline(in, request_line);
          if (request_line.ends_with('\r')) {
            request_line.pop_back();
          }
          self->reply = answer(request_line, self->render);
          self->write_reply();
        });
  }

  /// Writes reply, then closes the sending side and discards what the client still sends until it closes too (or
  /// request_timeout passes): closing with unread bytes would reset the connection, and the client could lose the
  /// reply.
  void write_reply()
  {
    arm_deadline();
    asio::async_write(socket, asio::buffer(reply),
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        boost::system::error_code ignored;
                        if (error) {
                          self->socket.close(ignored);
                          return;
                        }
                        self->socket.shutdown(tcp::socket::shutdown_send, ignored);
                        self->discard();
                      });
  }

  void discard()
  {
    socket.async_read_some(asio::buffer(drain),
                           [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                             if (!error) {
                               self->discard();
                               return;
                             }
                             self->deadline.cancel();
                             boost::system::error_code ignored;
                             self->socket.close(ignored);
                           });
  }

  tcp::socket socket;
  const metrics_server::render_function& render;
  asio::streambuf request{max_head_bytes};
  std::string reply;
  std::array<char, 4096> drain;
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
