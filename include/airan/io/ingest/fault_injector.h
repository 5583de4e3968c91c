#pragma once
/// Fault injection for the RU emulator: drops, reorders, duplicates, corrupts
/// and delays fronthaul packets, from a seed, and records what it did so that
/// tests can compare the receiver's counters with it. Each packet gets at most
/// one fault, drawn with the configured probabilities. Test and emulation
/// tooling: it copies packets (allocates).
///
/// - drop: the packet is not sent.
/// - reorder: the packet is held back and sent right after the next packet of
/// the same port (eAxC) that goes out
///   undamaged and on time; at the end of the stream a held packet goes out at
///   its planned time and was then not reordered.
/// - duplicate: the packet is sent twice in a row.
/// - corrupt: one of four damages, each one a defined parser error: eCPRI
/// revision 2 (bad_ecpri_revision), the
///   frame cut inside its IQ data (ecpri_payload_size_mismatch), payloadVersion
///   2 (bad_payload_version), symbolId above 13 (symbol_out_of_range).
/// - delay: the packet is sent delay_ns later than planned, after the packets
/// planned before that time.

#include "airan/common/status.h"
#include "airan/io/fronthaul/fh_error.h"

#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <vector>

namespace airan::io {

struct fault_config {
  /// Probabilities per packet; their sum at most 1.
  double drop = 0.0;
  double reorder = 0.0;
  double duplicate = 0.0;
  double corrupt = 0.0;
  double delay = 0.0;
  /// How much later a delayed packet goes out, nanoseconds (>= 0).
  int64_t delay_ns = 0;
  uint64_t seed = 1;
};

status validate(const fault_config &config);

enum class fault_kind : uint8_t {
  none,
  drop,
  reorder,
  duplicate,
  corrupt_revision,
  corrupt_truncate,
  corrupt_payload_version,
  corrupt_symbol,
  delay,
};

/// What was injected.
struct fault_report {
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  uint64_t dropped = 0;
  uint64_t reordered =
      0; ///< Held packets actually sent after a later packet of their port.
  uint64_t duplicated = 0; ///< Extra copies sent.
  uint64_t delayed = 0;
  /// Corrupted packets by the parser error they cause (index: fh_error).
  uint64_t corrupted[nof_fh_errors] = {};

  uint64_t corrupted_total() const noexcept;
};

/// The parser error a corruption causes.
fh_error expected_error(fault_kind kind) noexcept;

/// A packet on its way out.
struct injected_packet {
  std::vector<uint8_t> bytes;
  int64_t tx_time_ns = 0;
  uint64_t index = 0; ///< Position of the original packet in the input stream.
  unsigned port = 0;
  fault_kind fault = fault_kind::none; ///< What happened to the original
                                       ///< (duplicate copies too).
  bool copy = false; ///< The second copy of a duplicated packet.
};

class fault_injector {
public:
  /// Throws std::invalid_argument with validate()'s message.
  explicit fault_injector(const fault_config &config);

  /// Takes one packet planned for tx_time_ns (non-decreasing from call to
  /// call). ecpri_offset: where its eCPRI PDU starts; port: its eAxC's port.
  void push(std::span<const uint8_t> packet, unsigned ecpri_offset,
            unsigned port, int64_t tx_time_ns);

  /// Moves out, in sending order, the packets planned before until_ns (delayed
  /// packets count at their new time).
  std::vector<injected_packet> pop_until(int64_t until_ns);
  /// Moves out every remaining packet (held ones last).
  std::vector<injected_packet> drain();

  const fault_report &report() const noexcept { return report_; }

private:
  fault_kind draw() noexcept;
  void corrupt(std::vector<uint8_t> &bytes, unsigned ecpri_offset,
               fault_kind kind);
  void schedule(injected_packet packet);

  fault_config config_;
  std::mt19937_64 rng_;
  fault_report report_;
  uint64_t next_index_ = 0;
  uint64_t next_order_ = 0;
  std::map<std::pair<int64_t, uint64_t>, injected_packet>
      queue_;                                ///< By (send time, order).
  std::map<unsigned, injected_packet> held_; ///< Reordered packets, by port.
};

} // namespace airan::io
