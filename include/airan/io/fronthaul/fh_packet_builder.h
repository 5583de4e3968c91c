#pragma once
/// Builds fronthaul packets into a caller's buffer (O-RU emulation, tests): an optional Ethernet header, then one or
/// more eCPRI messages (concatenated with the C bit and 4-byte padding), each a U-plane or C-plane message with its
/// sections. Field layouts are those the parsers read (ecpri.h, uplane.h, cplane.h); the builder writes nothing it
/// would not parse back, never allocates and never writes outside the buffer. A call that fails writes nothing and
/// leaves the builder as it was.

#include "airan/io/fronthaul/app_header.h"
#include "airan/io/fronthaul/cplane.h"
#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/fh_error.h"
#include "airan/io/fronthaul/split8.h"
#include "airan/io/fronthaul/uplane.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

class fh_packet_builder {
public:
  explicit fh_packet_builder(std::span<uint8_t> buffer) noexcept : buffer_(buffer) {}

  /// Starts the packet with an Ethernet header (EtherType 0xAEFE, behind an 802.1Q tag when header.has_vlan).
  /// Only as the first call; without it the packet is a bare eCPRI PDU, the payload of a UDP datagram.
  fh_error add_ethernet_header(const ethernet_header& header) noexcept;

  /// Ends the open message, if any, with the C bit set and padding to the next 4-byte boundary of the PDU, and
  /// starts a new one: eCPRI common header (revision 1, payload size written when the message ends),
  /// ecpriPcid / ecpriRtcid and ecpriSeqid.
  fh_error begin_message(ecpri_message_type type, uint16_t eaxc_id, const ecpri_seq_id& seq) noexcept;

  /// The radio timing header of the open IQ data message.
  fh_error add_uplane_header(const app_header& header) noexcept;

  /// Appends a section header to the U-plane message and reserves the section's compressed PRBs, returned in
  /// iq_data for the caller to fill (with compress()). section.compression must equal config.static_compression
  /// unless config.dynamic_compression; nof_prb above 255 is written as numPrbu 0 and must then be the whole
  /// carrier. Requires validate(config) to be ok.
  fh_error add_uplane_section(const uplane_section_header& section,
                              const uplane_config&         config,
                              std::span<uint8_t>&          iq_data) noexcept;

  /// The split 8 header of the open IQ data message (split8.h) and room for its header.nof_samples samples, returned
  /// in samples (4 header.nof_samples bytes) for the caller to fill (split8_write_samples()). Ends the message's
  /// content: only begin_message() or finish() may follow.
  fh_error add_split8_block(const split8_header& header, std::span<uint8_t>& samples) noexcept;

  /// The common header of the open real-time control message. header.nof_sections is ignored: numberOfSections
  /// counts the sections added.
  fh_error add_cplane_header(const cplane_header& header) noexcept;

  /// Appends a section to the C-plane message, with ef set and extensions (whole, well-formed section
  /// extensions, each with its own ef bit) appended when extensions is not empty. For section type 1, nof_prb above
  /// 255 is written as numPrbc 0 and must then be the whole carrier of nof_carrier_prb PRBs.
  fh_error add_cplane_section(const cplane_section_header& section,
                              unsigned                     nof_carrier_prb,
                              std::span<const uint8_t>     extensions = {}) noexcept;

  /// Ends the open message (C bit 0) and returns the packet. No call may follow.
  std::span<const uint8_t> finish() noexcept;

private:
  enum class stage : uint8_t { empty, ethernet, message, uplane, cplane, split8, finished };

  bool in_message() const noexcept
  {
    return stage_ == stage::message || stage_ == stage::uplane || stage_ == stage::cplane || stage_ == stage::split8;
  }

  /// size bytes at the end of the packet, or null (buffer_too_small / field_out_of_range in error) when they do
  /// not fit the buffer or the open message's 16-bit payload size.
  uint8_t* reserve(std::size_t size, fh_error& error) noexcept;
  void     end_message(bool concatenated) noexcept;

  std::span<uint8_t>  buffer_;
  std::size_t         size_              = 0;
  std::size_t         pdu_start_         = 0;
  std::size_t         message_start_     = 0;
  std::size_t         nof_sections_at_   = 0;
  unsigned            nof_sections_      = 0;
  ecpri_message_type  message_type_      = ecpri_message_type::iq_data;
  cplane_section_type section_type_      = cplane_section_type::type1;
  stage               stage_             = stage::empty;
};

} // namespace airan::io
