// DPDK port on virtual devices: a capture read through net_pcap, a TX -> RX loopback through net_ring, clear errors for
// devices that do not exist, and the steering fallback of a port without rte_flow.

#include "dpdk_test_helpers.h"

#include "airan/io/fronthaul/ecpri.h"

#include <doctest/doctest.h>

#include <filesystem>

namespace airan::io {

namespace {

using test::make_uplane_frames;
using test::receive_frames;
using test::small_port;

std::vector<std::span<const uint8_t>> views(const std::vector<std::vector<uint8_t>>& frames)
{
  return {frames.begin(), frames.end()};
}

/// The eAxC IDs of the first message of each frame, read back by the fronthaul parser.
std::vector<uint16_t> eaxc_ids(const std::vector<std::vector<uint8_t>>& frames)
{
  std::vector<uint16_t> ids;
  for (const std::vector<uint8_t>& frame : frames) {
    ethernet_header          header;
    std::span<const uint8_t> pdu;
    ecpri_message            message;
    ecpri_reader             reader;
    if (parse_ethernet(frame, header, pdu) == fh_error::ok &&
        (reader = ecpri_reader(pdu)).next(message) == fh_error::ok) {
      ids.push_back(message.eaxc_id);
    }
  }
  return ids;
}

} // namespace

TEST_CASE("dpdk port: a capture read through net_pcap yields exactly its frames, in order")
{
  const std::vector<std::vector<uint8_t>> frames = make_uplane_frames({1, 4, 2, 8, 3, 16, 5}, 11);
  REQUIRE(frames.size() == 7);
  const std::filesystem::path capture = test::temp_file("capture.pcap");
  REQUIRE(test::write_pcap(capture, frames));

  std::unique_ptr<packet_source> source;
  const status opened = make_dpdk_source(small_port("net_pcap10,rx_pcap=" + capture.string()), source);
  REQUIRE_MESSAGE(opened.is_ok(), opened.message());

  // Bursts smaller than the capture: the views of one burst must survive until the next call.
  const std::vector<std::vector<uint8_t>> received = receive_frames(*source, 100, 50, {});
  CHECK(received == frames);
  CHECK(eaxc_ids(received) == std::vector<uint16_t>{0x100, 0x101, 0x102, 0x103, 0x104, 0x105, 0x106});
  CHECK_FALSE(source->at_end());
  source.reset();
  std::filesystem::remove(capture);
}

TEST_CASE("dpdk port: frames larger than one mbuf are dropped and counted, the others delivered")
{
  // 1650-byte mbufs hold 1522-byte frames; 60 BFP-9 PRBs make a frame of 14 + 12 + 4 + 60 * 28 bytes.
  const std::vector<std::vector<uint8_t>> frames = make_uplane_frames({2, 60, 3}, 12);
  REQUIRE(frames.size() == 3);
  REQUIRE(frames[1].size() > 1522);
  const std::filesystem::path capture = test::temp_file("jumbo.pcap");
  REQUIRE(test::write_pcap(capture, frames));

  dpdk_port_config config = small_port("net_pcap11,rx_pcap=" + capture.string());
  config.mbuf_data_size   = 128 + 1500 + 22;
  dpdk_port port;
  REQUIRE(dpdk_port::open(config, port).is_ok());
  std::unique_ptr<packet_source> source;
  REQUIRE(port.make_source(0, source).is_ok());
  const std::vector<std::vector<uint8_t>> received = receive_frames(*source, 100, 50, {});
  CHECK(received == std::vector<std::vector<uint8_t>>{frames[0], frames[2]});
  CHECK(port.rx_counters(0).nof_rx_segmented_dropped == 1);
  CHECK(port.rx_counters(0).nof_rx_packets == 2);
  std::filesystem::remove(capture);
}

TEST_CASE("dpdk port: net_ring loops what the sink sends back to the source")
{
  dpdk_port    port;
  const status opened = dpdk_port::open(small_port("net_ring20"), port);
  REQUIRE_MESSAGE(opened.is_ok(), opened.message());
  CHECK(port.name() == "net_ring20");
  std::unique_ptr<packet_sink>   sink;
  std::unique_ptr<packet_source> source;
  REQUIRE(port.make_sink(0, sink).is_ok());
  REQUIRE(port.make_source(0, source).is_ok());

  // More packets than one burst (32): the sink sends them in several DPDK bursts.
  std::vector<uint16_t> nof_prb(70);
  for (std::size_t i = 0; i != nof_prb.size(); ++i) {
    nof_prb[i] = static_cast<uint16_t>(1 + i % 20);
  }
  const std::vector<std::vector<uint8_t>> frames = make_uplane_frames(nof_prb, 21);
  REQUIRE(frames.size() == 70);
  const std::vector<std::span<const uint8_t>> packets = views(frames);
  CHECK(sink->send_burst(packets, 0) == frames.size());
  CHECK(receive_frames(*source, 1000, 10, {}) == frames);

  CHECK(port.tx_counters(0).nof_tx_packets == 70);
  CHECK(port.rx_counters(0).nof_rx_packets == 70);
  dpdk_port_stats stats;
  REQUIRE(port.read_stats(stats).is_ok());
  CHECK(stats.nof_tx_packets == 70);
  CHECK(stats.nof_rx_packets == 70);
}

TEST_CASE("dpdk port: received views stay valid until the next receive, while the pool serves other senders")
{
  dpdk_port port;
  REQUIRE(dpdk_port::open(small_port("net_ring24"), port).is_ok());
  std::unique_ptr<packet_sink>   sink;
  std::unique_ptr<packet_source> source;
  REQUIRE(port.make_sink(0, sink).is_ok());
  REQUIRE(port.make_source(0, source).is_ok());
  const std::vector<std::vector<uint8_t>> first  = make_uplane_frames({3, 3, 3, 3}, 24);
  const std::vector<std::vector<uint8_t>> second = make_uplane_frames({3, 3, 3, 3}, 25);
  REQUIRE(first.size() == 4);
  REQUIRE(second.size() == 4);
  REQUIRE(first != second);
  REQUIRE(sink->send_burst(views(first), 0) == 4);
  std::array<rx_packet, 8> burst;
  REQUIRE(source->receive_burst(burst) == 4);
  // The sink now takes mbufs from the same pool: had the source released the burst's mbufs, these would reuse them.
  REQUIRE(sink->send_burst(views(second), 0) == 4);
  for (std::size_t i = 0; i != first.size(); ++i) {
    CHECK(std::vector<uint8_t>(burst[i].bytes.begin(), burst[i].bytes.end()) == first[i]);
  }
  CHECK(receive_frames(*source, 100, 10, {}) == second);
}

TEST_CASE("dpdk port: the sink refuses a packet larger than one mbuf and counts it")
{
  dpdk_port port;
  REQUIRE(dpdk_port::open(small_port("net_ring21"), port).is_ok());
  std::unique_ptr<packet_sink> sink;
  REQUIRE(port.make_sink(0, sink).is_ok());
  const std::vector<std::vector<uint8_t>> frames = make_uplane_frames({1, 100, 1}, 22);
  REQUIRE(frames.size() == 3);
  REQUIRE(frames[1].size() > 2048);
  CHECK(sink->send_burst(views(frames), 0) == 1);
  CHECK(port.tx_counters(0).nof_tx_oversized == 1);
  CHECK(port.tx_counters(0).nof_tx_packets == 1);
}

TEST_CASE("dpdk port: one poller per queue")
{
  dpdk_port port;
  REQUIRE(dpdk_port::open(small_port("net_ring22"), port).is_ok());
  std::unique_ptr<packet_source> first;
  std::unique_ptr<packet_source> second;
  REQUIRE(port.make_source(0, first).is_ok());
  const status taken = port.make_source(0, second);
  CHECK_FALSE(taken.is_ok());
  CHECK(taken.message().find("already has its poller") != std::string::npos);
  CHECK(second == nullptr);
  CHECK_FALSE(port.make_source(1, second).is_ok());
  first.reset();
  CHECK(port.make_source(0, second).is_ok());
}

TEST_CASE("dpdk port: a closed port releases its virtual device, so the same name opens again")
{
  for (int round = 0; round != 2; ++round) {
    dpdk_port    port;
    const status opened = dpdk_port::open(small_port("net_null23"), port);
    REQUIRE_MESSAGE(opened.is_ok(), opened.message());
    // While it is open, the name is taken.
    dpdk_port twin;
    CHECK_FALSE(dpdk_port::open(small_port("net_null23"), twin).is_ok());
    CHECK_FALSE(twin.is_open());
  }
}

TEST_CASE("dpdk port: devices that cannot be opened give a clear error")
{
  dpdk_port port;
  SUBCASE("missing capture file")
  {
    const status result = dpdk_port::open(small_port("net_pcap30,rx_pcap=/nonexistent/airan.pcap"), port);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.message().find("net_pcap30,rx_pcap=/nonexistent/airan.pcap") != std::string::npos);
  }
  SUBCASE("unknown driver")
  {
    const status result = dpdk_port::open(small_port("net_nosuchdriver0"), port);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.message().find("net_nosuchdriver0") != std::string::npos);
  }
  SUBCASE("unknown port name")
  {
    dpdk_port_config config = small_port("");
    config.port_name        = "net_ghost0";
    const status result     = dpdk_port::open(config, port);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.message().find("no DPDK port named 'net_ghost0'") != std::string::npos);
  }
  SUBCASE("EAL arguments other than the running ones")
  {
    dpdk_port_config config = small_port("net_null31");
    config.eal_args         = {"--no-huge", "-l", "0"};
    const status result     = dpdk_port::open(config, port);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.message().find("already runs") != std::string::npos);
  }
  SUBCASE("lcore outside the EAL core list")
  {
    dpdk_port_config config = small_port("net_null32");
    config.lcore            = 1;
    const status result     = dpdk_port::open(config, port);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.message().find("lcore 1") != std::string::npos);
  }
  CHECK_FALSE(port.is_open());
  // Nothing is left attached by a failed open: the names used above open cleanly now.
  CHECK(dpdk_port::open(small_port("net_null31"), port).is_ok());
}

TEST_CASE("dpdk port: without rte_flow support the eAxC steering falls back to queue 0, reported")
{
  dpdk_port_config config = small_port("net_ring40");
  config.nof_rx_queues    = 2;
  config.nof_tx_queues    = 2;
  config.mempool_size     = 2047;
  config.eaxc_steering    = {{0x100, 0}, {0x101, 1}};
  dpdk_port    port;
  const status opened = dpdk_port::open(config, port);
  REQUIRE_MESSAGE(opened.is_ok(), opened.message());
  CHECK(port.steering().nof_rules_requested == 2);
  CHECK(port.steering().nof_rules_installed == 0);
  CHECK(port.steering().fallback_reason.find("eAxC 256") != std::string::npos);
}

TEST_CASE("dpdk port configuration: inconsistent values are named")
{
  const dpdk_port_config good = small_port("net_ring0");
  CHECK(validate(good).is_ok());
  const auto fails_with = [&](auto change, const std::string& expected) {
    dpdk_port_config config = good;
    change(config);
    const status result = validate(config);
    CHECK_MESSAGE(result.message().find(expected) != std::string::npos, result.message());
  };
  fails_with([](dpdk_port_config& c) { c.vdev.clear(); }, "neither port_name nor vdev");
  fails_with([](dpdk_port_config& c) { c.burst_size = 0; }, "burst_size 0");
  fails_with([](dpdk_port_config& c) { c.burst_size = max_dpdk_burst_size + 1; }, "burst_size 513");
  fails_with([](dpdk_port_config& c) { c.mempool_size = 200; }, "mempool_size 200");
  fails_with([](dpdk_port_config& c) { c.mempool_cache_size = 1000; }, "mempool_cache_size 1000");
  fails_with([](dpdk_port_config& c) { c.mtu = 9000; }, "mbuf_data_size 2176");
  fails_with([](dpdk_port_config& c) { c.eaxc_steering = {{7, 1}}; }, "eAxC 7 is steered to RX queue 1 of 1");
  fails_with([](dpdk_port_config& c) { c.vdev = ",iface=x"; }, "no device name");
}

} // namespace airan::io
