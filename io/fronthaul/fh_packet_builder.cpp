// Packet builder: Ethernet header and eCPRI message framing. The U-plane, C-plane and split 8 members are defined in
// uplane.cpp, cplane.cpp and split8.cpp, next to the parsers that read the same fields.

#include "airan/io/fronthaul/fh_packet_builder.h"

#include "byte_order.h"

#include <algorithm>

namespace airan::io {

namespace {

/// eCPRI common header octet 0: revision 1 in the 4 high bits, the C bit in the low bit.
constexpr uint8_t ecpri_revision_byte = 0x10;

} // namespace

uint8_t* fh_packet_builder::reserve(std::size_t size, fh_error& error) noexcept
{
  if (in_message() && size_ + size - message_start_ - ecpri_common_header_size > 0xFFFF) {
    error = fh_error::field_out_of_range;
    return nullptr;
  }
  if (size > buffer_.size() - size_) {
    error = fh_error::buffer_too_small;
    return nullptr;
  }
  uint8_t* p = buffer_.data() + size_;
  size_ += size;
  return p;
}

void fh_packet_builder::end_message(bool concatenated) noexcept
{
  uint8_t* header = buffer_.data() + message_start_;
  header[0]       = ecpri_revision_byte | (concatenated ? 1 : 0);
  detail::store_be16(header + 2, static_cast<uint32_t>(size_ - message_start_ - ecpri_common_header_size));
}

fh_error fh_packet_builder::add_ethernet_header(const ethernet_header& header) noexcept
{
  if (stage_ != stage::empty) {
    return fh_error::build_out_of_order;
  }
  if (header.has_vlan && (header.vlan.priority > 7 || header.vlan.vlan_id > 0x0FFF)) {
    return fh_error::field_out_of_range;
  }
  fh_error error = fh_error::ok;
  uint8_t* p     = reserve(ethernet_header_size(header.has_vlan), error);
  if (p == nullptr) {
    return error;
  }
  std::copy(header.destination.begin(), header.destination.end(), p);
  std::copy(header.source.begin(), header.source.end(), p + 6);
  p += 12;
  if (header.has_vlan) {
    detail::store_be16(p, vlan_tpid);
    detail::store_be16(p + 2, uint32_t{header.vlan.priority} << 13 | uint32_t{header.vlan.drop_eligible} << 12 |
                                  header.vlan.vlan_id);
    p += 4;
  }
  detail::store_be16(p, ecpri_ethertype);
  stage_ = stage::ethernet;
  return fh_error::ok;
}

fh_error fh_packet_builder::begin_message(ecpri_message_type type, uint16_t eaxc_id, const ecpri_seq_id& seq) noexcept
{
  if (stage_ == stage::finished) {
    return fh_error::build_out_of_order;
  }
  if (seq.subsequence_id > 0x7F) {
    return fh_error::field_out_of_range;
  }
  const bool        open    = stage_ != stage::empty && stage_ != stage::ethernet;
  const std::size_t padding = open ? (4 - (size_ - pdu_start_) % 4) % 4 : 0;
  const std::size_t header  = ecpri_common_header_size + ecpri_transport_size;
  if (padding + header > buffer_.size() - size_) {
    return fh_error::buffer_too_small;
  }
  if (open) {
    end_message(true);
    std::fill_n(buffer_.data() + size_, padding, uint8_t{0});
    size_ += padding;
  } else {
    pdu_start_ = size_;
  }
  message_start_ = size_;
  uint8_t* p     = buffer_.data() + size_;
  p[0]           = ecpri_revision_byte;
  p[1]           = static_cast<uint8_t>(type);
  detail::store_be16(p + 2, ecpri_transport_size);
  detail::store_be16(p + 4, eaxc_id);
  p[6]  = seq.sequence_id;
  p[7]  = static_cast<uint8_t>((seq.e_bit ? 0x80 : 0) | seq.subsequence_id);
  size_ += header;
  message_type_ = type;
  stage_        = stage::message;
  return fh_error::ok;
}

std::span<const uint8_t> fh_packet_builder::finish() noexcept
{
  if (in_message()) {
    end_message(false);
  }
  stage_ = stage::finished;
  return buffer_.first(size_);
}

} // namespace airan::io
