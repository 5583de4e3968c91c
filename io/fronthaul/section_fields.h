#pragma once
// Reading and writing of the fields that the U-plane and C-plane share: the radio timing header and the first
// 4 bytes of a section (sectionId 12 bits | rb 1 | symInc 1 | startPrb 10 bits, then numPrb 8 bits), and the rule
// for the PRB range of a section. Callers check the bounds of the buffers.

#include "airan/io/fronthaul/app_header.h"
#include "airan/io/fronthaul/fh_error.h"

#include "byte_order.h"

namespace airan::io::detail {

inline fh_error read_app_header(const uint8_t* p, app_header& header)
{
  header.direction       = static_cast<data_direction>(p[0] >> 7);
  header.payload_version = (p[0] >> 4) & 0x07;
  header.filter_index    = p[0] & 0x0F;
  header.frame_id        = p[1];
  header.subframe_id     = p[2] >> 4;
  header.slot_id         = static_cast<uint8_t>((p[2] & 0x0F) << 2 | p[3] >> 6);
  header.symbol_id       = p[3] & 0x3F;
  if (header.payload_version != 1) {
    return fh_error::bad_payload_version;
  }
  if (header.subframe_id > 9) {
    return fh_error::subframe_out_of_range;
  }
  if (header.symbol_id > 13) {
    return fh_error::symbol_out_of_range;
  }
  return fh_error::ok;
}

inline fh_error check_app_header(const app_header& header)
{
  const bool fits = static_cast<unsigned>(header.direction) <= 1 && header.payload_version <= 7 &&
                    header.filter_index <= 15 && header.subframe_id <= 15 && header.slot_id <= 63 &&
                    header.symbol_id <= 63;
  return fits ? fh_error::ok : fh_error::field_out_of_range;
}

/// Requires check_app_header(header) to be ok.
inline void write_app_header(uint8_t* p, const app_header& header)
{
  p[0] = static_cast<uint8_t>(static_cast<unsigned>(header.direction) << 7 | header.payload_version << 4 |
                              header.filter_index);
  p[1] = header.frame_id;
  p[2] = static_cast<uint8_t>(header.subframe_id << 4 | header.slot_id >> 2);
  p[3] = static_cast<uint8_t>((header.slot_id & 0x03) << 6 | header.symbol_id);
}

/// First 4 bytes of a U-plane or C-plane section; num_prb is the raw 8-bit field (0: all PRBs of the carrier).
struct section_start {
  uint16_t section_id;
  bool     rb;
  bool     sym_inc;
  uint16_t start_prb;
  uint8_t  num_prb;
};

inline constexpr std::size_t section_start_size = 4;

inline section_start read_section_start(const uint8_t* p)
{
  const uint32_t word = load_be24(p);
  return {static_cast<uint16_t>(word >> 12), (word >> 11 & 1) != 0, (word >> 10 & 1) != 0,
          static_cast<uint16_t>(word & 0x3FF), p[3]};
}

inline void write_section_start(uint8_t* p, const section_start& fields)
{
  store_be24(p, uint32_t{fields.section_id} << 12 | uint32_t{fields.rb} << 11 | uint32_t{fields.sym_inc} << 10 |
                    fields.start_prb);
  p[3] = fields.num_prb;
}

/// The PRBs start_prb, start_prb + s, ..., start_prb + (nof_prb - 1) s with s = 2 when rb (every other PRB) and
/// s = 1 otherwise must lie in the carrier; nof_prb 0 is no range.
inline fh_error check_prb_range(unsigned start_prb, unsigned nof_prb, bool rb, unsigned nof_carrier_prb)
{
  const unsigned step = rb ? 2 : 1;
  return nof_prb != 0 && start_prb + (nof_prb - 1) * step < nof_carrier_prb ? fh_error::ok
                                                                             : fh_error::prb_beyond_carrier;
}

/// The raw numPrb field for nof_prb PRBs: nof_prb itself up to 255, else 0, which stands for the whole carrier.
/// field_out_of_range when nof_prb cannot be written (above 255 and not the whole carrier from PRB 0).
inline fh_error encode_num_prb(unsigned start_prb, unsigned nof_prb, unsigned nof_carrier_prb, uint8_t& num_prb)
{
  if (nof_prb <= 255) {
    num_prb = static_cast<uint8_t>(nof_prb);
    return fh_error::ok;
  }
  num_prb = 0;
  return nof_prb == nof_carrier_prb && start_prb == 0 ? fh_error::ok : fh_error::field_out_of_range;
}

} // namespace airan::io::detail
