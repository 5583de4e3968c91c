#pragma once
// Helpers of the DPDK port tests: EAL arguments without hugepages or PCI, U-plane frames to send, a capture file writer
// (libpcap), and bounded polling.

#include "airan/io/fronthaul/fh_packet_builder.h"
#include "airan/io/ingest/dpdk_port.h"

#include <pcap/pcap.h>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace airan::io::test {

/// Records that the running test could not run here and why; the runner then exits with 77 (skipped).
void skip_test(const std::string& reason);

/// EAL without hugepages, PCI, shared files or telemetry: runs in CI, and several test processes run side by side.
inline std::vector<std::string> eal_args()
{
  return {"--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0", "--log-level=error"};
}

/// A port configuration sized for tests (small pool), EAL already started by the runner.
inline dpdk_port_config small_port(const std::string& vdev)
{
  dpdk_port_config config;
  config.vdev               = vdev;
  config.nof_rx_descriptors = 256;
  config.nof_tx_descriptors = 256;
  config.mempool_size       = 1023;
  config.mempool_cache_size = 32;
  return config;
}

/// U-plane frames (Ethernet, one eCPRI IQ data message, one BFP-9 section): frame i has eAxC 0x100 + i, sequence ID i,
/// nof_prb[i] PRBs of random IQ bytes (fixed seed).
inline std::vector<std::vector<uint8_t>> make_uplane_frames(const std::vector<uint16_t>& nof_prb, unsigned seed)
{
  const compression_params          bfp9{compression_method::block_floating_point, 9};
  const uplane_config               config{273, false, bfp9};
  std::mt19937                      rng(seed);
  std::vector<std::vector<uint8_t>> frames;
  for (std::size_t i = 0; i != nof_prb.size(); ++i) {
    std::vector<uint8_t> buffer(9000);
    fh_packet_builder    builder(buffer);
    ethernet_header      ethernet;
    ethernet.destination = {0x02, 0, 0, 0, 0, 0x01};
    ethernet.source      = {0x02, 0, 0, 0, 0, 0x02};
    std::span<uint8_t> iq;
    app_header         header;
    header.symbol_id = static_cast<uint8_t>(i % 14);
    const bool built = builder.add_ethernet_header(ethernet) == fh_error::ok &&
                       builder.begin_message(ecpri_message_type::iq_data,
                                             static_cast<uint16_t>(0x100 + i),
                                             {static_cast<uint8_t>(i), true, 0}) == fh_error::ok &&
                       builder.add_uplane_header(header) == fh_error::ok &&
                       builder.add_uplane_section(
                           {static_cast<uint16_t>(i), false, false, 0, nof_prb[i], bfp9}, config, iq) == fh_error::ok;
    if (!built) {
      return {};
    }
    for (uint8_t& byte : iq) {
      byte = static_cast<uint8_t>(rng());
    }
    const std::span<const uint8_t> frame = builder.finish();
    frames.emplace_back(frame.begin(), frame.end());
  }
  return frames;
}

/// Writes frames to a classic pcap file (link type Ethernet); false when the file cannot be written.
inline bool write_pcap(const std::filesystem::path& path, const std::vector<std::vector<uint8_t>>& frames)
{
  pcap_t* handle = pcap_open_dead(DLT_EN10MB, 65535);
  if (handle == nullptr) {
    return false;
  }
  pcap_dumper_t* dumper = pcap_dump_open(handle, path.c_str());
  if (dumper == nullptr) {
    pcap_close(handle);
    return false;
  }
  for (std::size_t i = 0; i != frames.size(); ++i) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(1'700'000'000 + i);
    header.caplen    = static_cast<bpf_u_int32>(frames[i].size());
    header.len       = header.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, frames[i].data());
  }
  pcap_dump_close(dumper);
  pcap_close(handle);
  return true;
}

/// A file name under the temporary directory unique to this process.
inline std::filesystem::path temp_file(const std::string& name)
{
  return std::filesystem::temp_directory_path() / ("airan_dpdk_" + std::to_string(::getpid()) + "_" + name);
}

/// Polls source until max_frames frames arrived or nof_idle_polls polls in a row returned nothing (sleeping idle_sleep
/// between them): a bound on the wait, not a timing check. Copies the bytes, since the views end at the next poll.
/// Frames whose EtherType is not eCPRI (kernel traffic on a veth) are left out when only_ecpri.
inline std::vector<std::vector<uint8_t>> receive_frames(packet_source&            source,
                                                        std::size_t               max_frames,
                                                        unsigned                  nof_idle_polls,
                                                        std::chrono::microseconds idle_sleep,
                                                        bool                      only_ecpri = false)
{
  std::vector<std::vector<uint8_t>> frames;
  std::array<rx_packet, 8>          burst;
  unsigned                          idle = 0;
  while (frames.size() < max_frames && idle < nof_idle_polls) {
    const std::size_t nof_rx = source.receive_burst(burst);
    idle                     = nof_rx == 0 ? idle + 1 : 0;
    if (nof_rx == 0 && idle_sleep.count() != 0) {
      std::this_thread::sleep_for(idle_sleep);
    }
    for (std::size_t i = 0; i != nof_rx; ++i) {
      const std::span<const uint8_t> bytes = burst[i].bytes;
      if (only_ecpri && (bytes.size() < 14 || bytes[12] != 0xAE || bytes[13] != 0xFE)) {
        continue;
      }
      frames.emplace_back(bytes.begin(), bytes.end());
    }
  }
  return frames;
}

} // namespace airan::io::test
