#pragma once
// Vector kernels of the PUSCH channel estimators, built for the baseline x86-64 ISA and for AVX2/FMA, chosen at run
// time. The arrays of one call do not overlap.

#include "airan/common/complex.h"

#include <cstddef>
#include <cstdint>

namespace airan::phy::ce {

/// out[i] = a x[i] + b y[i].
void combine(cf_t* out, cf_t a, const cf_t* x, cf_t b, const cf_t* y, std::size_t n) noexcept;

/// out[m] = sum_b taps[b] x[m + b], b < nof_taps, m < n.
void fir(cf_t* out, const cf_t* x, const cf_t* taps, std::size_t nof_taps, std::size_t n) noexcept;

/// out[m] = w sum_b x[m + b], b < width, m < n.
void moving_sum(cf_t* out, const cf_t* x, std::size_t width, float w, std::size_t n) noexcept;

/// x[i] *= a y[i].
void multiply(cf_t* x, cf_t a, const cf_t* y, std::size_t n) noexcept;

/// out[i] = y[index[i]] c[i], or y[index[i]] when c is null.
void gather_multiply(cf_t* out, const cf_t* y, const uint16_t* index, const cf_t* c, std::size_t n) noexcept;

/// out[i] = y[2 i] c[i], or y[2 i] when c is null.
void strided_multiply(cf_t* out, const cf_t* y, const cf_t* c, std::size_t n) noexcept;

/// sum_i x[i] conj(y[i]): float partial sums over blocks, added in double.
cf_t correlate(const cf_t* x, const cf_t* y, std::size_t n) noexcept;

/// Linear interpolation of the values x[m] at increasing positions pos[m] (m < nof_values) to the integer positions
/// k = 0 .. n - 1, held constant before pos[0] and after pos[nof_values - 1], times phasor[k]:
/// out[k] = (x[m] + (k - pos[m]) / (pos[m + 1] - pos[m]) (x[m + 1] - x[m])) phasor[k]. spacing: pos[m + 1] - pos[m]
/// when the positions are evenly spaced, 0 otherwise.
void interpolate(cf_t* out, const cf_t* x, const float* pos, std::size_t nof_values, float spacing,
                 const cf_t* phasor, std::size_t n) noexcept;

/// out[i] = conj(in[index[i] - offset]).
void gather_conj(cf_t* out, const cf_t* in, const uint16_t* index, std::size_t offset, std::size_t n) noexcept;

/// out[i] += w in[i], w = w0 for even i and w1 for odd i.
void accumulate_alternating(cf_t* out, float w0, float w1, const cf_t* in, std::size_t n) noexcept;

/// out[m] += w0 in[2 m] + w1 in[2 m + 1], m < n.
void accumulate_pairs(cf_t* out, float w0, float w1, const cf_t* in, std::size_t n) noexcept;

} // namespace airan::phy::ce
