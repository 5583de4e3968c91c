// PUSCH channel estimation: grids built by the PUSCH transmitter, passed through channels applied here (flat, multipath
// with known delays, pure delay, frequency offset, coloured interference, AWGN of known variance), and the estimates
// compared with the true effective channel and with the statistics of the channel and noise that were applied.
#include "channel_estimator_fixture.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;
using namespace airan::phy::chest_test;

TEST_CASE("Channel estimator: a noise-free flat channel is estimated to float precision by every method")
{
  std::mt19937 rng(1);
  struct dmrs_case {
    const char* name;
    unsigned config_type;
    unsigned max_length;
    unsigned additional_position;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    unsigned cdm_groups;
    bool transform_precoding;
  };
  const std::vector<dmrs_case> cases = {
      {"type 1, one layer, 2 symbols", 1, 1, 1, 1, {0, 0, 0, 0}, 2, false},
      {"type 1, one layer on port 1, 1 CDM group", 1, 1, 0, 1, {1, 0, 0, 0}, 1, false},
      {"type 2, one layer, 3 symbols", 2, 1, 2, 1, {0, 0, 0, 0}, 3, false},
      {"type 1, double symbol, port 5", 1, 2, 1, 1, {5, 0, 0, 0}, 2, false},
      {"transform precoding", 1, 1, 1, 1, {0, 0, 0, 0}, 2, true},
      {"type 1, 2 layers in one CDM group", 1, 1, 1, 2, {0, 1, 0, 0}, 2, false},
      {"type 1, 4 layers, double symbol, one CDM group", 1, 2, 0, 4, {0, 1, 4, 5}, 2, false},
      {"type 2, 4 layers, double symbol, one CDM group", 2, 2, 1, 4, {0, 1, 6, 7}, 3, false},
      {"type 2, 4 layers over 2 CDM groups", 2, 1, 1, 4, {0, 1, 2, 3}, 2, false},
  };
  for (const dmrs_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(48);
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.additional_position = c.additional_position;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    pdu.transform_precoding = c.transform_precoding;
    if (c.transform_precoding) {
      pdu.table = mcs_table::tp_qam64;
    }
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, c.nof_layers, rng);
    const auto y = receive(l, h, 0.0, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const std::string method = name_of(kind);
      CAPTURE(method);
      const channel_estimate est = estimate_with(kind, l, y);
      const error_stats e = channel_error(est, l, h);
      // LMMSE: the design SNR is capped at 60 dB (the filter's bias on a noise-free channel stays around -75 dB).
      CHECK(e.mse / e.channel_power < (kind == channel_estimator_kind::lmmse ? 1e-7 : 1e-10));
      CHECK(std::abs(est.time_offset_s) < 1e-12);
      for (unsigned r = 0; r < 4; ++r) {
        CHECK(est.noise_variance()[r] < 1e-10);
        CHECK(est.snr_db()[r] > 60);
      }
    }
  }

  SUBCASE("mapping type B, 8 symbols from symbol 3, 15 kHz")
  {
    carrier_config carrier = test_carrier();
    carrier.numerology = 0;
    pusch_pdu pdu = test_pdu(20);
    pdu.mapping = pusch_mapping_type::type_b;
    pdu.start_symbol = 3;
    pdu.nof_symbols = 8;
    const test_link l = transmit(pdu, 2, rng, carrier);
    REQUIRE(l.pattern.nof_symbols == 2);
    const test_channel h = flat_channel(2, 1, rng);
    const auto y = receive(l, h, 0.0, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const channel_estimate est = estimate_with(kind, l, y);
      REQUIRE(est.nof_symbols() == 8);
      const error_stats e = channel_error(est, l, h);
      CHECK(e.mse / e.channel_power < 1e-7);
    }
  }
}


TEST_CASE("Channel estimator: raw LS error is the noise of one DM-RS RE at the pilots and half of it between them")
{
  // One DM-RS symbol (l = 2), flat channel, no smoothing: the LS value of a pilot has noise variance sigma^2 / beta^2,
  // the mean of two neighbours half of that; every symbol of the slot gets the same estimate.
  std::mt19937 rng(3);
  pusch_pdu pdu = test_pdu(96);
  pdu.dmrs.additional_position = 0;
  const double noise_var = 0.1;
  const double per_pilot = noise_var / 2; // beta^2 = 2: two CDM groups without data
  double pilots = 0;
  double between = 0;
  for (unsigned trial = 0; trial < 3; ++trial) {
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, 1, rng);
    const channel_estimate est =
        estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, noise_var, rng), raw_ls_config());
    REQUIRE(est.nof_symbols() == 14);
    REQUIRE(est.nof_subcarriers() == 12 * 96);
    REQUIRE(!est.cfo_hz.has_value());
    // Port 0, Delta = 0: the pilots are the even subcarriers of the allocation (it starts on an even one).
    pilots += channel_error(est, l, h, {2, -1, 2, 0}).mse / 3;
    between += channel_error(est, l, h, {2, -1, 2, 1}).mse / 3;
    // The last subcarrier is held from the last pilot; the others are midpoints. The same estimate on every symbol.
    for (unsigned sym = 0; sym < 14; ++sym) {
      for (unsigned r = 0; r < 4; ++r) {
        CHECK(est.channel(r, 0, sym)[100] == est.channel(r, 0, 2)[100]);
      }
    }
  }
  const double hold = 1.0 / 576; // share of the odd subcarriers that are held (one per allocation), error sigma^2/beta^2
  CHECK(pilots == doctest::Approx(per_pilot).epsilon(0.06).scale(0));
  CHECK(between == doctest::Approx(per_pilot * (0.5 * (1 - hold) + hold)).epsilon(0.06).scale(0));
}

TEST_CASE("Channel estimator: DFT and LMMSE are far better than raw LS at low SNR on a short-delay channel")
{
  std::mt19937 rng(4);
  const pusch_pdu pdu = test_pdu(96);
  for (double snr_db : {0.0, 10.0}) {
    CAPTURE(snr_db);
    const double noise_var = std::pow(10.0, -snr_db / 10);
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = make_channel(4, 1, {0.0, 150e-9}, {0.7, 0.3}, rng);
    const auto y = receive(l, h, noise_var, rng);
    const double ls = channel_error(estimate_with(channel_estimator_kind::ls_linear, l, y, raw_ls_config()), l, h).mse;
    const double dft = channel_error(estimate_with(channel_estimator_kind::dft, l, y), l, h).mse;
    const double lmmse = channel_error(estimate_with(channel_estimator_kind::lmmse, l, y), l, h).mse;
    channel_estimator_config exponential = test_config();
    exponential.lmmse_profile = power_delay_profile::exponential;
    exponential.lmmse_delay_spread_s = 100e-9F;
    const double lmmse_exponential =
        channel_error(estimate_with(channel_estimator_kind::lmmse, l, y, exponential), l, h).mse;
    // LS: below the error of one pilot (time and frequency interpolation average some noise).
    CHECK(ls < noise_var / 2);
    CHECK(ls > 0.4 * noise_var / 2);
    CHECK(dft < 0.1 * ls);
    CHECK(lmmse < 0.2 * ls);
    CHECK(lmmse_exponential < 0.2 * ls);
  }
}

TEST_CASE("Channel estimator: LMMSE error at the pilots follows the Wiener filter's theory for a matched profile")
{
  // Many paths with delays uniform over sqrt(12) x 300 ns: the frequency correlation the uniform profile assumes.
  // Interior pilots of the DM-RS symbol (one DM-RS symbol): the window of 16 values centred on the pilot, so the error
  // is P (1 - r^T (R + s^2 / P I)^-1 r) with R, r from sin(pi f T) / (pi f T) at the pilot distances.
  std::mt19937 rng(5);
  pusch_pdu pdu = test_pdu(96);
  pdu.dmrs.additional_position = 0;
  const double noise_var = 0.1;
  const double spread_s = 300e-9;
  const double width_s = std::sqrt(12.0) * spread_s;
  constexpr unsigned length = 16;
  auto rho = [&](double f) {
    const double x = pi * f * width_s;
    return std::abs(x) < 1e-12 ? 1.0 : std::sin(x) / x;
  };
  auto wiener_error = [&](double power, double df) {
    // Solve (R + n I) a = r by plain Gaussian elimination; r for the value at window position length / 2.
    std::vector<std::vector<double>> a(length, std::vector<double>(length + 1));
    for (unsigned i = 0; i < length; ++i) {
      for (unsigned j = 0; j < length; ++j) {
        a[i][j] = rho(2.0 * (double(i) - double(j)) * df) + (i == j ? noise_var / 2 / power : 0.0);
      }
      a[i][length] = rho(2.0 * (double(length / 2) - double(i)) * df);
    }
    for (unsigned c = 0; c < length; ++c) {
      for (unsigned i = c + 1; i < length; ++i) {
        const double f = a[i][c] / a[c][c];
        for (unsigned j = c; j <= length; ++j) {
          a[i][j] -= f * a[c][j];
        }
      }
    }
    std::vector<double> x(length);
    double explained = 0;
    for (unsigned i = length; i-- > 0;) {
      double sum = a[i][length];
      for (unsigned j = i + 1; j < length; ++j) {
        sum -= a[i][j] * x[j];
      }
      x[i] = sum / a[i][i];
    }
    for (unsigned i = 0; i < length; ++i) {
      explained += x[i] * rho(2.0 * (double(length / 2) - double(i)) * df);
    }
    return power * (1 - explained);
  };

  std::uniform_real_distribution<double> delay(-width_s / 2, width_s / 2);
  double measured = 0;
  double theory = 0;
  for (unsigned trial = 0; trial < 4; ++trial) {
    const test_link l = transmit(pdu, 4, rng);
    std::vector<double> delays(64);
    for (double& d : delays) {
      d = delay(rng);
    }
    const test_channel h = make_channel(4, 1, delays, std::vector<double>(64, 1.0 / 64), rng);
    const channel_estimate est = estimate_with(channel_estimator_kind::lmmse, l, receive(l, h, noise_var, rng));
    for (unsigned r = 0; r < 4; ++r) {
      double power = 0;
      for (unsigned k = 0; k < 12 * 96; ++k) {
        power += std::norm(true_channel(l, h, r, 0, 2, k)) / (12 * 96);
      }
      // Pilots 16 .. 575 - 16: whole windows.
      for (unsigned m = length; m + length < 6 * 96; ++m) {
        measured += std::norm(cd_t(est.channel(r, 0, 2)[2 * m]) - true_channel(l, h, r, 0, 2, 2 * m));
        theory += wiener_error(power, l.df());
      }
    }
  }
  CHECK(measured == doctest::Approx(theory).epsilon(0.15));
}

TEST_CASE("Channel estimator: noise variance, SNR and DM-RS EPRE match what was applied")
{
  struct noise_case {
    const char* name;
    unsigned config_type;
    unsigned max_length;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    unsigned cdm_groups;
    std::vector<double> delays_s;
    std::vector<double> powers;
    double snr_db;
  };
  const std::vector<noise_case> cases = {
      {"empty CDM group, flat", 1, 1, 1, {0, 0, 0, 0}, 2, {0.0}, {1.0}, 10},
      {"fit of one layer, multipath", 1, 1, 1, {0, 0, 0, 0}, 1, {0.0, 200e-9, 600e-9}, {0.5, 0.3, 0.2}, 20},
      {"fit of two layers with w_f", 1, 1, 2, {0, 1, 0, 0}, 1, {0.0, 100e-9}, {0.7, 0.3}, 10},
      {"fit of four layers, type 2, double symbol", 2, 2, 4, {0, 1, 6, 7}, 1, {0.0}, {1.0}, 10},
      {"fit of four layers in two groups", 1, 1, 4, {0, 1, 2, 3}, 2, {0.0, 100e-9}, {0.7, 0.3}, 15},
      {"type 2, one layer, empty groups", 2, 1, 1, {0, 0, 0, 0}, 3, {0.0, 300e-9}, {0.6, 0.4}, 5},
  };
  std::mt19937 rng(6);
  for (const noise_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(64);
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    const double noise_var = std::pow(10.0, -c.snr_db / 10);
    double ratio = 0;
    for (unsigned trial = 0; trial < 3; ++trial) {
      const test_link l = transmit(pdu, 4, rng);
      const test_channel h = make_channel(4, c.nof_layers, c.delays_s, c.powers, rng);
      const auto y = receive(l, h, noise_var, rng);
      const channel_estimate est = estimate_with(channel_estimator_kind::dft, l, y);
      // The statistics come before any smoothing: the same with the smoothed LS method.
      const channel_estimate ls = estimate_with(channel_estimator_kind::ls_linear, l, y);
      for (unsigned r = 0; r < 4; ++r) {
        CHECK(ls.noise_variance()[r] == est.noise_variance()[r]);
        CHECK(ls.snr_db()[r] == est.snr_db()[r]);
        ratio += est.noise_variance()[r] / noise_var / 12;
        // SNR of a data RE: the layers' channel power over the noise.
        double power = 0;
        for (unsigned j = 0; j < c.nof_layers; ++j) {
          for (unsigned k = 0; k < 12 * 64; ++k) {
            power += std::norm(true_channel(l, h, r, j, 2, k)) / (12 * 64);
          }
        }
        // Within 1 dB (26 %) plus 0.1 in linear terms, so that weak ports (noisy in dB) are judged fairly.
        const double snr = std::pow(10.0, est.snr_db()[r] / 10);
        CHECK(std::abs(snr - power / noise_var) < 0.26 * power / noise_var + 0.1);
        if (c.nof_layers == 1) {
          // Mean |y|^2 over the DM-RS REs: beta^2 |H|^2 + sigma^2.
          const double beta2 = c.cdm_groups;
          CHECK(est.dmrs_epre()[r] == doctest::Approx(beta2 * power + noise_var).epsilon(0.1));
        }
      }
    }
    CHECK(ratio == doctest::Approx(1.0).epsilon(0.1));
  }
}


TEST_CASE("Channel estimator: DFT and LMMSE average the occasions of a static channel and interpolate a changing one")
{
  std::mt19937 rng(31);
  const pusch_pdu pdu = test_pdu(96); // DM-RS on symbols 2 and 11
  auto with_time = [](dmrs_time_mode mode) {
    channel_estimator_config config = test_config();
    config.dmrs_time = mode;
    return config;
  };
  for (const auto kind : {channel_estimator_kind::dft, channel_estimator_kind::lmmse}) {
    CAPTURE(name_of(kind));
    // Static: the default (adaptive) is the average, keeps about half the noise of one occasion at its pilots, and
    // holds one channel turned by the frequency offset's phase.
    double averaged = 0;
    double interpolated = 0;
    for (unsigned trial = 0; trial < 4; ++trial) {
      const test_link l = transmit(pdu, 4, rng);
      const test_channel h = flat_channel(4, 1, rng);
      const auto y = receive(l, h, 0.2, rng);
      const channel_estimate adaptive = estimate_with(kind, l, y);
      const channel_estimate average = estimate_with(kind, l, y, with_time(dmrs_time_mode::average));
      const channel_estimate interpolate = estimate_with(kind, l, y, with_time(dmrs_time_mode::interpolate));
      const auto a = adaptive.all_channels();
      const auto b = average.all_channels();
      CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
      CHECK(adaptive.symbol_phase().size() == 14);
      CHECK(interpolate.symbol_phase().empty());
      averaged += channel_error(average, l, h, {2, -1, 2, 0}).mse;
      interpolated += channel_error(interpolate, l, h, {2, -1, 2, 0}).mse;
    }
    CHECK(averaged < 0.65 * interpolated);
    CHECK(averaged > 0.35 * interpolated);

    // Symbols 0..6 and 7..13 see independent channels: the change between the occasions is far above the noise.
    const test_link l = transmit(test_pdu(48), 2, rng);
    std::vector<cf_t> y = receive(l, flat_channel(2, 1, rng), 0.01, rng);
    const auto second = receive(l, flat_channel(2, 1, rng), 0.01, rng);
    take_second_half(y, second, l);
    const channel_estimate adaptive = estimate_with(kind, l, y);
    const channel_estimate interpolate = estimate_with(kind, l, y, with_time(dmrs_time_mode::interpolate));
    const channel_estimate average = estimate_with(kind, l, y, with_time(dmrs_time_mode::average));
    CHECK(adaptive.symbol_phase().empty());
    const auto a = adaptive.all_channels();
    const auto i = interpolate.all_channels();
    const auto m = average.all_channels();
    CHECK(std::equal(a.begin(), a.end(), i.begin(), i.end()));
    CHECK(!std::equal(a.begin(), a.end(), m.begin(), m.end()));
  }
}

TEST_CASE("Channel estimator: a layer averaged in time next to an interpolated one holds every symbol")
{
  // Two layers: layer 0 sees one channel over the slot, layer 1 a channel three times stronger in symbols 7..13 than
  // in 0..6 (same phase, so that the frequency offset estimate is not disturbed). The adaptive mode averages layer 0
  // and interpolates layer 1, so the estimate is not time invariant as a whole, and layer 0's symbols must all be
  // there, equal to those of the estimate that averages both layers.
  std::mt19937 rng(32);
  pusch_pdu pdu = test_pdu(24);
  pdu.nof_layers = 2;
  pdu.nof_antenna_ports = 2;
  const test_link l = transmit(pdu, 4, rng);
  const test_channel first = flat_channel(4, 2, rng);
  test_channel second = first;
  for (unsigned r = 0; r < 4; ++r) {
    for (path& p : second.paths[r * 2 + 1]) {
      p.gain *= 3.0;
    }
  }
  std::vector<cf_t> y = receive(l, first, 0.001, rng);
  const auto y_second = receive(l, second, 0.001, rng);
  take_second_half(y, y_second, l);
  channel_estimator_config average_config = test_config();
  average_config.dmrs_time = dmrs_time_mode::average;
  for (const auto kind : {channel_estimator_kind::ls_linear, channel_estimator_kind::lmmse}) {
    CAPTURE(name_of(kind));
    const channel_estimate adaptive = estimate_with(kind, l, y);
    const channel_estimate averaged = estimate_with(kind, l, y, average_config);
    CHECK(adaptive.symbol_phase().empty());
    CHECK(averaged.symbol_phase().size() == 14);
    double layer1_change = 0.0;
    double layer1_power = 0.0;
    for (unsigned r = 0; r < 4; ++r) {
      for (unsigned sym = 0; sym < 14; ++sym) {
        const auto a = adaptive.channel(r, 0, sym);
        const auto b = averaged.channel(r, 0, sym);
        CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
      }
      const auto start = adaptive.channel(r, 1, 0);
      const auto end = adaptive.channel(r, 1, 13);
      for (std::size_t k = 0; k < start.size(); ++k) {
        layer1_change += std::norm(end[k] - start[k]);
        layer1_power += std::norm(start[k]);
      }
    }
    CHECK(layer1_change > 0.1 * layer1_power);
  }
}
