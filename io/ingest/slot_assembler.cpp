// Slot assembler: the ring of slots in flight, the packet walk and the
// placement of sections into the grids.

#include "airan/io/ingest/slot_assembler.h"

#include "airan/io/fronthaul/ecpri.h"
#include "sequence_tracker.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace airan::io {

namespace {

constexpr unsigned max_nof_ports = 16;
constexpr unsigned max_nof_slots_in_flight = 16;
constexpr unsigned max_numerology = 4;
constexpr unsigned nof_frame_ids = 256;
constexpr unsigned nof_subframes_per_frame = 10;

enum class slot_state : uint8_t { free, open, closed };

/// One grid of the ring with its arrival masks.
struct slot_entry {
  slot_state state = slot_state::free;
  uint32_t key = 0; ///< Slot index within the 256 frames of frameId.
  uint64_t order =
      0; ///< When it opened (for oldest-first closing) or closed (for reuse).
  int64_t deadline = 0;
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
  std::vector<slot_entry> ring;
  std::vector<int16_t> port_of_eaxc; ///< 65536 entries, -1: unknown.
  std::vector<detail::sequence_tracker> sequences; ///< Per port.
  unsigned nof_subcarriers = 0;
  unsigned words_per_row = 0;
  unsigned nof_prb_expected = 0;
  uint32_t nof_keys = 0;
  uint32_t newest_key = 0;
  bool have_newest = false;
  uint64_t next_order = 0;

  impl(const slot_assembler_config &c, slot_handler h)
      : config(c), handler(std::move(h)) {
    nof_subcarriers = 12 * config.uplane.nof_carrier_prb;
    words_per_row = (config.uplane.nof_carrier_prb + 63) / 64;
    const auto ports = static_cast<unsigned>(config.port_eaxc.size());
    nof_prb_expected =
        ports * config.nof_symbols * config.uplane.nof_carrier_prb;
    nof_keys = nof_frame_ids * nof_subframes_per_frame << config.numerology;
    ring.resize(config.nof_slots_in_flight);
    for (slot_entry &e : ring) {
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

  void close(slot_entry &e, slot_close_reason reason) noexcept {
    assembled_slot slot;
    const uint32_t slots_per_frame = nof_subframes_per_frame
                                     << config.numerology;
    slot.frame_id = static_cast<uint8_t>(e.key / slots_per_frame);
    slot.subframe_id =
        static_cast<uint8_t>(e.key % slots_per_frame >> config.numerology);
    slot.slot_id = static_cast<uint8_t>(e.key % (1U << config.numerology));
    slot.grid = {e.grid.data(), nof_ports(), config.nof_symbols,
                 nof_subcarriers};
    slot.reason = reason;
    slot.nof_prb_received = e.nof_prb_received;
    slot.nof_prb_expected = nof_prb_expected;
    slot.prb_mask = e.mask;
    slot.words_per_row = words_per_row;
    ++(slot.complete() ? counters.slots_complete : counters.slots_partial);
    e.state = slot_state::closed;
    e.order = next_order++;
    handler(slot);
  }

  /// Closes the open slots that satisfy the predicate, oldest first.
  template <typename Predicate>
  void close_open(Predicate &&should_close, slot_close_reason reason) noexcept {
    for (;;) {
      slot_entry *oldest = nullptr;
      for (slot_entry &e : ring) {
        if (e.state == slot_state::open && should_close(e) &&
            (oldest == nullptr || e.order < oldest->order)) {
          oldest = &e;
        }
      }
      if (oldest == nullptr) {
        return;
      }
      close(*oldest, reason);
    }
  }

  void advance_time(int64_t now_ns) noexcept {
    close_open([now_ns](const slot_entry &e) { return e.deadline < now_ns; },
               slot_close_reason::deadline);
  }

  /// Whether key comes before the newest slot opened (distances taken modulo
  /// the frameId period).
  bool behind_newest(uint32_t key) const noexcept {
    return have_newest && key != newest_key &&
           (key + nof_keys - newest_key) % nof_keys > nof_keys / 2;
  }

  /// The ring entry of the slot, opening it when it is new; null when the
  /// message is early or late (counted).
  slot_entry *find_or_open(uint32_t key, int64_t rx_time_ns,
                           bool &closed) noexcept {
    closed = false;
    for (slot_entry &e : ring) {
      if (e.state != slot_state::free && e.key == key) {
        closed = e.state == slot_state::closed;
        return &e;
      }
    }
    if (behind_newest(key)) {
      ++counters.late;
      return nullptr;
    }
    slot_entry *reuse = nullptr;
    for (slot_entry &e : ring) {
      if (e.state == slot_state::free) {
        reuse = &e;
        break;
      }
      if (e.state == slot_state::closed &&
          (reuse == nullptr || e.order < reuse->order)) {
        reuse = &e;
      }
    }
    if (reuse == nullptr) {
      ++counters.early;
      return nullptr;
    }
    reuse->state = slot_state::open;
    reuse->key = key;
    reuse->order = next_order++;
    reuse->deadline = rx_time_ns + config.reception_window_ns;
    reuse->nof_prb_received = 0;
    std::fill(reuse->grid.begin(), reuse->grid.end(), cf_t{});
    std::fill(reuse->mask.begin(), reuse->mask.end(), 0);
    newest_key = key;
    have_newest = true;
    return reuse;
  }

  /// Places one section (or, in a closed slot, only checks which of its PRBs
  /// are new). Returns how many PRBs were new.
  unsigned place(slot_entry &e, bool closed, unsigned port, unsigned symbol,
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
    const uint32_t key = ((uint32_t{header.frame_id} * nof_subframes_per_frame +
                           header.subframe_id)
                          << config.numerology) +
                         header.slot_id;
    bool closed = false;
    slot_entry *e = find_or_open(key, rx_time_ns, closed);
    if (e == nullptr) {
      return;
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
    } else if (e->nof_prb_received == nof_prb_expected) {
      close(*e, slot_close_reason::complete);
    }
  }

  void push(const rx_packet &packet) noexcept {
    ++counters.packets;
    advance_time(packet.rx_time_ns);
    std::span<const uint8_t> pdu = packet.bytes;
    if (packet.framing == packet_framing::ethernet) {
      ethernet_header eth;
      if (const fh_error error = parse_ethernet(packet.bytes, eth, pdu);
          error != fh_error::ok) {
        ++counters.malformed[static_cast<std::size_t>(error)];
        return;
      }
    }
    ecpri_reader messages(pdu);
    while (!messages.at_end()) {
      ecpri_message message;
      if (const fh_error error = messages.next(message);
          error != fh_error::ok) {
        ++counters.malformed[static_cast<std::size_t>(error)];
        return;
      }
      read_message(message, packet.rx_time_ns);
    }
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
  impl_->close_open([](const slot_entry &) { return true; },
                    slot_close_reason::flushed);
}

const ingest_counters &slot_assembler::counters() const noexcept {
  return impl_->counters;
}

} // namespace airan::io
