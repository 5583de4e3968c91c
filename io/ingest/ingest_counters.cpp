#include "airan/io/ingest/ingest_counters.h"

#include <numeric>

namespace airan::io {

uint64_t ingest_counters::malformed_total() const noexcept {
  return std::accumulate(malformed.begin(), malformed.end(), uint64_t{0});
}

uint64_t ingest_counters::truncated() const noexcept {
  uint64_t sum = 0;
  for (std::size_t i = 0; i != malformed.size(); ++i) {
    sum += is_truncation(static_cast<fh_error>(i)) ? malformed[i] : 0;
  }
  return sum;
}

std::string to_prometheus(const ingest_counters &counters,
                          std::string_view prefix) {
  std::string text;
  const auto add = [&](std::string_view name, std::string_view help,
                       uint64_t value) {
    const std::string metric =
        std::string(prefix) + "_" + std::string(name) + "_total";
    text += "# HELP " + metric + " " + std::string(help) + "\n# TYPE " +
            metric + " counter\n";
    text += metric + " " + std::to_string(value) + "\n";
  };
  add("packets", "Packets handed to the slot assembler.", counters.packets);
  add("uplane_messages", "U-plane messages read.", counters.uplane_messages);
  add("cplane_messages", "C-plane messages skipped.", counters.cplane_messages);
  add("sections_placed", "U-plane sections written into a slot grid.",
      counters.sections_placed);
  add("early", "Messages for a slot that could not be opened yet.",
      counters.early);
  add("late", "Messages for a slot already closed.", counters.late);
  add("frame_jumps", "Slots confirmed more than one frame from the newest confirmed one, or after a pause.",
      counters.frame_jumps);
  add("duplicate", "Sections whose PRBs had all arrived before.",
      counters.duplicate);
  add("out_of_order", "Messages behind a later sequence id of their eAxC.",
      counters.out_of_order);
  add("sequence_gaps", "Sequence ids skipped and not filled.",
      counters.sequence_gaps);
  add("unknown_eaxc", "Messages for an eAxC without a receive port.",
      counters.unknown_eaxc);
  add("not_uplink", "U-plane messages with dataDirection downlink.",
      counters.not_uplink);
  add("bad_timing",
      "Messages with a slotId or symbolId outside the numerology.",
      counters.bad_timing);
  add("truncated", "Packets or messages shorter than their headers say.",
      counters.truncated());
  add("slots_complete", "Slots delivered with every PRB.",
      counters.slots_complete);
  add("slots_partial", "Slots delivered with PRBs missing.",
      counters.slots_partial);
  add("stray_slots", "Slots closed with only their first message's data, not delivered.", counters.stray_slots);
  const std::string metric = std::string(prefix) + "_malformed_total";
  text += "# HELP " + metric +
          " Packets or messages rejected by the parsers, by reason.\n# TYPE " +
          metric + " counter\n";
  for (std::size_t i = 1; i != counters.malformed.size(); ++i) {
    text += metric + "{reason=\"" + to_label(static_cast<fh_error>(i)) +
            "\"} " + std::to_string(counters.malformed[i]) + "\n";
  }
  return text;
}

} // namespace airan::io
