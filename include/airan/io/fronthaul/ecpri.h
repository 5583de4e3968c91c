#pragma once
/// Fronthaul transport: Ethernet framing (IEEE 802.3, optional IEEE 802.1Q tag, EtherType 0xAEFE) and the eCPRI 2.0
/// common header and IQ data / real-time control transport fields as used by O-RAN.WG4.CUS 5.1.3 (the same bytes
/// are the payload of a UDP datagram when eCPRI runs over IP). The parsers read only inside the spans they are given
/// and never allocate.

#include "airan/common/status.h"
#include "airan/io/fronthaul/fh_error.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

inline constexpr uint16_t ecpri_ethertype = 0xAEFE;
inline constexpr uint16_t vlan_tpid       = 0x8100;

using mac_address = std::array<uint8_t, 6>;

/// IEEE 802.1Q tag control information.
struct vlan_tag {
  uint8_t  priority      = 0; ///< PCP, 3 bits.
  bool     drop_eligible = false; ///< DEI.
  uint16_t vlan_id       = 0; ///< VID, 12 bits.

  bool operator==(const vlan_tag&) const = default;
};

struct ethernet_header {
  mac_address destination{};
  mac_address source{};
  bool        has_vlan = false;
  vlan_tag    vlan; ///< Meaningful when has_vlan.

  bool operator==(const ethernet_header&) const = default;
};

/// Bytes of an Ethernet header carrying eCPRI: 14, or 18 with the 802.1Q tag.
constexpr std::size_t ethernet_header_size(bool has_vlan)
{
  return has_vlan ? 18 : 14;
}

/// Parses the Ethernet header of a frame (without FCS): destination and source MAC, an optional 802.1Q tag (TPID
/// 0x8100), EtherType 0xAEFE. On success ecpri_pdu is the rest of the frame (which may end with padding up to the
/// Ethernet minimum size: the eCPRI reader ignores bytes after the last message).
fh_error parse_ethernet(std::span<const uint8_t> frame,
                        ethernet_header&         header,
                        std::span<const uint8_t>& ecpri_pdu) noexcept;

/// eCPRI message types carried by the O-RAN 7.2x fronthaul (eCPRI 2.0 3.2.4).
enum class ecpri_message_type : uint8_t {
  iq_data           = 0, ///< U-plane.
  real_time_control = 2, ///< C-plane.
};

/// ecpriSeqid (eCPRI 2.0 3.2.4.1): sequence ID, E bit (last message of a subsequence) and subsequence ID (7 bits).
/// O-RAN sends E = 1 and subsequence ID 0 unless radio-transport fragmentation is used; the parsers report the
/// fields as received and do not reassemble fragments.
struct ecpri_seq_id {
  uint8_t sequence_id    = 0;
  bool    e_bit          = true;
  uint8_t subsequence_id = 0;

  bool operator==(const ecpri_seq_id&) const = default;
};

/// One eCPRI message of type 0 or 2 as parsed.
struct ecpri_message {
  ecpri_message_type       type = ecpri_message_type::iq_data;
  bool                     concatenated = false; ///< C bit: another message follows in the same PDU.
  uint16_t                 eaxc_id      = 0; ///< ecpriPcid (IQ data) or ecpriRtcid (real-time control).
  ecpri_seq_id             seq;
  std::span<const uint8_t> payload; ///< The O-RAN application layer: the bytes after ecpriSeqid.
};

/// Size of the eCPRI common header and of the transport fields that start every type 0 / 2 payload.
inline constexpr std::size_t ecpri_common_header_size = 4;
inline constexpr std::size_t ecpri_transport_size     = 4;

/// Walks the messages of an eCPRI PDU (an Ethernet frame's payload or a UDP payload): common header (revision 1,
/// C bit, message type, payload size), then ecpriPcid/ecpriRtcid and ecpriSeqid. Concatenated messages (C = 1) are
/// followed by 0-3 padding bytes up to the next 4-byte boundary counted from the start of the PDU (eCPRI 2.0
/// 3.2.3.2). Bytes after the last message (C = 0) are ignored.
class ecpri_reader {
public:
  ecpri_reader() = default;
  explicit ecpri_reader(std::span<const uint8_t> pdu) noexcept : pdu_(pdu) {}

  /// True once the last message has been returned or after an error.
  bool at_end() const noexcept { return done_; }

  /// Parses the next message. Any error ends the walk (at_end() becomes true).
  fh_error next(ecpri_message& message) noexcept;

private:
  std::span<const uint8_t> pdu_;
  std::size_t              offset_ = 0;
  bool                     done_   = false;
};

/// Split of the 16-bit eAxC ID (ecpriPcid / ecpriRtcid, O-RAN.WG4.CUS 5.1.3.1.1) into its four fields, from the
/// most significant bits: DU port, band-sector, component carrier, RU port. The widths come from the M-plane.
struct eaxc_layout {
  unsigned du_port_bits     = 4;
  unsigned band_sector_bits = 4;
  unsigned cc_bits          = 4;
  unsigned ru_port_bits     = 4;
};

/// The widths must add up to 16.
status validate(const eaxc_layout& layout);

struct eaxc_id {
  uint16_t du_port     = 0;
  uint16_t band_sector = 0;
  uint16_t cc          = 0;
  uint16_t ru_port     = 0;

  bool operator==(const eaxc_id&) const = default;
};

/// Splits a raw eAxC ID. Requires validate(layout) to be ok.
eaxc_id unpack_eaxc(uint16_t raw, const eaxc_layout& layout) noexcept;

/// Joins the fields into a raw eAxC ID; field_out_of_range when a field does not fit its width. Requires
/// validate(layout) to be ok.
fh_error pack_eaxc(const eaxc_id& id, const eaxc_layout& layout, uint16_t& raw) noexcept;

} // namespace airan::io
