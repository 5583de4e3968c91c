// LS channel estimation with smoothing (channel_estimator_kind::ls_linear): the noise kept by the frequency window
// and by averaging the DM-RS occasions, the bias of the window on frequency-selective channels, and the adaptive
// choice between averaging and interpolation in time. Expected values come from the window's definition in
// channel_estimator.h: the noise of a mean of W values and of a least-squares line, and the window's response to a
// delay.
#include "channel_estimator_fixture.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;
using namespace airan::phy::chest_test;

namespace {

/// Noise variance kept at the pilots, relative to a raw LS value, averaged over nof_values values: interior values
/// the mean of W = 2 h + 1 values (1 / W); the h values at each edge the least-squares line through W values, at
/// offset d = h - i from the centre of its window: 1 / W + d^2 / sum_j (j - h)^2.
double window_noise_gain(unsigned nof_values, unsigned half)
{
  const double width = 2.0 * half + 1;
  const double moment = half * (half + 1.0) * width / 3.0;
  double sum = (nof_values - 2.0 * half) / width;
  for (unsigned i = 0; i < half; ++i) {
    sum += 2.0 * (1.0 / width + (half - i) * (half - i) / moment);
  }
  return sum / nof_values;
}

/// Response of the mean of W values D subcarriers apart to a path delay tau from the estimated timing.
double window_response(unsigned width, double spacing_hz, double tau_s)
{
  const double x = pi * spacing_hz * tau_s;
  return std::abs(x) < 1e-12 ? 1.0 : std::sin(width * x) / (width * std::sin(x));
}

channel_estimator_config ls_config(float smoothing_prb, dmrs_time_mode time)
{
  channel_estimator_config config = test_config();
  config.ls_smoothing_prb = smoothing_prb;
  config.dmrs_time = time;
  return config;
}

} // namespace

TEST_CASE("LS smoothing: the error at the pilots of a noisy flat channel shrinks by the window's noise gain")
{
  // One DM-RS symbol, one layer, type 1 (pilots 2 subcarriers apart, 6 per resource block): a window of P resource
  // blocks is W = 2 h + 1 values with h = 3 P.
  std::mt19937 rng(21);
  pusch_pdu pdu = test_pdu(96);
  pdu.dmrs.additional_position = 0;
  const double noise_var = 0.2;
  const double per_pilot = noise_var / 2; // beta^2 = 2
  const unsigned nof_values = 6 * 96;
  for (float prb : {1.0F, 2.0F}) {
    CAPTURE(prb);
    const unsigned half = static_cast<unsigned>(3 * prb);
    double raw = 0;
    double smoothed = 0;
    for (unsigned trial = 0; trial < 4; ++trial) {
      const test_link l = transmit(pdu, 4, rng);
      const test_channel h = flat_channel(4, 1, rng);
      const auto y = receive(l, h, noise_var, rng);
      const error_region pilots = {2, -1, 2, 0};
      raw += channel_error(estimate_with(channel_estimator_kind::ls_linear, l, y, raw_ls_config()), l, h, pilots).mse;
      smoothed += channel_error(estimate_with(channel_estimator_kind::ls_linear, l, y,
                                              ls_config(prb, dmrs_time_mode::interpolate)),
                                l, h, pilots)
                      .mse;
    }
    raw /= 4;
    smoothed /= 4;
    const double gain = window_noise_gain(nof_values, half);
    CHECK(raw == doctest::Approx(per_pilot).epsilon(0.05).scale(0));
    CHECK(smoothed == doctest::Approx(gain * per_pilot).epsilon(0.1).scale(0));
    // 1 PRB: 7 values, about 8.4 dB less error; 2 PRB: 13 values.
    CHECK(raw / smoothed > 0.8 / gain);
  }
}

TEST_CASE("LS smoothing: averaging two DM-RS occasions of a static channel halves the error again")
{
  std::mt19937 rng(22);
  const pusch_pdu pdu = test_pdu(96); // DM-RS on symbols 2 and 11
  const double noise_var = 0.2;
  const double gain = window_noise_gain(6 * 96, 3);
  double interpolated = 0;
  double averaged = 0;
  for (unsigned trial = 0; trial < 4; ++trial) {
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, 1, rng);
    const auto y = receive(l, h, noise_var, rng);
    const channel_estimate adaptive = estimate_with(channel_estimator_kind::ls_linear, l, y);
    const channel_estimate average =
        estimate_with(channel_estimator_kind::ls_linear, l, y, ls_config(1.0F, dmrs_time_mode::average));
    const channel_estimate interpolate =
        estimate_with(channel_estimator_kind::ls_linear, l, y, ls_config(1.0F, dmrs_time_mode::interpolate));
    // A static channel: the default (adaptive) averages.
    const auto a = adaptive.all_channels();
    const auto b = average.all_channels();
    CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
    // The estimate at the pilots of symbol 2: both occasions' noise averaged, or that occasion's alone.
    averaged += channel_error(average, l, h, {2, -1, 2, 0}).mse / 4;
    interpolated += channel_error(interpolate, l, h, {2, -1, 2, 0}).mse / 4;
  }
  CHECK(interpolated == doctest::Approx(gain * noise_var / 2).epsilon(0.1).scale(0));
  CHECK(averaged == doctest::Approx(gain * noise_var / 4).epsilon(0.1).scale(0));
}

TEST_CASE("LS smoothing: the adaptive time mode interpolates when the channel changes between the occasions")
{
  // Symbols 0..6 see one channel and 7..13 another, independent one: the change between the occasions (symbols 2 and
  // 11) is twice the channel power, far above the noise.
  std::mt19937 rng(23);
  const pusch_pdu pdu = test_pdu(48);
  const test_link l = transmit(pdu, 2, rng);
  const auto first = receive(l, flat_channel(2, 1, rng), 0.01, rng);
  const auto second = receive(l, flat_channel(2, 1, rng), 0.01, rng);
  std::vector<cf_t> y = first;
  take_second_half(y, second, l);
  const channel_estimate adaptive = estimate_with(channel_estimator_kind::ls_linear, l, y);
  const channel_estimate interpolate =
      estimate_with(channel_estimator_kind::ls_linear, l, y, ls_config(1.0F, dmrs_time_mode::interpolate));
  const channel_estimate average =
      estimate_with(channel_estimator_kind::ls_linear, l, y, ls_config(1.0F, dmrs_time_mode::average));
  const auto a = adaptive.all_channels();
  const auto i = interpolate.all_channels();
  const auto m = average.all_channels();
  CHECK(std::equal(a.begin(), a.end(), i.begin(), i.end()));
  CHECK(!std::equal(a.begin(), a.end(), m.begin(), m.end()));
}

TEST_CASE("LS smoothing: the bias on a frequency-selective channel is the window's response to the path delays")
{
  // Noise-free, two equal paths tau apart: at interior pilots the error is sum_p |g_p|^2 |1 - H(tau_p - tau_hat)|^2
  // (cross terms average out over the band), H the response of the 7-value window (1 resource block) 2 subcarriers
  // apart. 300 ns apart (TDLC300-like): about -45 dB, negligible; 2 us apart: a strong bias, the window's limit.
  std::mt19937 rng(24);
  pusch_pdu pdu = test_pdu(96);
  pdu.dmrs.additional_position = 0;
  const unsigned half = 3;
  for (double spread_s : {300e-9, 2e-6}) {
    CAPTURE(spread_s);
    double measured = 0;
    double theory = 0;
    double power = 0;
    for (unsigned trial = 0; trial < 4; ++trial) {
      const test_link l = transmit(pdu, 4, rng);
      const test_channel h = make_channel(4, 1, {0.0, spread_s}, {0.5, 0.5}, rng);
      const channel_estimate est = estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, 0.0, rng));
      const double spacing_hz = 2 * l.df();
      for (unsigned r = 0; r < 4; ++r) {
        for (unsigned m = half; m + half < 6 * 96; ++m) {
          const cd_t truth = true_channel(l, h, r, 0, 2, 2 * m);
          measured += std::norm(cd_t(est.channel(r, 0, 2)[2 * m]) - truth);
          power += std::norm(truth);
          for (const path& p : h.paths[r]) {
            const double response = window_response(2 * half + 1, spacing_hz, p.delay_s - est.time_offset_s);
            theory += std::norm(p.gain) * (1 - response) * (1 - response);
          }
        }
      }
    }
    CHECK(measured == doctest::Approx(theory).epsilon(0.1).scale(0));
    if (spread_s < 1e-6) {
      CHECK(measured < 1e-4 * power);
    } else {
      CHECK(measured > 1e-2 * power);
    }
  }
}

TEST_CASE("LS smoothing: an estimate constant in time carries its symbol phases, an interpolated one none")
{
  // A static channel with a 300 Hz frequency offset, two layers: averaged over the occasions, every symbol's channel
  // is the first symbol's turned by the offset's phase since then.
  std::mt19937 rng(24);
  pusch_pdu pdu = test_pdu(24);
  pdu.nof_layers = 2;
  pdu.nof_antenna_ports = 2;
  const test_link l = transmit(pdu, 4, rng);
  test_channel h = flat_channel(4, 2, rng);
  h.cfo_hz = 300.0;
  const auto y = receive(l, h, 0.001, rng);
  const channel_estimate averaged = estimate_with(channel_estimator_kind::ls_linear, l, y);
  REQUIRE(averaged.cfo_hz.has_value());
  const auto phase = averaged.symbol_phase();
  REQUIRE(phase.size() == averaged.nof_symbols());
  double worst = 0.0;
  for (unsigned sym = 0; sym < averaged.nof_symbols(); ++sym) {
    CHECK(std::abs(std::abs(phase[sym]) - 1.0F) < 1e-6F);
    // The phase is the estimated offset's rotation over the time between the symbols.
    const double elapsed = useful_start_s(l.carrier.numerology, pdu.slot, pdu.start_symbol + sym) -
                           useful_start_s(l.carrier.numerology, pdu.slot, pdu.start_symbol);
    CHECK(std::abs(std::arg(phase[sym]) - std::remainder(2 * pi * *averaged.cfo_hz * elapsed, 2 * pi)) < 1e-5);
    for (unsigned r = 0; r < 4; ++r) {
      for (unsigned j = 0; j < 2; ++j) {
        const auto first = averaged.channel(r, j, 0);
        const auto other = averaged.channel(r, j, sym);
        for (unsigned k = 0; k < first.size(); ++k) {
          worst = std::max(worst, double{std::abs(other[k] - phase[sym] * first[k]) / std::abs(first[k])});
        }
      }
    }
  }
  CHECK(worst < 1e-5);
  // Interpolated in time: the symbols' channels differ by more than a phase, and the estimate says so.
  const channel_estimate interpolated =
      estimate_with(channel_estimator_kind::ls_linear, l, y, ls_config(1.0F, dmrs_time_mode::interpolate));
  CHECK(interpolated.symbol_phase().empty());
  // One occasion: nothing to interpolate, with every method.
  pdu.dmrs.additional_position = 0;
  const test_link single = transmit(pdu, 4, rng);
  const auto y_single = receive(single, h, 0.001, rng);
  for (const auto kind :
       {channel_estimator_kind::ls_linear, channel_estimator_kind::dft, channel_estimator_kind::lmmse}) {
    CAPTURE(name_of(kind));
    CHECK(estimate_with(kind, single, y_single).symbol_phase().size() == 14);
  }
}
