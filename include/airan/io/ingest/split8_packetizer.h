#pragma once
/// The radio side of split 8 (RU emulation, tests): a slot's time-domain samples per port into split 8 IQ messages
/// (io/fronthaul/SPLIT8.md), one message per packet, for each port blocks of consecutive samples, as many as fit
/// the MTU, in time order across the ports. ecpriSeqid counts per stream (eCPRI 2.0 3.2.4.1).

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/ingest/packet_io.h"

#include <cstdint>
#include <span>
#include <vector>

namespace airan::io {

struct split8_packetizer_config {
  /// The stream ID (ecpriPcid) of each port, 1..16 ports.
  std::vector<uint16_t> port_stream = {0};
  /// Longest slot, samples per port (1..2^22).
  unsigned max_slot_length = 30720;
  /// Integer samples stand for v 2^-scale_exponent, 0..31.
  unsigned scale_exponent = 12;
  /// ethernet: frames with the header below; ecpri: bare eCPRI PDUs (UDP payloads).
  packet_framing framing = packet_framing::ethernet;
  ethernet_header ethernet;
  /// Largest eCPRI PDU, bytes; at least one sample must fit.
  unsigned max_pdu_bytes = 1500;
};

status validate(const split8_packetizer_config& config);

struct split8_tx_packet {
  std::span<const uint8_t> bytes;
  unsigned port = 0;
  /// Index, within the slot, of the sample after the block's last: the block exists once that sample is due.
  unsigned end_sample = 0;
  /// Offset of the eCPRI PDU in bytes (0, or the Ethernet header size).
  unsigned ecpri_offset = 0;
};

class split8_packetizer {
public:
  /// Allocates the packet buffers of one slot. Throws std::invalid_argument with validate()'s message.
  explicit split8_packetizer(const split8_packetizer_config& config);

  /// Packets of one slot: ports[p] holds port p's samples (as many ports as port_stream, all of one length up to
  /// max_slot_length; checked, a mismatch gives no packets). The packets stay valid until the next call.
  std::span<const split8_tx_packet> build_slot(std::span<const std::span<const cf_t>> ports, uint8_t frame_id,
                                               uint8_t subframe_id, uint8_t slot_id) noexcept;

  unsigned max_samples_per_packet() const noexcept { return max_samples_per_packet_; }
  /// Values (I or Q) saturated to the int16 range since creation.
  uint64_t nof_saturated() const noexcept { return nof_saturated_; }

private:
  split8_packetizer_config config_;
  unsigned max_samples_per_packet_ = 0;
  std::size_t max_packet_bytes_ = 0;
  std::vector<uint8_t> buffer_;
  std::vector<split8_tx_packet> packets_;
  std::vector<uint8_t> next_seq_; ///< Per port.
  uint64_t nof_saturated_ = 0;
};

} // namespace airan::io
