// Split 8 time-domain IQ messages: the header layout of SPLIT8.md written out byte by byte, builder / parser round
// trips, every parser error path, and the int16 sample conversion (rounding, saturation).

#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/fh_packet_builder.h"
#include "airan/io/fronthaul/split8.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace airan;
using namespace airan::io;

namespace {

/// A split 8 payload written by hand from SPLIT8.md: the 12 header octets, then nof_sample_bytes bytes of samples.
std::vector<uint8_t> payload(uint8_t version, uint8_t octet1, uint8_t subframe, uint8_t scale, uint16_t nof_samples,
                             std::size_t nof_sample_bytes)
{
  std::vector<uint8_t> p = {version,
                            octet1,
                            7,
                            subframe,
                            1,
                            scale,
                            0x00,
                            0x01,
                            0x02,
                            0x03,
                            static_cast<uint8_t>(nof_samples >> 8),
                            static_cast<uint8_t>(nof_samples)};
  for (std::size_t i = 0; i != nof_sample_bytes; ++i) {
    p.push_back(static_cast<uint8_t>(i));
  }
  return p;
}

fh_error parse(const std::vector<uint8_t>& bytes)
{
  split8_header header;
  std::span<const uint8_t> samples;
  return parse_split8(bytes, header, samples);
}

} // namespace

TEST_CASE("split 8: a hand-written message parses to its fields")
{
  // Two samples: (1, -2) and (0x1234, -32768), big-endian.
  std::vector<uint8_t> p = payload(1, 0x00, 9, 13, 2, 0);
  p.insert(p.end(), {0x00, 0x01, 0xFF, 0xFE, 0x12, 0x34, 0x80, 0x00});
  split8_header header;
  std::span<const uint8_t> samples;
  REQUIRE(parse_split8(p, header, samples) == fh_error::ok);
  CHECK(header.direction == data_direction::uplink);
  CHECK(header.frame_id == 7);
  CHECK(header.subframe_id == 9);
  CHECK(header.slot_id == 1);
  CHECK(header.scale_exponent == 13);
  CHECK(header.sample_offset == 0x00010203);
  CHECK(header.nof_samples == 2);
  REQUIRE(samples.size() == 8);
  CHECK(samples.data() == p.data() + 12);
  std::vector<cf_t> x(2);
  split8_read_samples(x, samples, split8_scale(header.scale_exponent));
  CHECK(x[0] == cf_t{1.0F / 8192.0F, -2.0F / 8192.0F});
  CHECK(x[1] == cf_t{4660.0F / 8192.0F, -4.0F});
  // dataDirection in bit 7 of octet 1; reserved bits 6-4 ignored.
  p[1] = 0xF0;
  REQUIRE(parse_split8(p, header, samples) == fh_error::ok);
  CHECK(header.direction == data_direction::downlink);
}

TEST_CASE("split 8: parser error paths")
{
  CHECK(parse(payload(1, 0, 0, 12, 1, 4)) == fh_error::ok);
  CHECK(parse({}) == fh_error::truncated_application_header);
  std::vector<uint8_t> short_header = payload(1, 0, 0, 12, 1, 0);
  short_header.pop_back();
  CHECK(parse(short_header) == fh_error::truncated_application_header);
  CHECK(parse(payload(0, 0, 0, 12, 1, 4)) == fh_error::bad_split8_version);
  CHECK(parse(payload(2, 0, 0, 12, 1, 4)) == fh_error::bad_split8_version);
  // An O-RAN U-plane radio timing header (payloadVersion 1 in bits 6-4) is not a split 8 header.
  CHECK(parse(payload(0x10, 0, 0, 12, 1, 4)) == fh_error::bad_split8_version);
  CHECK(parse(payload(1, 0x01, 0, 12, 1, 4)) == fh_error::unsupported_sample_format);
  CHECK(parse(payload(1, 0x0F, 0, 12, 1, 4)) == fh_error::unsupported_sample_format);
  CHECK(parse(payload(1, 0, 10, 12, 1, 4)) == fh_error::subframe_out_of_range);
  CHECK(parse(payload(1, 0, 0, 31, 1, 4)) == fh_error::ok);
  CHECK(parse(payload(1, 0, 0, 32, 1, 4)) == fh_error::scale_out_of_range);
  CHECK(parse(payload(1, 0, 0, 12, 0, 0)) == fh_error::no_samples);
  CHECK(parse(payload(1, 0, 0, 12, 2, 7)) == fh_error::samples_overrun_packet);
  CHECK(parse(payload(1, 0, 0, 12, 0xFFFF, 4)) == fh_error::samples_overrun_packet);
  CHECK(parse(payload(1, 0, 0, 12, 1, 5)) == fh_error::trailing_bytes);
  CHECK(is_truncation(fh_error::samples_overrun_packet));
  CHECK(!is_truncation(fh_error::trailing_bytes));
}

TEST_CASE("split 8: builder and parser round trip inside eCPRI over Ethernet")
{
  std::vector<uint8_t> buffer(2000);
  fh_packet_builder builder(buffer);
  REQUIRE(builder.add_ethernet_header({}) == fh_error::ok);
  REQUIRE(builder.begin_message(ecpri_message_type::iq_data, 0x0102, {5, true, 0}) == fh_error::ok);
  const split8_header sent{data_direction::uplink, split8_sample_format::int16_iq, 200, 3, 1, 12, 61000, 100};
  std::span<uint8_t> samples;
  REQUIRE(builder.add_split8_block(sent, samples) == fh_error::ok);
  REQUIRE(samples.size() == 400);
  std::vector<cf_t> x(100);
  for (std::size_t i = 0; i != x.size(); ++i) {
    x[i] = {static_cast<float>(i) - 50.0F, 3.0F * static_cast<float>(i)};
  }
  const float scale = split8_scale(sent.scale_exponent);
  for (cf_t& v : x) {
    v *= scale;
  }
  CHECK(split8_write_samples(samples, x, scale) == 0);
  // Nothing may follow the samples in the same message.
  std::span<uint8_t> more;
  CHECK(builder.add_split8_block(sent, more) == fh_error::build_out_of_order);
  const std::span<const uint8_t> packet = builder.finish();

  ethernet_header eth;
  std::span<const uint8_t> pdu;
  REQUIRE(parse_ethernet(packet, eth, pdu) == fh_error::ok);
  ecpri_reader reader(pdu);
  ecpri_message message;
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK(message.type == ecpri_message_type::iq_data);
  CHECK(message.eaxc_id == 0x0102);
  CHECK(message.seq.sequence_id == 5);
  CHECK(reader.at_end());
  split8_header received;
  std::span<const uint8_t> received_samples;
  REQUIRE(parse_split8(message.payload, received, received_samples) == fh_error::ok);
  CHECK(received == sent);
  std::vector<cf_t> y(100);
  split8_read_samples(y, received_samples, scale);
  CHECK(y == x);
}

TEST_CASE("split 8: builder rejects what the parser would not read")
{
  std::vector<uint8_t> buffer(64);
  split8_header header;
  header.nof_samples = 1;
  std::span<uint8_t> samples;
  {
    fh_packet_builder builder(buffer);
    CHECK(builder.add_split8_block(header, samples) == fh_error::build_out_of_order);
    REQUIRE(builder.begin_message(ecpri_message_type::real_time_control, 0, {}) == fh_error::ok);
    CHECK(builder.add_split8_block(header, samples) == fh_error::build_out_of_order);
  }
  fh_packet_builder builder(buffer);
  REQUIRE(builder.begin_message(ecpri_message_type::iq_data, 0, {}) == fh_error::ok);
  split8_header bad = header;
  bad.subframe_id = 10;
  CHECK(builder.add_split8_block(bad, samples) == fh_error::field_out_of_range);
  bad = header;
  bad.scale_exponent = 32;
  CHECK(builder.add_split8_block(bad, samples) == fh_error::field_out_of_range);
  bad = header;
  bad.nof_samples = 0;
  CHECK(builder.add_split8_block(bad, samples) == fh_error::no_samples);
  bad = header;
  bad.nof_samples = 20; // 8 + 12 + 80 bytes > 64
  CHECK(builder.add_split8_block(bad, samples) == fh_error::buffer_too_small);
  CHECK(builder.add_split8_block(header, samples) == fh_error::ok);
}

TEST_CASE("split 8: samples round to the nearest integer unit and saturate")
{
  const float scale = split8_scale(4); // 1/16
  const std::vector<cf_t> x = {{1.4F / 16, -1.6F / 16}, {40000.0F / 16, -40000.0F / 16}, {32767.0F / 16, -2.0F}};
  std::vector<uint8_t> bytes(12);
  CHECK(split8_write_samples(bytes, x, scale) == 2);
  const std::vector<uint8_t> expected = {0x00, 0x01, 0xFF, 0xFE, 0x7F, 0xFF, 0x80, 0x00, 0x7F, 0xFF, 0xFF, 0xE0};
  CHECK(bytes == expected);
  CHECK(split8_scale(0) == 1.0F);
  CHECK(split8_scale(31) == std::ldexp(1.0F, -31));
}
