#pragma once
/// A minimal HTTP/1.1 server for Prometheus scrapes (the text exposition format, version 0.0.4) on its own thread,
/// with Boost.Asio: GET /metrics answers 200 with the text render() returns; other paths 404, other methods 405.
/// One request per connection (the response carries Connection: close). render() runs on the server thread: it must
/// read what the slot path publishes without blocking it (metrics_board). No Boost header appears here.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace airan::io {

class metrics_server {
public:
  using render_function = std::function<std::string()>;

  /// Binds address:port (port 0: a free one, see port()) and starts the thread. Throws std::runtime_error naming the
  /// address and the problem.
  metrics_server(const std::string& address, uint16_t port, render_function render);
  /// Stops the thread; a request in progress is dropped.
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  uint16_t port() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The latest value of T, published by one thread that must never wait (the slot path) and read by another (the
/// metrics server). publish() skips the update when a reader holds the value (the next one catches up); read()
/// waits only for a copy in progress.
template <typename T>
class metrics_board {
public:
  void publish(const T& value) noexcept
  {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) {
      value_ = value;
    }
  }
  T read() const
  {
    const std::scoped_lock lock(mutex_);
    return value_;
  }

private:
  mutable std::mutex mutex_;
  T value_{};
};

} // namespace airan::io
