// The burst loops: one packet_source per RX queue, one packet_sink per TX queue. Nothing here allocates or throws.

#include "dpdk_resources.h"

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

namespace airan::io {

namespace {

int64_t realtime_ns() noexcept
{
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

/// Keeps the mbufs of the last burst until the next receive_burst() call, so that the rx_packet views stay valid while
/// the caller parses them.
class alignas(64) dpdk_source final : public packet_source {
public:
  dpdk_source(std::shared_ptr<dpdk_port::impl> port, uint16_t queue) :
    port_(std::move(port)),
    state_(port_->rx_queues[queue]),
    port_id_(port_->port->id()),
    queue_(queue),
    burst_size_(port_->config.burst_size)
  {}

  ~dpdk_source() override
  {
    release();
    state_.claimed.store(false);
  }

  std::size_t receive_burst(std::span<rx_packet> out) noexcept override
  {
    release();
    const auto     nof_wanted = static_cast<uint16_t>(std::min<std::size_t>(out.size(), burst_size_));
    const uint16_t nof_rx     = rte_eth_rx_burst(port_id_, queue_, held_.data(), nof_wanted);
    if (nof_rx == 0) {
      return 0;
    }
    const int64_t rx_time_ns = realtime_ns();
    uint16_t      nof_kept   = 0;
    for (uint16_t i = 0; i != nof_rx; ++i) {
      rte_mbuf* mbuf = held_[i];
      if (unlikely(mbuf->nb_segs != 1)) {
        // A frame larger than one mbuf: the views are contiguous bytes, so it cannot be handed over.
        rte_pktmbuf_free(mbuf);
        continue;
      }
      held_[nof_kept] = mbuf;
      out[nof_kept] = {std::span<const uint8_t>(rte_pktmbuf_mtod(mbuf, const uint8_t*), mbuf->data_len),
                       packet_framing::ethernet, rx_time_ns, false};
      ++nof_kept;
    }
    nof_held_ = nof_kept;
    detail::add(state_.nof_packets, nof_kept);
    detail::add(state_.nof_bursts, 1);
    if (unlikely(nof_kept != nof_rx)) {
      detail::add(state_.nof_segmented_dropped, nof_rx - nof_kept);
    }
    return nof_kept;
  }

  /// A port has no end: a capture read by net_pcap just stops delivering.
  bool at_end() const noexcept override { return false; }

private:
  void release() noexcept
  {
    if (nof_held_ != 0) {
      rte_pktmbuf_free_bulk(held_.data(), nof_held_);
      nof_held_ = 0;
    }
  }

  std::shared_ptr<dpdk_port::impl>           port_;
  detail::queue_state&                       state_;
  uint16_t                                   port_id_;
  uint16_t                                   queue_;
  uint16_t                                   burst_size_;
  uint16_t                                   nof_held_ = 0;
  std::array<rte_mbuf*, max_dpdk_burst_size> held_{};
};

class alignas(64) dpdk_sink final : public packet_sink {
public:
  dpdk_sink(std::shared_ptr<dpdk_port::impl> port, uint16_t queue) :
    port_(std::move(port)),
    state_(port_->tx_queues[queue]),
    pool_(port_->pool.get()),
    mbuf_room_(rte_pktmbuf_data_room_size(pool_) - RTE_PKTMBUF_HEADROOM),
    port_id_(port_->port->id()),
    queue_(queue),
    burst_size_(port_->config.burst_size)
  {}

  ~dpdk_sink() override { state_.claimed.store(false); }

  std::size_t send_burst(std::span<const std::span<const uint8_t>> packets, int64_t /*tx_time_ns*/) noexcept override
  {
    std::size_t nof_sent = 0;
    while (nof_sent != packets.size()) {
      if (unlikely(packets[nof_sent].size() > mbuf_room_)) {
        detail::add(state_.nof_oversized, 1);
        break;
      }
      // The next burst: up to burst_size packets, up to the next one that does not fit an mbuf.
      const std::size_t nof_left    = std::min<std::size_t>(packets.size() - nof_sent, burst_size_);
      std::size_t       nof_fitting = 1;
      while (nof_fitting != nof_left && packets[nof_sent + nof_fitting].size() <= mbuf_room_) {
        ++nof_fitting;
      }
      const std::size_t nof_accepted = send_mbufs(packets.subspan(nof_sent, nof_fitting));
      nof_sent += nof_accepted;
      if (nof_accepted != nof_fitting) {
        break;
      }
    }
    return nof_sent;
  }

private:
  /// Copies packets (each fits one mbuf, at most max_dpdk_burst_size) into mbufs and sends them as one burst.
  std::size_t send_mbufs(std::span<const std::span<const uint8_t>> packets) noexcept
  {
    const auto                                 nof_packets = static_cast<uint16_t>(packets.size());
    std::array<rte_mbuf*, max_dpdk_burst_size> mbufs;
    if (unlikely(rte_pktmbuf_alloc_bulk(pool_, mbufs.data(), nof_packets) != 0)) {
      detail::add(state_.nof_mbuf_shortages, 1);
      return 0;
    }
    for (uint16_t i = 0; i != nof_packets; ++i) {
      const std::span<const uint8_t> packet = packets[i];
      char*                          data   = rte_pktmbuf_append(mbufs[i], static_cast<uint16_t>(packet.size()));
      std::memcpy(data, packet.data(), packet.size());
    }
    const uint16_t nof_sent = rte_eth_tx_burst(port_id_, queue_, mbufs.data(), nof_packets);
    if (unlikely(nof_sent != nof_packets)) {
      rte_pktmbuf_free_bulk(mbufs.data() + nof_sent, nof_packets - nof_sent);
      detail::add(state_.nof_refused, nof_packets - nof_sent);
    }
    detail::add(state_.nof_packets, nof_sent);
    return nof_sent;
  }

  std::shared_ptr<dpdk_port::impl> port_;
  detail::queue_state&             state_;
  rte_mempool*                     pool_;
  std::size_t                      mbuf_room_;
  uint16_t                         port_id_;
  uint16_t                         queue_;
  uint16_t                         burst_size_;
};

/// Claims queue number queue of states (nof_queues of them) for one poller.
status claim(
    detail::queue_state* states, uint16_t nof_queues, uint16_t queue, const char* kind, const std::string& name)
{
  if (queue >= nof_queues) {
    return status::error(std::string(kind) + " queue " + std::to_string(queue) + " of port '" + name +
                         "' does not exist (" + std::to_string(nof_queues) + " configured)");
  }
  if (states[queue].claimed.exchange(true)) {
    return status::error(std::string(kind) + " queue " + std::to_string(queue) + " of port '" + name +
                         "' already has its poller");
  }
  return status::ok();
}

} // namespace

status dpdk_port::make_source(uint16_t rx_queue, std::unique_ptr<packet_source>& out) const
{
  out.reset();
  if (status result = claim(impl_->rx_queues.get(), impl_->config.nof_rx_queues, rx_queue, "RX", impl_->name);
      !result) {
    return result;
  }
  out = std::make_unique<dpdk_source>(impl_, rx_queue);
  return status::ok();
}

status dpdk_port::make_sink(uint16_t tx_queue, std::unique_ptr<packet_sink>& out) const
{
  out.reset();
  if (status result = claim(impl_->tx_queues.get(), impl_->config.nof_tx_queues, tx_queue, "TX", impl_->name);
      !result) {
    return result;
  }
  out = std::make_unique<dpdk_sink>(impl_, tx_queue);
  return status::ok();
}

} // namespace airan::io
