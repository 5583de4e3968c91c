#pragma once
/// Counters of the fronthaul ingest, one per reason a packet, message or slot
/// ends the way it does. Plain integers updated by the slot assembler's thread;
/// copy the struct to read a consistent snapshot from that thread.

#include "airan/io/fronthaul/fh_error.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace airan::io {

struct ingest_counters {
  /// Packets handed to the assembler, whatever became of them.
  uint64_t packets = 0;
  /// U-plane (eCPRI IQ data) messages whose eAxC and radio timing header were
  /// read.
  uint64_t uplane_messages = 0;
  /// C-plane messages: not used by the assembler, counted and skipped.
  uint64_t cplane_messages = 0;
  /// Sections whose PRBs were written into a slot's grid.
  uint64_t sections_placed = 0;
  /// Messages for a slot that could not be opened: every slot of the ring still
  /// in its reception window.
  uint64_t early = 0;
  /// Messages for a slot already closed (deadline passed or complete) carrying
  /// PRBs it lacked, or for a slot up to one frame (10 ms) older than the
  /// newest confirmed one (a slot is confirmed by a later message bringing it
  /// new data, or by completing, so that a stray message, even duplicated,
  /// never becomes the reference).
  uint64_t late = 0;
  /// Slots confirmed more than one frame from the newest confirmed one, behind
  /// or ahead, or after two frames without any (a pause, an RU restart that
  /// starts again from frame 0): the frame numbering jumped and the assembler
  /// goes on from the new slot.
  uint64_t frame_jumps = 0;
  /// Sections all of whose PRBs the slot already had.
  uint64_t duplicate = 0;
  /// Messages whose ecpriSeqid (per eAxC) is behind one already received:
  /// arrived after a later message.
  uint64_t out_of_order = 0;
  /// Sequence ids skipped per eAxC and not (yet) filled by an out-of-order
  /// message: lost messages.
  uint64_t sequence_gaps = 0;
  /// Messages whose eAxC ID maps to no receive port.
  uint64_t unknown_eaxc = 0;
  /// U-plane messages with dataDirection downlink.
  uint64_t not_uplink = 0;
  /// Messages whose slotId does not exist in the numerology, or whose symbolId
  /// is beyond the slot's symbols.
  uint64_t bad_timing = 0;
  /// Packets or messages rejected by the parsers, by reason (index: fh_error;
  /// ok unused).
  std::array<uint64_t, nof_fh_errors> malformed{};
  /// Slots delivered with every PRB of every port and symbol, and with some
  /// missing.
  uint64_t slots_complete = 0;
  uint64_t slots_partial = 0;
  /// Slots closed incomplete holding only their first message's data (never
  /// confirmed: a stray or corrupted message's slot): counted, not delivered,
  /// so that stray messages cost no decoding.
  uint64_t stray_slots = 0;

  /// Sum of malformed over every reason.
  uint64_t malformed_total() const noexcept;
  /// Sum of malformed over the truncation reasons (is_truncation()).
  uint64_t truncated() const noexcept;

  bool operator==(const ingest_counters &) const = default;
};

/// The counters in the Prometheus text exposition format: one
/// `<prefix>_<name>_total` counter per field, malformed as
/// `<prefix>_malformed_total{reason="<fh_error label>"}` for each reason.
std::string to_prometheus(const ingest_counters &counters,
                          std::string_view prefix = "airan_fh");

} // namespace airan::io
