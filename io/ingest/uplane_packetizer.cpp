#include "airan/io/ingest/uplane_packetizer.h"

#include "airan/io/fronthaul/fh_packet_builder.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace airan::io {

namespace {

/// eCPRI common header and transport fields, radio timing header, section
/// header.
constexpr std::size_t message_overhead(bool dynamic_compression) {
  return ecpri_common_header_size + ecpri_transport_size + app_header_size + 4 +
         (dynamic_compression ? 2 : 0);
}

} // namespace

status validate(const uplane_packetizer_config &config) {
  if (auto s = validate(config.uplane); !s) {
    return s;
  }
  if (config.uplane.dynamic_compression) {
    if (auto s = validate(config.uplane.static_compression); !s) {
      return s;
    }
  }
  if (config.port_eaxc.empty() || config.port_eaxc.size() > 16) {
    return status::error(
        "U-plane packetizer: " + std::to_string(config.port_eaxc.size()) +
        " ports, expected 1..16");
  }
  if (config.nof_symbols != 14 && config.nof_symbols != 12) {
    return status::error(
        "U-plane packetizer: " + std::to_string(config.nof_symbols) +
        " symbols, expected 14 or 12");
  }
  if (!(config.iq_scale > 0.0F) || !std::isfinite(config.iq_scale)) {
    return status::error("U-plane packetizer: IQ scale must be positive and finite");
  }
  if (config.framing == packet_framing::ethernet && config.ethernet.has_vlan &&
      (config.ethernet.vlan.priority > 7 ||
       config.ethernet.vlan.vlan_id > 0x0FFF)) {
    return status::error(
        "U-plane packetizer: VLAN priority above 7 or VLAN ID above 4095");
  }
  const std::size_t one_prb =
      message_overhead(config.uplane.dynamic_compression) +
      compressed_prb_size(config.uplane.static_compression);
  if (config.max_pdu_bytes < one_prb || config.max_pdu_bytes > 65535) {
    return status::error("U-plane packetizer: PDUs of " +
                         std::to_string(config.max_pdu_bytes) +
                         " bytes, expected " + std::to_string(one_prb) +
                         "..65535 (one PRB must fit)");
  }
  return status::ok();
}

uplane_packetizer::uplane_packetizer(const uplane_packetizer_config &config)
    : config_(config) {
  if (auto s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  // Every section uses uplane.static_compression, written in udCompHdr too when
  // the headers are dynamic.
  const compression_params &params = config.uplane.static_compression;
  max_prb_per_packet_ = std::min<unsigned>(
      config.uplane.nof_carrier_prb,
      static_cast<unsigned>(
          (config.max_pdu_bytes -
           message_overhead(config.uplane.dynamic_compression)) /
          compressed_prb_size(params)));
  const unsigned packets_per_row =
      (config.uplane.nof_carrier_prb + max_prb_per_packet_ - 1) /
      max_prb_per_packet_;
  const std::size_t nof_packets = std::size_t{packets_per_row} *
                                  config.port_eaxc.size() * config.nof_symbols;
  max_packet_bytes_ =
      ethernet_header_size(true) +
      message_overhead(config.uplane.dynamic_compression) +
      std::size_t{max_prb_per_packet_} * compressed_prb_size(params);
  buffer_.resize(nof_packets * max_packet_bytes_);
  packets_.reserve(nof_packets);
  next_seq_.assign(config.port_eaxc.size(), 0);
}

std::span<const uplane_tx_packet>
uplane_packetizer::build_slot(phy::const_grid_view grid, uint8_t frame_id,
                              uint8_t subframe_id, uint8_t slot_id) noexcept {
  packets_.clear();
  if (grid.nof_ports != config_.port_eaxc.size() ||
      grid.nof_symbols != config_.nof_symbols ||
      grid.nof_subcarriers != 12 * config_.uplane.nof_carrier_prb) {
    return {};
  }
  const compression_params &params = config_.uplane.static_compression;
  std::size_t offset = 0;
  for (unsigned l = 0; l != config_.nof_symbols; ++l) {
    for (unsigned port = 0; port != grid.nof_ports; ++port) {
      const std::span<const cf_t> row = grid.symbol(port, l);
      for (unsigned start = 0; start < config_.uplane.nof_carrier_prb;
           start += max_prb_per_packet_) {
        const unsigned nof_prb = std::min(
            max_prb_per_packet_, config_.uplane.nof_carrier_prb - start);
        fh_packet_builder builder(
            std::span<uint8_t>(buffer_).subspan(offset, max_packet_bytes_));
        const bool ethernet = config_.framing == packet_framing::ethernet;
        const auto ecpri_offset =
            ethernet ? static_cast<unsigned>(
                           ethernet_header_size(config_.ethernet.has_vlan))
                     : 0U;
        const app_header header{
            data_direction::uplink, 1, 0, frame_id, subframe_id, slot_id,
            static_cast<uint8_t>(l)};
        const uplane_section_header section{
            static_cast<uint16_t>(start / max_prb_per_packet_),
            false,
            false,
            static_cast<uint16_t>(start),
            static_cast<uint16_t>(nof_prb),
            params};
        std::span<uint8_t> iq;
        // Sizes and fields were checked at creation: no call fails.
        if ((ethernet &&
             builder.add_ethernet_header(config_.ethernet) != fh_error::ok) ||
            builder.begin_message(ecpri_message_type::iq_data,
                                  config_.port_eaxc[port],
                                  {next_seq_[port], true, 0}) != fh_error::ok ||
            builder.add_uplane_header(header) != fh_error::ok ||
            builder.add_uplane_section(section, config_.uplane, iq) !=
                fh_error::ok) {
          packets_.clear();
          return {};
        }
        compress(
            iq, row.subspan(std::size_t{start} * 12, std::size_t{nof_prb} * 12),
            params, config_.iq_scale);
        const std::span<const uint8_t> bytes = builder.finish();
        packets_.push_back({bytes, port, l, ecpri_offset});
        offset += max_packet_bytes_;
        ++next_seq_[port];
      }
    }
  }
  return packets_;
}

} // namespace airan::io
