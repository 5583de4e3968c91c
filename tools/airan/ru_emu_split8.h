#pragma once
// The split 8 side of `airan ru-emu`: the vector's grid OFDM-modulated at its numerology, cyclic prefix and carrier
// frequency (phy/ofdm), sent as split 8 time-domain IQ messages (io/fronthaul/SPLIT8.md).

#include "airan/io/ingest/fault_injector.h"
#include "airan/io/ingest/split8_packetizer.h"
#include "airan/io/testvector.h"

#include <cstdint>
#include <vector>

namespace airan::tools {

class split8_emitter {
public:
  /// Modulates the grid of the vector's slot; packets as config says (port_stream, framing, MTU, scale; its
  /// max_slot_length is set here). Throws std::invalid_argument when the carrier cannot be modulated.
  split8_emitter(const io::pusch_vector& v, io::split8_packetizer_config config);

  /// Pushes one slot's packets into the injector, each at the air time of its last sample after slot_start_ns;
  /// returns how many.
  std::size_t emit(io::fault_injector& injector, uint8_t frame_id, int64_t slot_start_ns);

  unsigned max_samples_per_packet() const noexcept { return packetizer_.max_samples_per_packet(); }
  uint64_t nof_saturated() const noexcept { return packetizer_.nof_saturated(); }

private:
  unsigned slot_in_frame_ = 0;
  unsigned slots_per_subframe_ = 1;
  double sample_rate_hz_ = 0.0;
  std::vector<std::vector<cf_t>> samples_; ///< Per port.
  io::split8_packetizer packetizer_;
};

} // namespace airan::tools
