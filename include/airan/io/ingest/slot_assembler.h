#pragma once
/// Slot assembler: received U-plane packets (O-RAN.WG4.CUS 6.3) in, the
/// resource grid of each slot out
/// ([port][symbol][subcarrier], resource_grid.h). The eAxC of a message selects
/// the receive port, its radio timing header (frameId, subframeId, slotId,
/// symbolId) the slot and symbol, the section's startPrbu / numPrbu the
/// subcarriers; the PRBs are decompressed in place and marked as arrived.
///
/// A slot opens with its first message and closes when every PRB of every port
/// and symbol has arrived, or when its deadline passes: the rx time of its
/// first message plus the reception window (the role of the O-DU's Ta4 window,
/// O-RAN.WG4.CUS 4.4.1, measured from the slot's first arrival since no
/// absolute time reference is assumed). Time advances with the rx time of each
/// packet and with advance_time(). Several slots are in flight in a ring of
/// grids allocated at creation; a closed slot is handed to the handler with the
/// mask of the PRBs that arrived, and its grid is reused only after the handler
/// returns. Nothing on the packet path allocates, throws or touches a slot
/// other than the message's own.

#include "airan/common/status.h"
#include "airan/io/fronthaul/uplane.h"
#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/ingest/packet_io.h"
#include "airan/phy/common/resource_grid.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace airan::io {

struct slot_assembler_config {
  /// mu: 2^mu slots per subframe (TS 38.211 4.3.2), 0..4.
  unsigned numerology = 1;
  /// OFDM symbols per slot: 14 (normal cyclic prefix) or 12 (extended).
  unsigned nof_symbols = 14;
  /// U-plane format of every eAxC: carrier PRBs (the grid's width is 12
  /// nof_carrier_prb subcarriers) and compression.
  uplane_config uplane;
  /// The float value of one int16 unit of the IQ samples (iq_compression.h).
  float iq_scale = 1.0F / 8192.0F;
  /// The raw eAxC ID (ecpriPcid) of each receive port: port i of the grid is
  /// port_eaxc[i]. 1..16 ports, all different.
  std::vector<uint16_t> port_eaxc = {0};
  /// Grids in the ring: slots open at once. 1..16.
  unsigned nof_slots_in_flight = 4;
  /// Reception window, nanoseconds of the packets' rx time, from a slot's first
  /// message to its deadline. > 0.
  int64_t reception_window_ns = 1'000'000;
};

status validate(const slot_assembler_config &config);

/// Why a slot was handed over.
enum class slot_close_reason : uint8_t {
  complete, ///< Every PRB arrived.
  deadline, ///< The reception window ended.
  flushed,  ///< flush() (end of input).
};

/// A closed slot, valid during the handler call.
struct assembled_slot {
  uint8_t frame_id = 0;
  uint8_t subframe_id = 0;
  uint8_t slot_id = 0;
  /// The grid; PRBs that did not arrive are zero.
  phy::const_grid_view grid;
  slot_close_reason reason = slot_close_reason::complete;
  /// PRBs that arrived, out of nof_prb_expected (ports x symbols x carrier
  /// PRBs).
  unsigned nof_prb_received = 0;
  unsigned nof_prb_expected = 0;
  /// One bit per PRB, words_per_row 64-bit words per (port, symbol), rows in
  /// grid order.
  std::span<const uint64_t> prb_mask;
  unsigned words_per_row = 0;

  bool complete() const noexcept {
    return nof_prb_received == nof_prb_expected;
  }
  /// Whether PRB prb of symbol l of port arrived.
  bool prb_received(unsigned port, unsigned l, unsigned prb) const noexcept {
    const std::size_t row =
        (std::size_t{port} * grid.nof_symbols + l) * words_per_row;
    return ((prb_mask[row + prb / 64] >> (prb % 64)) & 1) != 0;
  }
};

class slot_assembler {
public:
  using slot_handler = std::function<void(const assembled_slot &)>;

  /// Allocates the ring. Throws std::invalid_argument with validate()'s message
  /// when the configuration is invalid.
  slot_assembler(const slot_assembler_config &config, slot_handler handler);
  ~slot_assembler();
  slot_assembler(const slot_assembler &) = delete;
  slot_assembler &operator=(const slot_assembler &) = delete;

  /// Closes the slots whose deadline is before packet.rx_time_ns, then reads
  /// every eCPRI message of the packet.
  void push(const rx_packet &packet) noexcept;
  void push(std::span<const rx_packet> packets) noexcept {
    for (const rx_packet &packet : packets) {
      push(packet);
    }
  }
  /// Closes the slots whose deadline is before now_ns (a receive loop calls it
  /// when no packet arrives).
  void advance_time(int64_t now_ns) noexcept;
  /// Closes every open slot, oldest first.
  void flush() noexcept;

  const ingest_counters &counters() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::io
