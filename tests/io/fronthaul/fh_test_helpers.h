#pragma once
// Helpers shared by the fronthaul tests: plain reference bit handling, written independently of the code under
// test.

#include "airan/io/fronthaul/cplane.h"
#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/uplane.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace airan::io::test {

/// Bytes of a string of '0' / '1' characters (spaces ignored), MSB first; the length must be a multiple of 8.
inline std::vector<uint8_t> bytes_from_bits(std::string_view bits)
{
  std::vector<uint8_t> bytes;
  unsigned             nof_bits = 0;
  for (const char c : bits) {
    if (c == ' ') {
      continue;
    }
    if (nof_bits % 8 == 0) {
      bytes.push_back(0);
    }
    bytes.back() = static_cast<uint8_t>(bytes.back() | (c == '1' ? 1 : 0) << (7 - nof_bits % 8));
    ++nof_bits;
  }
  return bytes;
}

/// Two's complement string of width characters for value.
inline std::string two_complement_bits(int value, unsigned width)
{
  std::string bits;
  for (unsigned i = width; i-- > 0;) {
    bits.push_back(((static_cast<unsigned>(value) >> i) & 1) != 0 ? '1' : '0');
  }
  return bits;
}

/// Signed value of width bits starting at bit offset first_bit of bytes (MSB first), one bit at a time.
inline int read_signed_bits(const std::vector<uint8_t>& bytes, std::size_t first_bit, unsigned width)
{
  long value = 0;
  for (unsigned i = 0; i != width; ++i) {
    const std::size_t bit = first_bit + i;
    value                 = 2 * value + ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
  }
  if (value >= (1L << (width - 1))) {
    value -= 1L << width;
  }
  return static_cast<int>(value);
}

/// How parse_packet() reads a packet.
struct packet_format {
  bool          ethernet = true; ///< An Ethernet frame; otherwise a UDP payload.
  uplane_config uplane;          ///< For every eAxC.
  unsigned      nof_carrier_prb = 273;
};

/// What parse_packet() found.
struct packet_summary {
  unsigned nof_messages = 0;
  unsigned nof_sections = 0;
};

/// Parses a whole packet, every message and every section; the first error, or ok.
inline fh_error parse_packet(std::span<const uint8_t> packet, const packet_format& format, packet_summary& summary)
{
  summary                      = {};
  std::span<const uint8_t> pdu = packet;
  if (format.ethernet) {
    ethernet_header header;
    if (const fh_error error = parse_ethernet(packet, header, pdu); error != fh_error::ok) {
      return error;
    }
  }
  ecpri_reader messages(pdu);
  while (!messages.at_end()) {
    ecpri_message message;
    if (const fh_error error = messages.next(message); error != fh_error::ok) {
      return error;
    }
    ++summary.nof_messages;
    if (message.type == ecpri_message_type::iq_data) {
      app_header            header;
      uplane_section_reader sections;
      if (const fh_error error = parse_uplane(message.payload, format.uplane, header, sections);
          error != fh_error::ok) {
        return error;
      }
      while (!sections.at_end()) {
        uplane_section section;
        if (const fh_error error = sections.next(section); error != fh_error::ok) {
          return error;
        }
        ++summary.nof_sections;
      }
    } else {
      cplane_header         header;
      cplane_section_reader sections;
      if (const fh_error error = parse_cplane(message.payload, format.nof_carrier_prb, header, sections);
          error != fh_error::ok) {
        return error;
      }
      while (!sections.at_end()) {
        cplane_section section;
        if (const fh_error error = sections.next(section); error != fh_error::ok) {
          return error;
        }
        ++summary.nof_sections;
      }
    }
  }
  return fh_error::ok;
}

} // namespace airan::io::test
