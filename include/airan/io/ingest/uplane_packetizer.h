#pragma once
/// The O-RU side of the uplink U-plane (RU emulation, tests): the resource grid
/// of a slot into U-plane packets (O-RAN.WG4.CUS 6.3), one message per packet,
/// for each symbol and port one or more packets, each one section of
/// consecutive PRBs, as many PRBs as fit the MTU. ecpriSeqid counts per eAxC
/// (eCPRI 2.0 3.2.4.1).

#include "airan/common/status.h"
#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/uplane.h"
#include "airan/io/ingest/packet_io.h"
#include "airan/phy/common/resource_grid.h"

#include <cstdint>
#include <span>
#include <vector>

namespace airan::io {

struct uplane_packetizer_config {
  /// Carrier PRBs (the grid's width is 12 nof_carrier_prb subcarriers) and
  /// compression; with dynamic_compression every section carries udCompHdr.
  uplane_config uplane;
  /// The float value of one int16 unit of the IQ samples.
  float iq_scale = 1.0F / 8192.0F;
  /// The raw eAxC ID of each grid port (1..16 ports).
  std::vector<uint16_t> port_eaxc = {0};
  unsigned nof_symbols = 14;
  /// ethernet: frames with the header below; ecpri: bare eCPRI PDUs (UDP
  /// payloads).
  packet_framing framing = packet_framing::ethernet;
  ethernet_header ethernet;
  /// Largest eCPRI PDU (the Ethernet payload, or the UDP payload), bytes; at
  /// least one PRB must fit.
  unsigned max_pdu_bytes = 1500;
};

status validate(const uplane_packetizer_config &config);

/// One built packet.
struct uplane_tx_packet {
  std::span<const uint8_t> bytes;
  unsigned port = 0;
  unsigned symbol = 0;
  /// Offset of the eCPRI PDU in bytes (0, or the Ethernet header size).
  unsigned ecpri_offset = 0;
};

class uplane_packetizer {
public:
  /// Allocates the packet buffers of one slot. Throws std::invalid_argument
  /// with validate()'s message.
  explicit uplane_packetizer(const uplane_packetizer_config &config);

  /// Packets of one slot: symbol by symbol, port by port, PRBs ascending. grid:
  /// port_eaxc.size() ports, nof_symbols symbols, 12 nof_carrier_prb
  /// subcarriers (checked; a mismatch gives no packets). The packets stay valid
  /// until the next call.
  std::span<const uplane_tx_packet> build_slot(phy::const_grid_view grid,
                                               uint8_t frame_id,
                                               uint8_t subframe_id,
                                               uint8_t slot_id) noexcept;

  /// PRBs per packet (section).
  unsigned max_prb_per_packet() const noexcept { return max_prb_per_packet_; }

private:
  uplane_packetizer_config config_;
  unsigned max_prb_per_packet_ = 0;
  std::size_t max_packet_bytes_ = 0;
  std::vector<uint8_t> buffer_;
  std::vector<uplane_tx_packet> packets_;
  std::vector<uint8_t> next_seq_; ///< Per port.
};

} // namespace airan::io
