#include "airan/io/fronthaul/cplane.h"

#include "airan/io/fronthaul/fh_packet_builder.h"

#include "section_fields.h"

#include <algorithm>

namespace airan::io {

using detail::load_be16;
using detail::load_be24;
using detail::store_be16;
using detail::store_be24;

namespace {

/// Offsets in the common header: numberOfSections and sectionType come right after the radio timing header for
/// every section type.
constexpr std::size_t nof_sections_offset = 4;
constexpr std::size_t section_type_offset = 5;

constexpr std::size_t common_header_size(cplane_section_type type)
{
  return type == cplane_section_type::type3 ? 12 : 8;
}

constexpr std::size_t section_size(cplane_section_type type)
{
  return type == cplane_section_type::type3 ? 12 : 8;
}

constexpr unsigned max_nof_symbols = 14;

/// Extension types whose extLen has 16 bits.
constexpr bool has_long_ext_len(unsigned type)
{
  return type == 11 || type == 19 || type == 20;
}

/// Walks the chain of section extensions at the start of bytes, following ef, and gives its size in bytes.
fh_error walk_extensions(std::span<const uint8_t> bytes, std::size_t& size, unsigned& nof, unsigned& nof_unknown)
{
  size        = 0;
  nof         = 0;
  nof_unknown = 0;
  bool more   = true;
  while (more) {
    const std::size_t left = bytes.size() - size;
    const uint8_t*    p    = bytes.data() + size;
    if (left < 2) {
      return fh_error::extension_overruns_packet;
    }
    more                = (p[0] >> 7) != 0;
    const unsigned type = p[0] & 0x7F;
    if (has_long_ext_len(type) && left < 3) {
      return fh_error::extension_overruns_packet;
    }
    const std::size_t nof_words = has_long_ext_len(type) ? load_be16(p + 1) : p[1];
    if (nof_words == 0) {
      return fh_error::zero_extension_length;
    }
    if (4 * nof_words > left) {
      return fh_error::extension_overruns_packet;
    }
    ++nof;
    nof_unknown += type == 0 || type > max_known_extension_type ? 1 : 0;
    size += 4 * nof_words;
  }
  return fh_error::ok;
}

/// freqOffset: 24-bit two's complement.
int32_t sign_extend_24(uint32_t value)
{
  return static_cast<int32_t>(value << 8) >> 8;
}

} // namespace

fh_error parse_cplane(std::span<const uint8_t> payload,
                      unsigned                 nof_carrier_prb,
                      cplane_header&           header,
                      cplane_section_reader&   sections) noexcept
{
  sections = {};
  if (payload.size() < section_type_offset + 1) {
    return fh_error::truncated_application_header;
  }
  const uint8_t* p = payload.data();
  if (const fh_error error = detail::read_app_header(p, header.common); error != fh_error::ok) {
    return error;
  }
  if (p[section_type_offset] != static_cast<uint8_t>(cplane_section_type::type1) &&
      p[section_type_offset] != static_cast<uint8_t>(cplane_section_type::type3)) {
    return fh_error::unsupported_section_type;
  }
  header.section_type = static_cast<cplane_section_type>(p[section_type_offset]);
  header.nof_sections = p[nof_sections_offset];
  const std::size_t header_size = common_header_size(header.section_type);
  if (payload.size() < header_size) {
    return fh_error::truncated_application_header;
  }
  if (header.section_type == cplane_section_type::type1) {
    header.compression        = unpack_ud_comp_hdr(p[6]);
    header.time_offset        = 0;
    header.fft_size           = 0;
    header.subcarrier_spacing = 0;
    header.cp_length          = 0;
  } else {
    header.time_offset        = load_be16(p + 6);
    header.fft_size           = p[8] >> 4;
    header.subcarrier_spacing = p[8] & 0x0F;
    header.cp_length          = load_be16(p + 9);
    header.compression        = unpack_ud_comp_hdr(p[11]);
  }
  const std::span<const uint8_t> rest = payload.subspan(header_size);
  if (header.nof_sections == 0 && !rest.empty()) {
    return fh_error::trailing_bytes;
  }
  sections = cplane_section_reader(rest, header.section_type, header.nof_sections, nof_carrier_prb);
  return fh_error::ok;
}

fh_error cplane_section_reader::next(cplane_section& section) noexcept
{
  const auto fail = [this](fh_error error) {
    nof_left_ = 0;
    return error;
  };
  const std::size_t fixed_size = section_size(type_);
  if (nof_left_ == 0 || remaining_.size() < fixed_size) {
    return fail(fh_error::truncated_section_header);
  }
  const uint8_t*              p         = remaining_.data();
  const detail::section_start start     = detail::read_section_start(p);
  const uint16_t              mask_word = load_be16(p + 4); // reMask (12 bits) | numSymbol (4 bits)
  const uint16_t              beam_word = load_be16(p + 6); // ef (1 bit) | beamId (15 bits)
  const bool                  extended  = (beam_word >> 15) != 0;
  cplane_section_header&      h         = section.header;
  h.section_id  = start.section_id;
  h.rb          = start.rb;
  h.sym_inc     = start.sym_inc;
  h.start_prb   = start.start_prb;
  h.re_mask     = mask_word >> 4;
  h.nof_symbols = mask_word & 0x0F;
  h.beam_id     = beam_word & 0x7FFF;
  h.freq_offset = type_ == cplane_section_type::type3 ? sign_extend_24(load_be24(p + 8)) : 0;
  if (h.nof_symbols == 0 || h.nof_symbols > max_nof_symbols) {
    return fail(fh_error::bad_num_symbol);
  }
  if (type_ == cplane_section_type::type1) {
    h.nof_prb = start.num_prb != 0 ? start.num_prb : static_cast<uint16_t>(nof_carrier_prb_);
    if (const fh_error error = detail::check_prb_range(h.start_prb, h.nof_prb, h.rb, nof_carrier_prb_);
        error != fh_error::ok) {
      return fail(error);
    }
  } else {
    h.nof_prb = start.num_prb;
  }
  std::size_t extensions_size    = 0;
  section.nof_extensions         = 0;
  section.nof_unknown_extensions = 0;
  if (extended) {
    if (const fh_error error = walk_extensions(remaining_.subspan(fixed_size), extensions_size, section.nof_extensions,
                                               section.nof_unknown_extensions);
        error != fh_error::ok) {
      return fail(error);
    }
  }
  section.extensions = remaining_.subspan(fixed_size, extensions_size);
  remaining_         = remaining_.subspan(fixed_size + extensions_size);
  --nof_left_;
  if (nof_left_ == 0 && !remaining_.empty()) {
    return fail(fh_error::trailing_bytes);
  }
  return fh_error::ok;
}

fh_error fh_packet_builder::add_cplane_header(const cplane_header& header) noexcept
{
  if (stage_ != stage::message || message_type_ != ecpri_message_type::real_time_control) {
    return fh_error::build_out_of_order;
  }
  if (header.section_type != cplane_section_type::type1 && header.section_type != cplane_section_type::type3) {
    return fh_error::unsupported_section_type;
  }
  if (const fh_error error = detail::check_app_header(header.common); error != fh_error::ok) {
    return error;
  }
  if (header.compression.iq_width < 1 || header.compression.iq_width > 16 ||
      static_cast<unsigned>(header.compression.method) > 15 || header.fft_size > 15 ||
      header.subcarrier_spacing > 15) {
    return fh_error::field_out_of_range;
  }
  const std::size_t header_size = common_header_size(header.section_type);
  fh_error          error       = fh_error::ok;
  uint8_t*          p           = reserve(header_size, error);
  if (p == nullptr) {
    return error;
  }
  detail::write_app_header(p, header.common);
  p[nof_sections_offset] = 0;
  p[section_type_offset] = static_cast<uint8_t>(header.section_type);
  if (header.section_type == cplane_section_type::type1) {
    p[6] = pack_ud_comp_hdr(header.compression);
    p[7] = 0;
  } else {
    store_be16(p + 6, header.time_offset);
    p[8] = static_cast<uint8_t>(header.fft_size << 4 | header.subcarrier_spacing);
    store_be16(p + 9, header.cp_length);
    p[11] = pack_ud_comp_hdr(header.compression);
  }
  nof_sections_at_ = static_cast<std::size_t>(p - buffer_.data()) + nof_sections_offset;
  nof_sections_    = 0;
  section_type_    = header.section_type;
  stage_           = stage::cplane;
  return fh_error::ok;
}

fh_error fh_packet_builder::add_cplane_section(const cplane_section_header& section,
                                               unsigned                     nof_carrier_prb,
                                               std::span<const uint8_t>     extensions) noexcept
{
  if (stage_ != stage::cplane) {
    return fh_error::build_out_of_order;
  }
  if (section.nof_symbols == 0 || section.nof_symbols > max_nof_symbols) {
    return fh_error::bad_num_symbol;
  }
  constexpr int32_t max_freq_offset = (1 << 23) - 1;
  if (nof_sections_ == 255 || section.section_id > 0x0FFF || section.start_prb > 0x03FF ||
      section.re_mask > 0x0FFF || section.beam_id > 0x7FFF || section.freq_offset > max_freq_offset ||
      section.freq_offset < -max_freq_offset - 1) {
    return fh_error::field_out_of_range;
  }
  uint8_t num_prb = 0;
  if (section_type_ == cplane_section_type::type1) {
    if (const fh_error error = detail::check_prb_range(section.start_prb, section.nof_prb, section.rb, nof_carrier_prb);
        error != fh_error::ok) {
      return error;
    }
    if (const fh_error error = detail::encode_num_prb(section.start_prb, section.nof_prb, nof_carrier_prb, num_prb);
        error != fh_error::ok) {
      return error;
    }
  } else {
    if (section.nof_prb > 255) {
      return fh_error::field_out_of_range;
    }
    num_prb = static_cast<uint8_t>(section.nof_prb);
  }
  if (!extensions.empty()) {
    std::size_t chain_size  = 0;
    unsigned    nof         = 0;
    unsigned    nof_unknown = 0;
    if (const fh_error error = walk_extensions(extensions, chain_size, nof, nof_unknown); error != fh_error::ok) {
      return error;
    }
    if (chain_size != extensions.size()) {
      return fh_error::field_out_of_range;
    }
  }
  const std::size_t fixed_size = section_size(section_type_);
  fh_error          error      = fh_error::ok;
  uint8_t*          p          = reserve(fixed_size + extensions.size(), error);
  if (p == nullptr) {
    return error;
  }
  detail::write_section_start(p, {section.section_id, section.rb, section.sym_inc, section.start_prb, num_prb});
  store_be16(p + 4, uint32_t{section.re_mask} << 4 | section.nof_symbols);
  store_be16(p + 6, (extensions.empty() ? 0U : 0x8000U) | section.beam_id);
  if (section_type_ == cplane_section_type::type3) {
    store_be24(p + 8, static_cast<uint32_t>(section.freq_offset) & 0xFFFFFF);
    p[11] = 0;
  }
  std::copy(extensions.begin(), extensions.end(), p + fixed_size);
  buffer_[nof_sections_at_] = static_cast<uint8_t>(++nof_sections_);
  return fh_error::ok;
}

} // namespace airan::io
