#pragma once
/// How the channel blocks realise delays that are not a whole number of samples (TDL path delays, timing offsets).

#include <cstdint>

namespace airan::phy {

/// - nearest_sample: every delay is rounded to the nearest sample; no added latency. The delays that are applied are
///   the rounded ones (tdl_channel::path_delays_s() reports them), so the time-domain output and the frequency response
///   agree exactly; the price is a distorted profile at low sample rates (TDLA30 at 30.72 Msps: 10 ns steps on a
///   32.6 ns grid, RMS delay spread 34 ns instead of 30 ns).
/// - windowed_sinc: a delay of d samples is realised exactly (for signals within |f| <= 0.4 f_s) by a 16-coefficient
///   Kaiser-windowed sinc (beta 5) centred on d: error below -48 dB of the path amplitude for |f| <= 0.4 f_s, below
///   -13 dB up to 0.45 f_s. The filter needs 7 samples of look-ahead, so the output comes a fixed
///   delay_latency_samples() = 7 samples late: every delay d is realised as d + 7. Whole-sample delays are realised
///   by a pure shift (no filtering).
enum class delay_interpolation : uint8_t { nearest_sample, windowed_sinc };

/// Half the number of coefficients of the windowed-sinc interpolator.
constexpr unsigned windowed_sinc_half_length = 8;

/// Fixed extra delay, in samples, of the output of a block using the given interpolation: 0 for nearest_sample,
/// windowed_sinc_half_length - 1 for windowed_sinc.
constexpr unsigned delay_latency_samples(delay_interpolation interpolation) noexcept
{
  return interpolation == delay_interpolation::windowed_sinc ? windowed_sinc_half_length - 1 : 0;
}

} // namespace airan::phy
