#include "airan/io/fronthaul/cplane.h"

#include "airan/io/fronthaul/fh_packet_builder.h"

#include "fh_test_helpers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::io;
using airan::io::test::packet_format;
using airan::io::test::packet_summary;
using airan::io::test::parse_packet;

namespace {

/// Three section extensions: type 1 (extLen 2 words), type 11 (16-bit extLen, 3 words) and the unknown type 100
/// (1 word), the last one with ef = 0.
const std::vector<uint8_t> three_extensions = {
    0x81, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,                         // ef 1 | type 1, extLen 2
    0x8B, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, // ef 1 | type 11, extLen 3 (16 bits)
    0x64, 0x01, 0xAA, 0xBB,                                                 // ef 0 | type 100, extLen 1
};

/// A C-plane message of section type 1 with two sections, the second one with three extensions, as a UDP payload.
std::vector<uint8_t> type1_message()
{
  std::vector<uint8_t> bytes = {
      0x10, 0x02, 0x00, 0x00, // eCPRI: revision 1, C 0, real-time control, payload size (set below)
      0x00, 0x05, 0x07, 0x80, // ecpriRtcid 5, sequence 7, E 1
      0x90,                   // dataDirection 1 | payloadVersion 001 | filterIndex 0000
      0x10,                   // frameId
      0x20,                   // subframeId 0010 | slotId (3 = 000011) high 0000
      0xC4,                   // slotId low 11 | startSymbolId 000100
      0x02,                   // numberOfSections
      0x01,                   // sectionType
      0xE1,                   // udCompHdr: 14-bit block floating point
      0x00,                   // reserved
      // Section 1: sectionId 1 (0000 0000 0001) | rb 0 | symInc 1 | startPrbc 0; numPrbc 0 (all PRBs);
      // reMask 0xFFF | numSymbol 14; ef 0 | beamId 0x1234.
      0x00, 0x14, 0x00, 0x00, 0xFF, 0xFE, 0x12, 0x34,
      // Section 2: sectionId 2 | rb 0 | symInc 0 | startPrbc 100 (00 0110 0100); numPrbc 50;
      // reMask 0xAAA | numSymbol 2; ef 1 | beamId 0x7FFF.
      0x00, 0x20, 0x64, 0x32, 0xAA, 0xA2, 0xFF, 0xFF};
  const std::size_t fixed_size = bytes.size();
  bytes.resize(fixed_size + three_extensions.size());
  std::copy(three_extensions.begin(), three_extensions.end(), bytes.begin() + static_cast<long>(fixed_size));
  bytes[3] = static_cast<uint8_t>(bytes.size() - 4);
  return bytes;
}

/// A C-plane message of section type 3 (PRACH) with one section.
std::vector<uint8_t> type3_message()
{
  std::vector<uint8_t> bytes = {
      0x10, 0x02, 0x00, 0x00, // eCPRI header, payload size set below
      0x00, 0x06, 0x08, 0x80, // ecpriRtcid 6, sequence 8, E 1
      0x11,                   // dataDirection 0 | payloadVersion 001 | filterIndex 0001
      0xFF,                   // frameId
      0x90,                   // subframeId 1001 | slotId (1 = 000001) high 0000
      0x40,                   // slotId low 01 | startSymbolId 0
      0x01,                   // numberOfSections
      0x03,                   // sectionType
      0x12, 0x34,             // timeOffset
      0xC1,                   // frameStructure: FFT size code 12 | subcarrier spacing 1
      0x01, 0x60,             // cpLength
      0x91,                   // udCompHdr: 9-bit block floating point
      // sectionId 5 | rb 0 | symInc 0 | startPrbc 0; numPrbc 12; reMask 0xFFF | numSymbol 12; ef 0 | beamId 7;
      // freqOffset -864 (24-bit two's complement 0xFFFCA0); reserved.
      0x00, 0x50, 0x00, 0x0C, 0xFF, 0xFC, 0x00, 0x07, 0xFF, 0xFC, 0xA0, 0x00};
  bytes[3] = static_cast<uint8_t>(bytes.size() - 4);
  return bytes;
}

fh_error parse_udp(const std::vector<uint8_t>& bytes, unsigned nof_carrier_prb = 273)
{
  packet_summary summary;
  return parse_packet(bytes, {false, {}, nof_carrier_prb}, summary);
}

/// A well-formed random chain of section extensions of random types and lengths.
std::vector<uint8_t> random_extensions(std::mt19937& rng)
{
  std::uniform_int_distribution<unsigned> u(0, 255);
  std::vector<uint8_t>                    bytes;
  const unsigned                          count = u(rng) % 4;
  for (unsigned i = 0; i != count; ++i) {
    const unsigned type      = u(rng) % 128;
    const bool     long_len  = type == 11 || type == 19 || type == 20;
    const unsigned nof_words = 1 + u(rng) % 4;
    bytes.push_back(static_cast<uint8_t>((i + 1 != count ? 0x80 : 0) | type));
    if (long_len) {
      bytes.push_back(0);
    }
    bytes.push_back(static_cast<uint8_t>(nof_words));
    while (bytes.size() % 4 != 0) {
      bytes.push_back(static_cast<uint8_t>(u(rng)));
    }
    for (unsigned k = 1; k != nof_words; ++k) {
      bytes.insert(bytes.end(), {static_cast<uint8_t>(u(rng)), 1, 2, 3});
    }
  }
  return bytes;
}

} // namespace

TEST_CASE("C-plane section type 1 built by hand, field by field; extensions skipped and counted")
{
  const std::vector<uint8_t> bytes = type1_message();
  ecpri_reader               reader(bytes);
  ecpri_message              message;
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK(message.type == ecpri_message_type::real_time_control);
  CHECK(message.eaxc_id == 5);
  cplane_header         header;
  cplane_section_reader sections;
  REQUIRE(parse_cplane(message.payload, 273, header, sections) == fh_error::ok);
  CHECK(header.common == app_header{data_direction::downlink, 1, 0, 0x10, 2, 3, 4});
  CHECK(header.section_type == cplane_section_type::type1);
  CHECK(header.nof_sections == 2);
  CHECK(header.compression == compression_params{compression_method::block_floating_point, 14});
  cplane_section section;
  REQUIRE(sections.next(section) == fh_error::ok);
  CHECK(section.header == cplane_section_header{1, false, true, 0, 273, 0xFFF, 14, 0x1234, 0});
  CHECK(section.extensions.empty());
  CHECK(section.nof_extensions == 0);
  REQUIRE(sections.next(section) == fh_error::ok);
  CHECK(section.header == cplane_section_header{2, false, false, 100, 50, 0xAAA, 2, 0x7FFF, 0});
  CHECK(section.nof_extensions == 3);
  CHECK(section.nof_unknown_extensions == 1);
  CHECK(section.extensions.data() == bytes.data() + bytes.size() - three_extensions.size());
  CHECK(section.extensions.size() == three_extensions.size());
  CHECK(sections.at_end());
}

TEST_CASE("C-plane section type 3 built by hand, field by field")
{
  const std::vector<uint8_t> bytes = type3_message();
  ecpri_reader               reader(bytes);
  ecpri_message              message;
  REQUIRE(reader.next(message) == fh_error::ok);
  cplane_header         header;
  cplane_section_reader sections;
  REQUIRE(parse_cplane(message.payload, 273, header, sections) == fh_error::ok);
  CHECK(header.common == app_header{data_direction::uplink, 1, 1, 0xFF, 9, 1, 0});
  CHECK(header.section_type == cplane_section_type::type3);
  CHECK(header.nof_sections == 1);
  CHECK(header.time_offset == 0x1234);
  CHECK(header.fft_size == 12);
  CHECK(header.subcarrier_spacing == 1);
  CHECK(header.cp_length == 0x0160);
  CHECK(header.compression == compression_params{compression_method::block_floating_point, 9});
  cplane_section section;
  REQUIRE(sections.next(section) == fh_error::ok);
  CHECK(section.header == cplane_section_header{5, false, false, 0, 12, 0xFFF, 12, 7, -864});
  CHECK(sections.at_end());
  // PRACH PRBs count in the PRACH numerology: not checked against the carrier.
  CHECK(parse_udp(bytes, 6) == fh_error::ok);
}

TEST_CASE("C-plane errors")
{
  const std::vector<uint8_t> good = type1_message();
  REQUIRE(parse_udp(good) == fh_error::ok);
  std::vector<uint8_t> bad = good;
  bad[13]                  = 5; // section type 5
  CHECK(parse_udp(bad) == fh_error::unsupported_section_type);
  bad    = good;
  bad[8] = 0xA0; // payloadVersion 2
  CHECK(parse_udp(bad) == fh_error::bad_payload_version);
  bad     = good;
  bad[11] = 0xCE; // startSymbolId 14
  CHECK(parse_udp(bad) == fh_error::symbol_out_of_range);
  bad     = good;
  bad[21] = 0xF0; // numSymbol 0
  CHECK(parse_udp(bad) == fh_error::bad_num_symbol);
  bad[21] = 0xFF; // numSymbol 15
  CHECK(parse_udp(bad) == fh_error::bad_num_symbol);
  bad     = good;
  bad[12] = 3; // numberOfSections 3, two present
  CHECK(parse_udp(bad) == fh_error::truncated_section_header);
  bad[12] = 1; // one section announced, a second one follows
  CHECK(parse_udp(bad) == fh_error::trailing_bytes);
  bad[12] = 0;
  CHECK(parse_udp(bad) == fh_error::trailing_bytes);
  CHECK(parse_udp(good, 149) == fh_error::prb_beyond_carrier); // PRBs 100..149 need 150
  CHECK(parse_udp(good, 150) == fh_error::ok);

  const std::size_t first_extension = good.size() - three_extensions.size();
  bad                               = good;
  bad[first_extension + 1]          = 0; // extLen 0
  CHECK(parse_udp(bad) == fh_error::zero_extension_length);
  bad                      = good;
  bad[first_extension + 1] = 7; // 28 bytes, 24 left
  CHECK(parse_udp(bad) == fh_error::extension_overruns_packet);
  bad                          = good;
  bad[first_extension + 8 + 2] = 5; // type 11 extLen of 5 words
  CHECK(parse_udp(bad) == fh_error::extension_overruns_packet);
  bad                       = good;
  bad[first_extension + 20] = 0xE4; // the last extension says another one follows
  CHECK(parse_udp(bad) == fh_error::extension_overruns_packet);
  bad                          = good;
  bad[first_extension + 8 + 1] = 0x01; // type 11 extLen 0x0103 words
  CHECK(parse_udp(bad) == fh_error::extension_overruns_packet);

  // Extension headers cut after 1 byte, and a type 11 header cut after 2 bytes.
  for (const std::size_t keep : {first_extension + 1, first_extension + 8 + 2}) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(keep));
    cut[3] = static_cast<uint8_t>(cut.size() - 4);
    if (keep == first_extension + 8 + 2) {
      cut[first_extension] = 0x81; // ef still 1
    }
    CHECK(parse_udp(cut) == fh_error::extension_overruns_packet);
  }

  std::vector<uint8_t> short_header(good.begin(), good.begin() + 8 + 7);
  short_header[3] = static_cast<uint8_t>(short_header.size() - 4);
  CHECK(parse_udp(short_header) == fh_error::truncated_application_header);
  std::vector<uint8_t> type3 = type3_message();
  type3.resize(8 + 11);
  type3[3] = static_cast<uint8_t>(type3.size() - 4);
  CHECK(parse_udp(type3) == fh_error::truncated_application_header);
}

TEST_CASE("C-plane: messages cut anywhere fail to parse, with or without the eCPRI payload size adjusted")
{
  for (const std::vector<uint8_t>& good : {type1_message(), type3_message()}) {
    for (std::size_t size = 0; size != good.size(); ++size) {
      CAPTURE(size);
      std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(size));
      CHECK(parse_udp(cut) != fh_error::ok);
      if (size >= 8) {
        cut[3] = static_cast<uint8_t>(size - 4);
        CHECK(parse_udp(cut) != fh_error::ok);
      }
    }
  }
}

TEST_CASE("C-plane build and parse round trip, section types 1 and 3, with extensions")
{
  std::mt19937                            rng(31);
  std::uniform_int_distribution<unsigned> u(0, 0xFFFF);
  for (unsigned trial = 0; trial != 300; ++trial) {
    const unsigned      nof_carrier_prb = 1 + u(rng) % 275;
    const bool          ethernet        = trial % 2 == 0;
    cplane_header       header;
    header.section_type = trial % 3 == 0 ? cplane_section_type::type3 : cplane_section_type::type1;
    header.common       = {static_cast<data_direction>(u(rng) % 2), 1, static_cast<uint8_t>(u(rng) % 16),
                           static_cast<uint8_t>(u(rng)), static_cast<uint8_t>(u(rng) % 10),
                           static_cast<uint8_t>(u(rng) % 64), static_cast<uint8_t>(u(rng) % 14)};
    header.compression  = unpack_ud_comp_hdr(static_cast<uint8_t>(u(rng)));
    if (header.section_type == cplane_section_type::type3) {
      header.time_offset        = static_cast<uint16_t>(u(rng));
      header.fft_size           = static_cast<uint8_t>(u(rng) % 16);
      header.subcarrier_spacing = static_cast<uint8_t>(u(rng) % 16);
      header.cp_length          = static_cast<uint16_t>(u(rng));
    }
    std::vector<cplane_section_header> sections(u(rng) % 5);
    std::vector<std::vector<uint8_t>>  extensions;
    for (auto& s : sections) {
      s.section_id  = static_cast<uint16_t>(u(rng) % 4096);
      s.sym_inc     = u(rng) % 2 != 0;
      s.rb          = u(rng) % 2 != 0;
      s.re_mask     = static_cast<uint16_t>(u(rng) % 4096);
      s.nof_symbols = static_cast<uint8_t>(1 + u(rng) % 14);
      s.beam_id     = static_cast<uint16_t>(u(rng) % 0x8000);
      if (header.section_type == cplane_section_type::type1) {
        const unsigned step = s.rb ? 2 : 1;
        s.nof_prb     = static_cast<uint16_t>(1 + u(rng) % std::min(255U, (nof_carrier_prb + step - 1) / step));
        s.start_prb   = static_cast<uint16_t>(u(rng) % (nof_carrier_prb - (s.nof_prb - 1) * step));
        if (u(rng) % 4 == 0) {
          s = {s.section_id, false, s.sym_inc, 0, static_cast<uint16_t>(nof_carrier_prb), s.re_mask, s.nof_symbols,
               s.beam_id, 0};
        }
      } else {
        s.start_prb   = static_cast<uint16_t>(u(rng) % 1024);
        s.nof_prb     = static_cast<uint16_t>(u(rng) % 256);
        s.freq_offset = static_cast<int32_t>(u(rng) << 16 | u(rng)) >> 8;
      }
      extensions.push_back(random_extensions(rng));
    }

    std::vector<uint8_t> buffer(8000);
    fh_packet_builder    builder(buffer);
    if (ethernet) {
      REQUIRE(builder.add_ethernet_header({}) == fh_error::ok);
    }
    const ecpri_seq_id seq{static_cast<uint8_t>(trial), true, 0};
    REQUIRE(builder.begin_message(ecpri_message_type::real_time_control, 0x4321, seq) == fh_error::ok);
    REQUIRE(builder.add_cplane_header(header) == fh_error::ok);
    for (std::size_t i = 0; i != sections.size(); ++i) {
      REQUIRE(builder.add_cplane_section(sections[i], nof_carrier_prb, extensions[i]) == fh_error::ok);
    }
    const std::span<const uint8_t> packet = builder.finish();

    std::span<const uint8_t> pdu = packet;
    ethernet_header          eth;
    if (ethernet) {
      REQUIRE(parse_ethernet(packet, eth, pdu) == fh_error::ok);
    }
    ecpri_reader  reader(pdu);
    ecpri_message message;
    REQUIRE(reader.next(message) == fh_error::ok);
    CHECK(message.eaxc_id == 0x4321);
    CHECK(message.seq == seq);
    cplane_header         parsed;
    cplane_section_reader section_reader;
    REQUIRE(parse_cplane(message.payload, nof_carrier_prb, parsed, section_reader) == fh_error::ok);
    header.nof_sections = static_cast<uint8_t>(sections.size());
    CHECK(parsed == header);
    for (std::size_t i = 0; i != sections.size(); ++i) {
      cplane_section section;
      REQUIRE(section_reader.next(section) == fh_error::ok);
      CHECK(section.header == sections[i]);
      CHECK(std::vector<uint8_t>(section.extensions.begin(), section.extensions.end()) == extensions[i]);
    }
    CHECK(section_reader.at_end());
  }
}
