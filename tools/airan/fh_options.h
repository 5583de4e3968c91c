#pragma once
// Fronthaul options shared by `airan ru-emu`, `airan run --input` and `airan fh
// dump`: endpoints (pcap:FILE, udp:HOST:PORT), compression, eAxC numbering and
// the IQ scale, and the entry of `airan run --input`.

#include "airan/io/fronthaul/iq_compression.h"
#include "airan/io/testvector.h"
#include "airan/phy/pusch/channel_estimator.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace airan::tools {

/// pcap:FILE or udp:HOST:PORT.
struct endpoint {
  enum class kind_t { pcap, udp } kind = kind_t::pcap;
  std::string path; ///< pcap file.
  std::string host; ///< UDP address.
  uint16_t port = 0;
};

/// Throws std::invalid_argument naming the text when it is neither form.
endpoint parse_endpoint(const std::string &text);

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
  fh_format_options format;
  bool realtime = false;  ///< pcap: replay with the capture's timing.
  unsigned nof_slots = 0; ///< Slots expected (0: whatever the input holds); UDP
                          ///< stops after them.
  double window_us = 2000.0; ///< Reception window from a slot's first packet.
  double idle_ms = 3000.0;   ///< UDP: stop after this long without a packet.
  std::string metrics_path;  ///< Counters as Prometheus text.
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
