// Fault injection against the slot assembler: every counter must equal what a
// reference computation over the injector's output (written here, from the
// packets' order and faults alone) predicts, and the slots that lost nothing
// must still decode.

#include "airan/common/bit_packing.h"
#include "airan/io/ingest/fault_injector.h"
#include "airan/io/ingest/slot_assembler.h"
#include "airan/io/ingest/uplane_packetizer.h"
#include "airan/io/testvector.h"
#include "airan/phy/pusch/pusch_receiver.h"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace airan;
using namespace airan::io;

namespace {

constexpr int64_t slot_spacing_ns =
    10'000'000; // One slot per frame, as airan ru-emu sends them.
constexpr int64_t window_ns = 2'000'000;

struct sent_packet {
  unsigned port;
  unsigned slot;
};

bool readable_seq(fault_kind kind) {
  // Revision and truncation damage the eCPRI header; the others leave
  // ecpriSeqid readable.
  return kind != fault_kind::corrupt_revision &&
         kind != fault_kind::corrupt_truncate;
}

bool damaged(fault_kind kind) { return expected_error(kind) != fh_error::ok; }

} // namespace

TEST_CASE("fault injection: assembler counters equal what was injected; "
          "untouched slots decode") {
  pusch_vector v;
  REQUIRE(load_pusch_vector(
              std::string(AIRAN_TESTVECTOR_DIR) + "/pusch/case_05.h5", v)
              .is_ok());
  const unsigned nof_prb = v.nof_subcarriers / 12;

  uplane_packetizer_config pc;
  pc.uplane.nof_carrier_prb = nof_prb;
  pc.port_eaxc.clear();
  for (unsigned p = 0; p != v.nof_ports; ++p) {
    pc.port_eaxc.push_back(static_cast<uint16_t>(0x100 + p));
  }
  pc.nof_symbols = v.nof_symbols;
  pc.max_pdu_bytes = 600; // Several packets per symbol and port.
  uplane_packetizer packetizer(pc);

  fault_config fc;
  fc.drop = 0.05;
  fc.reorder = 0.05;
  fc.duplicate = 0.03;
  fc.corrupt = 0.04;
  fc.delay = 0.02;
  fc.delay_ns = 5'000'000;
  fc.seed = 2024;
  fault_injector injector(fc);

  constexpr unsigned nof_slots = 16;
  std::vector<sent_packet> sent;
  const phy::const_grid_view grid{v.grid.data(), v.nof_ports, v.nof_symbols,
                                  v.nof_subcarriers};
  for (unsigned s = 0; s != nof_slots; ++s) {
    for (const uplane_tx_packet &p :
         packetizer.build_slot(grid, static_cast<uint8_t>(s), 0, 1)) {
      injector.push(p.bytes, p.ecpri_offset, p.port,
                    s * slot_spacing_ns + (p.symbol + 1) * 35'000);
      sent.push_back({p.port, s});
    }
  }
  const std::vector<injected_packet> out = injector.drain();
  const fault_report &report = injector.report();
  // The seed must exercise every fault, or the comparisons below prove little.
  REQUIRE(report.dropped > 0);
  REQUIRE(report.reordered > 0);
  REQUIRE(report.duplicated > 0);
  REQUIRE(report.delayed > 0);
  for (const fh_error e :
       {fh_error::bad_ecpri_revision, fh_error::ecpri_payload_size_mismatch,
        fh_error::bad_payload_version, fh_error::symbol_out_of_range}) {
    REQUIRE(report.corrupted[static_cast<std::size_t>(e)] > 0);
  }
  CHECK(report.packets_in == sent.size());
  CHECK(out.size() == report.packets_out);

  // Reference: out-of-order and sequence gaps from the sending order, per port.
  uint64_t expected_out_of_order = 0;
  std::map<unsigned, uint64_t> max_index;
  std::map<unsigned, std::set<uint64_t>> readable;
  std::set<unsigned> lossy_slots;
  std::map<fault_kind, uint64_t> faults;
  for (const injected_packet &p : out) {
    if (!p.copy && readable_seq(p.fault)) {
      if (max_index.count(p.port) != 0 && p.index < max_index[p.port]) {
        ++expected_out_of_order;
      }
      max_index[p.port] = std::max(max_index[p.port], p.index);
      readable[p.port].insert(p.index);
    }
  }
  uint64_t expected_gaps = 0;
  for (uint64_t i = 0; i != sent.size(); ++i) {
    const auto &r = readable[sent[i].port];
    if (r.count(i) == 0 && i > *r.begin() && i < *r.rbegin()) {
      ++expected_gaps;
    }
  }
  // A slot opens with its first undamaged packet and closes window_ns later:
  // undamaged packets after that are late (delayed ones, and reordered ones
  // released only by the next slot's packet of their port).
  std::map<unsigned, int64_t> slot_open;
  for (const injected_packet &p : out) {
    if (!damaged(p.fault) && slot_open.count(sent[p.index].slot) == 0) {
      slot_open[sent[p.index].slot] = p.tx_time_ns;
    }
  }
  uint64_t expected_late = 0;
  // Faults per original packet: the dropped ones are absent from the output.
  std::set<uint64_t> present;
  for (const injected_packet &p : out) {
    present.insert(p.index);
    const bool late = !damaged(p.fault) &&
                      p.tx_time_ns > slot_open[sent[p.index].slot] + window_ns;
    expected_late += late && !p.copy ? 1 : 0;
    if (damaged(p.fault) || late) {
      lossy_slots.insert(sent[p.index].slot);
    }
  }
  for (uint64_t i = 0; i != sent.size(); ++i) {
    if (present.count(i) == 0) {
      lossy_slots.insert(sent[i].slot);
    }
  }
  REQUIRE(lossy_slots.size() < nof_slots);

  slot_assembler_config ac;
  ac.numerology = v.carrier.numerology;
  ac.nof_symbols = v.nof_symbols;
  ac.uplane = pc.uplane;
  ac.port_eaxc = pc.port_eaxc;
  ac.reception_window_ns = window_ns;
  phy::pusch_receiver rx({nof_prb,
                          v.nof_ports,
                          4,
                          1,
                          phy::channel_estimator_kind::ls_linear,
                          phy::equalizer_kind::mmse,
                          {}});
  REQUIRE(rx.validate(v.pdu, v.carrier, v.nof_ports).is_ok());
  std::vector<uint8_t> tb(v.tbs / 8);
  pack_bits(tb, v.tb_bits);
  unsigned nof_decoded = 0;
  std::set<unsigned> complete_slots;
  slot_assembler assembler(ac, [&](const assembled_slot &slot) {
    if (!slot.complete()) {
      return;
    }
    complete_slots.insert(slot.frame_id);
    std::vector<uint8_t> decoded(tb.size());
    const auto result = rx.receive(decoded, slot.grid, v.pdu, v.carrier);
    nof_decoded += result.tb_crc_ok && decoded == tb ? 1 : 0;
  });
  for (const injected_packet &p : out) {
    assembler.push(rx_packet{p.bytes, packet_framing::ethernet, p.tx_time_ns});
  }
  assembler.flush();

  const ingest_counters &c = assembler.counters();
  CHECK(c.packets == report.packets_out);
  CHECK(c.duplicate == report.duplicated);
  CHECK(c.late == expected_late);
  CHECK(c.late >= report.delayed);
  CHECK(c.early == 0);
  CHECK(c.unknown_eaxc == 0);
  CHECK(c.out_of_order == expected_out_of_order);
  CHECK(c.out_of_order >= report.reordered);
  CHECK(c.sequence_gaps == expected_gaps);
  for (std::size_t e = 1; e != nof_fh_errors; ++e) {
    CHECK_MESSAGE(c.malformed[e] == report.corrupted[e],
                  to_label(static_cast<fh_error>(e)));
  }
  CHECK(c.truncated() == report.corrupted[static_cast<std::size_t>(
                             fh_error::ecpri_payload_size_mismatch)]);
  CHECK(c.slots_complete == nof_slots - lossy_slots.size());
  CHECK(c.slots_partial == lossy_slots.size());
  for (const unsigned s : lossy_slots) {
    CHECK(complete_slots.count(s) == 0);
  }
  CHECK(nof_decoded == nof_slots - lossy_slots.size());
}
