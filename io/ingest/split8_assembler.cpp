// Split 8 assembler: the packet walk and the placement of sample blocks into the slots in flight.

#include "airan/io/ingest/split8_assembler.h"

#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/split8.h"
#include "message_walk.h"
#include "sequence_tracker.h"
#include "slot_ring.h"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace airan::io {

namespace {

constexpr unsigned max_nof_ports = 16;
constexpr unsigned max_nof_slots_in_flight = 16;
constexpr unsigned max_numerology = 4;
constexpr unsigned max_slot_length = 1U << 22;

/// Samples of one slot, all ports, with one arrival bit per sample.
struct slot_samples {
  uint64_t nof_received = 0;
  std::vector<cf_t> samples;
  std::vector<uint64_t> mask;
};

/// Sets bits [begin, end) of the mask; returns how many were clear.
unsigned mark(uint64_t* mask, unsigned begin, unsigned end) noexcept
{
  unsigned nof_new = 0;
  while (begin != end) {
    const unsigned word = begin / 64;
    const unsigned first = begin % 64;
    const unsigned last = std::min(64U, first + (end - begin));
    const uint64_t bits = (last - first == 64 ? ~uint64_t{0} : ((uint64_t{1} << (last - first)) - 1)) << first;
    nof_new += static_cast<unsigned>(std::popcount(bits & ~mask[word]));
    mask[word] |= bits;
    begin += last - first;
  }
  return nof_new;
}

} // namespace

status validate(const split8_assembler_config& config)
{
  if (config.numerology > max_numerology) {
    return status::error("split 8 assembler: numerology " + std::to_string(config.numerology) + ", expected 0..4");
  }
  if (config.slot_lengths.size() != 1U << config.numerology) {
    return status::error("split 8 assembler: " + std::to_string(config.slot_lengths.size()) +
                         " slot lengths, expected one per slot of a subframe (" +
                         std::to_string(1U << config.numerology) + ")");
  }
  for (const unsigned length : config.slot_lengths) {
    if (length < 1 || length > max_slot_length) {
      return status::error("split 8 assembler: slot of " + std::to_string(length) + " samples, expected 1..2^22");
    }
  }
  if (config.port_stream.empty() || config.port_stream.size() > max_nof_ports) {
    return status::error("split 8 assembler: " + std::to_string(config.port_stream.size()) +
                         " receive ports, expected 1..16");
  }
  for (const uint16_t stream : config.port_stream) {
    if (std::count(config.port_stream.begin(), config.port_stream.end(), stream) != 1) {
      return status::error("split 8 assembler: stream " + std::to_string(stream) + " maps to two ports");
    }
  }
  if (config.nof_slots_in_flight < 1 || config.nof_slots_in_flight > max_nof_slots_in_flight) {
    return status::error("split 8 assembler: " + std::to_string(config.nof_slots_in_flight) +
                         " slots in flight, expected 1..16");
  }
  if (config.reception_window_ns <= 0) {
    return status::error("split 8 assembler: the reception window must be positive");
  }
  return status::ok();
}

struct split8_assembler::impl {
  split8_assembler_config config;
  slot_handler handler;
  ingest_counters counters;
  detail::slot_ring ring;
  std::vector<slot_samples> slots;                 ///< Indexed like the ring's entries.
  std::vector<int16_t> port_of_stream;             ///< 65536 entries, -1: unknown.
  std::vector<detail::sequence_tracker> sequences; ///< Per port.
  std::size_t port_stride = 0;
  std::size_t mask_stride = 0; ///< 64-bit words per port.

  impl(const split8_assembler_config& c, slot_handler h)
      : config(c), handler(std::move(h)), ring(c.nof_slots_in_flight, c.numerology, c.reception_window_ns)
  {
    port_stride = *std::max_element(config.slot_lengths.begin(), config.slot_lengths.end());
    mask_stride = (port_stride + 63) / 64;
    slots.resize(config.nof_slots_in_flight);
    for (slot_samples& s : slots) {
      s.samples.assign(nof_ports() * port_stride, cf_t{});
      s.mask.assign(nof_ports() * mask_stride, 0);
    }
    port_of_stream.assign(65536, -1);
    for (unsigned p = 0; p != nof_ports(); ++p) {
      port_of_stream[config.port_stream[p]] = static_cast<int16_t>(p);
    }
    sequences.resize(nof_ports());
  }

  unsigned nof_ports() const noexcept { return static_cast<unsigned>(config.port_stream.size()); }

  void close(unsigned index, slot_close_reason reason) noexcept
  {
    const slot_samples& s = slots[index];
    const uint64_t expected = uint64_t{config.slot_lengths[ring.slot_id(index)]} * nof_ports();
    if (!ring.mark_closed(index, s.nof_received == expected, counters)) {
      return;
    }
    assembled_samples slot;
    slot.frame_id = ring.frame_id(index);
    slot.subframe_id = ring.subframe_id(index);
    slot.slot_id = ring.slot_id(index);
    slot.reason = reason;
    slot.nof_ports = nof_ports();
    slot.nof_samples = config.slot_lengths[slot.slot_id];
    slot.nof_samples_received = s.nof_received;
    slot.nof_samples_expected = expected;
    slot.data = s.samples.data();
    slot.port_stride = port_stride;
    ++(slot.complete() ? counters.slots_complete : counters.slots_partial);
    handler(slot);
  }

  void advance_time(int64_t now_ns) noexcept
  {
    ring.close_expired(now_ns, false, [this](unsigned index) { close(index, slot_close_reason::deadline); });
  }

  void read_message(const ecpri_message& message, int64_t rx_time_ns) noexcept
  {
    if (message.type != ecpri_message_type::iq_data) {
      ++counters.cplane_messages;
      return;
    }
    const int port = port_of_stream[message.eaxc_id];
    if (port < 0) {
      ++counters.unknown_eaxc;
      return;
    }
    sequences[static_cast<unsigned>(port)].update(message.seq.sequence_id, counters.sequence_gaps,
                                                  counters.out_of_order);
    split8_header header;
    std::span<const uint8_t> bytes;
    if (const fh_error error = parse_split8(message.payload, header, bytes); error != fh_error::ok) {
      ++counters.malformed[static_cast<std::size_t>(error)];
      return;
    }
    ++counters.uplane_messages;
    if (header.direction != data_direction::uplink) {
      ++counters.not_uplink;
      return;
    }
    if (header.slot_id >= 1U << config.numerology ||
        uint64_t{header.sample_offset} + header.nof_samples > config.slot_lengths[header.slot_id]) {
      ++counters.bad_timing;
      return;
    }
    bool closed = false;
    bool opened = false;
    const int index = ring.find_or_open(ring.key(header.frame_id, header.subframe_id, header.slot_id), rx_time_ns,
                                        closed, opened, counters);
    if (index < 0) {
      return;
    }
    slot_samples& s = slots[static_cast<unsigned>(index)];
    if (opened) {
      s.nof_received = 0;
      std::fill(s.samples.begin(), s.samples.end(), cf_t{});
      std::fill(s.mask.begin(), s.mask.end(), 0);
    }
    uint64_t* mask = s.mask.data() + static_cast<unsigned>(port) * mask_stride;
    const unsigned begin = header.sample_offset;
    const unsigned end = begin + header.nof_samples;
    if (closed) {
      // Only whether the block brought anything the slot lacked: the slot is no longer written.
      unsigned nof_missing = 0;
      for (unsigned i = begin; i != end && nof_missing == 0; ++i) {
        nof_missing += ((mask[i / 64] >> (i % 64)) & 1) == 0 ? 1 : 0;
      }
      ++(nof_missing != 0 ? counters.late : counters.duplicate);
      return;
    }
    const unsigned nof_new = mark(mask, begin, end);
    if (nof_new == 0) {
      ++counters.duplicate;
      return;
    }
    // A block overlapping samples already received overwrites them with the same positions' values.
    split8_read_samples(
        std::span(s.samples).subspan(static_cast<unsigned>(port) * port_stride + begin, header.nof_samples), bytes,
        split8_scale(header.scale_exponent));
    ++counters.sections_placed;
    s.nof_received += nof_new;
    if (!opened) {
      ring.confirm(static_cast<unsigned>(index), rx_time_ns, counters);
    }
    if (s.nof_received == uint64_t{config.slot_lengths[header.slot_id]} * nof_ports()) {
      close(static_cast<unsigned>(index), slot_close_reason::complete);
    }
  }

  void push(const rx_packet& packet) noexcept
  {
    ++counters.packets;
    advance_time(packet.rx_time_ns);
    detail::for_each_message(packet, counters,
                             [&](const ecpri_message& message) { read_message(message, packet.rx_time_ns); });
  }
};

split8_assembler::split8_assembler(const split8_assembler_config& config, slot_handler handler)
{
  if (auto s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  impl_ = std::make_unique<impl>(config, std::move(handler));
}

split8_assembler::~split8_assembler() = default;

void split8_assembler::push(const rx_packet& packet) noexcept
{
  impl_->push(packet);
}

void split8_assembler::advance_time(int64_t now_ns) noexcept
{
  impl_->advance_time(now_ns);
}

void split8_assembler::flush() noexcept
{
  impl_->ring.close_expired(0, true, [this](unsigned index) { impl_->close(index, slot_close_reason::flushed); });
}

const ingest_counters& split8_assembler::counters() const noexcept
{
  return impl_->counters;
}

} // namespace airan::io
