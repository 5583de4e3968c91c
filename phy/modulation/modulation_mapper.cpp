/// Modulation mapper, TS 38.211 5.1.

#include "airan/phy/modulation/modulation.h"

#include <cassert>
#include <cstddef>

namespace airan::phy {
namespace {

/// 1 - 2 b(k), the factor every formula of TS 38.211 5.1 is built from.
constexpr float antipodal(uint8_t bit)
{
  return 1.0F - 2.0F * static_cast<float>(bit & 1U);
}

/// One dimension (real or imaginary part) of a square QAM with K bits per dimension, before normalisation:
/// s0 (2^(K-1) - s2 (2^(K-2) - ... - s_{2K-2})) with s_k = 1 - 2 b(k), reading bits b(0), b(2), ..., b(2K-2) at
/// bits[0], bits[2], ... (TS 38.211 5.1.3 to 5.1.6, e.g. 64QAM: (1-2b0)[4 - (1-2b2)[2 - (1-2b4)]]).
template <unsigned K>
constexpr float pam_level(const uint8_t* bits)
{
  float level = 1.0F;
  for (unsigned j = K - 1; j != 0; --j) {
    level = static_cast<float>(1U << (K - j)) - antipodal(bits[2 * j]) * level;
  }
  return antipodal(bits[0]) * level;
}

/// All 4^K points of the square QAM with 2K bits per symbol, indexed by the bits b(0) .. b(2K-1) read as a binary
/// number with b(0) as the most significant bit; built from the formulas of TS 38.211 5.1.3 to 5.1.6 and the
/// normalisation factor scale = 1/sqrt(norm), norm = 2 (4^K - 1) / 3.
template <unsigned K>
struct qam_constellation {
  cf_t points[1U << (2 * K)];

  constexpr explicit qam_constellation(float scale) : points{}
  {
    for (unsigned index = 0; index != (1U << (2 * K)); ++index) {
      uint8_t bits[2 * K] = {};
      for (unsigned k = 0; k != 2 * K; ++k) {
        bits[k] = (index >> (2 * K - 1 - k)) & 1U;
      }
      points[index] = {scale * pam_level<K>(bits), scale * pam_level<K>(bits + 1)};
    }
  }
};

template <unsigned K>
[[gnu::always_inline]] inline void
map_qam(cf_t* symbols, const uint8_t* bits, std::size_t nof_symbols, const qam_constellation<K>& constellation)
{
  for (std::size_t i = 0; i != nof_symbols; ++i) {
    const uint8_t* b     = bits + 2 * K * i;
    unsigned       index = 0;
    for (unsigned k = 0; k != 2 * K; ++k) {
      index = (index << 1) | (b[k] & 1U);
    }
    symbols[i] = constellation.points[index];
  }
}

constexpr qam_constellation<1> qpsk_points{qam_level_unit(1)};
constexpr qam_constellation<2> qam16_points{qam_level_unit(2)};
constexpr qam_constellation<3> qam64_points{qam_level_unit(3)};
constexpr qam_constellation<4> qam256_points{qam_level_unit(4)};

/// pi/2-BPSK, TS 38.211 5.1.2: d(i) = exp(j pi/2 (i mod 2)) / sqrt(2) [(1 - 2b(i)) + j (1 - 2b(i))], i.e.
/// s (1 + j) / sqrt(2) for even i and j s (1 + j) / sqrt(2) = s (-1 + j) / sqrt(2) for odd i, s = 1 - 2b(i);
/// indexed by [i mod 2][b(i)].
constexpr float pi2_bpsk_a            = 0.70710678118654752F; // 1/sqrt(2)
constexpr cf_t  pi2_bpsk_points[2][2] = {{{pi2_bpsk_a, pi2_bpsk_a}, {-pi2_bpsk_a, -pi2_bpsk_a}},
                                         {{-pi2_bpsk_a, pi2_bpsk_a}, {pi2_bpsk_a, -pi2_bpsk_a}}};

void map_pi2_bpsk(cf_t* symbols, const uint8_t* bits, std::size_t nof_symbols)
{
  for (std::size_t i = 0; i != nof_symbols; ++i) {
    symbols[i] = pi2_bpsk_points[i % 2][bits[i] & 1U];
  }
}

} // namespace

void modulate(std::span<cf_t> symbols, std::span<const uint8_t> bits, modulation_scheme scheme) noexcept
{
  assert(bits.size() == symbols.size() * modulation_order(scheme));
  switch (scheme) {
    case modulation_scheme::pi2_bpsk:
      map_pi2_bpsk(symbols.data(), bits.data(), symbols.size());
      break;
    case modulation_scheme::qpsk:
      map_qam(symbols.data(), bits.data(), symbols.size(), qpsk_points);
      break;
    case modulation_scheme::qam16:
      map_qam(symbols.data(), bits.data(), symbols.size(), qam16_points);
      break;
    case modulation_scheme::qam64:
      map_qam(symbols.data(), bits.data(), symbols.size(), qam64_points);
      break;
    case modulation_scheme::qam256:
      map_qam(symbols.data(), bits.data(), symbols.size(), qam256_points);
      break;
  }
}

} // namespace airan::phy
