#pragma once
/// Cyclic redundancy check computation, TS 38.212 5.1.

#include <cstdint>
#include <span>

namespace airan::phy {

/// CRC generator polynomials of TS 38.212 5.1.
enum class crc_type : uint8_t {
  crc24a, ///< g_CRC24A(D) = D^24 + D^23 + D^18 + D^17 + D^14 + D^11 + D^10 + D^7 + D^6 + D^5 + D^4 + D^3 + D + 1.
  crc24b, ///< g_CRC24B(D) = D^24 + D^23 + D^6 + D^5 + D + 1.
  crc24c, ///< g_CRC24C(D) = D^24 + D^23 + D^21 + D^20 + D^17 + D^15 + D^13 + D^12 + D^8 + D^4 + D^2 + D + 1.
  crc16,  ///< g_CRC16(D) = D^16 + D^12 + D^5 + 1.
  crc11,  ///< g_CRC11(D) = D^11 + D^10 + D^9 + D^5 + 1.
  crc6,   ///< g_CRC6(D) = D^6 + D^5 + 1.
};

/// Number of parity bits L of a CRC type (24, 16, 11 or 6), TS 38.212 5.1.
unsigned crc_length(crc_type type) noexcept;

/// Parity bits p_0 .. p_{L-1} of TS 38.212 5.1 for a message given as packed bytes (MSB first, whole bytes).
/// The register starts at 0 and no final XOR is applied, so appending the parity bits to the message gives a zero
/// remainder. The result holds p_0 in bit L-1 and p_{L-1} in bit 0.
uint32_t crc_compute_bytes(crc_type type, std::span<const uint8_t> bytes) noexcept;

/// Same as crc_compute_bytes() for a message given as unpacked bits (one bit per byte, values 0/1), any length.
uint32_t crc_compute_bits(crc_type type, std::span<const uint8_t> bits) noexcept;

} // namespace airan::phy
