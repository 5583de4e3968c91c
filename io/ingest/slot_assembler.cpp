// Slot assembler: the ring of slots in flight, the packet walk and the
// placement of sections into the grids.

#include "airan/io/ingest/slot_assembler.h"

#include "airan/io/fronthaul/ecpri.h"
#include "message_walk.h"
#include "sequence_tracker.h"
#include "slot_ring.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace airan::io {

namespace {

constexpr unsigned max_nof_ports = 16;
constexpr unsigned max_nof_slots_in_flight = 16;
constexpr unsigned max_numerology = 4;

/// The contents of one ring entry: the grid and its arrival masks.
struct slot_contents {
  unsigned nof_prb_received = 0;
  std::vector<cf_t> grid;
  std::vector<uint64_t> mask;
};

} // namespace

status validate(const slot_assembler_config &config) {
  if (config.numerology > max_numerology) {
    return status::error("slot assembler: numerology " +
                         std::to_string(config.numerology) + ", expected 0..4");
  }
  if (config.nof_symbols != 14 && config.nof_symbols != 12) {
    return status::error(
        "slot assembler: " + std::to_string(config.nof_symbols) +
        " symbols per slot, expected 14 or 12");
  }
  if (auto s = validate(config.uplane); !s) {
    return s;
  }
  if (!(config.iq_scale > 0.0F)) {
    return status::error("slot assembler: IQ scale must be positive");
  }
  if (config.port_eaxc.empty() || config.port_eaxc.size() > max_nof_ports) {
    return status::error(
        "slot assembler: " + std::to_string(config.port_eaxc.size()) +
        " receive ports, expected 1..16");
  }
  for (std::size_t i = 0; i != config.port_eaxc.size(); ++i) {
    if (std::count(config.port_eaxc.begin(), config.port_eaxc.end(),
                   config.port_eaxc[i]) != 1) {
      return status::error("slot assembler: eAxC " +
                           std::to_string(config.port_eaxc[i]) +
                           " maps to two ports");
    }
  }
  if (config.nof_slots_in_flight < 1 ||
      config.nof_slots_in_flight > max_nof_slots_in_flight) {
    return status::error(
        "slot assembler: " + std::to_string(config.nof_slots_in_flight) +
        " slots in flight, expected 1..16");
  }
  if (config.reception_window_ns <= 0) {
    return status::error(
        "slot assembler: the reception window must be positive");
  }
  return status::ok();
}

struct slot_assembler::impl {
  slot_assembler_config config;
  slot_handler handler;
  ingest_counters counters;
  detail::slot_ring ring;
  std::vector<slot_contents> slots; ///< Indexed like the ring's entries.
  std::vector<int16_t> port_of_eaxc; ///< 65536 entries, -1: unknown.
  std::vector<detail::sequence_tracker> sequences; ///< Per port.
  unsigned nof_subcarriers = 0;
  unsigned words_per_row = 0;
  unsigned nof_prb_expected = 0;

  impl(const slot_assembler_config &c, slot_handler h)
      : config(c), handler(std::move(h)),
        ring(c.nof_slots_in_flight, c.numerology, c.reception_window_ns) {
    nof_subcarriers = 12 * config.uplane.nof_carrier_prb;
    words_per_row = (config.uplane.nof_carrier_prb + 63) / 64;
    const auto ports = static_cast<unsigned>(config.port_eaxc.size());
    nof_prb_expected =
        ports * config.nof_symbols * config.uplane.nof_carrier_prb;
    slots.resize(config.nof_slots_in_flight);
    for (slot_contents &e : slots) {
      e.grid.assign(std::size_t{ports} * config.nof_symbols * nof_subcarriers,
                    cf_t{});
      e.mask.assign(std::size_t{ports} * config.nof_symbols * words_per_row, 0);
    }
    port_of_eaxc.assign(65536, -1);
    for (unsigned p = 0; p != ports; ++p) {
      port_of_eaxc[config.port_eaxc[p]] = static_cast<int16_t>(p);
    }
    sequences.resize(ports);
  }

  unsigned nof_ports() const noexcept {
    return static_cast<unsigned>(config.port_eaxc.size());
  }

  void close(unsigned index, slot_close_reason reason) noexcept {
    const slot_contents &e = slots[index];
    if (!ring.mark_closed(index, e.nof_prb_received == nof_prb_expected, counters)) {
      return;
    }
    assembled_slot slot;
    slot.frame_id = ring.frame_id(index);
    slot.subframe_id = ring.subframe_id(index);
    slot.slot_id = ring.slot_id(index);
    slot.grid = {e.grid.data(), nof_ports(), config.nof_symbols,
                 nof_subcarriers};
    slot.reason = reason;
    slot.nof_prb_received = e.nof_prb_received;
    slot.nof_prb_expected = nof_prb_expected;
    slot.prb_mask = e.mask;
    slot.words_per_row = words_per_row;
    ++(slot.complete() ? counters.slots_complete : counters.slots_partial);
    handler(slot);
  }

  void advance_time(int64_t now_ns) noexcept {
    ring.close_expired(now_ns, false, [this](unsigned index) {
      close(index, slot_close_reason::deadline);
    });
  }

  /// Places one section (or, in a closed slot, only checks which of its PRBs
  /// are new). Returns how many PRBs were new.
  unsigned place(slot_contents &e, bool closed, unsigned port, unsigned symbol,
                 const uplane_section &section) noexcept {
    const uplane_section_header &h = section.header;
    const unsigned stride = h.rb ? 2 : 1;
    const std::size_t prb_size = compressed_prb_size(h.compression);
    uint64_t *row =
        e.mask.data() +
        (std::size_t{port} * config.nof_symbols + symbol) * words_per_row;
    cf_t *symbol_grid =
        e.grid.data() +
        (std::size_t{port} * config.nof_symbols + symbol) * nof_subcarriers;
    unsigned nof_new = 0;
    for (unsigned i = 0; i != h.nof_prb; ++i) {
      const unsigned prb = h.start_prb + stride * i;
      const uint64_t bit = uint64_t{1} << (prb % 64);
      if ((row[prb / 64] & bit) != 0) {
        continue;
      }
      ++nof_new;
      if (closed) {
        continue;
      }
      row[prb / 64] |= bit;
      decompress(std::span(symbol_grid + std::size_t{prb} * 12, 12),
                 section.iq_data.subspan(i * prb_size, prb_size), h.compression,
                 config.iq_scale);
    }
    e.nof_prb_received += closed ? 0 : nof_new;
    return nof_new;
  }

  void read_message(const ecpri_message &message, int64_t rx_time_ns) noexcept {
    if (message.type != ecpri_message_type::iq_data) {
      ++counters.cplane_messages;
      return;
    }
    const int port = port_of_eaxc[message.eaxc_id];
    if (port < 0) {
      ++counters.unknown_eaxc;
      return;
    }
    sequences[static_cast<unsigned>(port)].update(
        message.seq.sequence_id, counters.sequence_gaps, counters.out_of_order);
    app_header header;
    uplane_section_reader sections;
    if (const fh_error error =
            parse_uplane(message.payload, config.uplane, header, sections);
        error != fh_error::ok) {
      ++counters.malformed[static_cast<std::size_t>(error)];
      return;
    }
    ++counters.uplane_messages;
    if (header.direction != data_direction::uplink) {
      ++counters.not_uplink;
      return;
    }
    if (header.slot_id >= 1U << config.numerology ||
        header.symbol_id >= config.nof_symbols) {
      ++counters.bad_timing;
      return;
    }
    bool closed = false;
    bool opened = false;
    const int index = ring.find_or_open(
        ring.key(header.frame_id, header.subframe_id, header.slot_id),
        rx_time_ns, closed, opened, counters);
    if (index < 0) {
      return;
    }
    slot_contents *e = &slots[static_cast<unsigned>(index)];
    if (opened) {
      e->nof_prb_received = 0;
      std::fill(e->grid.begin(), e->grid.end(), cf_t{});
      std::fill(e->mask.begin(), e->mask.end(), 0);
    }
    unsigned nof_new = 0;
    while (!sections.at_end()) {
      uplane_section section;
      if (const fh_error error = sections.next(section);
          error != fh_error::ok) {
        ++counters.malformed[static_cast<std::size_t>(error)];
        break;
      }
      if (section.header.rb &&
          section.header.start_prb + 2U * (section.header.nof_prb - 1U) >=
              config.uplane.nof_carrier_prb) {
        ++counters.malformed[static_cast<std::size_t>(
            fh_error::prb_beyond_carrier)];
        break;
      }
      const unsigned n = place(*e, closed, static_cast<unsigned>(port),
                               header.symbol_id, section);
      nof_new += n;
      if (n == 0) {
        ++counters.duplicate;
      } else if (!closed) {
        ++counters.sections_placed;
      }
    }
    if (closed) {
      counters.late += nof_new != 0 ? 1 : 0;
      return;
    }
    if (!opened && nof_new != 0) {
      ring.confirm(static_cast<unsigned>(index), rx_time_ns, counters);
    }
    if (e->nof_prb_received == nof_prb_expected) {
      close(static_cast<unsigned>(index), slot_close_reason::complete);
    }
  }

  void push(const rx_packet &packet) noexcept {
    ++counters.packets;
    advance_time(packet.rx_time_ns);
    detail::for_each_message(packet, counters, [&](const ecpri_message &message) {
      read_message(message, packet.rx_time_ns);
    });
  }
};

slot_assembler::slot_assembler(const slot_assembler_config &config,
                               slot_handler handler) {
  if (auto s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  impl_ = std::make_unique<impl>(config, std::move(handler));
}

slot_assembler::~slot_assembler() = default;

void slot_assembler::push(const rx_packet &packet) noexcept {
  impl_->push(packet);
}

void slot_assembler::advance_time(int64_t now_ns) noexcept {
  impl_->advance_time(now_ns);
}

void slot_assembler::flush() noexcept {
  impl_->ring.close_expired(0, true, [this](unsigned index) {
    impl_->close(index, slot_close_reason::flushed);
  });
}

const ingest_counters &slot_assembler::counters() const noexcept {
  return impl_->counters;
}

} // namespace airan::io
