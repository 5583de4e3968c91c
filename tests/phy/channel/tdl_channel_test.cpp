// TDL fading channel: statistics of the generated taps (power-delay profile, Doppler, K-factor, spatial correlation),
// determinism, continuity, and agreement of the time-domain path with the frequency response.
#include "airan/phy/channel/tdl_channel.h"

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

tdl_channel_config make_config(tdl_model model, double ds, double doppler_hz, unsigned nof_tx, unsigned nof_rx,
                               mimo_correlation correlation, uint64_t seed)
{
  tdl_channel_config c;
  c.model          = model;
  c.delay_spread_s = ds;
  c.max_doppler_hz = doppler_hz;
  c.nof_tx         = nof_tx;
  c.nof_rx         = nof_rx;
  c.correlation    = correlation;
  c.seed           = seed;
  return c;
}

std::vector<cf_t> gains_at(tdl_channel& channel, double time_s)
{
  std::vector<cf_t> g(std::size_t{channel.nof_links()} * channel.nof_paths());
  channel.tap_gains(g, time_s);
  return g;
}

/// Per-port buffers with span views.
struct buffers {
  std::vector<std::vector<cf_t>> data;
  std::vector<std::span<cf_t>>   spans;

  buffers(unsigned nof_ports, std::size_t length) : data(nof_ports, std::vector<cf_t>(length))
  {
    for (auto& d : data) {
      spans.emplace_back(d);
    }
  }
  std::vector<std::span<const cf_t>> const_spans() const { return {spans.begin(), spans.end()}; }
  /// Views of samples [begin, begin + length) of every port.
  std::vector<std::span<cf_t>> slice(std::size_t begin, std::size_t length)
  {
    std::vector<std::span<cf_t>> s;
    for (auto& d : data) {
      s.emplace_back(d.data() + begin, length);
    }
    return s;
  }
};

void fill_random(buffers& b, uint32_t seed)
{
  std::mt19937                    rng(seed);
  std::normal_distribution<float> gauss(0.0F, std::sqrt(0.5F));
  for (auto& d : b.data) {
    for (cf_t& x : d) {
      x = {gauss(rng), gauss(rng)};
    }
  }
}

} // namespace

TEST_CASE("TDL channel: average tap powers follow the power-delay profile")
{
  // TDL-C (24 paths), 1x2, f_D = 100 Hz: 20 seeds x 2 links, 400 times spread over 148 Doppler periods. The time
  // average of one sum-of-sinusoids realisation tends to exactly 1; what is left is the finite window (hundreds of
  // coherence times per realisation, 40 realisations): a few thousand independent exponential samples per path, a
  // standard error of about 1.5 %. Tolerance 5 % per path, 2 % on the total.
  const double        ds = 300e-9;
  std::vector<double> measured;
  double              total_measured = 0.0;
  std::size_t         count          = 0;
  std::vector<double> expected;
  for (uint64_t seed = 0; seed != 20; ++seed) {
    tdl_channel channel(make_config(tdl_model::tdl_c, ds, 100.0, 1, 2, mimo_correlation::low, seed));
    if (measured.empty()) {
      measured.assign(channel.nof_paths(), 0.0);
      expected.assign(channel.path_powers().begin(), channel.path_powers().end());
    }
    for (unsigned i = 0; i != 400; ++i) {
      const std::vector<cf_t> g = gains_at(channel, i * 0.37e-2);
      for (unsigned l = 0; l != channel.nof_links(); ++l) {
        double link_total = 0.0;
        for (unsigned p = 0; p != channel.nof_paths(); ++p) {
          const double power = std::norm(cd_t(g[l * channel.nof_paths() + p]));
          measured[p] += power;
          link_total += power;
        }
        total_measured += link_total;
        ++count;
      }
    }
  }
  double worst = 0.0;
  for (std::size_t p = 0; p != measured.size(); ++p) {
    measured[p] /= count;
    CAPTURE(p);
    CHECK(measured[p] == doctest::Approx(expected[p]).epsilon(0.05));
    worst = std::max(worst, std::abs(measured[p] / expected[p] - 1.0));
  }
  MESSAGE("largest relative tap power error " << worst << ", total power " << total_measured / count);
  CHECK(total_measured / count == doctest::Approx(1.0).epsilon(0.02));

  // RMS delay spread of the measured profile against the requested one (1 % from the table, see the profile tests,
  // plus the power errors above).
  double sum = 0.0, mean = 0.0, mean2 = 0.0;
  tdl_channel channel(make_config(tdl_model::tdl_c, ds, 100.0, 1, 2, mimo_correlation::low, 0));
  for (std::size_t p = 0; p != measured.size(); ++p) {
    const double tau = channel.path_delays_s()[p];
    sum += measured[p];
    mean += measured[p] * tau;
    mean2 += measured[p] * tau * tau;
  }
  const double measured_ds = std::sqrt(mean2 / sum - (mean / sum) * (mean / sum));
  MESSAGE("RMS delay spread of the measured profile " << measured_ds * 1e9 << " ns (requested 300 ns)");
  CHECK(measured_ds == doctest::Approx(ds).epsilon(0.03));
}

TEST_CASE("TDL channel: the autocorrelation of a tap is J0(2 pi f_D tau)")
{
  // 10 seeds x 8 links x 12 paths of TDLA30 (each path divided by its amplitude: unit-power processes), 100 time
  // origins spread over 53 Doppler periods. Over the ensemble the sum-of-sinusoids model has exactly the J0
  // autocorrelation; the estimate's spread comes from the finite number of realisations and origins (about 1e5
  // products per lag, origins half a period apart: standard error near 0.005; deviations seen up to 0.004).
  // Tolerance 0.03.
  const double        fd   = 50.0;
  const double        lags[] = {0.05, 0.1, 0.2, 0.3827, 0.5, 0.75, 1.0, 2.0};
  std::vector<cd_t>   correlation(std::size(lags) + 1, 0.0);
  for (uint64_t seed = 100; seed != 110; ++seed) {
    tdl_channel channel(make_config(tdl_model::tdla30, 0.0, fd, 2, 4, mimo_correlation::low, seed));
    const unsigned nof_paths = channel.nof_paths();
    for (unsigned i = 0; i != 100; ++i) {
      const double            t0 = 0.53 * i / fd;
      const std::vector<cf_t> g0 = gains_at(channel, t0);
      for (std::size_t k = 0; k <= std::size(lags); ++k) {
        const std::vector<cf_t> g = k == 0 ? g0 : gains_at(channel, t0 + lags[k - 1] / fd);
        for (std::size_t j = 0; j != g.size(); ++j) {
          const double power = channel.path_powers()[j % nof_paths];
          correlation[k] += cd_t(g[j]) * std::conj(cd_t(g0[j])) / power;
        }
      }
    }
  }
  for (std::size_t k = 1; k <= std::size(lags); ++k) {
    const cd_t   r        = correlation[k] / correlation[0].real();
    const double expected = std::cyl_bessel_j(0.0, 2.0 * std::numbers::pi * lags[k - 1]);
    MESSAGE("f_D tau = " << lags[k - 1] << ": R = " << r.real() << " " << r.imag() << "j, J0 = " << expected);
    CHECK(std::abs(r.real() - expected) < 0.03);
    CHECK(std::abs(r.imag()) < 0.03);
  }
}

TEST_CASE("TDL channel: Rician first path of TDL-D and TDL-E")
{
  // K from the moments of |h|^2: gamma = Var(|h|^2) / E(|h|^2)^2 = (2K + 1) / (K + 1)^2, so
  // K = sqrt(1 - gamma) / (1 - sqrt(1 - gamma)). 100 seeds x 300 times over 30 Doppler periods (the LOS phase turns
  // at 0.7 f_D, the diffuse part decorrelates within a period). Ten disjoint sets of seeds of this size gave K within
  // a standard deviation of 0.06 dB and the mean power within 0.4 %: tolerances 0.3 dB and 2 %. The LOS amplitude is
  // checked directly too: the time average of h(t) exp(-j 2 pi 0.7 f_D t) over many periods leaves the LOS term, of
  // power K / (K + 1) of the path (spread over the same ten sets 0.3 %: tolerance 2 %).
  const double fd = 100.0;
  for (tdl_model model : {tdl_model::tdl_d, tdl_model::tdl_e}) {
    CAPTURE(tdl_model_name(model));
    double m1 = 0.0, m2 = 0.0, los_power = 0.0;
    std::size_t count = 0;
    const double k_expected = tdl_los_k_factor(model);
    for (uint64_t seed = 0; seed != 100; ++seed) {
      tdl_channel  channel(make_config(model, 100e-9, fd, 1, 1, mimo_correlation::low, seed));
      const double power = channel.path_powers()[0];
      cd_t         los   = 0.0;
      for (unsigned i = 0; i != 300; ++i) {
        const double t = i * 1e-3;
        const cd_t   h = cd_t(gains_at(channel, t)[0]) / std::sqrt(power);
        const double p = std::norm(h);
        m1 += p;
        m2 += p * p;
        los += h * std::polar(1.0, -2.0 * std::numbers::pi * 0.7 * fd * t);
        ++count;
      }
      los_power += std::norm(los / 300.0);
    }
    m1 /= count;
    m2 /= count;
    const double gamma = (m2 - m1 * m1) / (m1 * m1);
    const double k     = std::sqrt(1.0 - gamma) / (1.0 - std::sqrt(1.0 - gamma));
    MESSAGE("K = " << 10 * std::log10(k) << " dB (expected " << 10 * std::log10(k_expected) << " dB), LOS power "
                   << los_power / 100 << " (expected " << k_expected / (k_expected + 1) << ")");
    CHECK(m1 == doctest::Approx(1.0).epsilon(0.02));
    CHECK(std::abs(10 * std::log10(k / k_expected)) < 0.3);
    CHECK(los_power / 100 == doctest::Approx(k_expected / (k_expected + 1)).epsilon(0.02));
  }
}

TEST_CASE("TDL channel: spatial correlation of the taps matches R")
{
  // Sample covariance of the unit-power path processes across links, against the matrix of TS 38.104 G.2.3.1. The
  // time average of the product of two independent sum-of-sinusoids processes tends to 0, so the estimate converges
  // to R. 10 seeds x 12 paths, 200 times over 200 Doppler periods: 2.4e4 products per entry, mostly independent, a
  // standard error near 1/sqrt(2.4e4) = 0.006 per entry (largest deviations seen over the 8 to 256 entries of a matrix:
  // 0.007 to 0.012). Tolerance 0.03.
  struct setup {
    mimo_correlation level;
    unsigned         nof_tx;
    unsigned         nof_rx;
  };
  for (const setup& s : {setup{mimo_correlation::low, 2, 4}, setup{mimo_correlation::medium, 2, 4},
                         setup{mimo_correlation::high, 2, 4}, setup{mimo_correlation::high, 4, 4},
                         setup{mimo_correlation::medium, 1, 2}}) {
    CAPTURE(static_cast<int>(s.level));
    CAPTURE(s.nof_tx);
    CAPTURE(s.nof_rx);
    const unsigned    n = s.nof_tx * s.nof_rx;
    std::vector<cd_t> covariance(n * n, 0.0);
    std::vector<double> r;
    for (uint64_t seed = 0; seed != 10; ++seed) {
      tdl_channel channel(make_config(tdl_model::tdlb100, 0.0, 200.0, s.nof_tx, s.nof_rx, s.level, seed));
      r.assign(channel.correlation_matrix().begin(), channel.correlation_matrix().end());
      const unsigned nof_paths = channel.nof_paths();
      for (unsigned i = 0; i != 200; ++i) {
        const std::vector<cf_t> g = gains_at(channel, i * 0.5e-2);
        for (unsigned p = 0; p != nof_paths; ++p) {
          const double power = channel.path_powers()[p];
          for (unsigned a = 0; a != n; ++a) {
            for (unsigned b = 0; b != n; ++b) {
              covariance[a * n + b] += cd_t(g[a * nof_paths + p]) * std::conj(cd_t(g[b * nof_paths + p])) / power;
            }
          }
        }
      }
    }
    const double samples = 10.0 * 200.0 * 12.0;
    double       worst   = 0.0;
    for (unsigned i = 0; i != n * n; ++i) {
      const cd_t c = covariance[i] / samples;
      worst        = std::max(worst, std::abs(c - r[i]));
    }
    MESSAGE("largest |covariance - R| " << worst);
    CHECK(worst < 0.03);
  }
}

TEST_CASE("TDL channel: deterministic given the seed")
{
  const tdl_channel_config config = make_config(tdl_model::tdlc300, 0.0, 100.0, 2, 2, mimo_correlation::medium, 7);
  buffers                  tx(2, 3000);
  fill_random(tx, 1);
  buffers a(2, 3000), b(2, 3000), c(2, 3000);
  tdl_channel first(config);
  tdl_channel second(config);
  tdl_channel_config other_config = config;
  other_config.seed               = 8;
  tdl_channel other(other_config);
  first.apply(tx.const_spans(), a.spans, 0.25);
  second.apply(tx.const_spans(), b.spans, 0.25);
  other.apply(tx.const_spans(), c.spans, 0.25);
  double difference = 0.0, power = 0.0;
  for (unsigned port = 0; port != 2; ++port) {
    CHECK(a.data[port] == b.data[port]);
    for (std::size_t n = 0; n != 3000; ++n) {
      difference += std::norm(cd_t(a.data[port][n]) - cd_t(c.data[port][n]));
      power += std::norm(cd_t(a.data[port][n]));
    }
  }
  // Independent channels: the difference has about twice the power of one output.
  CHECK(difference / power > 0.5);
}

TEST_CASE("TDL channel: continuous across blocks")
{
  for (delay_interpolation interpolation : {delay_interpolation::nearest_sample, delay_interpolation::windowed_sinc}) {
    CAPTURE(static_cast<int>(interpolation));
    tdl_channel_config config = make_config(tdl_model::tdl_a, 1000e-9, 400.0, 2, 4, mimo_correlation::high, 3);
    config.interpolation      = interpolation;
    const std::size_t length  = 20000;
    buffers           tx(2, length);
    fill_random(tx, 2);
    buffers     whole(4, length), parts(4, length);
    tdl_channel one(config);
    one.apply(tx.const_spans(), whole.spans, 1.5);
    // Blocks of 1, 700, 4096 and the rest, each starting where the previous one ended.
    tdl_channel       split(config);
    const std::size_t cuts[] = {0, 1, 701, 4797, length};
    for (std::size_t i = 0; i + 1 != std::size(cuts); ++i) {
      const std::size_t                  begin = cuts[i];
      const std::size_t                  size  = cuts[i + 1] - begin;
      std::vector<std::span<const cf_t>> in;
      for (auto& d : tx.data) {
        in.emplace_back(d.data() + begin, size);
      }
      split.apply(in, parts.slice(begin, size), 1.5 + static_cast<double>(begin) / config.sample_rate_hz);
    }
    // The gain grid positions of the two runs differ by the rounding of the start times only.
    double error = 0.0, power = 0.0;
    for (unsigned port = 0; port != 4; ++port) {
      for (std::size_t n = 0; n != length; ++n) {
        error = std::max(error, std::abs(cd_t(whole.data[port][n]) - cd_t(parts.data[port][n])));
        power += std::norm(cd_t(whole.data[port][n]));
      }
    }
    CHECK(error < 1e-5 * std::sqrt(power / (4 * length)));
  }
}

TEST_CASE("TDL channel: in place")
{
  // Every block of the inputs is copied into the channel's history before the outputs of that block are written.
  const tdl_channel_config config = make_config(tdl_model::tdlc300, 0.0, 100.0, 2, 2, mimo_correlation::high, 9);
  buffers                  tx(2, 3000);
  fill_random(tx, 4);
  buffers     separate(2, 3000);
  tdl_channel first(config);
  first.apply(tx.const_spans(), separate.spans, 0.0);
  tdl_channel second(config);
  second.apply(tx.const_spans(), tx.spans, 0.0);
  CHECK(tx.data == separate.data);
}

TEST_CASE("TDL channel: a start time that does not continue the previous block starts a new burst")
{
  const tdl_channel_config config = make_config(tdl_model::tdlb100, 0.0, 10.0, 1, 2, mimo_correlation::low, 5);
  buffers                  tx(1, 2000);
  fill_random(tx, 3);
  buffers     first(2, 2000), later(2, 2000), fresh(2, 2000);
  tdl_channel used(config);
  used.apply(tx.const_spans(), first.spans, 0.0);
  used.apply(tx.const_spans(), later.spans, 0.01);
  tdl_channel unused(config);
  unused.apply(tx.const_spans(), fresh.spans, 0.01);
  CHECK(later.data == fresh.data);
}

TEST_CASE("TDL channel: the time-domain response matches frequency_response()")
{
  // Static channel (f_D = 0): the impulse response from apply(), Fourier transformed, against frequency_response()
  // with the latency as a linear phase. nearest_sample applies exactly the rounded delays (float rounding only);
  // windowed_sinc realises exact delays within -48 dB per path up to 0.4 f_s (delay_interpolation.h), and the
  // errors of the 12 paths add at most as sqrt(12) of that: -37 dB. Tolerance -35 dB relative to |H| over the band.
  for (delay_interpolation interpolation : {delay_interpolation::nearest_sample, delay_interpolation::windowed_sinc}) {
    CAPTURE(static_cast<int>(interpolation));
    tdl_channel_config config = make_config(tdl_model::tdlc300, 0.0, 0.0, 1, 2, mimo_correlation::low, 11);
    config.interpolation      = interpolation;
    config.sample_rate_hz     = 61.44e6;
    tdl_channel channel(config);
    buffers     tx(1, 512), rx(2, 512);
    tx.data[0][0] = 1.0F;
    channel.apply(tx.const_spans(), rx.spans, 0.0);

    const double      fs = config.sample_rate_hz;
    const unsigned    nof_subcarriers = 401;
    const double      spacing         = 0.8 * fs / (nof_subcarriers - 1);
    const double      first           = -0.4 * fs;
    std::vector<cf_t> response(2 * nof_subcarriers);
    REQUIRE(channel.validate_frequency_response(response).is_ok());
    channel.frequency_response(response, 0.0, first, spacing);
    double error = 0.0, power = 0.0;
    for (unsigned link = 0; link != 2; ++link) {
      for (unsigned k = 0; k != nof_subcarriers; ++k) {
        const double f = first + k * spacing;
        cd_t         h = 0.0;
        for (std::size_t n = 0; n != 512; ++n) {
          h += cd_t(rx.data[link][n]) * std::polar(1.0, -2.0 * std::numbers::pi * f * n / fs);
        }
        const cd_t expected = cd_t(response[link * nof_subcarriers + k]) *
                              std::polar(1.0, -2.0 * std::numbers::pi * f * channel.latency_samples() / fs);
        error += std::norm(h - expected);
        power += std::norm(expected);
      }
    }
    const double error_db = 10 * std::log10(error / power);
    MESSAGE("time-domain vs frequency response: " << error_db << " dB");
    CHECK(error_db < (interpolation == delay_interpolation::nearest_sample ? -100.0 : -35.0));
  }
}

TEST_CASE("TDL channel: frequency response is the sum of the paths")
{
  // H(f) = sum_p a_p exp(-j 2 pi f tau_p), written out in double, for a moving channel at an arbitrary time.
  tdl_channel channel(make_config(tdl_model::tdl_d, 50e-9, 300.0, 2, 2, mimo_correlation::high, 4));
  const double      t = 0.123456;
  std::vector<cf_t> gains = gains_at(channel, t);
  const unsigned    nof_subcarriers = 3276;
  std::vector<cf_t> response(4 * nof_subcarriers);
  channel.frequency_response(response, t, -1638 * 30e3, 30e3);
  double worst = 0.0;
  for (unsigned link = 0; link != 4; ++link) {
    for (unsigned k = 0; k != nof_subcarriers; k += 7) {
      const double f = (static_cast<double>(k) - 1638) * 30e3;
      cd_t         h = 0.0;
      for (unsigned p = 0; p != channel.nof_paths(); ++p) {
        h += cd_t(gains[link * channel.nof_paths() + p]) *
             std::polar(1.0, -2.0 * std::numbers::pi * f * channel.path_delays_s()[p]);
      }
      worst = std::max(worst, std::abs(h - cd_t(response[link * nof_subcarriers + k])));
    }
  }
  CHECK(worst < 1e-5);
}

TEST_CASE("TDL channel: configuration and argument validation")
{
  tdl_channel_config good = make_config(tdl_model::tdl_a, 30e-9, 10.0, 2, 4, mimo_correlation::medium, 0);
  CHECK(validate_tdl_channel_config(good).is_ok());
  auto bad = [&](auto change) {
    tdl_channel_config c = good;
    change(c);
    return !validate_tdl_channel_config(c).is_ok();
  };
  CHECK(bad([](tdl_channel_config& c) { c.model = static_cast<tdl_model>(99); }));
  CHECK(bad([](tdl_channel_config& c) { c.delay_spread_s = -1e-9; }));
  CHECK(bad([](tdl_channel_config& c) { c.delay_spread_s = 0.0; }));
  CHECK(bad([](tdl_channel_config& c) {
    c.model          = tdl_model::tdlb100;
    c.delay_spread_s = 100e-9;
  }));
  CHECK(bad([](tdl_channel_config& c) { c.max_doppler_hz = -1.0; }));
  CHECK(bad([](tdl_channel_config& c) { c.max_doppler_hz = 1e5; }));
  CHECK(bad([](tdl_channel_config& c) { c.max_doppler_hz = std::nan(""); }));
  CHECK(bad([](tdl_channel_config& c) { c.sample_rate_hz = 0.0; }));
  CHECK(bad([](tdl_channel_config& c) { c.sample_rate_hz = 1e12; }));
  CHECK(bad([](tdl_channel_config& c) { c.nof_tx = 3; }));
  CHECK(bad([](tdl_channel_config& c) { c.nof_rx = 0; }));
  CHECK(bad([](tdl_channel_config& c) {
    c.nof_tx = 4;
    c.nof_rx = 2;
  }));
  CHECK(bad([](tdl_channel_config& c) { c.correlation = static_cast<mimo_correlation>(5); }));
  CHECK(bad([](tdl_channel_config& c) { c.interpolation = static_cast<delay_interpolation>(5); }));

  tdl_channel                        channel(good);
  std::vector<std::vector<cf_t>>     storage(4, std::vector<cf_t>(100));
  std::vector<std::span<const cf_t>> tx = {storage[0], storage[1]};
  std::vector<std::span<cf_t>>       rx = {storage[0], storage[1], storage[2], storage[3]};
  CHECK(channel.validate(tx, rx).is_ok());
  CHECK_FALSE(channel.validate({tx.data(), 1}, rx).is_ok());
  CHECK_FALSE(channel.validate(tx, {rx.data(), 3}).is_ok());
  rx[3] = rx[3].first(99);
  CHECK_FALSE(channel.validate(tx, rx).is_ok());
  std::vector<cf_t> response(8 * 12 + 1);
  CHECK_FALSE(channel.validate_frequency_response(response).is_ok());
  CHECK_FALSE(channel.validate_frequency_response({}).is_ok());
}

TEST_CASE("TDL channel names of TS 38.104 Table G.2.2-1")
{
  tdl_channel_config c;
  REQUIRE(parse_tdl_channel_name("TDLB100-400", c).is_ok());
  CHECK(c.model == tdl_model::tdlb100);
  CHECK(c.delay_spread_s == 0.0);
  CHECK(c.max_doppler_hz == 400.0);
  REQUIRE(parse_tdl_channel_name("TDLC300-100", c).is_ok());
  CHECK(c.model == tdl_model::tdlc300);
  CHECK(c.max_doppler_hz == 100.0);
  REQUIRE(parse_tdl_channel_name("TDLA30-10", c).is_ok());
  CHECK(c.model == tdl_model::tdla30);
  CHECK(c.max_doppler_hz == 10.0);
  c.delay_spread_s = 0.0;
  REQUIRE(parse_tdl_channel_name("TDL-E", c).is_ok());
  CHECK(c.model == tdl_model::tdl_e);
  CHECK(c.max_doppler_hz == 10.0);
  CHECK_FALSE(parse_tdl_channel_name("TDLB100-", c).is_ok());
  CHECK_FALSE(parse_tdl_channel_name("TDLB100-4x", c).is_ok());
  CHECK_FALSE(parse_tdl_channel_name("TDL-A-10", c).is_ok());
  CHECK_FALSE(parse_tdl_channel_name("EPA5", c).is_ok());
}
