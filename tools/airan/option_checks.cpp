// Checks of command-line values shared by the subcommands (commands.h).

#include "commands.h"

#include <charconv>
#include <cstdint>
#include <string>

namespace airan::tools {

CLI::Validator unsigned_64bit()
{
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        uint64_t value = 0;
        const auto end = text.data() + text.size();
        // from_chars: no sign, no leading space, and an error rather than a wrapped or saturated value.
        const auto [ptr, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc() || ptr != end) {
          return "'" + text + "' is not an integer in 0.." + std::to_string(UINT64_MAX);
        }
        return {};
      },
      "UINT64");
}

} // namespace airan::tools
