#include "airan/io/ingest/pcap_io.h"

#include "ipv4_udp.h"

#include <pcap/pcap.h>

#include <stdexcept>
#include <vector>

namespace airan::io {

namespace {

constexpr int max_frame_size = 65535;

} // namespace

struct pcap_sink::impl {
  pcap_sink_config config;
  detail::udp_frame_addresses addresses;
  pcap_t *handle = nullptr;
  pcap_dumper_t *dumper = nullptr;
  std::vector<uint8_t> frame;
};

pcap_sink::pcap_sink(const pcap_sink_config &config)
    : impl_(std::make_unique<impl>()) {
  impl_->config = config;
  impl_->addresses = {config.destination_mac,  config.source_mac,
                      config.destination_ip,   config.source_ip,
                      config.destination_port, config.source_port};
  impl_->frame.resize(max_frame_size);
  impl_->handle = pcap_open_dead_with_tstamp_precision(
      DLT_EN10MB, max_frame_size, PCAP_TSTAMP_PRECISION_NANO);
  if (impl_->handle == nullptr) {
    throw std::runtime_error(config.path + ": cannot create a pcap handle");
  }
  impl_->dumper = pcap_dump_open(impl_->handle, config.path.c_str());
  if (impl_->dumper == nullptr) {
    const std::string message = config.path + ": " + pcap_geterr(impl_->handle);
    pcap_close(impl_->handle);
    throw std::runtime_error(message);
  }
}

pcap_sink::~pcap_sink() {
  pcap_dump_close(impl_->dumper);
  pcap_close(impl_->handle);
}

std::size_t
pcap_sink::send_burst(std::span<const std::span<const uint8_t>> packets,
                      int64_t tx_time_ns) noexcept {
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<time_t>(tx_time_ns / 1'000'000'000);
  header.ts.tv_usec = static_cast<suseconds_t>(
      tx_time_ns % 1'000'000'000); // Nanoseconds (precision of the file).
  std::size_t nof_written = 0;
  for (const std::span<const uint8_t> packet : packets) {
    std::span<const uint8_t> frame = packet;
    if (impl_->config.framing == packet_framing::ecpri) {
      const std::size_t size =
          detail::write_udp_frame(impl_->frame, packet, impl_->addresses);
      if (size == 0) {
        continue; // Too large for one IPv4 datagram: refused.
      }
      frame = std::span<const uint8_t>(impl_->frame).first(size);
    }
    header.caplen = static_cast<bpf_u_int32>(frame.size());
    header.len = header.caplen;
    pcap_dump(reinterpret_cast<u_char *>(impl_->dumper), &header, frame.data());
    ++nof_written;
  }
  return nof_written;
}

void pcap_sink::flush() noexcept { pcap_dump_flush(impl_->dumper); }

} // namespace airan::io
