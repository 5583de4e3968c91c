#pragma once
// RAII owners of the DPDK objects behind a dpdk_port (EAL, virtual device, mbuf pool, started port with its flow rules)
// and the port's shared state. Internal to airan_io_dpdk: the only place DPDK headers meet airan types.

#include "airan/io/ingest/dpdk_port.h"

#include <rte_flow.h>
#include <rte_mempool.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace airan::io {

/// The process-wide EAL with the argument strings it was started with (EAL keeps pointers into them).
class dpdk_eal {
public:
  explicit dpdk_eal(std::vector<std::string> args);
  ~dpdk_eal();
  dpdk_eal(const dpdk_eal&)            = delete;
  dpdk_eal& operator=(const dpdk_eal&) = delete;

  const std::vector<std::string>& args() const { return args_; }
  /// Runs rte_eal_init on the stored arguments; called once, by make_dpdk_eal().
  status init();

private:
  std::vector<std::string> args_;
  std::vector<std::string> argv_storage_;
  std::vector<char*>       argv_;
  bool                     initialised_ = false;
};

/// "what: <DPDK error text> (errno)" for a DPDK call that returned a negative errno or set rte_errno.
std::string dpdk_error(const std::string& what, int error_number);

namespace detail {

struct mempool_deleter {
  void operator()(rte_mempool* pool) const noexcept { rte_mempool_free(pool); }
};
using mempool_ptr = std::unique_ptr<rte_mempool, mempool_deleter>;

/// A virtual device attached with rte_vdev_init; detached (rte_vdev_uninit) on destruction.
class vdev_attachment {
public:
  explicit vdev_attachment(std::string name) : name_(std::move(name)) {}
  ~vdev_attachment();
  vdev_attachment(const vdev_attachment&)            = delete;
  vdev_attachment& operator=(const vdev_attachment&) = delete;

private:
  std::string name_;
};

/// A configured port: flow rules flushed, port stopped (when started) and closed on destruction.
class port_handle {
public:
  explicit port_handle(uint16_t port_id) : port_id_(port_id) {}
  ~port_handle();
  port_handle(const port_handle&)            = delete;
  port_handle& operator=(const port_handle&) = delete;

  uint16_t id() const { return port_id_; }
  void     mark_started() { started_ = true; }

private:
  uint16_t port_id_ = 0;
  bool     started_ = false;
};

/// Counters of one queue, cache-line aligned so that pollers of neighbouring queues do not share a line. Only the
/// queue's poller writes them (relaxed load + store: no locked instruction on the burst path).
struct alignas(64) queue_state {
  std::atomic<uint64_t> nof_packets{0};
  std::atomic<uint64_t> nof_bursts{0};
  std::atomic<uint64_t> nof_segmented_dropped{0};
  std::atomic<uint64_t> nof_refused{0};
  std::atomic<uint64_t> nof_mbuf_shortages{0};
  std::atomic<uint64_t> nof_oversized{0};
  std::atomic<bool>     claimed{false};
};

inline void add(std::atomic<uint64_t>& counter, uint64_t value) noexcept
{
  counter.store(counter.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
}

} // namespace detail

/// Members in DPDK's initialisation order; destruction runs in reverse (port, then device, then pool, then EAL).
struct dpdk_port::impl {
  dpdk_port_config                       config;
  std::string                            name;
  std::shared_ptr<dpdk_eal>              eal;
  detail::mempool_ptr                    pool;
  std::optional<detail::vdev_attachment> vdev;
  std::optional<detail::port_handle>     port;
  dpdk_steering_report                   steering;
  std::unique_ptr<detail::queue_state[]> rx_queues;
  std::unique_ptr<detail::queue_state[]> tx_queues;
};

/// Installs config.eaxc_steering on the started port: all rules or none (then report.fallback_reason says why).
void install_eaxc_steering(uint16_t port_id, const dpdk_port_config& config, dpdk_steering_report& report);

} // namespace airan::io
