#include "ipv4_udp.h"

#include "../fronthaul/byte_order.h"

#include <algorithm>

namespace airan::io::detail {

namespace {

constexpr uint8_t udp_protocol = 17;

/// RFC 791 header checksum: one's complement of the one's complement sum of the
/// 16-bit words.
uint16_t ipv4_checksum(const uint8_t *header, std::size_t size) {
  uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    sum += load_be16(header + i);
  }
  while (sum >> 16 != 0) {
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

} // namespace

frame_content classify_frame(std::span<const uint8_t> frame, uint16_t udp_port,
                             std::span<const uint8_t> &payload) noexcept {
  if (frame.size() < 14) {
    return frame_content::other;
  }
  std::size_t offset = 12;
  uint16_t ethertype = load_be16(frame.data() + offset);
  if (ethertype == vlan_tpid && frame.size() >= 18) {
    offset += 4;
    ethertype = load_be16(frame.data() + offset);
  }
  offset += 2;
  if (ethertype == ecpri_ethertype) {
    payload = frame;
    return frame_content::ecpri;
  }
  if (ethertype != ipv4_ethertype ||
      frame.size() < offset + ipv4_udp_header_size) {
    return frame_content::other;
  }
  const uint8_t *ip = frame.data() + offset;
  const std::size_t header_size = std::size_t{ip[0] & 0x0Fu} * 4;
  const std::size_t total_size = load_be16(ip + 2);
  const bool fragment =
      (load_be16(ip + 6) & 0x3FFF) != 0; // MF flag or fragment offset.
  if (ip[0] >> 4 != 4 || header_size < 20 || ip[9] != udp_protocol ||
      fragment || total_size < header_size + 8 ||
      offset + total_size > frame.size()) {
    return frame_content::other;
  }
  const uint8_t *udp = ip + header_size;
  const std::size_t udp_size = load_be16(udp + 4);
  if (udp_size < 8 || header_size + udp_size > total_size ||
      (udp_port != 0 && load_be16(udp + 2) != udp_port)) {
    return frame_content::other;
  }
  payload = frame.subspan(offset + header_size + 8, udp_size - 8);
  return frame_content::udp;
}

std::size_t write_udp_frame(std::span<uint8_t> out,
                            std::span<const uint8_t> payload,
                            const udp_frame_addresses &addresses) noexcept {
  const std::size_t size = 14 + ipv4_udp_header_size + payload.size();
  if (out.size() < size || payload.size() > 0xFFFF - ipv4_udp_header_size) {
    return 0;
  }
  uint8_t *p = out.data();
  std::copy(addresses.destination_mac.begin(), addresses.destination_mac.end(),
            p);
  std::copy(addresses.source_mac.begin(), addresses.source_mac.end(), p + 6);
  store_be16(p + 12, ipv4_ethertype);
  uint8_t *ip = p + 14;
  ip[0] = 0x45; // Version 4, 5 words of header.
  ip[1] = 0;
  store_be16(ip + 2,
             static_cast<uint32_t>(ipv4_udp_header_size + payload.size()));
  store_be16(ip + 4, 0);
  store_be16(ip + 6, 0x4000); // Don't fragment.
  ip[8] = 64;                 // TTL.
  ip[9] = udp_protocol;
  store_be16(ip + 10, 0);
  std::copy(addresses.source_ip.begin(), addresses.source_ip.end(), ip + 12);
  std::copy(addresses.destination_ip.begin(), addresses.destination_ip.end(),
            ip + 16);
  store_be16(ip + 10, ipv4_checksum(ip, 20));
  uint8_t *udp = ip + 20;
  store_be16(udp, addresses.source_port);
  store_be16(udp + 2, addresses.destination_port);
  store_be16(udp + 4, static_cast<uint32_t>(8 + payload.size()));
  store_be16(udp + 6, 0); // No checksum (allowed over IPv4).
  std::copy(payload.begin(), payload.end(), udp + 8);
  return size;
}

} // namespace airan::io::detail
