#pragma once
// Pieces shared by the portable and the AVX2 IQ compression kernels, so that both compute the same numbers.

#include "airan/io/fronthaul/iq_compression.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace airan::io::detail {

/// Layout of one compressed PRB.
struct prb_format {
  unsigned    width;        ///< Bits per value.
  unsigned    has_exponent; ///< 1 when a udCompParam byte leads the PRB (block floating point), else 0.
  std::size_t size;         ///< Bytes.
};

inline prb_format make_prb_format(const compression_params& params)
{
  return {params.iq_width, params.method == compression_method::block_floating_point ? 1U : 0U,
          compressed_prb_size(params)};
}

/// Float multiplier of the mantissas for each exponent: scale 2^e.
struct exponent_factors {
  float value[16];

  explicit exponent_factors(float scale)
  {
    for (int e = 0; e != 16; ++e) {
      value[e] = std::ldexp(scale, e);
    }
  }
};

/// A float sample value in the int16 domain: x gain rounded to nearest (ties to even, the default rounding mode),
/// saturated to [-32768, 32767], NaN giving -32768. The comparisons are those of the x86 max/min instructions, so
/// that the AVX2 code gives the same integers. Adding and subtracting 1.5 2^23 rounds any |v| < 2^22 to an integer
/// in the current rounding mode, as nearbyint() would, without a library call.
inline int32_t to_int16_domain(float x, float gain)
{
  constexpr float round_constant = 0x1.8p23F;
  float           v              = x * gain;
  v                              = v > -32768.0F ? v : -32768.0F;
  v                              = v < 32767.0F ? v : 32767.0F;
  return static_cast<int32_t>((v + round_constant) - round_constant);
}

/// bfp_exponent(), inline for the kernels.
inline unsigned block_exponent(int32_t max_value, int32_t min_value, unsigned width)
{
  const auto fits = [&](unsigned exponent) {
    const int64_t half  = (int64_t{1} << exponent) >> 1;
    const int64_t limit = int64_t{1} << (width - 1 + exponent);
    return max_value + half < limit && min_value + half >= -limit;
  };
  // Truncation (v >> e) fits from e_t = (signed bit width of the largest magnitude) - width on. Rounding fits at e
  // only if truncation fits at e + 1, and rounding fits at e_t + 1, so the answer is e_t - 1, e_t or e_t + 1.
  const int32_t  magnitude = std::max(max_value, ~min_value);
  const unsigned bits      = static_cast<unsigned>(std::bit_width(static_cast<uint32_t>(std::max(magnitude, 0)))) + 1;
  const unsigned first     = bits > width + 1 ? bits - width - 1 : 0;
  const unsigned exponent  = first + (fits(first) ? 0 : 1) + (fits(first + 1) ? 0 : 1);
  return std::min(exponent, 15U);
}

/// Mantissa of v with exponent e and width w: round(v / 2^e) (halves rounded up), saturated to the w-bit range.
inline int32_t bfp_mantissa(int32_t v, unsigned exponent, unsigned width)
{
  const int32_t half = (1 << exponent) >> 1;
  const int32_t top  = (1 << (width - 1)) - 1;
  return std::clamp((v + half) >> exponent, -top - 1, top);
}

#if defined(__x86_64__)
bool cpu_has_avx2() noexcept;

void decompress_avx2(std::span<cf_t>           iq,
                     std::span<const uint8_t>  data,
                     const compression_params& params,
                     float                     scale) noexcept;
void decompress_avx2(std::span<ci16_t> iq, std::span<const uint8_t> data, const compression_params& params) noexcept;
void compress_avx2(std::span<uint8_t>        data,
                   std::span<const cf_t>     iq,
                   const compression_params& params,
                   float                     scale) noexcept;
void compress_avx2(std::span<uint8_t> data, std::span<const ci16_t> iq, const compression_params& params) noexcept;
#endif

} // namespace airan::io::detail
