#include "airan/io/fronthaul/uplane.h"

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

constexpr compression_params bfp9{compression_method::block_floating_point, 9};

/// A U-plane message as a UDP payload, built by hand from the O-RAN field layout.
std::vector<uint8_t> hand_built_message(bool dynamic)
{
  std::vector<uint8_t> bytes = {
      0x10, 0x00, 0x00, 0x00, // eCPRI: revision 1, C 0, IQ data, payload size (set below)
      0x01, 0x02, 0x03, 0x80, // ecpriPcid 0x0102, sequence 3, E 1, subsequence 0
      // dataDirection 0 | payloadVersion 001 | filterIndex 0011
      0x13,
      // frameId
      0xA5,
      // subframeId 0111 | slotId (45 = 101101) high 1011
      0x7B,
      // slotId low 01 | symbolId (11) 001011
      0x4B,
      // sectionId 0xABC (1010 1011 1100) | rb 1 | symInc 0 | startPrbu (261) 01 0000 0101
      0xAB, 0xC9, 0x05,
      // numPrbu
      0x02};
  if (dynamic) {
    bytes.push_back(0x91); // udIqWidth 9 | udCompMeth 1 (block floating point)
    bytes.push_back(0x00); // reserved
  }
  // PRB 261: exponent 3, I0 = 1, Q0 = -1 (000000001 111111111); PRB 263: exponent 0, all zero.
  std::vector<uint8_t> prbs(2 * 28, 0);
  prbs[0] = 0x03;
  prbs[2] = 0xFF;
  prbs[3] = 0xC0;
  bytes.insert(bytes.end(), prbs.begin(), prbs.end());
  bytes[3] = static_cast<uint8_t>(bytes.size() - 4);
  return bytes;
}

app_header random_app_header(std::mt19937& rng)
{
  std::uniform_int_distribution<unsigned> u(0, 255);
  return {static_cast<data_direction>(u(rng) % 2), 1, static_cast<uint8_t>(u(rng) % 16), static_cast<uint8_t>(u(rng)),
          static_cast<uint8_t>(u(rng) % 10), static_cast<uint8_t>(u(rng) % 64), static_cast<uint8_t>(u(rng) % 14)};
}

uplane_section_header random_section(std::mt19937& rng, const uplane_config& config)
{
  std::uniform_int_distribution<unsigned> u(0, 0xFFFF);
  uplane_section_header                   section;
  section.section_id = static_cast<uint16_t>(u(rng) % 4096);
  section.sym_inc    = u(rng) % 2 != 0;
  if (u(rng) % 5 == 0) {
    section.nof_prb = static_cast<uint16_t>(config.nof_carrier_prb); // numPrbu 0 when above 255
  } else {
    section.rb               = u(rng) % 2 != 0;
    const unsigned step      = section.rb ? 2 : 1;
    const unsigned max_count = std::min(255U, (config.nof_carrier_prb + step - 1) / step);
    section.nof_prb          = static_cast<uint16_t>(1 + u(rng) % max_count);
    section.start_prb        = static_cast<uint16_t>(u(rng) % (config.nof_carrier_prb - (section.nof_prb - 1) * step));
  }
  if (config.dynamic_compression) {
    const unsigned choice = u(rng) % 17;
    section.compression   = choice == 0 ? compression_params{compression_method::none, 16}
                                        : compression_params{compression_method::block_floating_point, choice};
  } else {
    section.compression = config.static_compression;
  }
  return section;
}

struct expected_section {
  uplane_section_header header;
  std::vector<uint8_t>  iq_data;
};

struct expected_message {
  uint16_t                      eaxc_id = 0;
  ecpri_seq_id                  seq;
  app_header                    header;
  std::vector<expected_section> sections;
};

} // namespace

TEST_CASE("U-plane message built by hand, field by field")
{
  for (const bool dynamic : {true, false}) {
    CAPTURE(dynamic);
    const std::vector<uint8_t> bytes = hand_built_message(dynamic);
    const uplane_config        config{273, dynamic, bfp9};
    REQUIRE(validate(config).is_ok());
    ecpri_reader  reader(bytes);
    ecpri_message message;
    REQUIRE(reader.next(message) == fh_error::ok);
    CHECK(message.eaxc_id == 0x0102);
    app_header            header;
    uplane_section_reader sections;
    REQUIRE(parse_uplane(message.payload, config, header, sections) == fh_error::ok);
    CHECK(header == app_header{data_direction::uplink, 1, 3, 0xA5, 7, 45, 11});
    uplane_section section;
    REQUIRE(sections.next(section) == fh_error::ok);
    CHECK(section.header == uplane_section_header{0xABC, true, false, 261, 2, bfp9});
    CHECK(section.iq_data.data() == bytes.data() + bytes.size() - 56);
    CHECK(section.iq_data.size() == 56);
    CHECK(sections.at_end());
    std::vector<ci16_t> iq(24);
    decompress(iq, section.iq_data, section.header.compression);
    CHECK(iq[0] == ci16_t{8, -8});
    CHECK(iq[1] == ci16_t{0, 0});
  }
}

TEST_CASE("U-plane build and parse round trip: all header fields, VLAN on and off, UDP, concatenated messages")
{
  std::mt19937 rng(21);
  for (unsigned trial = 0; trial != 300; ++trial) {
    std::uniform_int_distribution<unsigned> u(0, 0xFFFF);
    const unsigned                          mode = trial % 3; // tagged Ethernet, untagged Ethernet, UDP payload
    uplane_config                           config;
    config.nof_carrier_prb     = trial % 7 == 0 ? 273 : 1 + u(rng) % 275;
    config.dynamic_compression = u(rng) % 2 != 0;
    config.static_compression  = {compression_method::block_floating_point, 1 + u(rng) % 16};
    REQUIRE(validate(config).is_ok());

    std::vector<uint8_t> buffer(150000);
    fh_packet_builder    builder(buffer);
    ethernet_header      eth;
    eth.destination = {0x02, 1, 2, 3, 4, static_cast<uint8_t>(u(rng))};
    eth.source      = {0x02, 5, 6, 7, 8, static_cast<uint8_t>(u(rng))};
    eth.has_vlan    = mode == 0;
    eth.vlan        = eth.has_vlan ? vlan_tag{static_cast<uint8_t>(u(rng) % 8), u(rng) % 2 != 0,
                                              static_cast<uint16_t>(u(rng) % 4096)}
                                   : vlan_tag{};
    if (mode != 2) {
      REQUIRE(builder.add_ethernet_header(eth) == fh_error::ok);
    }
    std::vector<expected_message> expected(1 + u(rng) % 3);
    for (auto& m : expected) {
      m.eaxc_id = static_cast<uint16_t>(u(rng));
      m.seq     = {static_cast<uint8_t>(u(rng)), u(rng) % 2 != 0, static_cast<uint8_t>(u(rng) % 128)};
      m.header  = random_app_header(rng);
      REQUIRE(builder.begin_message(ecpri_message_type::iq_data, m.eaxc_id, m.seq) == fh_error::ok);
      REQUIRE(builder.add_uplane_header(m.header) == fh_error::ok);
      m.sections.resize(1 + u(rng) % 3);
      for (auto& s : m.sections) {
        s.header = random_section(rng, config);
        std::vector<ci16_t> iq(s.header.nof_prb * nof_subcarriers_per_prb);
        for (auto& x : iq) {
          x = {static_cast<int16_t>(u(rng)), static_cast<int16_t>(u(rng) >> (u(rng) % 16))};
        }
        std::span<uint8_t> iq_data;
        REQUIRE(builder.add_uplane_section(s.header, config, iq_data) == fh_error::ok);
        REQUIRE(iq_data.size() == s.header.nof_prb * compressed_prb_size(s.header.compression));
        compress(iq_data, iq, s.header.compression);
        s.iq_data.assign(iq_data.begin(), iq_data.end());
      }
    }
    const std::span<const uint8_t> packet = builder.finish();

    std::span<const uint8_t> pdu = packet;
    if (mode != 2) {
      ethernet_header parsed_eth;
      REQUIRE(parse_ethernet(packet, parsed_eth, pdu) == fh_error::ok);
      CHECK(parsed_eth == eth);
    }
    ecpri_reader reader(pdu);
    for (std::size_t i = 0; i != expected.size(); ++i) {
      ecpri_message message;
      REQUIRE(reader.next(message) == fh_error::ok);
      CHECK(message.type == ecpri_message_type::iq_data);
      CHECK(message.concatenated == (i + 1 != expected.size()));
      CHECK(message.eaxc_id == expected[i].eaxc_id);
      CHECK(message.seq == expected[i].seq);
      // Each message starts 4-byte aligned within the PDU.
      CHECK((message.payload.data() - pdu.data()) % 4 == 0);
      app_header            header;
      uplane_section_reader sections;
      REQUIRE(parse_uplane(message.payload, config, header, sections) == fh_error::ok);
      CHECK(header == expected[i].header);
      for (const auto& s : expected[i].sections) {
        uplane_section section;
        REQUIRE(sections.next(section) == fh_error::ok);
        CHECK(section.header == s.header);
        CHECK(std::vector<uint8_t>(section.iq_data.begin(), section.iq_data.end()) == s.iq_data);
      }
      CHECK(sections.at_end());
    }
    CHECK(reader.at_end());

    // Every strict prefix of the packet fails to parse; the whole packet parses.
    const packet_format format{mode != 2, config, config.nof_carrier_prb};
    packet_summary      summary;
    REQUIRE(parse_packet(packet, format, summary) == fh_error::ok);
    CHECK(summary.nof_messages == expected.size());
    if (trial % 10 == 0) {
      for (std::size_t size = 0; size != packet.size(); ++size) {
        CAPTURE(size);
        CHECK(parse_packet(packet.first(size), format, summary) != fh_error::ok);
      }
    }
  }
}

TEST_CASE("U-plane: a message cut anywhere, with its eCPRI payload size adjusted, fails unless cut between sections")
{
  uplane_config              config{100, true, bfp9};
  std::vector<uint8_t>       buffer(4000);
  fh_packet_builder          builder(buffer);
  std::vector<std::size_t>   section_ends;
  REQUIRE(builder.begin_message(ecpri_message_type::iq_data, 1, {}) == fh_error::ok);
  REQUIRE(builder.add_uplane_header({}) == fh_error::ok);
  const compression_params widths[] = {
      bfp9, {compression_method::none, 16}, {compression_method::block_floating_point, 14}};
  for (const compression_params& c : widths) {
    std::span<uint8_t> iq_data;
    REQUIRE(builder.add_uplane_section({1, false, false, 10, 3, c}, config, iq_data) == fh_error::ok);
    std::fill(iq_data.begin(), iq_data.end(), uint8_t{0x5A});
    section_ends.push_back(static_cast<std::size_t>(iq_data.data() + iq_data.size() - buffer.data()));
  }
  const std::span<const uint8_t> packet = builder.finish();
  for (std::size_t size = 8; size != packet.size(); ++size) {
    CAPTURE(size);
    std::vector<uint8_t> cut(packet.begin(), packet.begin() + static_cast<long>(size));
    cut[2] = static_cast<uint8_t>((size - 4) >> 8);
    cut[3] = static_cast<uint8_t>(size - 4);
    packet_summary summary;
    const fh_error error = parse_packet(cut, {false, config, 100}, summary);
    if (std::find(section_ends.begin(), section_ends.end(), size) != section_ends.end()) {
      CHECK(error == fh_error::ok);
    } else if (size < 12) {
      CHECK(error == fh_error::truncated_application_header);
    } else {
      CHECK((error == fh_error::truncated_section_header || error == fh_error::section_overruns_packet));
    }
  }
}

TEST_CASE("U-plane errors")
{
  const uplane_config        config{273, true, bfp9};
  const std::vector<uint8_t> good = hand_built_message(true);
  const auto                 error_of = [&](std::vector<uint8_t> bytes, const uplane_config& c) {
    packet_summary summary;
    return parse_packet(bytes, {false, c, c.nof_carrier_prb}, summary);
  };
  REQUIRE(error_of(good, config) == fh_error::ok);
  std::vector<uint8_t> bad = good;
  bad[8]                   = 0x23; // payloadVersion 2
  CHECK(error_of(bad, config) == fh_error::bad_payload_version);
  bad     = good;
  bad[10] = 0xA0; // subframeId 10
  CHECK(error_of(bad, config) == fh_error::subframe_out_of_range);
  bad     = good;
  bad[11] = 0x4E; // symbolId 14
  CHECK(error_of(bad, config) == fh_error::symbol_out_of_range);
  bad     = good;
  bad[16] = 0x93; // udCompMeth 3 (mu-law)
  CHECK(error_of(bad, config) == fh_error::unknown_compression_method);
  bad     = good;
  bad[16] = 0x90; // no compression at 9 bits
  CHECK(error_of(bad, config) == fh_error::unsupported_iq_width);
  CHECK(error_of(good, {263, true, bfp9}) == fh_error::prb_beyond_carrier); // PRBs 261 and 263
  CHECK(error_of(good, {264, true, bfp9}) == fh_error::ok);
  bad     = good;
  bad[15] = 0x00; // numPrbu 0: the whole carrier from PRB 261
  CHECK(error_of(bad, config) == fh_error::prb_beyond_carrier);
  bad     = good;
  bad[15] = 0x03; // 3 PRBs of data announced, 2 present
  CHECK(error_of(bad, config) == fh_error::section_overruns_packet);
  // A static configuration reads udCompHdr and the reserved byte as IQ data: 2 bytes are left after the section.
  CHECK(error_of(good, {273, false, bfp9}) == fh_error::truncated_section_header);
  // A header without sections.
  std::vector<uint8_t> empty(good.begin(), good.begin() + 12);
  empty[3] = 8;
  CHECK(error_of(empty, config) == fh_error::truncated_section_header);
  app_header            header;
  uplane_section_reader sections;
  CHECK(parse_uplane(std::span(good).subspan(8, 3), config, header, sections) ==
        fh_error::truncated_application_header);
  CHECK(sections.at_end());
}

TEST_CASE("U-plane configuration")
{
  CHECK(validate(uplane_config{273, false, bfp9}).is_ok());
  CHECK(validate(uplane_config{273, true, {compression_method::mu_law, 8}}).is_ok()); // static part unused
  CHECK_FALSE(validate(uplane_config{0, false, bfp9}).is_ok());
  CHECK_FALSE(validate(uplane_config{276, false, bfp9}).is_ok());
  CHECK_FALSE(validate(uplane_config{273, false, {compression_method::mu_law, 8}}).is_ok());
}
