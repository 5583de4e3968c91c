// Portable instantiation of the layered min-sum kernel: one lane at a time, plain C++.

#include "ldpc_decoder_kernel.h"

namespace airan::phy::detail {

namespace {

struct scalar_ops {
  using vec = int8_t;
  static constexpr unsigned width = 1;

  static vec load(const int8_t* p) { return *p; }
  static void store(int8_t* p, vec v) { *p = v; }
  static vec zero() { return 0; }
  static vec all_ones() { return static_cast<vec>(-1); }
  static vec saturate(int v) { return static_cast<vec>(v < -128 ? -128 : (v > 127 ? 127 : v)); }
  static vec adds(vec a, vec b) { return saturate(a + b); }
  static vec subs(vec a, vec b) { return saturate(a - b); }
  static uint8_t as_unsigned(vec a) { return static_cast<uint8_t>(a); }
  static vec from_unsigned(unsigned a) { return static_cast<vec>(static_cast<uint8_t>(a)); }
  static vec abs(vec a) { return from_unsigned(a < 0 ? -a : a); }
  static vec min_u(vec a, vec b) { return as_unsigned(a) < as_unsigned(b) ? a : b; }
  static vec max_u(vec a, vec b) { return as_unsigned(a) < as_unsigned(b) ? b : a; }
  static vec bit_or(vec a, vec b) { return static_cast<vec>(a | b); }
  static vec bit_xor(vec a, vec b) { return static_cast<vec>(a ^ b); }
  static vec select_eq(vec a, vec b, vec x, vec y) { return a == b ? x : y; }
  static vec apply_sign(vec magnitude, vec sign) { return static_cast<vec>(sign < 0 ? -magnitude : magnitude); }
  static vec clamp_llr(vec a) { return a < -127 ? static_cast<vec>(-127) : a; }
  static vec scale(vec magnitude, unsigned scaling_q4, unsigned min_magnitude, unsigned offset)
  {
    const unsigned m = as_unsigned(magnitude);
    const unsigned lowest = m < min_magnitude ? m : min_magnitude;
    unsigned scaled = (m * scaling_q4) >> 4;
    scaled = scaled > lowest ? scaled : lowest;
    scaled = scaled < ldpc_max_message ? scaled : ldpc_max_message;
    return from_unsigned(scaled > offset ? scaled - offset : 0);
  }
  static bool any_negative(vec a) { return a < 0; }
  static vec sign_bit(vec a) { return static_cast<vec>(as_unsigned(a) >> 7); }
  static vec condition(vec a, unsigned shift)
  {
    const unsigned magnitude = (as_unsigned(abs(a)) + ((1U << shift) >> 1)) >> shift;
    const int limited = static_cast<int>(magnitude < ldpc_max_channel_llr ? magnitude : ldpc_max_channel_llr);
    return static_cast<vec>(a < 0 ? -limited : limited);
  }
};

} // namespace

ldpc_decode_result ldpc_decode_scalar(const ldpc_layered_schedule& schedule, std::span<const int8_t> llrs,
                                      std::span<uint8_t> info_bits) noexcept
{
  return ldpc_layered_kernel<scalar_ops>::decode(schedule, llrs, info_bits);
}

} // namespace airan::phy::detail
