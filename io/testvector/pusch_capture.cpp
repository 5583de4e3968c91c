// Fronthaul captures of PUSCH test vectors: the vector's grid as U-plane packets in a pcap file, and back.

#include "pusch_capture.h"
#include "airan/io/ingest/pcap_io.h"
#include "airan/io/ingest/slot_assembler.h"
#include "airan/io/ingest/uplane_packetizer.h"
#include "airan/io/testvector.h"

#include <algorithm>
#include <stdexcept>

namespace airan::io {

namespace {

/// Nanoseconds of a slot, 1 ms / 2^mu (TS 38.211 4.3.2).
int64_t slot_ns(unsigned numerology)
{
  return 1'000'000 >> numerology;
}

/// The U-plane format of a vector's capture: one carrier spanning the BWP, the vector's compression.
uplane_config uplane_of(const pusch_vector& v)
{
  uplane_config config;
  config.nof_carrier_prb = v.carrier.bwp_size;
  config.dynamic_compression = v.fronthaul.ud_comp_hdr;
  config.static_compression = {v.fronthaul.block_floating_point ? compression_method::block_floating_point
                                                                : compression_method::none,
                               v.fronthaul.iq_width};
  return config;
}

std::vector<uint16_t> port_eaxc_of(const pusch_vector& v)
{
  std::vector<uint16_t> eaxc(v.nof_ports);
  for (unsigned p = 0; p < v.nof_ports; ++p) {
    eaxc[p] = static_cast<uint16_t>(v.fronthaul.eaxc_base + p);
  }
  return eaxc;
}

status check_bwp(const pusch_vector& v)
{
  if (v.carrier.bwp_start != 0 || v.carrier.bwp_size != v.carrier.nof_prb) {
    return status::error("a fronthaul capture carries the whole carrier: the BWP must span it");
  }
  return status::ok();
}

} // namespace

status write_pusch_capture(const std::string& pcap_path, const pusch_vector& v)
{
  if (auto s = check_bwp(v); !s) {
    return s;
  }
  uplane_packetizer_config config;
  config.uplane = uplane_of(v);
  config.iq_scale = v.fronthaul.iq_scale;
  config.port_eaxc = port_eaxc_of(v);
  config.nof_symbols = v.nof_symbols;
  config.framing = packet_framing::ethernet;
  if (auto s = validate(config); !s) {
    return status::error(pcap_path + ": " + s.message());
  }
  if (v.grid.size() != std::size_t{v.nof_ports} * v.nof_symbols * v.nof_subcarriers) {
    return status::error(pcap_path + ": the vector holds no grid to send");
  }
  try {
    uplane_packetizer packetizer(config);
    pcap_sink sink({pcap_path, packet_framing::ethernet});
    const unsigned mu = v.carrier.numerology;
    const unsigned slot = v.pdu.slot % (10U << mu);
    const auto packets =
        packetizer.build_slot({v.grid.data(), v.nof_ports, v.nof_symbols, v.nof_subcarriers}, 0,
                              static_cast<uint8_t>(slot >> mu), static_cast<uint8_t>(slot % (1U << mu)));
    // Fixed times (no wall clock): the same vector gives the same file. A symbol's packets leave once it has been
    // received over the air.
    const int64_t slot_start_ns = int64_t{slot} * slot_ns(mu);
    for (const uplane_tx_packet& p : packets) {
      const std::span<const uint8_t> bytes[] = {p.bytes};
      const int64_t time_ns = slot_start_ns + (p.symbol + 1) * slot_ns(mu) / v.nof_symbols;
      if (sink.send_burst(bytes, time_ns) != 1) {
        return status::error(pcap_path + ": cannot write a packet");
      }
    }
    sink.flush();
  } catch (const std::exception& e) {
    return status::error(pcap_path + ": " + e.what());
  }
  return status::ok();
}

status detail::capture_grid(const pusch_vector& v, std::vector<cf_t>& grid)
{
  if (auto s = check_bwp(v); !s) {
    return s;
  }
  slot_assembler_config config;
  config.numerology = v.carrier.numerology;
  config.nof_symbols = v.nof_symbols;
  config.uplane = uplane_of(v);
  config.iq_scale = v.fronthaul.iq_scale;
  config.port_eaxc = port_eaxc_of(v);
  config.reception_window_ns = slot_ns(v.carrier.numerology);
  if (auto s = validate(config); !s) {
    return status::error(v.pcap_path + ": " + s.message());
  }
  const unsigned mu = v.carrier.numerology;
  const unsigned slot = v.pdu.slot % (10U << mu);
  bool found = false;
  std::string read_error;
  try {
    slot_assembler assembler(config, [&](const assembled_slot& s) {
      if (found || !s.complete() || s.subframe_id != slot >> mu || s.slot_id != slot % (1U << mu)) {
        return;
      }
      grid.assign(s.grid.data, s.grid.data + s.grid.size());
      found = true;
    });
    pcap_source source({v.pcap_path, false, 0});
    std::vector<rx_packet> burst(64);
    while (!source.at_end()) {
      assembler.push(std::span(burst).first(source.receive_burst(burst)));
    }
    assembler.flush();
    read_error = source.read_error();
  } catch (const std::exception& e) {
    return status::error(v.pcap_path + ": " + e.what());
  }
  if (!read_error.empty()) {
    return status::error(v.pcap_path + ": " + read_error);
  }
  if (!found) {
    return status::error(v.pcap_path + ": no complete slot " + std::to_string(slot) + " in the capture");
  }
  return status::ok();
}

} // namespace airan::io
