#pragma once
// IPv4 (RFC 791) and UDP (RFC 768) headers around an eCPRI PDU, for pcap files
// of eCPRI over IP: reading a frame down to its UDP payload, and writing one
// around a payload. No options are written; received IPv4 options are skipped;
// fragments are not reassembled.

#include "airan/io/fronthaul/ecpri.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io::detail {

inline constexpr uint16_t ipv4_ethertype = 0x0800;
inline constexpr std::size_t ipv4_udp_header_size = 20 + 8;

/// Addresses of a frame written around a UDP payload.
struct udp_frame_addresses {
  mac_address destination_mac{0x02, 0, 0, 0, 0, 0x02};
  mac_address source_mac{0x02, 0, 0, 0, 0, 0x01};
  std::array<uint8_t, 4> destination_ip{192, 168, 1, 2};
  std::array<uint8_t, 4> source_ip{192, 168, 1, 1};
  uint16_t destination_port = 50000;
  uint16_t source_port = 50000;
};

/// What an Ethernet frame of the capture carries.
enum class frame_content : uint8_t { ecpri, udp, other };

/// Classifies a frame: eCPRI over Ethernet (0xAEFE, optionally behind an 802.1Q
/// tag; payload is the whole frame), an unfragmented IPv4 UDP datagram (payload
/// is its UDP payload; udp_port 0 or the destination port), or other.
frame_content classify_frame(std::span<const uint8_t> frame, uint16_t udp_port,
                             std::span<const uint8_t> &payload) noexcept;

/// Writes Ethernet, IPv4 and UDP headers and the payload into out (at least 14
/// + 28 + payload bytes); returns the frame's size, 0 when it does not fit.
std::size_t write_udp_frame(std::span<uint8_t> out,
                            std::span<const uint8_t> payload,
                            const udp_frame_addresses &addresses) noexcept;

} // namespace airan::io::detail
