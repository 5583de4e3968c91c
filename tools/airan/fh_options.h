#pragma once
// Fronthaul options shared by `airan ru-emu`, `airan run --input` and `airan fh
// dump`: endpoints (pcap:FILE, udp:HOST:PORT, dpdk:VDEV), the DPDK EAL
// arguments, the functional split, compression, eAxC numbering and the IQ
// scale, and the entry of `airan run --input`.

#include "airan/io/fronthaul/iq_compression.h"
#include "airan/io/testvector.h"
#include "airan/phy/pusch/channel_estimator.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace airan::tools {

/// pcap:FILE, udp:HOST:PORT or dpdk:VDEV.
struct endpoint {
  enum class kind_t { pcap, udp, dpdk } kind = kind_t::pcap;
  std::string path; ///< pcap file.
  std::string host; ///< UDP address.
  uint16_t port = 0;
  std::string vdev; ///< DPDK virtual device, "name,key=value,...".
};

/// Throws std::invalid_argument naming the text when it is none of the forms.
endpoint parse_endpoint(const std::string &text);

/// EAL arguments of a dpdk: endpoint (one EAL per process): no hugepages, no
/// PCI devices, no shared files, no telemetry, lcore 0.
inline constexpr const char *default_eal_args =
    "--no-huge -m 256 --no-pci --no-shconf --no-telemetry -l 0 "
    "--log-level=error";

/// Splits --eal text at white space.
std::vector<std::string> split_eal_args(const std::string &text);

/// --eal: the EAL arguments of a dpdk: endpoint.
void add_eal_option(CLI::App &cmd, std::string &eal);

/// The functional split carried on the link: 7 (O-RAN 7.2x U-plane, frequency
/// domain PRBs) or 8 (time-domain IQ samples, io/fronthaul/SPLIT8.md).
enum class fh_split { split7, split8 };

/// --split 7|8.
void add_split_option(CLI::App &cmd, fh_split &split);

/// How U-plane IQ data is formatted on the link; both ends must agree.
struct fh_format_options {
  std::string bfp = "9"; ///< Block floating point mantissa width (1..16) or
                         ///< "none" (16-bit samples).
  bool ud_comp_hdr =
      false; ///< Sections carry udCompHdr (dynamic compression header).
  uint16_t eaxc_base =
      0; ///< eAxC ID of receive port 0; port i uses eaxc_base + i.
  float iq_scale = 1.0F / 8192.0F;
  uint16_t udp_port = 0; ///< pcap input: UDP destination port to read (0: any).
};

void add_fh_format_options(CLI::App &cmd, fh_format_options &options);
/// Throws std::invalid_argument for a width outside 1..16 that is not "none".
io::compression_params compression_of(const fh_format_options &options);
std::vector<uint16_t> port_eaxc_of(const fh_format_options &options,
                                   unsigned nof_ports);

/// `airan run --input ENDPOINT VECTOR`.
struct fronthaul_run_options {
  std::string input;
  std::string eal = default_eal_args;
  fh_split split = fh_split::split7;
  fh_format_options format;
  bool realtime = false;  ///< pcap: replay with the capture's timing.
  unsigned nof_slots = 0; ///< Slots expected (0: whatever the input holds); UDP
                          ///< stops after them.
  double window_us = 2000.0; ///< Reception window from a slot's first packet.
  double idle_ms = 3000.0;   ///< UDP: stop after this long without a packet.
  unsigned decode_threads = 1; ///< Decode workers beside the ingest thread.
  int decode_nice = 0; ///< Added to the decode workers' nice value.
  unsigned decode_buffers = 8; ///< Closed slots waiting for or in decoding at once;
                               ///< more are dropped (decode overrun).
  unsigned udp_receive_buffer_kib = 8192; ///< UDP input: SO_RCVBUF asked for.
  /// Slots listed in the per-slot table and the JSON report: the first ones
  /// to close (a live run may last for hours); every slot is counted.
  unsigned nof_listed_slots = 100'000;
  std::string metrics_path;  ///< Counters as Prometheus text.
  uint16_t metrics_port = 0; ///< Serve GET /metrics on this TCP port (0: no).
  std::string metrics_address = "127.0.0.1"; ///< Its bind address.
};

void add_fronthaul_run_options(CLI::App &cmd, fronthaul_run_options &options);

/// Assembles slots from the input and decodes each with the vector's PDU; exit
/// status 0 when every slot arrived complete and decoded bit-exactly (and
/// nof_slots of them when given).
int run_fronthaul(const std::string &vector_path,
                  const fronthaul_run_options &options,
                  phy::channel_estimator_kind estimator,
                  const std::string &json_path);

} // namespace airan::tools
