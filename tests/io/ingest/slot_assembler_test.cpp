// Slot assembler on small hand-built streams: placement, arrival masks,
// deadlines, late / early / duplicate / unknown eAxC counting, configuration
// checks and the Prometheus text.

#include "airan/io/ingest/slot_assembler.h"
#include "airan/io/ingest/uplane_packetizer.h"

#include <doctest/doctest.h>

#include <random>
#include <stdexcept>

using namespace airan;
using namespace airan::io;

namespace {

constexpr unsigned nof_prb = 10;
constexpr float iq_scale = 1.0F / 4096.0F;
constexpr int64_t window_ns = 1'000'000;

/// A grid of integers times the scale: uncompressed 16-bit samples carry it
/// exactly.
std::vector<cf_t> integer_grid(unsigned nof_ports, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> value(-30000, 30000);
  std::vector<cf_t> grid(std::size_t{nof_ports} * 14 * 12 * nof_prb);
  for (cf_t &x : grid) {
    x = {static_cast<float>(value(rng)) * iq_scale,
         static_cast<float>(value(rng)) * iq_scale};
  }
  return grid;
}

struct fixture {
  uplane_packetizer_config pc;
  slot_assembler_config ac;
  std::vector<assembled_slot> slots;
  std::vector<std::vector<cf_t>> grids; ///< Copies of the delivered grids.
  std::vector<std::vector<uint64_t>> masks;

  explicit fixture(unsigned nof_ports = 2, unsigned in_flight = 4) {
    pc.uplane.nof_carrier_prb = nof_prb;
    pc.uplane.static_compression = {compression_method::none, 16};
    pc.iq_scale = iq_scale;
    pc.port_eaxc.clear();
    for (unsigned p = 0; p != nof_ports; ++p) {
      pc.port_eaxc.push_back(static_cast<uint16_t>(0x20 + p));
    }
    pc.max_pdu_bytes =
        16 + 4 * 48 +
        20; // 4 PRBs of 48 bytes per packet: 3 packets per symbol and port.
    ac.uplane = pc.uplane;
    ac.iq_scale = iq_scale;
    ac.port_eaxc = pc.port_eaxc;
    ac.nof_slots_in_flight = in_flight;
    ac.reception_window_ns = window_ns;
  }

  slot_assembler make() {
    return slot_assembler(ac, [this](const assembled_slot &s) {
      slots.push_back(s);
      grids.emplace_back(s.grid.data, s.grid.data + s.grid.size());
      masks.emplace_back(s.prb_mask.begin(), s.prb_mask.end());
    });
  }
};

void push_all(slot_assembler &a, std::span<const uplane_tx_packet> packets,
              int64_t t, std::size_t skip = SIZE_MAX) {
  for (std::size_t i = 0; i != packets.size(); ++i) {
    if (i != skip) {
      a.push(rx_packet{packets[i].bytes, packet_framing::ethernet, t});
    }
  }
}

} // namespace

TEST_CASE("slot assembler: a complete slot closes at once with the grid sent") {
  fixture f;
  slot_assembler a = f.make();
  uplane_packetizer packetizer(f.pc);
  const auto grid = integer_grid(2, 1);
  const auto packets =
      packetizer.build_slot({grid.data(), 2, 14, 12 * nof_prb}, 7, 3, 1);
  REQUIRE(packets.size() == 2 * 14 * 3);
  push_all(a, packets, 100);
  REQUIRE(f.slots.size() == 1);
  CHECK(f.slots[0].reason == slot_close_reason::complete);
  CHECK(f.slots[0].frame_id == 7);
  CHECK(f.slots[0].subframe_id == 3);
  CHECK(f.slots[0].slot_id == 1);
  CHECK(f.slots[0].nof_prb_received == 2 * 14 * nof_prb);
  CHECK(f.grids[0] == grid);
  CHECK(a.counters().slots_complete == 1);
  CHECK(a.counters().sections_placed == packets.size());
}

TEST_CASE("slot assembler: a missing packet leaves its PRBs zero and unmarked; "
          "the slot closes at its deadline") {
  fixture f;
  slot_assembler a = f.make();
  uplane_packetizer packetizer(f.pc);
  const auto grid = integer_grid(2, 2);
  const auto packets =
      packetizer.build_slot({grid.data(), 2, 14, 12 * nof_prb}, 0, 0, 0);
  const std::size_t missing =
      3 * 2 * 5 + 3 * 1 + 1; // Symbol 5, port 1, PRBs 4..7.
  push_all(a, packets, 1000, missing);
  CHECK(f.slots.empty());
  a.advance_time(1000 +
                 window_ns); // The deadline itself is still inside the window.
  CHECK(f.slots.empty());
  a.advance_time(1001 + window_ns);
  REQUIRE(f.slots.size() == 1);
  CHECK(f.slots[0].reason == slot_close_reason::deadline);
  CHECK(f.slots[0].nof_prb_received == 2 * 14 * nof_prb - 4);
  for (unsigned port = 0; port != 2; ++port) {
    for (unsigned l = 0; l != 14; ++l) {
      for (unsigned prb = 0; prb != nof_prb; ++prb) {
        const bool lost = port == 1 && l == 5 && prb >= 4 && prb < 8;
        const std::size_t row =
            (std::size_t{port} * 14 + l) * f.slots[0].words_per_row;
        CHECK(((f.masks[0][row] >> prb) & 1) == (lost ? 0U : 1U));
        const std::size_t first =
            (std::size_t{port} * 14 + l) * 12 * nof_prb + 12 * prb;
        CHECK(f.grids[0][first + 5] == (lost ? cf_t{} : grid[first + 5]));
      }
    }
  }
  CHECK(a.counters().slots_partial == 1);
  // The missing packet now: late. A repeat of a placed one: duplicate.
  a.push(
      rx_packet{packets[missing].bytes, packet_framing::ethernet, 2'000'000});
  a.push(rx_packet{packets[0].bytes, packet_framing::ethernet, 2'000'000});
  CHECK(a.counters().late == 1);
  CHECK(a.counters().duplicate == 1);
  CHECK(f.slots.size() == 1);
}

TEST_CASE("slot assembler: early, older-than-newest, unknown eAxC and "
          "malformed packets touch no slot") {
  fixture f(1, 1);
  slot_assembler a = f.make();
  uplane_packetizer packetizer(f.pc);
  const auto grid = integer_grid(1, 3);
  const auto built =
      packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 1, 0, 0);
  std::vector<std::vector<uint8_t>>
      first_bytes; // Copies: packets live until the next build.
  for (const uplane_tx_packet &p : built) {
    first_bytes.emplace_back(p.bytes.begin(), p.bytes.end());
  }
  // Two messages: the slot is confirmed, the reference for lateness.
  a.push(rx_packet{first_bytes[0], packet_framing::ethernet, 0});
  a.push(rx_packet{first_bytes[3], packet_framing::ethernet, 0});
  // Slot 2 while the only grid holds slot 1, inside its window: early.
  const auto second =
      packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 2, 0, 0);
  a.push(rx_packet{second[0].bytes, packet_framing::ethernet, 10});
  CHECK(a.counters().early == 1);
  // An unknown eAxC and a cut frame.
  fixture g(1, 1);
  g.pc.port_eaxc = {0x7F};
  uplane_packetizer stranger(g.pc);
  const auto foreign =
      stranger.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 1, 0, 0);
  a.push(rx_packet{foreign[1].bytes, packet_framing::ethernet, 20});
  a.push(rx_packet{std::span<const uint8_t>(first_bytes[1]).first(10),
                   packet_framing::ethernet, 20});
  // A packet its source cut (its bytes here happen to be whole): not parsed.
  a.push(rx_packet{first_bytes[2], packet_framing::ethernet, 20, true});
  CHECK(a.counters().unknown_eaxc == 1);
  CHECK(a.counters().malformed[static_cast<std::size_t>(
            fh_error::truncated_ethernet_header)] == 1);
  CHECK(a.counters().malformed[static_cast<std::size_t>(fh_error::cut_on_receive)] == 1);
  CHECK(a.counters().truncated() == 2);
  a.flush();
  REQUIRE(f.slots.size() == 1);
  CHECK(f.slots[0].reason == slot_close_reason::flushed);
  CHECK(f.slots[0].nof_prb_received == 8); // Only the two whole packets.
  // Slot 0 of frame 1 is now closed and the newest: slot 0 of frame 0 is older,
  // hence late.
  const auto older =
      packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 0, 0, 0);
  a.push(rx_packet{older[0].bytes, packet_framing::ethernet, 30});
  CHECK(a.counters().late == 1);
  const std::string text = to_prometheus(a.counters());
  CHECK(text.find("airan_fh_early_total 1\n") != std::string::npos);
  CHECK(text.find("airan_fh_malformed_total{reason=\"truncated_ethernet_"
                  "header\"} 1\n") != std::string::npos);
}

TEST_CASE("slot assembler: one stray message far ahead does not make the "
          "stream late and is no jump; a real jump of the frame numbering is counted")
{
  fixture f(1, 4);
  slot_assembler a = f.make();
  uplane_packetizer packetizer(f.pc);
  const auto grid = integer_grid(1, 5);
  // Frame 20 complete, then one message for frame 140, then frames 21 and 22.
  push_all(a, packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 20, 0, 0), 0);
  const auto stray = packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 140, 0, 0);
  a.push(rx_packet{stray[0].bytes, packet_framing::ethernet, 10});
  for (unsigned frame : {21U, 22U}) {
    push_all(a, packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, frame, 0, 0), 20 + frame);
  }
  CHECK(a.counters().late == 0);
  // The stray message alone never became the reference.
  CHECK(a.counters().frame_jumps == 0);
  // Within a frame behind the newest (frame 22): late, as before.
  const auto recent = packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 21, 9, 0);
  a.push(rx_packet{recent[0].bytes, packet_framing::ethernet, 60});
  CHECK(a.counters().late == 1);
  // The stream itself jumps to frame 200 and goes on: one jump.
  for (unsigned frame : {200U, 201U}) {
    push_all(a, packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, frame, 0, 0), 100 + frame);
  }
  CHECK(a.counters().frame_jumps == 1);
  CHECK(a.counters().late == 1);
  a.flush();
  unsigned complete = 0;
  for (const assembled_slot& s : f.slots) {
    complete += s.reason == slot_close_reason::complete ? 1 : 0;
  }
  CHECK(complete == 5); // Frames 20, 21, 22, 200 and 201.
  CHECK(to_prometheus(a.counters()).find("airan_fh_frame_jumps_total 1\n") != std::string::npos);
}

TEST_CASE("slot assembler: invalid configurations are refused") {
  fixture f;
  f.ac.port_eaxc = {1, 1};
  CHECK_FALSE(validate(f.ac).is_ok());
  CHECK_THROWS_AS(f.make(), std::invalid_argument);
  f.ac.port_eaxc = {1};
  f.ac.reception_window_ns = 0;
  CHECK_FALSE(validate(f.ac).is_ok());
  f.ac.reception_window_ns = 1;
  f.ac.nof_symbols = 13;
  CHECK_FALSE(validate(f.ac).is_ok());
  f.ac.nof_symbols = 14;
  CHECK(validate(f.ac).is_ok());
}

TEST_CASE("slot assembler: a stray message up to a frame ahead, even duplicated, makes no slot late")
{
  fixture f(1, 4);
  slot_assembler a = f.make();
  uplane_packetizer packetizer(f.pc);
  const auto grid = integer_grid(1, 6);
  const auto slot_of = [&](unsigned subframe) {
    return packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 7, subframe, 0);
  };
  // One slot per ms (numerology 0), each sent at its time; a window of 1 ms.
  push_all(a, slot_of(0), 0);
  // Corrupted subframeIds: a message for subframe 8 of the same frame and one for subframe 3, each twice (a mirror
  // port duplicates), among those of subframe 1.
  const auto stray = slot_of(8);
  a.push(rx_packet{stray[0].bytes, packet_framing::ethernet, 1'000'000});
  a.push(rx_packet{stray[0].bytes, packet_framing::ethernet, 1'000'000});
  const auto near = slot_of(3);
  std::vector<uint8_t> near_bytes(near[0].bytes.begin(), near[0].bytes.end());
  a.push(rx_packet{near_bytes, packet_framing::ethernet, 1'000'000});
  a.push(rx_packet{near_bytes, packet_framing::ethernet, 1'000'000});
  for (unsigned subframe = 1; subframe != 8; ++subframe) {
    push_all(a, slot_of(subframe), int64_t{subframe} * 1'000'000);
  }
  CHECK(a.counters().late == 0);
  CHECK(a.counters().frame_jumps == 0);
  // Subframe 8 itself, 7 ms after the stray opened its slot (closed long since, not delivered): a slot of its own.
  push_all(a, slot_of(8), 8'000'000);
  a.flush();
  unsigned complete = 0;
  for (const assembled_slot& s : f.slots) {
    complete += s.reason == slot_close_reason::complete ? 1 : 0;
  }
  // Subframes 0 to 8. Subframe 3 came within a window of the deadline of its stray's entry, which it does not join:
  // that entry was never confirmed.
  CHECK(complete == 9);
  CHECK(a.counters().late == 0);
  // The strays' slots: counted, never delivered for decoding.
  CHECK(a.counters().slots_partial == 0);
  CHECK(a.counters().stray_slots == 2);
  CHECK(f.slots.size() == 9);
}

TEST_CASE("slot assembler: after a pause the same frame numbers start again (an RU restart)")
{
  fixture f(1, 4);
  slot_assembler a = f.make();
  uplane_packetizer packetizer(f.pc);
  const auto grid = integer_grid(1, 7);
  // Two runs of the same three slots (frame 0, subframes 0..2), the second 60 s after the first.
  for (const int64_t start : {int64_t{0}, int64_t{60'000'000'000}}) {
    for (unsigned subframe = 0; subframe != 3; ++subframe) {
      push_all(a, packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 0, subframe, 0),
               start + int64_t{subframe} * 1'000'000);
    }
  }
  a.flush();
  CHECK(f.slots.size() == 6);
  CHECK(a.counters().slots_complete == 6);
  CHECK(a.counters().late == 0);
  CHECK(a.counters().duplicate == 0);
  CHECK(a.counters().frame_jumps == 1); // The restart.
  // Within the second run, a message for a slot a frame behind it is late again.
  const auto behind = packetizer.build_slot({grid.data(), 1, 14, 12 * nof_prb}, 255, 9, 0);
  a.push(rx_packet{behind[0].bytes, packet_framing::ethernet, 60'003'000'000});
  CHECK(a.counters().late == 1);
}
