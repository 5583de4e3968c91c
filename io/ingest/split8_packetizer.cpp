#include "airan/io/ingest/split8_packetizer.h"

#include "airan/io/fronthaul/fh_packet_builder.h"
#include "airan/io/fronthaul/split8.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace airan::io {

namespace {

constexpr std::size_t message_overhead = ecpri_common_header_size + ecpri_transport_size + split8_header_size;

} // namespace

status validate(const split8_packetizer_config& config)
{
  if (config.port_stream.empty() || config.port_stream.size() > 16) {
    return status::error("split 8 packetizer: " + std::to_string(config.port_stream.size()) + " ports, expected 1..16");
  }
  if (config.max_slot_length < 1 || config.max_slot_length > 1U << 22) {
    return status::error("split 8 packetizer: slots of " + std::to_string(config.max_slot_length) +
                         " samples, expected 1..2^22");
  }
  if (config.scale_exponent > split8_max_scale_exponent) {
    return status::error("split 8 packetizer: scale exponent " + std::to_string(config.scale_exponent) +
                         ", expected 0..31");
  }
  if (config.framing == packet_framing::ethernet && config.ethernet.has_vlan &&
      (config.ethernet.vlan.priority > 7 || config.ethernet.vlan.vlan_id > 0x0FFF)) {
    return status::error("split 8 packetizer: VLAN priority above 7 or VLAN ID above 4095");
  }
  if (config.max_pdu_bytes < message_overhead + split8_sample_size || config.max_pdu_bytes > 65535) {
    return status::error("split 8 packetizer: PDUs of " + std::to_string(config.max_pdu_bytes) + " bytes, expected " +
                         std::to_string(message_overhead + split8_sample_size) + "..65535 (one sample must fit)");
  }
  return status::ok();
}

split8_packetizer::split8_packetizer(const split8_packetizer_config& config) : config_(config)
{
  if (auto s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  max_samples_per_packet_ = static_cast<unsigned>(std::min<std::size_t>(
      {(config.max_pdu_bytes - message_overhead) / split8_sample_size, config.max_slot_length, 0xFFFF}));
  const std::size_t packets_per_port = (config.max_slot_length + max_samples_per_packet_ - 1) / max_samples_per_packet_;
  const std::size_t nof_packets = packets_per_port * config.port_stream.size();
  max_packet_bytes_ = ethernet_header_size(true) + message_overhead + max_samples_per_packet_ * split8_sample_size;
  buffer_.resize(nof_packets * max_packet_bytes_);
  packets_.reserve(nof_packets);
  next_seq_.assign(config.port_stream.size(), 0);
}

std::span<const split8_tx_packet> split8_packetizer::build_slot(std::span<const std::span<const cf_t>> ports,
                                                                uint8_t frame_id, uint8_t subframe_id,
                                                                uint8_t slot_id) noexcept
{
  packets_.clear();
  if (ports.size() != config_.port_stream.size() || ports[0].empty() || ports[0].size() > config_.max_slot_length ||
      std::any_of(ports.begin(), ports.end(), [&](std::span<const cf_t> p) { return p.size() != ports[0].size(); })) {
    return {};
  }
  const auto length = static_cast<unsigned>(ports[0].size());
  const bool ethernet = config_.framing == packet_framing::ethernet;
  const unsigned ecpri_offset = ethernet ? static_cast<unsigned>(ethernet_header_size(config_.ethernet.has_vlan)) : 0;
  const float scale = split8_scale(config_.scale_exponent);
  std::size_t offset = 0;
  for (unsigned start = 0; start < length; start += max_samples_per_packet_) {
    const unsigned nof_samples = std::min(max_samples_per_packet_, length - start);
    for (unsigned port = 0; port != ports.size(); ++port) {
      fh_packet_builder builder(std::span<uint8_t>(buffer_).subspan(offset, max_packet_bytes_));
      const split8_header header{data_direction::uplink,
                                 split8_sample_format::int16_iq,
                                 frame_id,
                                 subframe_id,
                                 slot_id,
                                 static_cast<uint8_t>(config_.scale_exponent),
                                 start,
                                 static_cast<uint16_t>(nof_samples)};
      std::span<uint8_t> samples;
      // Sizes and fields were checked at creation: no call fails.
      if ((ethernet && builder.add_ethernet_header(config_.ethernet) != fh_error::ok) ||
          builder.begin_message(ecpri_message_type::iq_data, config_.port_stream[port], {next_seq_[port], true, 0}) !=
              fh_error::ok ||
          builder.add_split8_block(header, samples) != fh_error::ok) {
        packets_.clear();
        return {};
      }
      nof_saturated_ += split8_write_samples(samples, ports[port].subspan(start, nof_samples), scale);
      packets_.push_back({builder.finish(), port, start + nof_samples, ecpri_offset});
      offset += max_packet_bytes_;
      ++next_seq_[port];
    }
  }
  return packets_;
}

} // namespace airan::io
