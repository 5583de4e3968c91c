#pragma once
/// Conversion between unpacked bits (one bit per byte, 0/1) and packed bytes (MSB first).

#include <cstdint>
#include <span>

namespace airan {

/// Packs bits into bytes, MSB first; a last partial byte is zero-padded. bytes.size() >= ceil(bits.size() / 8).
void pack_bits(std::span<uint8_t> bytes, std::span<const uint8_t> bits) noexcept;

/// Unpacks the first bits.size() bits of bytes, MSB first. bytes.size() >= ceil(bits.size() / 8).
void unpack_bits(std::span<uint8_t> bits, std::span<const uint8_t> bytes) noexcept;

} // namespace airan
