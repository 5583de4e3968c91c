#pragma once
// Big-endian (network byte order) field access for the fronthaul packet layer. Callers check the bounds.

#include <cstdint>

namespace airan::io::detail {

inline uint16_t load_be16(const uint8_t* p)
{
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

inline uint32_t load_be24(const uint8_t* p)
{
  return static_cast<uint32_t>(p[0]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[2];
}

inline void store_be16(uint8_t* p, uint32_t value)
{
  p[0] = static_cast<uint8_t>(value >> 8);
  p[1] = static_cast<uint8_t>(value);
}

inline void store_be24(uint8_t* p, uint32_t value)
{
  p[0] = static_cast<uint8_t>(value >> 16);
  p[1] = static_cast<uint8_t>(value >> 8);
  p[2] = static_cast<uint8_t>(value);
}

} // namespace airan::io::detail
