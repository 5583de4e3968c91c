#pragma once
/// Result type for validation of anything that comes from outside (configuration, PDUs, packets, files).

#include <string>
#include <utility>

namespace airan {

/// Either ok or an error message naming the problem. Validators return it instead of throwing.
class [[nodiscard]] status {
public:
  status() = default;

  static status ok() { return {}; }
  static status error(std::string message) { return status{std::move(message)}; }

  bool is_ok() const { return message_.empty(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& message() const { return message_; }

private:
  explicit status(std::string message) : message_(message.empty() ? "unspecified error" : std::move(message)) {}
  std::string message_;
};

} // namespace airan
