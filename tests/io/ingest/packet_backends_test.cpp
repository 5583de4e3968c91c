// pcap and UDP backends: what a sink writes, the matching source reads back
// byte for byte, with its framing and time; frames that carry no eCPRI are
// skipped and counted; bad files and addresses are refused at creation.

#include "airan/io/ingest/pcap_io.h"
#include "airan/io/ingest/udp_io.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace airan::io;

namespace {

std::vector<std::vector<uint8_t>> sample_pdus() {
  std::vector<std::vector<uint8_t>> pdus;
  for (unsigned i = 0; i != 5; ++i) {
    std::vector<uint8_t> p(40 + 13 * i);
    for (std::size_t k = 0; k != p.size(); ++k) {
      p[k] = static_cast<uint8_t>(k * 7 + i);
    }
    pdus.push_back(p);
  }
  return pdus;
}

std::vector<rx_packet> read_all(packet_source &source,
                                std::vector<std::vector<uint8_t>> &copies) {
  std::vector<rx_packet> all;
  std::vector<rx_packet> burst(3);
  while (!source.at_end()) {
    const std::size_t n = source.receive_burst(burst);
    for (std::size_t i = 0; i != n; ++i) {
      copies.emplace_back(burst[i].bytes.begin(), burst[i].bytes.end());
      all.push_back(burst[i]);
    }
  }
  return all;
}

std::string temp_path(const char *name) {
  return (std::filesystem::temp_directory_path() / name).string();
}

} // namespace

TEST_CASE("pcap: eCPRI over Ethernet frames and over UDP come back with their "
          "times; other frames are skipped") {
  const auto pdus = sample_pdus();
  // Frames: an Ethernet header with EtherType 0xAEFE before each PDU, and one
  // ARP frame.
  std::vector<std::vector<uint8_t>> frames;
  for (const auto &p : pdus) {
    std::vector<uint8_t> f = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0xAE, 0xFE};
    f.insert(f.end(), p.begin(), p.end());
    frames.push_back(f);
  }
  std::vector<uint8_t> arp(60, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  for (const packet_framing framing :
       {packet_framing::ethernet, packet_framing::ecpri}) {
    const std::string path =
        temp_path(framing == packet_framing::ethernet ? "airan_eth.pcap"
                                                      : "airan_udp.pcap");
    {
      pcap_sink_config config;
      config.path = path;
      config.framing = framing;
      pcap_sink sink(config);
      const auto &written = framing == packet_framing::ethernet ? frames : pdus;
      for (std::size_t i = 0; i != written.size(); ++i) {
        const std::span<const uint8_t> one(written[i]);
        CHECK(sink.send_burst({&one, 1}, 1'700'000'000'123'456'789 +
                                             int64_t(i) * 1001) == 1);
      }
      if (framing == packet_framing::ethernet) {
        const std::span<const uint8_t> one(arp);
        sink.send_burst({&one, 1}, 1'700'000'001'000'000'000);
      }
    }
    pcap_source source({path, false, 0});
    std::vector<std::vector<uint8_t>> copies;
    const auto got = read_all(source, copies);
    const auto &expected = framing == packet_framing::ethernet ? frames : pdus;
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i != got.size(); ++i) {
      CHECK(copies[i] == expected[i]);
      CHECK(got[i].framing == framing);
      CHECK(got[i].rx_time_ns == 1'700'000'000'123'456'789 + int64_t(i) * 1001);
    }
    CHECK(source.nof_skipped() ==
          (framing == packet_framing::ethernet ? 1U : 0U));
    CHECK(source.read_error().empty());
    // A UDP port filter that matches nothing skips every datagram.
    if (framing == packet_framing::ecpri) {
      pcap_source other({path, false, 1234});
      std::vector<std::vector<uint8_t>> none;
      CHECK(read_all(other, none).empty());
      CHECK(other.nof_skipped() == pdus.size());
    }
    std::filesystem::remove(path);
  }
  CHECK_THROWS_AS(pcap_source({temp_path("airan_missing.pcap"), false, 0}),
                  std::runtime_error);
}

TEST_CASE("UDP over loopback: datagrams arrive whole as eCPRI PDUs") {
  udp_source source({"127.0.0.1", 0, 1'000'000, 9000, 64, 1u << 20});
  REQUIRE(source.local_port() != 0);
  udp_sink sink({"127.0.0.1", source.local_port()});
  const auto pdus = sample_pdus();
  std::vector<std::span<const uint8_t>> spans(pdus.begin(), pdus.end());
  CHECK(sink.send_burst(spans, 0) == pdus.size());
  std::vector<std::vector<uint8_t>> got;
  std::vector<rx_packet> burst(4);
  // Loopback delivers at once; the bound only stops a broken receive path from
  // hanging the test.
  for (int tries = 0; tries != 1000 && got.size() < pdus.size(); ++tries) {
    const std::size_t n = source.receive_burst(burst);
    for (std::size_t i = 0; i != n; ++i) {
      CHECK(burst[i].framing == packet_framing::ecpri);
      CHECK(burst[i].rx_time_ns > 0);
      got.emplace_back(burst[i].bytes.begin(), burst[i].bytes.end());
    }
  }
  CHECK(got == pdus);
  CHECK(source.receive_burst(burst) ==
        0); // Nothing more: returns after the poll timeout.
  CHECK_THROWS_AS(udp_source({"not an address", 0}), std::runtime_error);
}

TEST_CASE("UDP: the receive time is when the kernel took the datagram, not when it was read") {
  udp_source source({"127.0.0.1", 0, 1'000'000, 9000, 64, 1u << 20});
  udp_sink sink({"127.0.0.1", source.local_port()});
  const auto pdus = sample_pdus();
  const std::span<const uint8_t> pdu(pdus[0]);
  // Linux turns receive timestamping on for the whole stack lazily (deferred work after the first socket asks), and
  // stamps a datagram that arrived before that at the time it is read: warm up with one datagram first.
  std::vector<rx_packet> burst(4);
  REQUIRE(sink.send_burst({&pdu, 1}, 0) == 1);
  for (int tries = 0; tries != 100 && source.receive_burst(burst) == 0; ++tries) {
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(sink.send_burst({&pdu, 1}, 0) == 1);
  // Loopback queues the datagram during the send; a reader that comes later must still see the earlier time.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const int64_t read_start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  REQUIRE(source.receive_burst(burst) == 1);
  CHECK(burst[0].rx_time_ns < read_start_ns);
  CHECK(burst[0].rx_time_ns > read_start_ns - 10'000'000'000);
}

TEST_CASE("UDP: a datagram longer than max_datagram_bytes arrives cut, and marked so")
{
  udp_source source({"127.0.0.1", 0, 1'000'000, 1000, 64, 1u << 20});
  udp_sink sink({"127.0.0.1", source.local_port()});
  const std::vector<uint8_t> fits(1000, 7);
  const std::vector<uint8_t> longer(1001, 8);
  const std::span<const uint8_t> sent[] = {fits, longer};
  REQUIRE(sink.send_burst(sent, 0) == 2);
  std::vector<rx_packet> got;
  std::vector<rx_packet> burst(4);
  for (int tries = 0; tries != 1000 && got.size() < 2; ++tries) {
    const std::size_t n = source.receive_burst(burst);
    got.insert(got.end(), burst.begin(), burst.begin() + static_cast<std::ptrdiff_t>(n));
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].bytes.size() == 1000);
  CHECK(!got[0].cut);
  CHECK(got[1].bytes.size() == 1000);
  CHECK(got[1].cut);
}

TEST_CASE("pcap: a record shorter than its frame (snapshot length) is marked as cut")
{
  // A pcap file written byte by byte (little-endian, microseconds, link type
  // Ethernet): one whole record, then one of 60 bytes kept of a 160-byte frame.
  std::vector<uint8_t> file;
  auto put32 = [&file](uint32_t v) {
    for (unsigned i = 0; i != 4; ++i) {
      file.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
  };
  put32(0xa1b2c3d4);
  put32(0x00040002); // Version 2.4 (major, then minor, as 16-bit fields).
  put32(0);
  put32(0);
  put32(65535);
  put32(1);
  for (const uint32_t frame_length : {60U, 160U}) {
    put32(1);
    put32(0);
    put32(60);
    put32(frame_length);
    const std::vector<uint8_t> header = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0xAE, 0xFE};
    file.insert(file.end(), header.begin(), header.end());
    file.insert(file.end(), 60 - header.size(), 0x10);
  }
  const std::string path = temp_path("airan_cut_record.pcap");
  {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    REQUIRE(std::fwrite(file.data(), 1, file.size(), out) == file.size());
    std::fclose(out);
  }
  pcap_source source({path, false, 0});
  std::vector<std::vector<uint8_t>> copies;
  const auto packets = read_all(source, copies);
  REQUIRE(packets.size() == 2);
  CHECK(!packets[0].cut);
  CHECK(packets[1].cut);
  CHECK(source.read_error().empty());
  std::filesystem::remove(path);
}
