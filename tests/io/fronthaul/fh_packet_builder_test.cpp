#include "airan/io/fronthaul/fh_packet_builder.h"

#include "fh_test_helpers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using namespace airan;
using namespace airan::io;
using airan::io::test::packet_summary;
using airan::io::test::parse_packet;

namespace {

constexpr compression_params bfp9{compression_method::block_floating_point, 9};
const uplane_config          dynamic_config{273, true, bfp9};

/// Builds a tagged Ethernet frame holding a U-plane message (2 sections, 151 bytes) and a C-plane message
/// (2 sections, one with an extension) into buffer; the first error, or ok.
fh_error build_mixed(std::span<uint8_t> buffer, std::span<const uint8_t>& packet)
{
  const std::vector<uint8_t> extension = {0x05, 0x02, 1, 2, 3, 4, 5, 6};
  fh_packet_builder          builder(buffer);
  ethernet_header            eth;
  eth.has_vlan = true;
  eth.vlan     = {3, false, 100};
  std::span<uint8_t> iq_data;
  cplane_header      cplane;
  cplane.compression = bfp9;
  const compression_params bfp14{compression_method::block_floating_point, 14};
  for (const fh_error error : {
           builder.add_ethernet_header(eth),
           builder.begin_message(ecpri_message_type::iq_data, 0x11, {2, true, 0}),
           builder.add_uplane_header({}),
           builder.add_uplane_section({1, false, false, 0, 3, bfp9}, dynamic_config, iq_data),
           builder.add_uplane_section({2, false, false, 3, 1, bfp14}, dynamic_config, iq_data),
           builder.begin_message(ecpri_message_type::real_time_control, 0x11, {1, true, 0}),
           builder.add_cplane_header(cplane),
           builder.add_cplane_section({1, false, false, 0, 273, 0xFFF, 14, 1, 0}, 273),
           builder.add_cplane_section({2, false, false, 3, 5, 0xFFF, 1, 2, 0}, 273, extension),
       }) {
    if (error != fh_error::ok) {
      return error;
    }
  }
  packet = builder.finish();
  return fh_error::ok;
}

} // namespace

TEST_CASE("Packet builder: C-plane and U-plane messages concatenated in one frame")
{
  std::vector<uint8_t>     buffer(1000, 0xEE);
  std::span<const uint8_t> packet;
  REQUIRE(build_mixed(buffer, packet) == fh_error::ok);
  // U-plane message at 18: 8 + 4 + (6 + 3 * 28) + (6 + 43) = 151 bytes with C = 1, then 1 padding byte; C-plane
  // message at 170: 8 + 8 + 8 + (8 + 8) = 40 bytes.
  CHECK(packet.size() == 210);
  CHECK(packet[18] == 0x11); // revision 1, C = 1
  CHECK(packet[19] == 0x00); // IQ data
  CHECK(packet[20] == 0);
  CHECK(packet[21] == 147);
  CHECK(packet[169] == 0x00); // padding
  CHECK(packet[170] == 0x10); // revision 1, C = 0
  CHECK(packet[171] == 0x02); // real-time control
  CHECK(packet[172] == 0);
  CHECK(packet[173] == 36);
  packet_summary summary;
  CHECK(parse_packet(packet, {true, dynamic_config, 273}, summary) == fh_error::ok);
  CHECK(summary.nof_messages == 2);
  CHECK(summary.nof_sections == 4);
}

TEST_CASE("Packet builder: too small buffers fail cleanly and are never overrun")
{
  std::vector<uint8_t>     reference(1000);
  std::span<const uint8_t> full;
  REQUIRE(build_mixed(reference, full) == fh_error::ok);
  for (std::size_t size = 0; size != full.size(); ++size) {
    CAPTURE(size);
    std::vector<uint8_t>     storage(size + 64, 0xEE);
    std::span<const uint8_t> packet;
    CHECK(build_mixed(std::span(storage).first(size), packet) == fh_error::buffer_too_small);
    CHECK(std::all_of(storage.begin() + static_cast<long>(size), storage.end(), [](uint8_t b) { return b == 0xEE; }));
  }
}

TEST_CASE("Packet builder: calls out of order")
{
  std::vector<uint8_t> buffer(500);
  std::span<uint8_t>   iq_data;
  {
    fh_packet_builder builder(buffer);
    CHECK(builder.add_uplane_header({}) == fh_error::build_out_of_order);
    CHECK(builder.add_cplane_header({}) == fh_error::build_out_of_order);
    REQUIRE(builder.begin_message(ecpri_message_type::iq_data, 1, {}) == fh_error::ok);
    CHECK(builder.add_ethernet_header({}) == fh_error::build_out_of_order);
    CHECK(builder.add_cplane_header({}) == fh_error::build_out_of_order);
    CHECK(builder.add_uplane_section({1, false, false, 0, 1, bfp9}, dynamic_config, iq_data) ==
          fh_error::build_out_of_order);
    REQUIRE(builder.add_uplane_header({}) == fh_error::ok);
    CHECK(builder.add_uplane_header({}) == fh_error::build_out_of_order);
    CHECK(builder.add_cplane_section({}, 273) == fh_error::build_out_of_order);
    const std::size_t size = builder.finish().size();
    CHECK(size == 12);
    CHECK(builder.begin_message(ecpri_message_type::iq_data, 1, {}) == fh_error::build_out_of_order);
    CHECK(builder.finish().size() == size);
  }
  {
    fh_packet_builder builder(buffer);
    REQUIRE(builder.begin_message(ecpri_message_type::real_time_control, 1, {}) == fh_error::ok);
    CHECK(builder.add_uplane_header({}) == fh_error::build_out_of_order);
  }
}

TEST_CASE("Packet builder: values that do not fit their fields, or that the parsers would reject")
{
  std::vector<uint8_t> buffer(80000);
  std::span<uint8_t>   iq_data;
  fh_packet_builder    builder(buffer);
  ethernet_header      eth;
  eth.has_vlan = true;
  eth.vlan     = {8, false, 1};
  CHECK(builder.add_ethernet_header(eth) == fh_error::field_out_of_range);
  eth.vlan = {0, false, 4096};
  CHECK(builder.add_ethernet_header(eth) == fh_error::field_out_of_range);
  CHECK(builder.begin_message(ecpri_message_type::iq_data, 1, {0, true, 128}) == fh_error::field_out_of_range);

  REQUIRE(builder.begin_message(ecpri_message_type::iq_data, 1, {}) == fh_error::ok);
  CHECK(builder.add_uplane_header({data_direction::uplink, 8, 0, 0, 0, 0, 0}) == fh_error::field_out_of_range);
  CHECK(builder.add_uplane_header({data_direction::uplink, 1, 16, 0, 0, 0, 0}) == fh_error::field_out_of_range);
  CHECK(builder.add_uplane_header({data_direction::uplink, 1, 0, 0, 16, 0, 0}) == fh_error::field_out_of_range);
  CHECK(builder.add_uplane_header({data_direction::uplink, 1, 0, 0, 0, 64, 0}) == fh_error::field_out_of_range);
  CHECK(builder.add_uplane_header({data_direction::uplink, 1, 0, 0, 0, 0, 64}) == fh_error::field_out_of_range);
  REQUIRE(builder.add_uplane_header({}) == fh_error::ok);
  const uplane_config static_config{273, false, bfp9};
  CHECK(builder.add_uplane_section({4096, false, false, 0, 1, bfp9}, static_config, iq_data) ==
        fh_error::field_out_of_range);
  const compression_params bfp14{compression_method::block_floating_point, 14};
  CHECK(builder.add_uplane_section({1, false, false, 0, 1, bfp14}, static_config, iq_data) ==
        fh_error::field_out_of_range);
  CHECK(builder.add_uplane_section({1, false, false, 0, 1, {compression_method::mu_law, 8}}, dynamic_config, iq_data) ==
        fh_error::unknown_compression_method);
  CHECK(builder.add_uplane_section({1, false, false, 270, 4, bfp9}, static_config, iq_data) ==
        fh_error::prb_beyond_carrier);
  CHECK(builder.add_uplane_section({1, true, false, 269, 3, bfp9}, static_config, iq_data) ==
        fh_error::prb_beyond_carrier);
  CHECK(builder.add_uplane_section({1, false, false, 0, 0, bfp9}, static_config, iq_data) ==
        fh_error::prb_beyond_carrier);
  CHECK(builder.add_uplane_section({1, false, false, 1, 272, bfp9}, static_config, iq_data) ==
        fh_error::field_out_of_range); // above 255 PRBs and not the whole carrier
  REQUIRE(builder.add_uplane_section({1, false, false, 0, 273, bfp9}, static_config, iq_data) == fh_error::ok);
  CHECK(iq_data.size() == 273 * 28);
  // 8 sections of 4 + 273 * 28 bytes fit the 16-bit eCPRI payload size, 9 do not.
  for (unsigned i = 1; i != 8; ++i) {
    REQUIRE(builder.add_uplane_section({1, false, false, 0, 273, bfp9}, static_config, iq_data) == fh_error::ok);
  }
  CHECK(builder.add_uplane_section({1, false, false, 0, 273, bfp9}, static_config, iq_data) ==
        fh_error::field_out_of_range);

  REQUIRE(builder.begin_message(ecpri_message_type::real_time_control, 1, {}) == fh_error::ok);
  cplane_header header;
  header.section_type = static_cast<cplane_section_type>(5);
  CHECK(builder.add_cplane_header(header) == fh_error::unsupported_section_type);
  header.section_type = cplane_section_type::type3;
  header.fft_size     = 16;
  CHECK(builder.add_cplane_header(header) == fh_error::field_out_of_range);
  header.fft_size    = 12;
  header.compression = {compression_method::none, 0};
  CHECK(builder.add_cplane_header(header) == fh_error::field_out_of_range);
  header.compression = bfp9;
  REQUIRE(builder.add_cplane_header(header) == fh_error::ok);
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 0, 0, 0}, 273) == fh_error::bad_num_symbol);
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0x1000, 1, 0, 0}, 273) == fh_error::field_out_of_range);
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0x8000, 0}, 273) == fh_error::field_out_of_range);
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, 1 << 23}, 273) ==
        fh_error::field_out_of_range);
  CHECK(builder.add_cplane_section({1, false, false, 0, 256, 0xFFF, 1, 0, 0}, 273) == fh_error::field_out_of_range);
  const std::vector<uint8_t> unterminated = {0x81, 0x01, 0, 0};
  const std::vector<uint8_t> zero_length  = {0x01, 0x00, 0, 0};
  const std::vector<uint8_t> too_long     = {0x01, 0x01, 0, 0, 0};
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, 0}, 273, unterminated) ==
        fh_error::extension_overruns_packet);
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, 0}, 273, zero_length) ==
        fh_error::zero_extension_length);
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, 0}, 273, too_long) ==
        fh_error::field_out_of_range);
  REQUIRE(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, -(1 << 23)}, 273) == fh_error::ok);
  for (unsigned i = 1; i != 255; ++i) {
    REQUIRE(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, 0}, 273) == fh_error::ok);
  }
  CHECK(builder.add_cplane_section({1, false, false, 0, 12, 0xFFF, 1, 0, 0}, 273) == fh_error::field_out_of_range);
}
