// PUSCH channel estimation: timing and frequency offsets, CDM separation, precoded channels, interference
// covariance and validation, on grids built by the PUSCH transmitter through channels applied here.
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

TEST_CASE("Channel estimator: the timing offset of a pure delay is found within a fraction of a sample")
{
  // A sample of a 4096-point FFT at 30 kHz is 8.14 ns; 20 dB SNR.
  std::mt19937 rng(7);
  const pusch_pdu pdu = test_pdu(96);
  for (double delay_s : {0.37e-6, -1.23e-6, 2.5e-9}) {
    CAPTURE(delay_s);
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = make_channel(4, 1, {delay_s}, {1.0}, rng);
    const double noise_var = 0.01;
    const auto y = receive(l, h, noise_var, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const std::string method = name_of(kind);
      CAPTURE(method);
      const channel_estimate est = estimate_with(kind, l, y);
      CHECK(std::abs(est.time_offset_s - delay_s) < 1e-9);
      // The estimate follows the delay's phase ramp: LS error at the pilots of a DM-RS symbol as for a flat channel.
      const double pilots = channel_error(est, l, h, {2, -1, 2, 0}).mse;
      CHECK(pilots < (kind == channel_estimator_kind::ls_linear ? 1.1 : 0.3) * noise_var / 2);
    }
  }
}

TEST_CASE("Channel estimator: the frequency offset is found from the phase between DM-RS symbols")
{
  std::mt19937 rng(8);
  const double noise_var = 0.01;
  struct cfo_case {
    const char* name;
    unsigned max_length;
    unsigned additional_position;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    double cfo_hz;
    double tolerance;
    unsigned numerology = 1;
    unsigned nof_prb = 96;
  };
  // Other numerologies: other symbol durations between the DM-RS symbols.
  const std::vector<cfo_case> cases = {
      {"symbols 2 and 11", 1, 1, 1, {0, 0, 0, 0}, 150, 0.03},
      {"symbols 2 and 11, negative", 1, 1, 1, {0, 0, 0, 0}, -400, 0.03},
      {"symbols 2, 7 and 11", 1, 2, 2, {0, 1, 0, 0}, 250, 0.03},
      {"one double-symbol occasion, same w_t", 2, 0, 2, {0, 1, 0, 0}, 1000, 0.05},
      {"two double-symbol occasions, w_t mixed", 2, 1, 2, {0, 4, 0, 0}, 300, 0.03},
      {"15 kHz, symbols 2 and 11", 1, 1, 1, {0, 0, 0, 0}, 200, 0.03, 0, 48},
      {"60 kHz, symbols 2 and 11", 1, 1, 1, {0, 0, 0, 0}, 600, 0.03, 2, 48},
  };
  for (const cfo_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(c.nof_prb);
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.additional_position = c.additional_position;
    pdu.dmrs.ports = c.ports;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    carrier_config carrier = test_carrier();
    carrier.numerology = c.numerology;
    const test_link l = transmit(pdu, 4, rng, carrier);
    test_channel h = flat_channel(4, c.nof_layers, rng);
    std::mt19937 noise_rng(9);
    const channel_estimate still = estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, noise_var, noise_rng));
    h.cfo_hz = c.cfo_hz;
    noise_rng.seed(9);
    const channel_estimate moving = estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, noise_var, noise_rng));
    REQUIRE(moving.cfo_hz.has_value());
    CHECK(std::abs(*moving.cfo_hz - c.cfo_hz) < c.tolerance * std::abs(c.cfo_hz));
    // The rotation is put back on every symbol: the error stays that of the channel without offset.
    h.cfo_hz = 0;
    const double reference = channel_error(still, l, h).mse;
    h.cfo_hz = c.cfo_hz;
    CHECK(channel_error(moving, l, h).mse < 1.2 * reference);
  }

  SUBCASE("no estimate without two usable DM-RS symbols")
  {
    for (unsigned max_length : {1U, 2U}) {
      pusch_pdu pdu = test_pdu(24);
      pdu.dmrs.max_length = max_length;
      pdu.dmrs.additional_position = 0;
      // Double symbol: ports 0 and 4 share CDM group 0 with different w_t.
      pdu.dmrs.ports = {0, 4, 0, 0};
      pdu.nof_layers = max_length;
      pdu.nof_antenna_ports = max_length;
      const test_link l = transmit(pdu, 2, rng);
      const channel_estimate est =
          estimate_with(channel_estimator_kind::ls_linear, l, receive(l, flat_channel(2, max_length, rng), 0.01, rng));
      CHECK(!est.cfo_hz.has_value());
    }
  }
}

TEST_CASE("Channel estimator: layers sharing a CDM group are separated by their cover codes")
{
  struct cdm_case {
    const char* name;
    unsigned config_type;
    unsigned max_length;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    unsigned cdm_groups;
  };
  const std::vector<cdm_case> cases = {
      {"type 1, 2 layers, w_f", 1, 1, 2, {0, 1, 0, 0}, 1},
      {"type 1, 4 layers, 2 groups", 1, 1, 4, {0, 1, 2, 3}, 2},
      {"type 1, double symbol, 4 layers, w_f and w_t", 1, 2, 4, {0, 1, 4, 5}, 1},
      {"type 1, double symbol, 2 layers, w_t", 1, 2, 2, {2, 6, 0, 0}, 2},
      {"type 2, 2 layers, w_f", 2, 1, 2, {2, 3, 0, 0}, 2},
      {"type 2, 4 layers, 2 groups", 2, 1, 4, {0, 1, 2, 3}, 2},
      {"type 2, double symbol, 4 layers, w_f and w_t", 2, 2, 4, {4, 5, 10, 11}, 3},
  };
  std::mt19937 rng(10);
  const double noise_var = 0.01;
  for (const cdm_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(48);
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    const test_link l = transmit(pdu, 4, rng);
    // Independent channels per layer with a little frequency selectivity: any leak of one layer into another would
    // show as an error of the order of the channel power (about 1), far above the noise.
    const test_channel h = make_channel(4, c.nof_layers, {0.0, 100e-9}, {0.8, 0.2}, rng);
    const auto y = receive(l, h, noise_var, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const std::string method = name_of(kind);
      CAPTURE(method);
      const channel_estimate est = estimate_with(kind, l, y);
      for (unsigned j = 0; j < c.nof_layers; ++j) {
        CAPTURE(j);
        // Despreading and interpolation average the noise: below half the noise of one DM-RS RE, sigma^2 / beta^2.
        CHECK(channel_error(est, l, h, {-1, static_cast<int>(j)}).mse < 0.5 * noise_var / c.cdm_groups);
      }
    }
  }
}

TEST_CASE("Channel estimator: the channel estimated is the precoded one, H W")
{
  std::mt19937 rng(11);
  struct precoding_case {
    unsigned nof_ports;
    unsigned nof_layers;
    unsigned tpmi;
  };
  for (const precoding_case& c : {precoding_case{2, 1, 3}, precoding_case{4, 2, 9}, precoding_case{4, 1, 20}}) {
    CAPTURE(c.nof_ports);
    CAPTURE(c.tpmi);
    pusch_pdu pdu = test_pdu(24);
    pdu.precoding = pusch_precoding::codebook;
    pdu.nof_antenna_ports = c.nof_ports;
    pdu.nof_layers = c.nof_layers;
    pdu.tpmi = c.tpmi;
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, c.nof_ports, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const error_stats e = channel_error(estimate_with(kind, l, receive(l, h, 0.0, rng)), l, h);
      CHECK(e.mse / e.channel_power < 1e-7);
    }
  }
}

TEST_CASE("Channel estimator: noise-plus-interference covariance of a spatially coloured interferer")
{
  std::mt19937 rng(12);
  const double noise_var = 0.05;
  std::vector<cd_t> signature(4);
  for (cd_t& g : signature) {
    g = complex_gaussian(rng, 0.5);
  }
  // R = sigma^2 I + g g^H.
  auto relative_error = [&](std::span<const cf_t> estimate) {
    double error = 0;
    double norm = 0;
    for (unsigned a = 0; a < 4; ++a) {
      for (unsigned b = 0; b < 4; ++b) {
        const cd_t truth = signature[a] * std::conj(signature[b]) + (a == b ? noise_var : 0.0);
        error += std::norm(cd_t(estimate[a * 4 + b]) - truth);
        norm += std::norm(truth);
        // Hermitian.
        CHECK(estimate[a * 4 + b] == std::conj(estimate[b * 4 + a]));
      }
    }
    return std::sqrt(error / norm);
  };
  for (unsigned cdm_groups : {1U, 2U}) {
    CAPTURE(cdm_groups);
    pusch_pdu pdu = test_pdu(96);
    pdu.dmrs.nof_cdm_groups_without_data = cdm_groups;
    const test_link l = transmit(pdu, 4, rng);
    const auto y = receive(l, make_channel(4, 1, {0.0, 100e-9}, {0.8, 0.2}, rng), noise_var, rng, signature);

    const channel_estimate whole = estimate_with(channel_estimator_kind::ls_linear, l, y);
    REQUIRE(whole.nof_covariance_groups() == 1);
    CHECK(relative_error(whole.noise_covariance(0)) < 0.1);
    for (unsigned r = 0; r < 4; ++r) {
      CHECK(whole.noise_variance()[r] == doctest::Approx(std::norm(signature[r]) + noise_var).epsilon(0.1));
    }

    channel_estimator_config config = test_config();
    config.covariance_nof_prb = 10;
    const channel_estimate grouped = estimate_with(channel_estimator_kind::ls_linear, l, y, config);
    REQUIRE(grouped.nof_covariance_groups() == 10);
    REQUIRE(grouped.covariance_nof_prb() == 10);
    for (unsigned g = 0; g < 10; ++g) {
      CHECK(relative_error(grouped.noise_covariance(g)) < 0.4);
    }
  }
}

TEST_CASE("Channel estimator: invalid configurations and PDUs are rejected")
{
  auto config_error = [](auto change) {
    channel_estimator_config config;
    change(config);
    CHECK(make_channel_estimator(channel_estimator_kind::dft, config) == nullptr);
    return validate_channel_estimator_config(config).message();
  };
  CHECK(validate_channel_estimator_config(channel_estimator_config{}).is_ok());
  CHECK(config_error([](auto& c) { c.max_nof_prb = 0; }).find("max_nof_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_prb = 276; }).find("max_nof_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_rx_ports = 0; }).find("max_nof_rx_ports") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_rx_ports = 17; }).find("max_nof_rx_ports") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_layers = 5; }).find("max_nof_layers") != std::string::npos);
  CHECK(config_error([](auto& c) { c.covariance_nof_prb = 276; }).find("covariance_nof_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.dft_max_delay_s = -1e-6F; }).find("dft_max_delay_s") != std::string::npos);
  CHECK(config_error([](auto& c) { c.dft_threshold = -1.0F; }).find("dft_threshold") != std::string::npos);
  CHECK(config_error([](auto& c) { c.lmmse_delay_spread_s = std::nanf(""); }).find("lmmse_delay_spread_s") !=
        std::string::npos);
  CHECK(config_error([](auto& c) { c.lmmse_filter_length = 0; }).find("lmmse_filter_length") != std::string::npos);
  CHECK(config_error([](auto& c) { c.ls_smoothing_prb = -0.5F; }).find("ls_smoothing_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.ls_smoothing_prb = 9.0F; }).find("ls_smoothing_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.dmrs_time = static_cast<dmrs_time_mode>(3); }).find("dmrs_time") !=
        std::string::npos);

  channel_estimator_config config;
  config.max_nof_prb = 50;
  config.max_nof_rx_ports = 4;
  config.max_nof_layers = 2;
  const auto estimator = make_channel_estimator(channel_estimator_kind::ls_linear, config);
  REQUIRE(estimator != nullptr);
  const carrier_config carrier = test_carrier();
  const pusch_pdu valid = test_pdu(50);
  CHECK(estimator->validate(valid, carrier, 4).is_ok());
  CHECK(estimator->validate(valid, carrier, 0).message().find("receive ports") != std::string::npos);
  CHECK(estimator->validate(valid, carrier, 5).message().find("receive ports") != std::string::npos);
  pusch_pdu pdu = test_pdu(51);
  CHECK(estimator->validate(pdu, carrier, 4).message().find("PRB above") != std::string::npos);
  pdu = valid;
  pdu.nof_layers = 4;
  pdu.nof_antenna_ports = 4;
  CHECK(estimator->validate(pdu, carrier, 4).message().find("layers above") != std::string::npos);
  pdu = valid;
  pdu.dmrs.ports = {2, 0, 0, 0};
  pdu.dmrs.nof_cdm_groups_without_data = 1;
  CHECK(estimator->validate(pdu, carrier, 4).message().find("CDM group") != std::string::npos);
  pdu = valid;
  pdu.prb_start = 60;
  CHECK(estimator->validate(pdu, carrier, 4).message().find("bandwidth part") != std::string::npos);
}
