#pragma once
/// U-plane IQ sample compression, O-RAN.WG4.CUS Annex A.1 (block floating point) with the udCompHdr and
/// udCompParam fields of the U-plane section (O-RAN.WG4.CUS 6.3.3). The IQ data of a section is a sequence of
/// PRBs; for block floating point each PRB is one udCompParam byte (4 reserved bits, then the exponent in the 4 low
/// bits) followed by the 12 (I, Q) pairs of the PRB as 24 signed mantissas of udIqWidth bits, packed MSB first with
/// no gaps (3 udIqWidth bytes); without compression there is no udCompParam byte and the 24 values are 16-bit
/// big-endian integers.
///
/// The integer domain is int16: an integer value v stands for the float v * scale (scale = 1 / 32768 makes the
/// int16 full scale 1.0). Block floating point stores v as m * 2^e with a w-bit mantissa m and a 4-bit exponent e.
///
/// The kernels use AVX2 when the CPU has it (runtime dispatch) and portable code otherwise; both give the same bytes
/// and the same samples, bit for bit. They never allocate and never read or write outside the spans.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/io/fronthaul/fh_error.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::io {

/// Complex sample in the int16 integer domain, I first (the memory layout of interleaved I/Q int16 samples).
struct ci16_t {
  int16_t re = 0;
  int16_t im = 0;

  bool operator==(const ci16_t&) const = default;
};

/// udCompMeth values (O-RAN.WG4.CUS, udCompHdr field description). Only none and block_floating_point are
/// implemented; a received value may be any of 0..15.
enum class compression_method : uint8_t {
  none                    = 0,
  block_floating_point    = 1,
  block_scaling           = 2,
  mu_law                  = 3,
  modulation              = 4,
  bfp_selective_re        = 5,
  modulation_selective_re = 6,
};

/// A decoded udCompHdr: method and udIqWidth in bits, 1..16 (the 4-bit field codes 16 as 0).
struct compression_params {
  compression_method method   = compression_method::none;
  unsigned           iq_width = 16;

  bool operator==(const compression_params&) const = default;
};

inline constexpr unsigned nof_subcarriers_per_prb = 12;
/// Real values (I and Q of 12 subcarriers) in one compressed PRB.
inline constexpr unsigned nof_values_per_prb = 2 * nof_subcarriers_per_prb;

/// udCompHdr byte: udIqWidth in the 4 high bits (16 coded as 0), udCompMeth in the 4 low bits. Requires iq_width
/// in 1..16 and a method below 16.
uint8_t pack_ud_comp_hdr(const compression_params& params) noexcept;
compression_params unpack_ud_comp_hdr(uint8_t ud_comp_hdr) noexcept;

/// ok when the compression is implemented: none with 16-bit samples, or block floating point with a mantissa width
/// of 1..16 bits; otherwise unknown_compression_method or unsupported_iq_width.
fh_error check_compression(const compression_params& params) noexcept;

/// check_compression() as a status naming the problem, for configuration.
status validate(const compression_params& params);

/// Bytes of one compressed PRB: 3 udIqWidth, plus the udCompParam byte for block floating point. Requires
/// check_compression(params) to be ok.
constexpr std::size_t compressed_prb_size(const compression_params& params)
{
  return 3 * std::size_t{params.iq_width} + (params.method == compression_method::block_floating_point ? 1 : 0);
}

/// Block floating point exponent of one PRB: the smallest e in 0..15 such that every value v of the PRB rounded
/// to round(v / 2^e) = floor((v + 2^e / 2) / 2^e) fits the signed iq_width-bit range
/// [-2^(iq_width-1), 2^(iq_width-1) - 1]; 15 if none does (only possible for iq_width 1, where values then
/// saturate). max_value and min_value are the largest and the smallest of the PRB's 24 values.
unsigned bfp_exponent(int32_t max_value, int32_t min_value, unsigned iq_width) noexcept;

/// Decompresses data (nof_prb compressed PRBs, data.size() == nof_prb * compressed_prb_size(params)) into
/// iq (12 nof_prb samples): iq = m 2^e scale. Requires check_compression(params) to be ok.
void decompress(std::span<cf_t>           iq,
                std::span<const uint8_t>  data,
                const compression_params& params,
                float                     scale) noexcept;

/// Decompresses to the int16 domain: m 2^e, saturated to [-32768, 32767] (only reachable with exponents larger than
/// a compressor would choose).
void decompress(std::span<ci16_t> iq, std::span<const uint8_t> data, const compression_params& params) noexcept;

/// Compresses iq (12 nof_prb samples) into data (nof_prb * compressed_prb_size(params) bytes). Each value is first
/// converted to the int16 domain, v = x / scale rounded to nearest (ties to even) and saturated to
/// [-32768, 32767] (NaN gives -32768); block floating point then picks bfp_exponent() per PRB and stores the
/// rounded mantissas, so that |v - m 2^e| <= 2^e / 2 (for widths of 2 bits and more; 1-bit mantissas saturate).
/// Requires check_compression(params) to be ok and scale > 0.
void compress(std::span<uint8_t>        data,
              std::span<const cf_t>     iq,
              const compression_params& params,
              float                     scale) noexcept;

/// Compresses int16-domain samples (no conversion step).
void compress(std::span<uint8_t> data, std::span<const ci16_t> iq, const compression_params& params) noexcept;

namespace detail {
/// The portable code paths of the four functions above (the public functions use AVX2 where the CPU has it);
/// exposed so that both paths can be compared on any machine.
void decompress_generic(std::span<cf_t>           iq,
                        std::span<const uint8_t>  data,
                        const compression_params& params,
                        float                     scale) noexcept;
void decompress_generic(std::span<ci16_t> iq, std::span<const uint8_t> data, const compression_params& params) noexcept;
void compress_generic(std::span<uint8_t>        data,
                      std::span<const cf_t>     iq,
                      const compression_params& params,
                      float                     scale) noexcept;
void compress_generic(std::span<uint8_t> data, std::span<const ci16_t> iq, const compression_params& params) noexcept;
} // namespace detail

} // namespace airan::io
