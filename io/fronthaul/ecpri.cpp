#include "airan/io/fronthaul/ecpri.h"

#include "byte_order.h"

#include <algorithm>
#include <string>

namespace airan::io {

using detail::load_be16;

fh_error parse_ethernet(std::span<const uint8_t> frame,
                        ethernet_header&         header,
                        std::span<const uint8_t>& ecpri_pdu) noexcept
{
  if (frame.size() < ethernet_header_size(false)) {
    return fh_error::truncated_ethernet_header;
  }
  std::copy_n(frame.data(), 6, header.destination.begin());
  std::copy_n(frame.data() + 6, 6, header.source.begin());
  uint16_t ether_type = load_be16(frame.data() + 12);
  header.has_vlan     = ether_type == vlan_tpid;
  header.vlan         = {};
  if (header.has_vlan) {
    if (frame.size() < ethernet_header_size(true)) {
      return fh_error::truncated_ethernet_header;
    }
    const uint16_t tci         = load_be16(frame.data() + 14);
    header.vlan.priority      = static_cast<uint8_t>(tci >> 13);
    header.vlan.drop_eligible = (tci >> 12 & 1) != 0;
    header.vlan.vlan_id       = tci & 0x0FFF;
    ether_type                = load_be16(frame.data() + 16);
  }
  if (ether_type != ecpri_ethertype) {
    return fh_error::unsupported_ethertype;
  }
  ecpri_pdu = frame.subspan(ethernet_header_size(header.has_vlan));
  return fh_error::ok;
}

fh_error ecpri_reader::next(ecpri_message& message) noexcept
{
  const auto fail = [this](fh_error error) {
    done_ = true;
    return error;
  };
  if (done_ || offset_ > pdu_.size() || pdu_.size() - offset_ < ecpri_common_header_size) {
    return fail(fh_error::truncated_ecpri_header);
  }
  const uint8_t*    p         = pdu_.data() + offset_;
  const std::size_t available = pdu_.size() - offset_ - ecpri_common_header_size;
  // Octet 0: ecpriRevision (4 bits) | ecpriReserved (3 bits) | ecpriConcatenation C (1 bit).
  if (p[0] >> 4 != 1) {
    return fail(fh_error::bad_ecpri_revision);
  }
  const uint8_t type = p[1];
  if (type != static_cast<uint8_t>(ecpri_message_type::iq_data) &&
      type != static_cast<uint8_t>(ecpri_message_type::real_time_control)) {
    return fail(fh_error::unsupported_ecpri_message_type);
  }
  const std::size_t payload_size = load_be16(p + 2);
  if (payload_size > available) {
    return fail(fh_error::ecpri_payload_size_mismatch);
  }
  if (payload_size < ecpri_transport_size) {
    return fail(fh_error::ecpri_payload_too_small);
  }
  message.type                = static_cast<ecpri_message_type>(type);
  message.concatenated        = (p[0] & 1) != 0;
  message.eaxc_id             = load_be16(p + 4);
  message.seq.sequence_id     = p[6];
  message.seq.e_bit           = (p[7] >> 7) != 0;
  message.seq.subsequence_id  = p[7] & 0x7F;
  message.payload             = pdu_.subspan(offset_ + ecpri_common_header_size + ecpri_transport_size,
                                             payload_size - ecpri_transport_size);
  if (message.concatenated) {
    // The next message starts at the next 4-byte boundary from the start of the PDU.
    offset_ = (offset_ + ecpri_common_header_size + payload_size + 3) & ~std::size_t{3};
  } else {
    done_ = true;
  }
  return fh_error::ok;
}

status validate(const eaxc_layout& layout)
{
  const unsigned total = layout.du_port_bits + layout.band_sector_bits + layout.cc_bits + layout.ru_port_bits;
  if (layout.du_port_bits > 16 || layout.band_sector_bits > 16 || layout.cc_bits > 16 || layout.ru_port_bits > 16 ||
      total != 16) {
    return status::error("eAxC layout: DU port, band-sector, CC and RU port widths must add up to 16 bits, got " +
                         std::to_string(layout.du_port_bits) + "+" + std::to_string(layout.band_sector_bits) + "+" +
                         std::to_string(layout.cc_bits) + "+" + std::to_string(layout.ru_port_bits));
  }
  return status::ok();
}

namespace {

/// Bits [shift, shift + width) of value, with width 0 giving 0.
uint16_t field(uint16_t value, unsigned shift, unsigned width)
{
  return static_cast<uint16_t>((uint32_t{value} >> shift) & ((1U << width) - 1));
}

} // namespace

eaxc_id unpack_eaxc(uint16_t raw, const eaxc_layout& layout) noexcept
{
  const unsigned cc_shift          = layout.ru_port_bits;
  const unsigned band_sector_shift = cc_shift + layout.cc_bits;
  const unsigned du_port_shift     = band_sector_shift + layout.band_sector_bits;
  return {field(raw, du_port_shift, layout.du_port_bits), field(raw, band_sector_shift, layout.band_sector_bits),
          field(raw, cc_shift, layout.cc_bits), field(raw, 0, layout.ru_port_bits)};
}

fh_error pack_eaxc(const eaxc_id& id, const eaxc_layout& layout, uint16_t& raw) noexcept
{
  const auto fits = [](uint16_t value, unsigned width) { return (uint32_t{value} >> width) == 0; };
  if (!fits(id.du_port, layout.du_port_bits) || !fits(id.band_sector, layout.band_sector_bits) ||
      !fits(id.cc, layout.cc_bits) || !fits(id.ru_port, layout.ru_port_bits)) {
    return fh_error::field_out_of_range;
  }
  const unsigned cc_shift          = layout.ru_port_bits;
  const unsigned band_sector_shift = cc_shift + layout.cc_bits;
  const unsigned du_port_shift     = band_sector_shift + layout.band_sector_bits;
  raw = static_cast<uint16_t>(uint32_t{id.du_port} << du_port_shift | uint32_t{id.band_sector} << band_sector_shift |
                              uint32_t{id.cc} << cc_shift | id.ru_port);
  return fh_error::ok;
}

} // namespace airan::io
