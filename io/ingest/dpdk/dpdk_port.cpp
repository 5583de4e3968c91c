// Opening a DPDK port in the canonical order: EAL, virtual device, mbuf pool, port configuration, queue setup, start,
// steering rules.

#include "dpdk_resources.h"

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <atomic>
#include <cstdio>

namespace airan::io {

namespace {

/// Ethernet header with an 802.1Q tag, no FCS (DPDK hands frames over without it).
constexpr unsigned max_l2_overhead = 18 + 4;

std::atomic<unsigned> pool_counter{0};

std::string known_ports()
{
  std::string names;
  uint16_t    port_id = 0;
  RTE_ETH_FOREACH_DEV(port_id)
  {
    char name[RTE_ETH_NAME_MAX_LEN] = {};
    if (rte_eth_dev_get_name_by_port(port_id, name) == 0) {
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
  }
  return names.empty() ? "none" : names;
}

status lcore_socket(const dpdk_port_config& config, int& socket)
{
  const unsigned lcore = config.lcore < 0 ? rte_get_main_lcore() : static_cast<unsigned>(config.lcore);
  if (lcore >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lcore)) {
    return status::error("lcore " + std::to_string(config.lcore) + " is not in the EAL core list");
  }
  socket = static_cast<int>(rte_lcore_to_socket_id(lcore));
  return status::ok();
}

/// The port's device: attaches the virtual device when there is one, then looks the port up by name.
status attach_device(dpdk_port::impl& port, uint16_t& port_id)
{
  const dpdk_port_config& config = port.config;
  if (!config.vdev.empty()) {
    const std::size_t comma = config.vdev.find(',');
    const std::string name  = config.vdev.substr(0, comma);
    const std::string args  = comma == std::string::npos ? std::string() : config.vdev.substr(comma + 1);
    if (const int ret = rte_vdev_init(name.c_str(), args.c_str()); ret != 0) {
      return status::error(dpdk_error("virtual device '" + config.vdev + "' could not be created", -ret));
    }
    port.vdev.emplace(name);
    port.name = config.port_name.empty() ? name : config.port_name;
  } else {
    port.name = config.port_name;
  }
  if (rte_eth_dev_get_port_by_name(port.name.c_str(), &port_id) != 0) {
    return status::error("no DPDK port named '" + port.name + "' (ports: " + known_ports() + ")");
  }
  return status::ok();
}

status configure_port(dpdk_port::impl& port, uint16_t port_id, int socket)
{
  const dpdk_port_config& config = port.config;
  rte_eth_dev_info        info{};
  if (const int ret = rte_eth_dev_info_get(port_id, &info); ret != 0) {
    return status::error(dpdk_error("rte_eth_dev_info_get on '" + port.name + "'", -ret));
  }
  if (config.nof_rx_queues > info.max_rx_queues || config.nof_tx_queues > info.max_tx_queues) {
    return status::error("port '" + port.name + "' has at most " + std::to_string(info.max_rx_queues) + " RX and " +
                         std::to_string(info.max_tx_queues) + " TX queues");
  }
  rte_eth_conf conf{};
  conf.rxmode.mtu = config.mtu;
  if ((info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) != 0) {
    // Every mbuf comes from one pool with reference count 1.
    conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
  }
  if (const int ret = rte_eth_dev_configure(port_id, config.nof_rx_queues, config.nof_tx_queues, &conf); ret != 0) {
    return status::error(dpdk_error("rte_eth_dev_configure on '" + port.name + "'", -ret));
  }
  port.port.emplace(port_id);

  uint16_t nof_rx_descriptors = config.nof_rx_descriptors;
  uint16_t nof_tx_descriptors = config.nof_tx_descriptors;
  if (const int ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nof_rx_descriptors, &nof_tx_descriptors); ret != 0) {
    return status::error(dpdk_error("rte_eth_dev_adjust_nb_rx_tx_desc on '" + port.name + "'", -ret));
  }
  for (uint16_t queue = 0; queue != config.nof_rx_queues; ++queue) {
    const int ret = rte_eth_rx_queue_setup(
        port_id, queue, nof_rx_descriptors, static_cast<unsigned>(socket), &info.default_rxconf, port.pool.get());
    if (ret != 0) {
      return status::error(dpdk_error("RX queue " + std::to_string(queue) + " setup on '" + port.name + "'", -ret));
    }
  }
  rte_eth_txconf txconf = info.default_txconf;
  txconf.offloads       = conf.txmode.offloads;
  for (uint16_t queue = 0; queue != config.nof_tx_queues; ++queue) {
    const int ret = rte_eth_tx_queue_setup(port_id, queue, nof_tx_descriptors, static_cast<unsigned>(socket), &txconf);
    if (ret != 0) {
      return status::error(dpdk_error("TX queue " + std::to_string(queue) + " setup on '" + port.name + "'", -ret));
    }
  }
  if (const int ret = rte_eth_dev_start(port_id); ret != 0) {
    return status::error(dpdk_error("rte_eth_dev_start on '" + port.name + "'", -ret));
  }
  port.port->mark_started();
  if (config.promiscuous) {
    // Not every virtual device has the notion; that is no reason to refuse the port.
    rte_eth_promiscuous_enable(port_id);
  }
  return status::ok();
}

status open_port(dpdk_port::impl& port)
{
  const dpdk_port_config& config = port.config;
  if (status result = make_dpdk_eal(config.eal_args, port.eal); !result) {
    return result;
  }
  int socket = 0;
  if (status result = lcore_socket(config, socket); !result) {
    return result;
  }
  uint16_t port_id = 0;
  if (status result = attach_device(port, port_id); !result) {
    return result;
  }
  const std::string pool_name = "airan_mbuf" + std::to_string(pool_counter.fetch_add(1));
  port.pool.reset(rte_pktmbuf_pool_create(
      pool_name.c_str(), config.mempool_size, config.mempool_cache_size, 0, config.mbuf_data_size, socket));
  if (port.pool == nullptr) {
    return status::error(dpdk_error("mbuf pool of " + std::to_string(config.mempool_size) + " x " +
                                        std::to_string(config.mbuf_data_size) + " bytes for '" + port.name + "'",
                                    rte_errno));
  }
  if (status result = configure_port(port, port_id, socket); !result) {
    return result;
  }
  install_eaxc_steering(port_id, config, port.steering);
  if (!port.steering.fallback_reason.empty()) {
    std::fprintf(stderr,
                 "airan: port '%s': %u eAxC steering rules not installed (%s); every packet goes to RX queue 0\n",
                 port.name.c_str(),
                 port.steering.nof_rules_requested,
                 port.steering.fallback_reason.c_str());
  }
  port.rx_queues = std::make_unique<detail::queue_state[]>(config.nof_rx_queues);
  port.tx_queues = std::make_unique<detail::queue_state[]>(config.nof_tx_queues);
  return status::ok();
}

dpdk_queue_counters read_counters(const detail::queue_state& state, bool rx)
{
  constexpr auto      order = std::memory_order_relaxed;
  dpdk_queue_counters counters;
  if (rx) {
    counters.nof_rx_packets           = state.nof_packets.load(order);
    counters.nof_rx_bursts            = state.nof_bursts.load(order);
    counters.nof_rx_segmented_dropped = state.nof_segmented_dropped.load(order);
  } else {
    counters.nof_tx_packets        = state.nof_packets.load(order);
    counters.nof_tx_refused        = state.nof_refused.load(order);
    counters.nof_tx_mbuf_shortages = state.nof_mbuf_shortages.load(order);
    counters.nof_tx_oversized      = state.nof_oversized.load(order);
  }
  return counters;
}

} // namespace

namespace detail {

vdev_attachment::~vdev_attachment() { rte_vdev_uninit(name_.c_str()); }

port_handle::~port_handle()
{
  rte_flow_error error{};
  rte_flow_flush(port_id_, &error);
  if (started_) {
    rte_eth_dev_stop(port_id_);
  }
  rte_eth_dev_close(port_id_);
}

} // namespace detail

status validate(const dpdk_port_config& config)
{
  if (config.port_name.empty() && config.vdev.empty()) {
    return status::error("dpdk port: neither port_name nor vdev is given");
  }
  if (!config.vdev.empty() && config.vdev.front() == ',') {
    return status::error("dpdk port: vdev '" + config.vdev + "' has no device name before its arguments");
  }
  if (config.nof_rx_queues == 0 && config.nof_tx_queues == 0) {
    return status::error("dpdk port: no RX and no TX queue");
  }
  if (config.nof_rx_descriptors == 0 || config.nof_tx_descriptors == 0) {
    return status::error("dpdk port: descriptor ring sizes must be positive");
  }
  if (config.burst_size == 0 || config.burst_size > max_dpdk_burst_size) {
    return status::error("dpdk port: burst_size " + std::to_string(config.burst_size) + " is not in 1.." +
                         std::to_string(max_dpdk_burst_size));
  }
  const unsigned nof_mbufs_needed =
      static_cast<unsigned>(config.nof_rx_queues) * (config.nof_rx_descriptors + config.burst_size) +
      static_cast<unsigned>(config.nof_tx_queues) * config.burst_size;
  if (config.mempool_size < nof_mbufs_needed) {
    return status::error("dpdk port: mempool_size " + std::to_string(config.mempool_size) +
                         " is below the RX rings plus bursts in flight (" + std::to_string(nof_mbufs_needed) + ")");
  }
  if (config.mempool_cache_size > RTE_MEMPOOL_CACHE_MAX_SIZE ||
      config.mempool_cache_size * 3 > config.mempool_size * 2) {
    return status::error("dpdk port: mempool_cache_size " + std::to_string(config.mempool_cache_size) +
                         " is above 512 or above mempool_size / 1.5");
  }
  if (config.mbuf_data_size < RTE_PKTMBUF_HEADROOM + config.mtu + max_l2_overhead) {
    return status::error("dpdk port: mbuf_data_size " + std::to_string(config.mbuf_data_size) +
                         " does not hold the 128-byte headroom and a frame of MTU " + std::to_string(config.mtu));
  }
  if (config.lcore >= RTE_MAX_LCORE) {
    return status::error("dpdk port: lcore " + std::to_string(config.lcore) + " is above the EAL maximum");
  }
  for (const dpdk_eaxc_rule& rule : config.eaxc_steering) {
    if (rule.rx_queue >= config.nof_rx_queues) {
      return status::error("dpdk port: eAxC " + std::to_string(rule.eaxc_id) + " is steered to RX queue " +
                           std::to_string(rule.rx_queue) + " of " + std::to_string(config.nof_rx_queues));
    }
  }
  return status::ok();
}

status dpdk_port::open(const dpdk_port_config& config, dpdk_port& out)
{
  out.impl_.reset();
  if (status result = validate(config); !result) {
    return result;
  }
  auto port    = std::make_shared<impl>();
  port->config = config;
  if (status result = open_port(*port); !result) {
    return result;
  }
  out.impl_ = std::move(port);
  return status::ok();
}

dpdk_port::dpdk_port()                                = default;
dpdk_port::~dpdk_port()                               = default;
dpdk_port::dpdk_port(const dpdk_port&)                = default;
dpdk_port& dpdk_port::operator=(const dpdk_port&)     = default;
dpdk_port::dpdk_port(dpdk_port&&) noexcept            = default;
dpdk_port& dpdk_port::operator=(dpdk_port&&) noexcept = default;

uint16_t dpdk_port::port_id() const { return impl_->port->id(); }

const std::string& dpdk_port::name() const { return impl_->name; }

const dpdk_steering_report& dpdk_port::steering() const { return impl_->steering; }

dpdk_queue_counters dpdk_port::rx_counters(uint16_t rx_queue) const
{
  return rx_queue < impl_->config.nof_rx_queues ? read_counters(impl_->rx_queues[rx_queue], true)
                                                : dpdk_queue_counters{};
}

dpdk_queue_counters dpdk_port::tx_counters(uint16_t tx_queue) const
{
  return tx_queue < impl_->config.nof_tx_queues ? read_counters(impl_->tx_queues[tx_queue], false)
                                                : dpdk_queue_counters{};
}

status dpdk_port::read_stats(dpdk_port_stats& stats) const
{
  rte_eth_stats raw{};
  if (const int ret = rte_eth_stats_get(port_id(), &raw); ret != 0) {
    return status::error(dpdk_error("rte_eth_stats_get on '" + name() + "'", -ret));
  }
  stats = {raw.ipackets, raw.imissed, raw.ierrors, raw.rx_nombuf, raw.opackets, raw.oerrors};
  return status::ok();
}

status make_dpdk_source(const dpdk_port_config& config, std::unique_ptr<packet_source>& out)
{
  dpdk_port port;
  if (status result = dpdk_port::open(config, port); !result) {
    return result;
  }
  return port.make_source(0, out);
}

status make_dpdk_sink(const dpdk_port_config& config, std::unique_ptr<packet_sink>& out)
{
  dpdk_port port;
  if (status result = dpdk_port::open(config, port); !result) {
    return result;
  }
  return port.make_sink(0, out);
}

} // namespace airan::io
