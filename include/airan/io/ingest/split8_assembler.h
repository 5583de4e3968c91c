#pragma once
/// Split 8 assembler: received time-domain IQ messages (io/fronthaul/SPLIT8.md) in, the samples of each slot per
/// receive port out, ready for OFDM demodulation (phy/ofdm). The ecpriPcid of a message selects the port, frameId /
/// subframeId / slotId the slot, sampleOffset and nofSamples the samples; each block is converted to floats with its
/// scaleExponent and marked as arrived sample by sample.
///
/// Slots open, close and are reused as in the U-plane slot assembler (slot_assembler.h): closed when every sample of
/// every port has arrived, at their deadline (first rx time plus the reception window) or by flush(). The counters
/// are those of the U-plane ingest (ingest_counters.h), read for sample blocks: uplane_messages counts split 8
/// messages read, sections_placed blocks that brought new samples, duplicate blocks all of whose samples had
/// arrived, late blocks for a closed slot that lacked some of their samples, bad_timing a slotId outside the
/// numerology or samples beyond the slot's end, unknown_eaxc streams without a port; the rest as there. Nothing on
/// the packet path allocates, throws or touches a slot other than the message's own.

#include "airan/common/status.h"
#include "airan/io/ingest/ingest_counters.h"
#include "airan/io/ingest/packet_io.h"
#include "airan/io/ingest/slot_assembler.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace airan::io {

struct split8_assembler_config {
  /// mu: 2^mu slots per subframe (TS 38.211 4.3.2), 0..4.
  unsigned numerology = 1;
  /// Samples in each slot of a subframe, 2^mu entries (ofdm_numerology::slot_length(s), s = 0 .. 2^mu - 1: slots
  /// holding a long cyclic prefix are longer). Each 1..2^22.
  std::vector<unsigned> slot_lengths = {30720, 30720};
  /// The stream ID (ecpriPcid) of each receive port: port i is port_stream[i]. 1..16 ports, all different.
  std::vector<uint16_t> port_stream = {0};
  /// Slots open at once, 1..16.
  unsigned nof_slots_in_flight = 4;
  /// Reception window from a slot's first message to its deadline, nanoseconds of rx time. > 0.
  int64_t reception_window_ns = 1'000'000;
};

status validate(const split8_assembler_config& config);

/// A closed slot, valid during the handler call.
struct assembled_samples {
  uint8_t frame_id = 0;
  uint8_t subframe_id = 0;
  uint8_t slot_id = 0;
  slot_close_reason reason = slot_close_reason::complete;
  unsigned nof_ports = 0;
  /// Samples per port in this slot (slot_lengths[slot_id]).
  unsigned nof_samples = 0;
  /// Samples that arrived over all ports, out of nof_ports nof_samples; the others are zero.
  uint64_t nof_samples_received = 0;
  uint64_t nof_samples_expected = 0;
  /// Port p's samples start at data + p port_stride.
  const cf_t* data = nullptr;
  std::size_t port_stride = 0;

  std::span<const cf_t> port(unsigned p) const noexcept { return {data + p * port_stride, nof_samples}; }
  bool complete() const noexcept { return nof_samples_received == nof_samples_expected; }
};

class split8_assembler {
public:
  using slot_handler = std::function<void(const assembled_samples&)>;

  /// Allocates the ring. Throws std::invalid_argument with validate()'s message.
  split8_assembler(const split8_assembler_config& config, slot_handler handler);
  ~split8_assembler();
  split8_assembler(const split8_assembler&) = delete;
  split8_assembler& operator=(const split8_assembler&) = delete;

  /// Closes the slots whose deadline is before packet.rx_time_ns, then reads every eCPRI message of the packet.
  void push(const rx_packet& packet) noexcept;
  void push(std::span<const rx_packet> packets) noexcept
  {
    for (const rx_packet& packet : packets) {
      push(packet);
    }
  }
  /// Closes the slots whose deadline is before now_ns.
  void advance_time(int64_t now_ns) noexcept;
  /// Closes every open slot, oldest first.
  void flush() noexcept;

  const ingest_counters& counters() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::io
