// DPDK port on a kernel interface: net_af_packet on both ends of a veth pair in a network namespace of its own, so that
// the test touches no interface of the machine. Skipped (reported as such) where namespaces or veth pairs cannot be
// created.

#include "dpdk_test_helpers.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>

namespace airan::io {

namespace {

/// Moves the calling thread into a new network namespace for the scope, and back at its end. The namespace lives on
/// while sockets opened in it (the af_packet ports) stay open.
class scoped_network_namespace {
public:
  scoped_network_namespace() : original_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC))
  {
    if (original_ >= 0 && ::unshare(CLONE_NEWNET) == 0) {
      entered_ = true;
    }
  }
  ~scoped_network_namespace()
  {
    if (entered_) {
      ::setns(original_, CLONE_NEWNET);
    }
    if (original_ >= 0) {
      ::close(original_);
    }
  }
  scoped_network_namespace(const scoped_network_namespace&)            = delete;
  scoped_network_namespace& operator=(const scoped_network_namespace&) = delete;

  bool entered() const { return entered_; }

private:
  int  original_ = -1;
  bool entered_  = false;
};

} // namespace

TEST_CASE("dpdk port: net_af_packet over a veth pair carries frames from one end to the other")
{
  scoped_network_namespace netns;
  if (!netns.entered()) {
    test::skip_test("af_packet over veth: no permission to create a network namespace");
    return;
  }
  // The ip command runs in the namespace of the thread that starts it: the new one.
  if (std::system("ip link add airan_veth0 type veth peer name airan_veth1 >/dev/null 2>&1 && "
                  "ip link set airan_veth0 up && ip link set airan_veth1 up") != 0) {
    test::skip_test("af_packet over veth: the ip command cannot create a veth pair here");
    return;
  }
  dpdk_port tx_port;
  dpdk_port rx_port;
  status    opened = dpdk_port::open(test::small_port("net_af_packet50,iface=airan_veth0"), tx_port);
  REQUIRE_MESSAGE(opened.is_ok(), opened.message());
  opened = dpdk_port::open(test::small_port("net_af_packet51,iface=airan_veth1"), rx_port);
  REQUIRE_MESSAGE(opened.is_ok(), opened.message());
  std::unique_ptr<packet_sink>   sink;
  std::unique_ptr<packet_source> source;
  REQUIRE(tx_port.make_sink(0, sink).is_ok());
  REQUIRE(rx_port.make_source(0, source).is_ok());

  const std::vector<std::vector<uint8_t>> frames = test::make_uplane_frames({1, 5, 9, 2, 40, 3, 7, 11}, 51);
  REQUIRE(frames.size() == 8);
  const std::vector<std::span<const uint8_t>> packets(frames.begin(), frames.end());
  CHECK(sink->send_burst(packets, 0) == frames.size());
  // The kernel delivers asynchronously: poll up to 2000 times 1 ms apart (a bound on the wait, not a check of time).
  // Kernel traffic on the pair (IPv6 neighbour discovery) is not eCPRI and is left out.
  const std::vector<std::vector<uint8_t>> received =
      test::receive_frames(*source, frames.size(), 2000, std::chrono::milliseconds(1), true);
  CHECK(received == frames);
}

} // namespace airan::io
