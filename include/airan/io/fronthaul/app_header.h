#pragma once
/// Fields shared by the U-plane and C-plane messages of O-RAN.WG4.CUS: the radio timing header that starts every
/// message's application layer (dataDirection, payloadVersion, filterIndex, frameId, subframeId, slotId and
/// symbolId / startSymbolId, 4 bytes).

#include <cstddef>
#include <cstdint>

namespace airan::io {

/// dataDirection: gNB receive (uplink, 0) or transmit (downlink, 1).
enum class data_direction : uint8_t {
  uplink   = 0,
  downlink = 1,
};

/// The 4-byte radio timing header. Parsers require payloadVersion 1, subframeId <= 9 and symbolId <= 13.
struct app_header {
  data_direction direction       = data_direction::uplink; ///< 1 bit.
  uint8_t        payload_version = 1;                      ///< 3 bits.
  uint8_t        filter_index    = 0;                      ///< 4 bits.
  uint8_t        frame_id        = 0;                      ///< 8 bits.
  uint8_t        subframe_id     = 0;                      ///< 4 bits, 0..9.
  uint8_t        slot_id         = 0;                      ///< 6 bits.
  uint8_t        symbol_id       = 0; ///< 6 bits, 0..13: symbolId (U-plane) or startSymbolId (C-plane).

  bool operator==(const app_header&) const = default;
};

inline constexpr std::size_t app_header_size = 4;

} // namespace airan::io
