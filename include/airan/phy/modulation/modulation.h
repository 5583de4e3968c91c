#pragma once
/// Modulation mapper (TS 38.211 5.1) and max-log soft demapper for the shared channels.

#include "airan/common/complex.h"

#include <cstdint>
#include <span>

namespace airan::phy {

/// Modulation schemes of TS 38.211 5.1 used by PDSCH and PUSCH.
enum class modulation_scheme : uint8_t { pi2_bpsk, qpsk, qam16, qam64, qam256 };

/// Modulation order Q_m, the number of bits per symbol (TS 38.211 5.1.2 to 5.1.6).
constexpr unsigned modulation_order(modulation_scheme scheme) noexcept
{
  switch (scheme) {
    case modulation_scheme::pi2_bpsk:
      return 1;
    case modulation_scheme::qpsk:
      return 2;
    case modulation_scheme::qam16:
      return 4;
    case modulation_scheme::qam64:
      return 6;
    case modulation_scheme::qam256:
      return 8;
  }
  return 0;
}

/// The square QAMs of TS 38.211 5.1.3 to 5.1.6 with k = 1..4 bits per dimension place their points, per dimension,
/// at the odd levels +-1 .. +-(2^k - 1) times this unit: the normalisation 1/sqrt(2 (4^k - 1) / 3), i.e. 1/sqrt(2),
/// 1/sqrt(10), 1/sqrt(42) and 1/sqrt(170).
constexpr float qam_level_unit(unsigned bits_per_dimension) noexcept
{
  constexpr float units[] = {0.70710678118654752F, 0.31622776601683793F, 0.15430334996209191F, 0.07669649888473704F};
  return units[bits_per_dimension - 1];
}

/// Maps bits to complex symbols, TS 38.211 5.1.2 (pi/2-BPSK), 5.1.3 (QPSK), 5.1.4 (16QAM), 5.1.5 (64QAM) and
/// 5.1.6 (256QAM), with the standard's unit-average-power normalisations 1/sqrt(2), 1/sqrt(10), 1/sqrt(42) and
/// 1/sqrt(170). Symbol i takes bits b(Q_m i) .. b(Q_m i + Q_m - 1); for pi/2-BPSK the index i of the phase rotation
/// exp(j pi/2 (i mod 2)) counts from the first symbol of the span.
/// Requires bits.size() == symbols.size() * modulation_order(scheme); only the lowest bit of each byte is used.
void modulate(std::span<cf_t> symbols, std::span<const uint8_t> bits, modulation_scheme scheme) noexcept;

/// Default factor from natural-unit LLRs to int8 LLRs: 8 steps per natural unit (LSB = 0.125), saturating at
/// +-127, i.e. +-15.9 natural units.
///
/// An int8 min-sum decoder is invariant to a common scale of its inputs except for quantisation and saturation, so
/// the scale only has to keep the informative LLRs inside the int8 range with enough resolution:
/// - resolution: near the decoding threshold of the lowest MCS (QPSK, R = 120/1024, SNR about -6 dB) the channel
///   LLRs have mean 2 SNR ~ 0.5 and standard deviation ~ 1 natural units; a step of 1/8 still resolves them with
///   about 3 bits of magnitude below one standard deviation;
/// - saturation: near the threshold of the highest MCS (256QAM, R = 948/1024, SNR about 25 dB) the least reliable
///   bits have |LLR| ~ 4 * SNR / 170 ~ 7.5 natural units (60 int8 steps) with standard deviation ~ 4, so they are
///   not clipped; only bits with |LLR| > 15.9 (error probability below 1.3e-7) saturate, which costs nothing.
constexpr float default_llr_scale = 8.0F;

/// Smallest noise variance used by the soft demapper: smaller values (zero, negative) are raised to it, which caps
/// the reliability 1/N0 at 1e6 (60 dB post-equalisation SNR for unit-power symbols).
constexpr float demapper_noise_var_floor = 1.0e-6F;

/// Largest magnitude of a symbol's real or imaginary part seen by the soft demapper (1e3, i.e. 60 dB above the unit
/// average power): larger values and infinities are clamped to it, NaN is replaced by 0 (no information).
constexpr float demapper_symbol_limit = 1.0e3F;

/// Max-log soft demapper for the constellations of TS 38.211 5.1.2 to 5.1.6, natural-unit LLRs.
///
/// For bit k of symbol i with received value y and noise variance N0 = noise_var[i] (the complex noise variance
/// E|n|^2 after equalisation, per symbol so that a MIMO receiver can pass per-RE values):
///   llr = (min_{x: b_k = 1} |y - x|^2 - min_{x: b_k = 0} |y - x|^2) / N0,
/// the max-log approximation of log P(b_k = 0 | y) / P(b_k = 1 | y): positive means bit 0 is more likely.
/// The value is exact max-log (not a further approximation): the Gray mapping of 5.1 makes the square QAMs the
/// product of two Gray PAMs, one per dimension, and each PAM bit has a closed-form piecewise-linear metric.
/// Robustness (no undefined behaviour on any input): noise variances below demapper_noise_var_floor are raised to
/// it; a NaN or +inf noise variance gives LLRs 0 for that symbol; symbol parts are clamped to
/// +-demapper_symbol_limit and NaN parts read as 0.
/// Requires llrs.size() == symbols.size() * modulation_order(scheme) and noise_var.size() == symbols.size().
void demodulate_soft(std::span<float>        llrs,
                     std::span<const cf_t>   symbols,
                     std::span<const float>  noise_var,
                     modulation_scheme       scheme) noexcept;

/// Same LLRs as the float version, quantised for the LDPC decoder: clamp(round(llr_scale * llr), -127, 127), rounding
/// to nearest (ties to even). Never produces -128. Requires 0 < llr_scale <= 1e6.
void demodulate_soft(std::span<int8_t>      llrs,
                     std::span<const cf_t>  symbols,
                     std::span<const float> noise_var,
                     modulation_scheme      scheme,
                     float                  llr_scale = default_llr_scale) noexcept;

} // namespace airan::phy
