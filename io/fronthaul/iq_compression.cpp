#include "airan/io/fronthaul/iq_compression.h"

#include "iq_compression_kernels.h"

#include <cassert>
#include <string>

namespace airan::io {

uint8_t pack_ud_comp_hdr(const compression_params& params) noexcept
{
  assert(params.iq_width >= 1 && params.iq_width <= 16);
  return static_cast<uint8_t>((params.iq_width & 0x0F) << 4 | (static_cast<unsigned>(params.method) & 0x0F));
}

compression_params unpack_ud_comp_hdr(uint8_t ud_comp_hdr) noexcept
{
  const unsigned width = ud_comp_hdr >> 4;
  return {static_cast<compression_method>(ud_comp_hdr & 0x0F), width == 0 ? 16U : width};
}

fh_error check_compression(const compression_params& params) noexcept
{
  switch (params.method) {
    case compression_method::none:
      return params.iq_width == 16 ? fh_error::ok : fh_error::unsupported_iq_width;
    case compression_method::block_floating_point:
      return params.iq_width >= 1 && params.iq_width <= 16 ? fh_error::ok : fh_error::unsupported_iq_width;
    default:
      return fh_error::unknown_compression_method;
  }
}

status validate(const compression_params& params)
{
  const fh_error error = check_compression(params);
  if (error != fh_error::ok) {
    return status::error("compression (udCompMeth " + std::to_string(static_cast<unsigned>(params.method)) +
                         ", udIqWidth " + std::to_string(params.iq_width) + "): " + to_string(error));
  }
  return status::ok();
}

unsigned bfp_exponent(int32_t max_value, int32_t min_value, unsigned iq_width) noexcept
{
  return detail::block_exponent(max_value, min_value, iq_width);
}

namespace detail {

namespace {

/// Reads the 24 two's-complement values of width bits that start at p, MSB first.
void unpack_values(int32_t* values, const uint8_t* p, unsigned width)
{
  uint64_t       bits      = 0;
  unsigned       nof_bits  = 0;
  const uint32_t mask      = (uint32_t{1} << width) - 1;
  const unsigned sign_bits = 32 - width;
  for (unsigned k = 0; k != nof_values_per_prb; ++k) {
    while (nof_bits < width) {
      bits = bits << 8 | *p++;
      nof_bits += 8;
    }
    nof_bits -= width;
    values[k] = static_cast<int32_t>((static_cast<uint32_t>(bits >> nof_bits) & mask) << sign_bits) >> sign_bits;
  }
}

/// Writes the low width bits of each of the 24 values, MSB first (24 width bits: whole bytes).
void pack_values(uint8_t* p, const int32_t* values, unsigned width)
{
  uint64_t       bits     = 0;
  unsigned       nof_bits = 0;
  const uint32_t mask     = (uint32_t{1} << width) - 1;
  for (unsigned k = 0; k != nof_values_per_prb; ++k) {
    bits = bits << width | (static_cast<uint32_t>(values[k]) & mask);
    nof_bits += width;
    while (nof_bits >= 8) {
      nof_bits -= 8;
      *p++ = static_cast<uint8_t>(bits >> nof_bits);
    }
  }
}

/// Exponent (0 without compression) and mantissas of one PRB, then its bytes.
void compress_prb(uint8_t* p, int32_t* values, const prb_format& format)
{
  if (format.has_exponent != 0) {
    const auto [min_value, max_value] = std::minmax_element(values, values + nof_values_per_prb);
    const unsigned exponent           = block_exponent(*max_value, *min_value, format.width);
    for (unsigned k = 0; k != nof_values_per_prb; ++k) {
      values[k] = bfp_mantissa(values[k], exponent, format.width);
    }
    *p++ = static_cast<uint8_t>(exponent);
  }
  pack_values(p, values, format.width);
}

} // namespace

void decompress_generic(std::span<cf_t>           iq,
                        std::span<const uint8_t>  data,
                        const compression_params& params,
                        float                     scale) noexcept
{
  const prb_format       format = make_prb_format(params);
  const exponent_factors factors(scale);
  const std::size_t      nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  auto* out = reinterpret_cast<float*>(iq.data());
  for (std::size_t prb = 0; prb != nof_prb; ++prb, out += nof_values_per_prb) {
    const uint8_t* p      = data.data() + prb * format.size;
    const float    factor = factors.value[format.has_exponent != 0 ? p[0] & 0x0F : 0];
    int32_t        values[nof_values_per_prb];
    unpack_values(values, p + format.has_exponent, format.width);
    for (unsigned k = 0; k != nof_values_per_prb; ++k) {
      out[k] = static_cast<float>(values[k]) * factor;
    }
  }
}

void decompress_generic(std::span<ci16_t> iq, std::span<const uint8_t> data, const compression_params& params) noexcept
{
  const prb_format  format  = make_prb_format(params);
  const std::size_t nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  for (std::size_t prb = 0; prb != nof_prb; ++prb) {
    const uint8_t* p        = data.data() + prb * format.size;
    const unsigned exponent = format.has_exponent != 0 ? p[0] & 0x0F : 0;
    int32_t        values[nof_values_per_prb];
    unpack_values(values, p + format.has_exponent, format.width);
    for (unsigned k = 0; k != nof_subcarriers_per_prb; ++k) {
      // Mantissas have at most 16 bits and exponents at most 15: the product fits 32 bits.
      const auto expand = [exponent](int32_t m) {
        return static_cast<int16_t>(std::clamp(m * (int32_t{1} << exponent), -32768, 32767));
      };
      iq[prb * nof_subcarriers_per_prb + k] = {expand(values[2 * k]), expand(values[2 * k + 1])};
    }
  }
}

void compress_generic(std::span<uint8_t>        data,
                      std::span<const cf_t>     iq,
                      const compression_params& params,
                      float                     scale) noexcept
{
  const prb_format  format  = make_prb_format(params);
  const float       gain    = 1.0F / scale;
  const std::size_t nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  const auto* in = reinterpret_cast<const float*>(iq.data());
  for (std::size_t prb = 0; prb != nof_prb; ++prb, in += nof_values_per_prb) {
    int32_t values[nof_values_per_prb];
    for (unsigned k = 0; k != nof_values_per_prb; ++k) {
      values[k] = to_int16_domain(in[k], gain);
    }
    compress_prb(data.data() + prb * format.size, values, format);
  }
}

void compress_generic(std::span<uint8_t> data, std::span<const ci16_t> iq, const compression_params& params) noexcept
{
  const prb_format  format  = make_prb_format(params);
  const std::size_t nof_prb = data.size() / format.size;
  assert(data.size() == nof_prb * format.size && iq.size() == nof_prb * nof_subcarriers_per_prb);
  for (std::size_t prb = 0; prb != nof_prb; ++prb) {
    int32_t values[nof_values_per_prb];
    for (unsigned k = 0; k != nof_subcarriers_per_prb; ++k) {
      values[2 * k]     = iq[prb * nof_subcarriers_per_prb + k].re;
      values[2 * k + 1] = iq[prb * nof_subcarriers_per_prb + k].im;
    }
    compress_prb(data.data() + prb * format.size, values, format);
  }
}

} // namespace detail

void decompress(std::span<cf_t>           iq,
                std::span<const uint8_t>  data,
                const compression_params& params,
                float                     scale) noexcept
{
#if defined(__x86_64__)
  if (detail::cpu_has_avx2()) {
    detail::decompress_avx2(iq, data, params, scale);
    return;
  }
#endif
  detail::decompress_generic(iq, data, params, scale);
}

void decompress(std::span<ci16_t> iq, std::span<const uint8_t> data, const compression_params& params) noexcept
{
#if defined(__x86_64__)
  if (detail::cpu_has_avx2()) {
    detail::decompress_avx2(iq, data, params);
    return;
  }
#endif
  detail::decompress_generic(iq, data, params);
}

void compress(std::span<uint8_t> data, std::span<const cf_t> iq, const compression_params& params, float scale) noexcept
{
#if defined(__x86_64__)
  if (detail::cpu_has_avx2()) {
    detail::compress_avx2(data, iq, params, scale);
    return;
  }
#endif
  detail::compress_generic(data, iq, params, scale);
}

void compress(std::span<uint8_t> data, std::span<const ci16_t> iq, const compression_params& params) noexcept
{
#if defined(__x86_64__)
  if (detail::cpu_has_avx2()) {
    detail::compress_avx2(data, iq, params);
    return;
  }
#endif
  detail::compress_generic(data, iq, params);
}

} // namespace airan::io
