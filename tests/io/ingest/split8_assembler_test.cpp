// Split 8 packetizer and assembler: slots of integer-valued samples (exact in int16) through packets and back, with
// the counters of duplicates, losses, late blocks, unknown streams and bad timing.

#include "airan/io/ingest/split8_assembler.h"
#include "airan/io/ingest/split8_packetizer.h"

#include <doctest/doctest.h>

#include <random>
#include <stdexcept>

using namespace airan;
using namespace airan::io;

namespace {

constexpr unsigned nof_ports = 2;
constexpr unsigned scale_exponent = 10;
constexpr int64_t window_ns = 1'000'000;

struct fixture {
  split8_packetizer_config pc;
  split8_assembler_config ac;
  std::vector<std::vector<cf_t>> sent; ///< Per port.
  std::vector<assembled_samples> slots;
  std::vector<std::vector<cf_t>> received; ///< Port 0 then port 1 of each delivered slot.

  fixture()
  {
    pc.port_stream = {7, 9};
    pc.max_slot_length = 1000;
    pc.scale_exponent = scale_exponent;
    pc.framing = packet_framing::ecpri;
    pc.max_pdu_bytes = 8 + 12 + 4 * 128; // 128 samples per packet
    ac.numerology = 1;
    ac.slot_lengths = {1000, 990};
    ac.port_stream = pc.port_stream;
    ac.reception_window_ns = window_ns;
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> value(-32768, 32767);
    sent.resize(nof_ports);
    for (auto& port : sent) {
      port.resize(1000);
      for (cf_t& x : port) {
        x = {std::ldexp(static_cast<float>(value(rng)), -static_cast<int>(scale_exponent)),
             std::ldexp(static_cast<float>(value(rng)), -static_cast<int>(scale_exponent))};
      }
    }
  }

  split8_assembler make()
  {
    return split8_assembler(ac, [this](const assembled_samples& s) {
      slots.push_back(s);
      for (unsigned p = 0; p != s.nof_ports; ++p) {
        received.emplace_back(s.port(p).begin(), s.port(p).end());
      }
    });
  }

  /// The slot's packets as rx packets at rx_time_ns.
  std::vector<std::vector<uint8_t>> build(split8_packetizer& packetizer, unsigned length, uint8_t frame, uint8_t slot)
  {
    const std::vector<std::span<const cf_t>> ports = {std::span<const cf_t>(sent[0]).first(length),
                                                      std::span<const cf_t>(sent[1]).first(length)};
    std::vector<std::vector<uint8_t>> packets;
    for (const split8_tx_packet& p : packetizer.build_slot(ports, frame, 2, slot)) {
      packets.emplace_back(p.bytes.begin(), p.bytes.end());
    }
    return packets;
  }
};

rx_packet rx(const std::vector<uint8_t>& bytes, int64_t time_ns)
{
  return {bytes, packet_framing::ecpri, time_ns};
}

} // namespace

TEST_CASE("split 8 assembler: complete slots come back sample for sample")
{
  fixture f;
  split8_packetizer packetizer(f.pc);
  CHECK(packetizer.max_samples_per_packet() == 128);
  split8_assembler assembler = f.make();
  // Slot 0 of the subframe has 1000 samples, slot 1 has 990 (as a long cyclic prefix makes slot 0 longer).
  const auto first = f.build(packetizer, 1000, 4, 0);
  const auto second = f.build(packetizer, 990, 4, 1);
  CHECK(first.size() == 2 * 8);
  for (const auto& p : first) {
    assembler.push(rx(p, 0));
  }
  for (const auto& p : second) {
    assembler.push(rx(p, 10));
  }
  REQUIRE(f.slots.size() == 2);
  CHECK(f.slots[0].reason == slot_close_reason::complete);
  CHECK(f.slots[0].frame_id == 4);
  CHECK(f.slots[0].subframe_id == 2);
  CHECK(f.slots[0].slot_id == 0);
  CHECK(f.slots[0].nof_samples == 1000);
  CHECK(f.slots[1].slot_id == 1);
  CHECK(f.slots[1].nof_samples == 990);
  CHECK(f.received[0] == f.sent[0]);
  CHECK(f.received[1] == f.sent[1]);
  CHECK(f.received[2] == std::vector<cf_t>(f.sent[0].begin(), f.sent[0].begin() + 990));
  CHECK(f.received[3] == std::vector<cf_t>(f.sent[1].begin(), f.sent[1].begin() + 990));
  const ingest_counters& c = assembler.counters();
  CHECK(c.packets == first.size() + second.size());
  CHECK(c.uplane_messages == c.packets);
  CHECK(c.sections_placed == c.packets);
  CHECK(c.slots_complete == 2);
  CHECK(c.slots_partial == 0);
  CHECK(c.sequence_gaps == 0);
  CHECK(c.malformed_total() == 0);
  CHECK(packetizer.nof_saturated() == 0);
}

TEST_CASE("split 8 assembler: losses, duplicates, late blocks, unknown streams, bad timing")
{
  fixture f;
  split8_packetizer packetizer(f.pc);
  split8_assembler assembler = f.make();
  auto packets = f.build(packetizer, 1000, 0, 0);
  // Packet 3 (port 1, samples 128..255) is lost and arrives after the deadline; packet 0 arrives twice.
  for (std::size_t i = 0; i != packets.size(); ++i) {
    if (i != 3) {
      assembler.push(rx(packets[i], 100));
    }
  }
  assembler.push(rx(packets[0], 200));
  CHECK(assembler.counters().duplicate == 1);
  CHECK(assembler.counters().sequence_gaps == 1);
  assembler.advance_time(100 + window_ns + 1);
  REQUIRE(f.slots.size() == 1);
  CHECK(f.slots[0].reason == slot_close_reason::deadline);
  CHECK(f.slots[0].nof_samples_received == 2000 - 128);
  CHECK(f.slots[0].nof_samples_expected == 2000);
  for (unsigned i = 0; i != 1000; ++i) {
    const bool lost = i >= 128 && i < 256;
    CHECK(f.received[1][i] == (lost ? cf_t{} : f.sent[1][i]));
  }
  assembler.push(rx(packets[3], 100 + window_ns + 2));
  CHECK(assembler.counters().late == 1);
  CHECK(assembler.counters().out_of_order == 1);
  CHECK(assembler.counters().sequence_gaps == 0);
  CHECK(assembler.counters().slots_partial == 1);

  // A stream without a port, a slotId beyond mu = 1, samples beyond the 990 of slot 1.
  split8_packetizer_config other = f.pc;
  other.port_stream = {8, 9};
  split8_packetizer stranger(other);
  assembler.push(rx(f.build(stranger, 1000, 1, 0)[0], 300 + window_ns));
  CHECK(assembler.counters().unknown_eaxc == 1);
  split8_packetizer second(f.pc);
  assembler.push(rx(f.build(second, 1000, 1, 2)[0], 300 + window_ns));
  const auto beyond = f.build(second, 1000, 1, 1);
  assembler.push(rx(beyond.back(), 300 + window_ns)); // samples 896..999 of a 990-sample slot
  CHECK(assembler.counters().bad_timing == 2);
  // A corrupted header is counted by reason.
  std::vector<uint8_t> bad = beyond.front();
  bad[8] = 3; // version
  assembler.push(rx(bad, 300 + window_ns));
  CHECK(assembler.counters().malformed[static_cast<std::size_t>(fh_error::bad_split8_version)] == 1);
  // None of the rejected messages opened a slot.
  assembler.flush();
  CHECK(f.slots.size() == 1);
}

TEST_CASE("split 8 assembler and packetizer: configuration checks")
{
  fixture f;
  CHECK(validate(f.ac));
  split8_assembler_config a = f.ac;
  a.slot_lengths = {1000};
  CHECK(!validate(a));
  a = f.ac;
  a.port_stream = {3, 3};
  CHECK(!validate(a));
  a = f.ac;
  a.reception_window_ns = 0;
  CHECK(!validate(a));
  CHECK_THROWS_AS(split8_assembler(a, [](const assembled_samples&) {}), std::invalid_argument);
  split8_packetizer_config p = f.pc;
  p.max_pdu_bytes = 8 + 12 + 3;
  CHECK(!validate(p));
  p = f.pc;
  p.scale_exponent = 32;
  CHECK(!validate(p));
  // Ports of different lengths give no packets.
  split8_packetizer packetizer(f.pc);
  const std::vector<std::span<const cf_t>> ports = {std::span<const cf_t>(f.sent[0]).first(10),
                                                    std::span<const cf_t>(f.sent[1]).first(11)};
  CHECK(packetizer.build_slot(ports, 0, 0, 0).empty());
}

TEST_CASE("split 8 assembler: a slot holding only one stray block is counted, not delivered")
{
  fixture f;
  split8_packetizer packetizer(f.pc);
  split8_assembler assembler = f.make();
  const auto whole = f.build(packetizer, 1000, 3, 0);
  const auto stray = f.build(packetizer, 1000, 3, 1);
  for (const auto& p : whole) {
    assembler.push(rx(p, 100));
  }
  // One block of slot 1, then its deadline: a slot never confirmed.
  assembler.push(rx(stray[0], 200));
  assembler.advance_time(200 + window_ns + 1);
  REQUIRE(f.slots.size() == 1);
  CHECK(f.slots[0].slot_id == 0);
  CHECK(assembler.counters().slots_complete == 1);
  CHECK(assembler.counters().slots_partial == 0);
  CHECK(assembler.counters().stray_slots == 1);
  CHECK(assembler.counters().late == 0);
}
