// Impairments: AWGN at a requested SNR (per sample and per resource element through this project's OFDM), carrier
// frequency offset and timing offset.
#include "airan/phy/channel/impairments.h"
#include "airan/phy/ofdm/ofdm.h"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

using cd_t = std::complex<double>;

std::vector<cf_t> random_qpsk(std::size_t n, uint32_t seed)
{
  std::mt19937      rng(seed);
  const float       a = std::sqrt(0.5F);
  std::vector<cf_t> x(n);
  for (cf_t& v : x) {
    v = {(rng() & 1U) != 0 ? a : -a, (rng() & 2U) != 0 ? a : -a};
  }
  return x;
}

double mean_power(std::span<const cf_t> x)
{
  double p = 0.0;
  for (cf_t v : x) {
    p += std::norm(cd_t(v));
  }
  return p / static_cast<double>(x.size());
}

double db(double x) { return 10.0 * std::log10(x); }

} // namespace

TEST_CASE("AWGN: the measured SNR is the requested one")
{
  // 2^20 samples: the noise power estimate has a relative standard deviation of 1/sqrt(2^20) = 0.1 % (0.004 dB);
  // tolerance 0.1 dB. Circularity (E n^2 = 0, equal real and imaginary variances) and the Gaussian fourth moment
  // E|n|^4 = 2 (E|n|^2)^2 are checked to 1 % and 2 % (standard errors 0.1 % and 0.3 %).
  const std::size_t       n = std::size_t{1} << 20U;
  const std::vector<cf_t> x = random_qpsk(n, 1);
  for (double snr_db : {-10.0, 0.0, 7.5, 30.0}) {
    CAPTURE(snr_db);
    REQUIRE(validate_snr_db(snr_db).is_ok());
    std::vector<cf_t> y = x;
    awgn_generator    awgn(42);
    awgn.add(y, static_cast<float>(awgn_noise_variance(snr_db, mean_power(x))));
    double noise = 0.0, re2 = 0.0, im2 = 0.0, fourth = 0.0;
    cd_t   mean = 0.0, square = 0.0;
    for (std::size_t i = 0; i != n; ++i) {
      const cd_t e = cd_t(y[i]) - cd_t(x[i]);
      noise += std::norm(e);
      fourth += std::norm(e) * std::norm(e);
      re2 += e.real() * e.real();
      im2 += e.imag() * e.imag();
      mean += e;
      square += e * e;
    }
    noise /= n;
    const double measured_snr_db = db(mean_power(x) / noise);
    MESSAGE("requested " << snr_db << " dB, measured " << measured_snr_db << " dB");
    CHECK(std::abs(measured_snr_db - snr_db) < 0.1);
    CHECK(std::abs(square / static_cast<double>(n)) < 0.01 * noise);
    CHECK(re2 / im2 == doctest::Approx(1.0).epsilon(0.01));
    CHECK(std::abs(mean / static_cast<double>(n)) < 0.01 * std::sqrt(noise));
    CHECK(fourth / n / (noise * noise) == doctest::Approx(2.0).epsilon(0.02));
  }
}

TEST_CASE("AWGN: per-RE SNR through the OFDM modulator and demodulator")
{
  // 273 PRB at 30 kHz (FFT 4096), two slots of unit-power QPSK on every RE: S_RE = 1, sigma^2 = 1 / SNR_RE in the
  // time domain. After demodulation the noise per RE must give SNR_RE (92k REs: 0.015 dB standard error), and the
  // time-domain signal power per sample S_RE * 3276 / 4096 must give snr_per_sample_db() (tolerances 0.1 dB).
  carrier_config carrier;
  carrier.numerology = 1;
  carrier.nof_prb    = 273;
  carrier.bwp_size   = 273;
  ofdm_modulator_config   mod_config{carrier, 0, ofdm_fft_planning::estimate};
  ofdm_demodulator_config demod_config{carrier, 0, 0.25F, ofdm_fft_planning::estimate};
  ofdm_modulator          modulator(mod_config);
  ofdm_demodulator        demodulator(demod_config);
  const ofdm_numerology&  numerology = modulator.numerology();
  const unsigned          nof_sc     = numerology.nof_subcarriers();
  const unsigned          nof_symb   = numerology.nof_symbols_per_slot();
  const double            snr_re_db  = 12.0;
  awgn_generator          awgn(7);
  double                  noise_re = 0.0, signal_time = 0.0, noise_time = 0.0;
  std::size_t             count_re = 0, count_time = 0;
  for (unsigned slot = 0; slot != 2; ++slot) {
    const std::vector<cf_t> tx_grid = random_qpsk(std::size_t{nof_sc} * nof_symb, slot + 10);
    std::vector<cf_t>       rx_grid(tx_grid.size());
    std::vector<cf_t>       samples(numerology.slot_length(slot));
    std::span<cf_t>         port[] = {samples};
    modulator.modulate(port, const_grid_view{tx_grid.data(), 1, nof_symb, nof_sc}, slot);
    const std::vector<cf_t> clean = samples;
    awgn.add(samples, static_cast<float>(awgn_noise_variance(snr_re_db, 1.0)));
    std::span<const cf_t> in[] = {samples};
    demodulator.demodulate(grid_view{rx_grid.data(), 1, nof_symb, nof_sc}, in, slot);
    for (std::size_t i = 0; i != tx_grid.size(); ++i) {
      noise_re += std::norm(cd_t(rx_grid[i]) - cd_t(tx_grid[i]));
    }
    count_re += tx_grid.size();
    for (std::size_t i = 0; i != samples.size(); ++i) {
      signal_time += std::norm(cd_t(clean[i]));
      noise_time += std::norm(cd_t(samples[i]) - cd_t(clean[i]));
    }
    count_time += samples.size();
  }
  const double measured_re_db     = db(count_re / noise_re);
  const double measured_sample_db = db(signal_time / noise_time);
  MESSAGE("per RE: requested " << snr_re_db << " dB, measured " << measured_re_db << " dB; per sample: expected "
                               << snr_per_sample_db(snr_re_db, nof_sc, numerology.fft_size()) << " dB, measured "
                               << measured_sample_db << " dB");
  CHECK(std::abs(measured_re_db - snr_re_db) < 0.1);
  CHECK(std::abs(measured_sample_db - snr_per_sample_db(snr_re_db, nof_sc, numerology.fft_size())) < 0.1);
  CHECK(snr_per_sample_db(10.0, 3276, 4096) == doctest::Approx(10.0 + 10.0 * std::log10(3276.0 / 4096.0)));
}

TEST_CASE("AWGN: deterministic, one sequence across calls")
{
  std::vector<cf_t> a(5000), b(5000), c(5000);
  awgn_generator    first(3), second(3), other(4);
  first.add(a, 1.0F);
  second.add(std::span<cf_t>(b).first(1234), 1.0F);
  second.add(std::span<cf_t>(b).subspan(1234), 1.0F);
  other.add(c, 1.0F);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("SNR validation")
{
  CHECK(validate_snr_db(-50.0).is_ok());
  CHECK(validate_snr_db(100.0).is_ok());
  CHECK_FALSE(validate_snr_db(-60.0).is_ok());
  CHECK_FALSE(validate_snr_db(std::nan("")).is_ok());
  CHECK_FALSE(validate_snr_db(INFINITY).is_ok());
  CHECK(awgn_noise_variance(20.0, 3.0) == doctest::Approx(0.03));
}

TEST_CASE("Frequency offset: phase ramp in absolute time, continuous across blocks")
{
  const double fs = 30.72e6;
  const double t0 = 0.0123;
  for (double cfo : {1234.5, -7500.0, 0.0}) {
    CAPTURE(cfo);
    REQUIRE(validate_frequency_offset(cfo, fs).is_ok());
    std::vector<cf_t> whole(100000, cf_t(1.0F, 0.0F));
    std::vector<cf_t> parts = whole;
    apply_frequency_offset(whole, cfo, fs, t0);
    apply_frequency_offset(std::span<cf_t>(parts).first(777), cfo, fs, t0);
    apply_frequency_offset(std::span<cf_t>(parts).subspan(777), cfo, fs, t0 + 777 / fs);
    double error = 0.0, split = 0.0, slope = 0.0;
    for (std::size_t n = 0; n != whole.size(); ++n) {
      const cd_t expected = std::polar(1.0, 2.0 * std::numbers::pi * cfo * (t0 + n / fs));
      error               = std::max(error, std::abs(cd_t(whole[n]) - expected));
      split               = std::max(split, std::abs(cd_t(whole[n]) - cd_t(parts[n])));
      if (n != 0) {
        slope = std::max(slope, std::abs(std::arg(cd_t(whole[n]) * std::conj(cd_t(whole[n - 1]))) -
                                         2.0 * std::numbers::pi * cfo / fs));
      }
    }
    CHECK(error < 1e-6);
    CHECK(split < 1e-6);
    // Phase step per sample 2 pi cfo / fs, to float rounding of the samples.
    CHECK(slope < 1e-6);
  }
  CHECK_FALSE(validate_frequency_offset(16e6, fs).is_ok());
  CHECK_FALSE(validate_frequency_offset(100.0, 0.0).is_ok());
  CHECK_FALSE(validate_frequency_offset(std::nan(""), fs).is_ok());
}

TEST_CASE("Timing offset: whole-sample delays are exact shifts")
{
  for (delay_interpolation interpolation : {delay_interpolation::nearest_sample, delay_interpolation::windowed_sinc}) {
    CAPTURE(static_cast<int>(interpolation));
    timing_offset_config config{2, 37.0, interpolation};
    REQUIRE(validate_timing_offset_config(config).is_ok());
    timing_offset                  delay(config);
    const unsigned                 total = 37 + delay.latency_samples();
    const std::size_t              n     = 3000;
    std::vector<std::vector<cf_t>> in    = {random_qpsk(n, 1), random_qpsk(n, 2)};
    std::vector<std::vector<cf_t>> out(2, std::vector<cf_t>(n));
    // Blocks of 1000, 5 and 1995 samples.
    std::size_t begin = 0;
    for (std::size_t size : {1000, 5, 1995}) {
      std::vector<std::span<const cf_t>> in_spans;
      std::vector<std::span<cf_t>>       out_spans;
      for (unsigned p = 0; p != 2; ++p) {
        in_spans.emplace_back(in[p].data() + begin, size);
        out_spans.emplace_back(out[p].data() + begin, size);
      }
      REQUIRE(delay.validate(in_spans, out_spans).is_ok());
      delay.apply(in_spans, out_spans);
      begin += size;
    }
    for (unsigned p = 0; p != 2; ++p) {
      for (std::size_t i = 0; i != n; ++i) {
        CHECK(out[p][i] == (i < total ? cf_t() : in[p][i - total]));
      }
    }
  }
}

TEST_CASE("Timing offset: in place")
{
  std::vector<cf_t> data = random_qpsk(3000, 5);
  std::vector<cf_t> separate(3000);
  timing_offset     first({1, 2.7, delay_interpolation::windowed_sinc});
  timing_offset     second({1, 2.7, delay_interpolation::windowed_sinc});
  std::span<const cf_t> in[]  = {data};
  std::span<cf_t>       out[] = {separate};
  first.apply(in, out);
  std::span<cf_t> same[] = {data};
  second.apply(in, same);
  CHECK(data == separate);
}

TEST_CASE("Timing offset: fractional delays of a band-limited signal")
{
  // A sum of tones up to 0.4 f_s delayed by d + 7 samples against the tones evaluated at n - d - 7: the windowed-sinc
  // interpolator is within -48 dB up to 0.4 f_s (delay_interpolation.h). Tolerance -45 dB.
  const double      freqs[] = {-0.4, -0.23, -0.05, 0.0, 0.11, 0.31, 0.4};
  const std::size_t n       = 4000;
  std::vector<cf_t> in(n);
  for (std::size_t i = 0; i != n; ++i) {
    cd_t x = 0.0;
    for (double f : freqs) {
      x += std::polar(1.0, 2.0 * std::numbers::pi * f * i);
    }
    in[i] = cf_t(x);
  }
  for (double d : {0.25, 3.5, 10.9}) {
    CAPTURE(d);
    timing_offset           delay({1, d, delay_interpolation::windowed_sinc});
    std::vector<cf_t>       out(n);
    std::span<const cf_t>   in_span[]  = {in};
    std::span<cf_t>         out_span[] = {out};
    delay.apply(in_span, out_span);
    double error = 0.0, power = 0.0;
    for (std::size_t i = 100; i != n; ++i) {
      cd_t expected = 0.0;
      for (double f : freqs) {
        expected += std::polar(1.0, 2.0 * std::numbers::pi * f * (i - d - delay.latency_samples()));
      }
      error += std::norm(cd_t(out[i]) - expected);
      power += std::norm(expected);
    }
    MESSAGE("fractional delay " << d << ": error " << db(error / power) << " dB");
    CHECK(db(error / power) < -45.0);
  }
}

TEST_CASE("Timing offset validation")
{
  CHECK(validate_timing_offset_config({1, 0.0, delay_interpolation::nearest_sample}).is_ok());
  CHECK_FALSE(validate_timing_offset_config({0, 1.0, delay_interpolation::nearest_sample}).is_ok());
  CHECK_FALSE(validate_timing_offset_config({17, 1.0, delay_interpolation::nearest_sample}).is_ok());
  CHECK_FALSE(validate_timing_offset_config({1, -1.0, delay_interpolation::nearest_sample}).is_ok());
  CHECK_FALSE(validate_timing_offset_config({1, 2e6, delay_interpolation::nearest_sample}).is_ok());
  CHECK_FALSE(validate_timing_offset_config({1, std::nan(""), delay_interpolation::nearest_sample}).is_ok());
  CHECK_FALSE(validate_timing_offset_config({1, 1.0, static_cast<delay_interpolation>(9)}).is_ok());
  timing_offset                      delay({2, 1.5, delay_interpolation::windowed_sinc});
  std::vector<cf_t>                  a(10), b(10), c(9);
  std::vector<std::span<const cf_t>> in  = {a, b};
  std::vector<std::span<cf_t>>       out = {a, c};
  CHECK_FALSE(delay.validate(in, out).is_ok());
  CHECK_FALSE(delay.validate({in.data(), 1}, {out.data(), 1}).is_ok());
}
