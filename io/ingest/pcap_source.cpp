#include "airan/io/ingest/pcap_io.h"

#include "ipv4_udp.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace airan::io {

namespace {

constexpr std::size_t max_burst = 64;

int64_t timestamp_ns(const pcap_pkthdr &header) {
  // The handle is opened with nanosecond precision: tv_usec holds nanoseconds.
  return int64_t{header.ts.tv_sec} * 1'000'000'000 + header.ts.tv_usec;
}

} // namespace

struct pcap_source::impl {
  pcap_source_config config;
  pcap_t *handle = nullptr;
  /// max_burst + 1 frames of the snapshot length; the last slot keeps a frame
  /// read but not due yet.
  std::vector<uint8_t> arena;
  std::size_t snaplen = 0;
  bool end = false;
  uint64_t skipped = 0;
  std::string error;
  // A frame read but not due yet (realtime replay), in the arena's last slot.
  bool pending = false;
  rx_packet pending_packet;
  // Replay clock: capture time of the first frame and the steady time it was
  // replayed at.
  bool started = false;
  int64_t first_capture_ns = 0;
  std::chrono::steady_clock::time_point first_replay;

  /// Reads frames until one carries eCPRI; copies it into slot. False at the
  /// end of the file or on an error.
  bool read_next(std::size_t slot, rx_packet &packet) noexcept {
    for (;;) {
      pcap_pkthdr *header = nullptr;
      const u_char *data = nullptr;
      const int rc = pcap_next_ex(handle, &header, &data);
      if (rc != 1) {
        if (rc == PCAP_ERROR) {
          error = pcap_geterr(handle);
        }
        end = true;
        return false;
      }
      std::span<const uint8_t> payload;
      const auto content = detail::classify_frame({data, header->caplen},
                                                  config.udp_port, payload);
      if (content == detail::frame_content::other) {
        ++skipped;
        continue;
      }
      uint8_t *copy = arena.data() + slot * snaplen;
      std::copy(payload.begin(), payload.end(), copy);
      packet.bytes = {copy, payload.size()};
      packet.framing = content == detail::frame_content::ecpri
                           ? packet_framing::ethernet
                           : packet_framing::ecpri;
      packet.rx_time_ns = timestamp_ns(*header);
      packet.cut = header->caplen < header->len;
      return true;
    }
  }

  /// Nanoseconds until the packet is due (realtime replay), <= 0 when due.
  int64_t wait_ns(const rx_packet &packet) noexcept {
    if (!config.realtime) {
      return 0;
    }
    if (!started) {
      started = true;
      first_capture_ns = packet.rx_time_ns;
      first_replay = std::chrono::steady_clock::now();
    }
    const auto due = first_replay + std::chrono::nanoseconds(packet.rx_time_ns -
                                                             first_capture_ns);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               due - std::chrono::steady_clock::now())
        .count();
  }

  std::size_t receive_burst(std::span<rx_packet> out) noexcept {
    std::size_t n = 0;
    const std::size_t limit = std::min(out.size(), max_burst);
    while (n < limit) {
      rx_packet packet;
      if (pending) {
        // Only ever the first packet of a call: move it to the first slot,
        // freeing the last one.
        std::copy(pending_packet.bytes.begin(), pending_packet.bytes.end(),
                  arena.data());
        packet = pending_packet;
        packet.bytes = {arena.data(), pending_packet.bytes.size()};
        pending = false;
      } else if (!read_next(n, packet)) {
        break;
      }
      if (int64_t wait = wait_ns(packet); wait > 0) {
        if (n == 0 && wait <= config.poll_timeout_ns) {
          std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
        } else {
          // Not due within this call: keep it for the next one.
          uint8_t *keep = arena.data() + max_burst * snaplen;
          std::copy(packet.bytes.begin(), packet.bytes.end(), keep);
          pending_packet = packet;
          pending_packet.bytes = {keep, packet.bytes.size()};
          pending = true;
          if (n == 0) {
            std::this_thread::sleep_for(
                std::chrono::nanoseconds(config.poll_timeout_ns));
          }
          break;
        }
      }
      out[n++] = packet;
    }
    return n;
  }
};

pcap_source::pcap_source(const pcap_source_config &config)
    : impl_(std::make_unique<impl>()) {
  impl_->config = config;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  impl_->handle = pcap_open_offline_with_tstamp_precision(
      config.path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (impl_->handle == nullptr) {
    throw std::runtime_error(config.path + ": " + errbuf);
  }
  if (pcap_datalink(impl_->handle) != DLT_EN10MB) {
    pcap_close(impl_->handle);
    throw std::runtime_error(config.path + ": link type is not Ethernet");
  }
  impl_->snaplen = std::max(pcap_snapshot(impl_->handle), 65535);
  impl_->arena.resize((max_burst + 1) * impl_->snaplen);
}

pcap_source::~pcap_source() { pcap_close(impl_->handle); }

std::size_t pcap_source::receive_burst(std::span<rx_packet> out) noexcept {
  return impl_->receive_burst(out);
}

bool pcap_source::at_end() const noexcept {
  return impl_->end && !impl_->pending;
}

uint64_t pcap_source::nof_skipped() const noexcept { return impl_->skipped; }

const std::string &pcap_source::read_error() const noexcept {
  return impl_->error;
}

} // namespace airan::io
