#include "airan/io/fronthaul/ecpri.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::io;

namespace {

/// Ethernet header with an 802.1Q tag: destination 02:00:00:00:00:01, source 02:00:00:00:00:02, TPID 0x8100,
/// PCP 5 | DEI 1 | VID 0x123 = 1011 0001 0010 0011, EtherType 0xAEFE.
const std::vector<uint8_t> tagged_header = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00,
                                            0x00, 0x00, 0x02, 0x81, 0x00, 0xB1, 0x23, 0xAE, 0xFE};

/// One eCPRI IQ data message: revision 1, C = 0 (0x10), type 0, payload size 6 (ecpriPcid 0x1234, ecpriSeqid:
/// sequence 0x56, E = 1 | subsequence 0x05 = 0x85, then 2 bytes of application payload).
const std::vector<uint8_t> iq_message = {0x10, 0x00, 0x00, 0x06, 0x12, 0x34, 0x56, 0x85, 0xAB, 0xCD};

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b)
{
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace

TEST_CASE("fh_error: dense values, each with its own description")
{
  std::set<std::string> descriptions;
  for (std::size_t i = 0; i != nof_fh_errors; ++i) {
    descriptions.insert(to_string(static_cast<fh_error>(i)));
  }
  CHECK(descriptions.size() == nof_fh_errors);
  CHECK(std::string(to_string(fh_error::ok)) == "ok");
  CHECK(std::string(to_string(fh_error::bad_ecpri_revision)) == "eCPRI revision is not 1");
  CHECK(std::string(to_string(static_cast<fh_error>(nof_fh_errors))) == "unknown fronthaul error");
}

TEST_CASE("Ethernet header, field by field")
{
  ethernet_header          header;
  std::span<const uint8_t> pdu;
  SUBCASE("with an 802.1Q tag")
  {
    const std::vector<uint8_t> frame = concat(tagged_header, iq_message);
    REQUIRE(parse_ethernet(frame, header, pdu) == fh_error::ok);
    CHECK(header.destination == mac_address{0x02, 0, 0, 0, 0, 0x01});
    CHECK(header.source == mac_address{0x02, 0, 0, 0, 0, 0x02});
    CHECK(header.has_vlan);
    CHECK(header.vlan == vlan_tag{5, true, 0x123});
    CHECK(pdu.data() == frame.data() + 18);
    CHECK(pdu.size() == iq_message.size());
  }
  SUBCASE("untagged")
  {
    std::vector<uint8_t> frame(tagged_header.begin(), tagged_header.begin() + 12);
    frame = concat(concat(frame, {0xAE, 0xFE}), iq_message);
    REQUIRE(parse_ethernet(frame, header, pdu) == fh_error::ok);
    CHECK_FALSE(header.has_vlan);
    CHECK(pdu.data() == frame.data() + 14);
  }
  SUBCASE("other EtherTypes and short frames")
  {
    std::vector<uint8_t> ipv4 = tagged_header;
    ipv4[12]                  = 0x08;
    ipv4[13]                  = 0x00;
    CHECK(parse_ethernet(ipv4, header, pdu) == fh_error::unsupported_ethertype);
    std::vector<uint8_t> tagged_ipv4 = tagged_header;
    tagged_ipv4[16]                  = 0x08;
    tagged_ipv4[17]                  = 0x00;
    CHECK(parse_ethernet(tagged_ipv4, header, pdu) == fh_error::unsupported_ethertype);
    for (std::size_t size = 0; size != tagged_header.size(); ++size) {
      CHECK(parse_ethernet(std::span(tagged_header).first(size), header, pdu) == fh_error::truncated_ethernet_header);
    }
  }
}

TEST_CASE("eCPRI common header and transport fields, field by field")
{
  ecpri_reader  reader(iq_message);
  ecpri_message message;
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK(message.type == ecpri_message_type::iq_data);
  CHECK_FALSE(message.concatenated);
  CHECK(message.eaxc_id == 0x1234);
  CHECK(message.seq == ecpri_seq_id{0x56, true, 0x05});
  CHECK(message.payload.data() == iq_message.data() + 8);
  CHECK(message.payload.size() == 2);
  CHECK(reader.at_end());

  SUBCASE("real-time control, E = 0")
  {
    const std::vector<uint8_t> control = {0x10, 0x02, 0x00, 0x04, 0xFF, 0xEE, 0x01, 0x00};
    ecpri_reader               r(control);
    REQUIRE(r.next(message) == fh_error::ok);
    CHECK(message.type == ecpri_message_type::real_time_control);
    CHECK(message.eaxc_id == 0xFFEE);
    CHECK(message.seq == ecpri_seq_id{1, false, 0});
    CHECK(message.payload.empty());
  }
  SUBCASE("reserved bits are ignored, bytes after the last message too")
  {
    std::vector<uint8_t> padded = concat(iq_message, {0, 0, 0, 0, 0});
    padded[0]                   = 0x1E;
    ecpri_reader r(padded);
    REQUIRE(r.next(message) == fh_error::ok);
    CHECK(message.payload.size() == 2);
    CHECK(r.at_end());
  }
}

TEST_CASE("eCPRI concatenation: C bit and padding to 4-byte boundaries of the PDU")
{
  // Message 1: 10 bytes with C = 1, then 2 padding bytes; message 2 at offset 12 with C = 1, 8 bytes (aligned, no
  // padding); message 3 at offset 20.
  std::vector<uint8_t> pdu = iq_message;
  pdu[0]                   = 0x11;
  pdu                      = concat(pdu, {0xEE, 0xEE});
  pdu                      = concat(pdu, {0x11, 0x02, 0x00, 0x04, 0x00, 0x07, 0x09, 0x80});
  pdu                      = concat(pdu, {0x10, 0x00, 0x00, 0x05, 0x00, 0x08, 0x0A, 0x80, 0x77});
  ecpri_reader  reader(pdu);
  ecpri_message message;
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK(message.concatenated);
  CHECK(message.eaxc_id == 0x1234);
  REQUIRE_FALSE(reader.at_end());
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK(message.type == ecpri_message_type::real_time_control);
  CHECK(message.eaxc_id == 7);
  CHECK(message.seq.sequence_id == 9);
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK_FALSE(message.concatenated);
  CHECK(message.eaxc_id == 8);
  CHECK(message.payload.size() == 1);
  CHECK(message.payload[0] == 0x77);
  CHECK(reader.at_end());

  SUBCASE("a C bit with nothing after it")
  {
    std::vector<uint8_t> last = iq_message;
    last[0]                   = 0x11;
    ecpri_reader r(last);
    REQUIRE(r.next(message) == fh_error::ok);
    CHECK(r.next(message) == fh_error::truncated_ecpri_header);
    CHECK(r.at_end());
  }
}

TEST_CASE("eCPRI errors")
{
  ecpri_message message;
  const auto    first_error = [&](std::vector<uint8_t> bytes) {
    ecpri_reader reader(bytes);
    return reader.next(message);
  };
  std::vector<uint8_t> bad = iq_message;
  bad[0]                   = 0x20;
  CHECK(first_error(bad) == fh_error::bad_ecpri_revision);
  bad    = iq_message;
  bad[1] = 5; // one-way delay measurement
  CHECK(first_error(bad) == fh_error::unsupported_ecpri_message_type);
  bad    = iq_message;
  bad[3] = 7;
  CHECK(first_error(bad) == fh_error::ecpri_payload_size_mismatch);
  bad    = iq_message;
  bad[3] = 3;
  CHECK(first_error(bad) == fh_error::ecpri_payload_too_small);
  for (std::size_t size = 0; size != iq_message.size(); ++size) {
    CAPTURE(size);
    const fh_error error = first_error({iq_message.begin(), iq_message.begin() + static_cast<long>(size)});
    CHECK(error == (size < 4 ? fh_error::truncated_ecpri_header : fh_error::ecpri_payload_size_mismatch));
  }
  ecpri_reader reader(iq_message);
  REQUIRE(reader.next(message) == fh_error::ok);
  CHECK(reader.next(message) == fh_error::truncated_ecpri_header); // called past the end
}

TEST_CASE("eAxC ID fields")
{
  CHECK(validate(eaxc_layout{4, 4, 4, 4}).is_ok());
  CHECK(validate(eaxc_layout{0, 0, 0, 16}).is_ok());
  CHECK_FALSE(validate(eaxc_layout{4, 4, 4, 5}).is_ok());
  CHECK_FALSE(validate(eaxc_layout{20, 0, 0, 0}).is_ok());

  CHECK(unpack_eaxc(0x1234, {4, 4, 4, 4}) == eaxc_id{1, 2, 3, 4});
  // 10 000011 0101 0110: DU port 2 (2 bits), band-sector 3 (6 bits), CC 5, RU port 6.
  CHECK(unpack_eaxc(0b1000'0011'0101'0110, {2, 6, 4, 4}) == eaxc_id{2, 3, 5, 6});
  CHECK(unpack_eaxc(0xBEEF, {0, 0, 0, 16}) == eaxc_id{0, 0, 0, 0xBEEF});
  CHECK(unpack_eaxc(0xBEEF, {16, 0, 0, 0}) == eaxc_id{0xBEEF, 0, 0, 0});

  uint16_t raw = 0;
  CHECK(pack_eaxc({2, 3, 5, 6}, {2, 6, 4, 4}, raw) == fh_error::ok);
  CHECK(raw == 0b1000'0011'0101'0110);
  CHECK(pack_eaxc({4, 0, 0, 0}, {2, 6, 4, 4}, raw) == fh_error::field_out_of_range);
  CHECK(pack_eaxc({0, 0, 1, 0}, {8, 8, 0, 0}, raw) == fh_error::field_out_of_range);

  std::mt19937 rng(3);
  for (unsigned trial = 0; trial != 200; ++trial) {
    std::uniform_int_distribution<unsigned> split(0, 16);
    unsigned                                cuts[3] = {split(rng), split(rng), split(rng)};
    std::sort(std::begin(cuts), std::end(cuts));
    const eaxc_layout layout{cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 16 - cuts[2]};
    REQUIRE(validate(layout).is_ok());
    const auto raw_in = static_cast<uint16_t>(rng());
    REQUIRE(pack_eaxc(unpack_eaxc(raw_in, layout), layout, raw) == fh_error::ok);
    CHECK(raw == raw_in);
  }
}
