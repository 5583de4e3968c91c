#pragma once
/// Fronthaul packets through a DPDK poll-mode Ethernet port: a NIC, or a virtual device (net_pcap reading a capture,
/// net_ring, net_af_packet on a kernel interface). It delivers packet_source / packet_sink (packet_io.h) per queue. No
/// DPDK header appears here; the implementation (library airan_io_dpdk) is built only when libdpdk is found.
///
/// Initialisation follows DPDK's canonical order: EAL (once per process), the optional virtual device, the mbuf pool,
/// port configuration, RX / TX queue setup, port start, then eAxC steering rules. Everything is released in the reverse
/// order when the last port, source or sink holding it is destroyed.

#include "airan/common/status.h"
#include "airan/io/ingest/packet_io.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace airan::io {

/// Sends the IQ data messages of one eAxC (ecpriPcid, O-RAN.WG4.CUS 5.1.3.1.1) to one RX queue, as an rte_flow rule
/// matching Ethernet (EtherType 0xAEFE) / eCPRI message type 0 / ecpriPcid.
struct dpdk_eaxc_rule {
  uint16_t eaxc_id  = 0;
  uint16_t rx_queue = 0;
};

/// Creation parameters of a DPDK port. Every size is a create-time maximum; nothing is allocated afterwards.
struct dpdk_port_config {
  /// Arguments of rte_eal_init (without the program name), e.g. {"-l", "2", "-a", "0000:3b:00.0"} on a NIC, or
  /// {"--no-huge", "-m", "256", "--no-pci", "--no-shconf", "-l", "0"} without hugepages. EAL is process-global and can
  /// be initialised only once per process: empty means "already initialised" (by another port, or by make_dpdk_eal());
  /// when EAL is running, non-empty arguments must equal the ones it was started with.
  std::vector<std::string> eal_args;
  /// The DPDK device name of the port ("0000:3b:00.0", "net_pcap0"); may be empty when vdev is given.
  std::string port_name;
  /// Optional virtual device attached when the port opens and detached when it closes, as "name,key=value,...", e.g.
  /// "net_pcap0,rx_pcap=capture.pcap" or "net_af_packet0,iface=eth1". Its name is the port unless port_name says
  /// otherwise.
  std::string vdev;
  uint16_t    nof_rx_queues      = 1;
  uint16_t    nof_tx_queues      = 1;
  uint16_t    nof_rx_descriptors = 1024;
  uint16_t    nof_tx_descriptors = 1024;
  /// mbufs in the pool (2^n - 1 is optimal for the ring behind it); must cover the RX rings, the bursts held by the
  /// sources and the TX bursts in flight.
  uint32_t mempool_size = 8191;
  /// Per-lcore mbuf cache, at most 512 and at most mempool_size / 1.5.
  uint32_t mempool_cache_size = 256;
  /// Bytes of one mbuf's data buffer including the 128-byte headroom; a frame must fit one mbuf (frames that the port
  /// splits across mbufs are dropped and counted). 2176 fits standard frames; fronthaul jumbo frames of 273 PRBs need
  /// 9216 + 128.
  uint16_t mbuf_data_size = 2048 + 128;
  /// Largest IP payload (MTU) the port accepts; the frame adds 18 bytes (22 with an 802.1Q tag).
  uint16_t mtu = 1500;
  /// Most packets one receive_burst() / rte_eth_rx_burst() returns; at most max_dpdk_burst_size.
  uint16_t burst_size = 32;
  /// The EAL lcore that polls the port (-1: the main lcore): it must be in the EAL core list (-l), and the mbuf pool
  /// and queues are placed on its NUMA socket. The caller runs its receive loop on that lcore.
  int  lcore       = -1;
  bool promiscuous = true;
  /// eAxC steering rules, installed when the port supports them (rte_flow). Without support (virtual devices, most NICs
  /// without eCPRI flow items) every packet arrives on RX queue 0 and the slot assembler sorts by eAxC; see
  /// dpdk_port::steering().
  std::vector<dpdk_eaxc_rule> eaxc_steering;
};

inline constexpr uint16_t max_dpdk_burst_size = 512;

/// Checks the configuration's own consistency (no DPDK call): sizes, queue counts, rules naming existing queues.
status validate(const dpdk_port_config& config);

/// The outcome of the eAxC steering rules.
struct dpdk_steering_report {
  unsigned nof_rules_requested = 0;
  unsigned nof_rules_installed = 0;
  /// Why rules were not installed (the port's rte_flow error), empty when all were.
  std::string fallback_reason;
};

/// Counters of one RX / TX queue; written only by the queue's poller, readable from any thread.
struct dpdk_queue_counters {
  uint64_t nof_rx_packets = 0;
  uint64_t nof_rx_bursts  = 0; ///< Calls that returned at least one packet.
  /// Frames spread over several mbufs (larger than mbuf_data_size allows): dropped.
  uint64_t nof_rx_segmented_dropped = 0;
  uint64_t nof_tx_packets           = 0;
  uint64_t nof_tx_refused           = 0; ///< Not accepted by a full TX queue (the caller may retry).
  uint64_t nof_tx_mbuf_shortages    = 0; ///< Bursts cut short because the pool had no free mbuf.
  uint64_t nof_tx_oversized         = 0; ///< Packets larger than one mbuf: never sent.
};

/// The port's own statistics (rte_eth_stats).
struct dpdk_port_stats {
  uint64_t nof_rx_packets = 0;
  uint64_t nof_rx_missed  = 0; ///< Dropped by the hardware: RX ring full.
  uint64_t nof_rx_errors  = 0;
  uint64_t nof_rx_no_mbuf = 0; ///< RX mbuf allocation failures.
  uint64_t nof_tx_packets = 0;
  uint64_t nof_tx_errors  = 0;
};

/// The process-wide DPDK EAL: initialised by the first holder, cleaned up (rte_eal_cleanup) when the last port and
/// holder are gone. It cannot be initialised again in the same process afterwards.
class dpdk_eal;

/// Starts EAL with args (without the program name) or, when it runs already with the same arguments (or args is empty),
/// joins it. A test executable or tool calls it once before opening ports with empty eal_args.
status make_dpdk_eal(const std::vector<std::string>& args, std::shared_ptr<dpdk_eal>& out);

/// One started DPDK port. Copies share the port; it closes when the last copy, source and sink are destroyed.
class dpdk_port {
public:
  /// Opens the port (see the top of this file). On failure out is left closed and the status names the step and the
  /// DPDK error (an unknown device, a missing capture file, EAL arguments rejected).
  static status open(const dpdk_port_config& config, dpdk_port& out);

  dpdk_port();
  ~dpdk_port();
  dpdk_port(const dpdk_port&);
  dpdk_port& operator=(const dpdk_port&);
  dpdk_port(dpdk_port&&) noexcept;
  dpdk_port& operator=(dpdk_port&&) noexcept;

  bool is_open() const { return impl_ != nullptr; }
  /// The DPDK port ID and device name. This and the calls below require is_open().
  uint16_t           port_id() const;
  const std::string& name() const;

  /// The receiver of RX queue rx_queue (one per queue: a second request for the same queue fails). Its packets are
  /// Ethernet frames, each in one mbuf held until the next receive_burst(); rx_time_ns is CLOCK_REALTIME when the
  /// burst was received. receive_burst() returns at once (0 when nothing waits) and at_end() is always false: a port,
  /// even net_pcap past the end of its file, just stops delivering.
  status make_source(uint16_t rx_queue, std::unique_ptr<packet_source>& out) const;
  /// The sender on TX queue tx_queue (one per queue). Packets are copied into mbufs and sent at once: tx_time_ns is not
  /// used (no launch-time offload). A packet larger than one mbuf is never sent: the burst stops before it and it is
  /// counted (nof_tx_oversized).
  status make_sink(uint16_t tx_queue, std::unique_ptr<packet_sink>& out) const;

  const dpdk_steering_report& steering() const;
  dpdk_queue_counters         rx_counters(uint16_t rx_queue) const;
  dpdk_queue_counters         tx_counters(uint16_t tx_queue) const;
  status                      read_stats(dpdk_port_stats& stats) const;

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

/// Opens a port and returns the source of its RX queue 0 (which keeps the port open): the usual way in for the `airan`
/// tools, from a configuration that will later come from a YAML file. Errors as dpdk_port::open().
status make_dpdk_source(const dpdk_port_config& config, std::unique_ptr<packet_source>& out);
/// Opens a port and returns the sink of its TX queue 0 (RU emulator).
status make_dpdk_sink(const dpdk_port_config& config, std::unique_ptr<packet_sink>& out);

} // namespace airan::io
