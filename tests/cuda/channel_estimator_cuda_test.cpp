#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/channel_estimator_cuda.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

struct estimator_case {
  unsigned config_type;
  unsigned max_length;
  unsigned nof_layers;
  unsigned cdm_groups_without_data;
  std::array<unsigned, 4> ports;
};

/// ||a - b|| / ||b|| over all channel values.
double relative_error(std::span<const cf_t> a, std::span<const cf_t> b)
{
  double err = 0.0;
  double ref = 0.0;
  for (std::size_t i = 0; i != a.size(); ++i) {
    err += std::norm(std::complex<double>(a[i]) - std::complex<double>(b[i]));
    ref += std::norm(std::complex<double>(b[i]));
  }
  return std::sqrt(err / ref);
}

} // namespace

TEST_CASE("channel estimator (cuda): LS with linear interpolation agrees with ls_linear for DM-RS types 1 and 2")
{
  // Single- and double-symbol DM-RS, layers sharing a CDM group (w_f or w_t despreading), with and without an empty
  // CDM group for the noise estimate.
  const estimator_case cases[] = {
      {1, 1, 1, 2, {0, 1, 2, 3}}, {1, 1, 2, 2, {0, 1, 2, 3}}, {1, 1, 2, 1, {0, 1, 2, 3}}, {1, 2, 4, 2, {0, 1, 4, 5}},
      {2, 1, 2, 3, {0, 1, 2, 3}}, {2, 1, 4, 2, {0, 1, 2, 3}}, {2, 2, 2, 3, {0, 6, 2, 3}},
  };
  constexpr unsigned nof_rx = 4;
  constexpr unsigned nof_prb = 51;
  carrier_config carrier;
  carrier.nof_prb = nof_prb;
  carrier.bwp_size = nof_prb;
  channel_estimator_config config;
  config.max_nof_prb = nof_prb;
  config.max_nof_rx_ports = nof_rx;
  auto cpu = make_channel_estimator(channel_estimator_kind::ls_linear, config);
  channel_estimator_cuda gpu({.max_nof_jobs = 1, .max_nof_prb = nof_prb, .max_nof_rx_ports = nof_rx});
  pusch_transmitter tx(nof_prb, 4);
  std::mt19937 rng(21);
  std::normal_distribution<float> gauss(0.0F, std::sqrt(0.5F));
  for (const estimator_case& c : cases) {
    CAPTURE(c.config_type);
    CAPTURE(c.max_length);
    CAPTURE(c.nof_layers);
    pusch_pdu pdu;
    pdu.nof_prb = nof_prb;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    pdu.mcs = 10;
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.additional_position = c.max_length == 2 ? 1 : 2;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups_without_data;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.scrambling_id = {77, 78};
    REQUIRE(cpu->validate(pdu, carrier, nof_rx));
    std::vector<uint8_t> tb(pusch_tbs(pdu, carrier) / 8, 0x5a);
    const std::size_t port_size = std::size_t{14} * 12 * nof_prb;
    std::vector<cf_t> sent(c.nof_layers * port_size);
    tx.transmit({sent.data(), c.nof_layers, 14, 12 * nof_prb}, tb, pdu, carrier);
    // Two-tap channel per (rx, layer) with the taps one subcarrier-period apart by 40 ns: mildly frequency selective,
    // no timing offset; noise at 30 dB.
    std::vector<cf_t> grid(nof_rx * port_size);
    for (unsigned rx = 0; rx != nof_rx; ++rx) {
      for (unsigned v = 0; v != c.nof_layers; ++v) {
        const cf_t g0(gauss(rng), gauss(rng));
        const cf_t g1 = 0.3F * cf_t(gauss(rng), gauss(rng));
        for (unsigned l = 0; l != 14; ++l) {
          for (unsigned k = 0; k != 12 * nof_prb; ++k) {
            const float phase = -2.0F * 3.14159265F * k * 30e3F * 40e-9F;
            const cf_t h = g0 + g1 * cf_t(std::cos(phase), std::sin(phase));
            grid[rx * port_size + l * 12 * nof_prb + k] += h * sent[v * port_size + l * 12 * nof_prb + k];
          }
        }
      }
    }
    const float noise_var = 1e-3F;
    std::normal_distribution<float> noise(0.0F, std::sqrt(noise_var / 2.0F));
    for (auto& y : grid) {
      y += cf_t(noise(rng), noise(rng));
    }
    pusch_dmrs_pattern pattern;
    REQUIRE(compute_pusch_dmrs_pattern(pattern, pdu, carrier));
    const const_grid_view view{grid.data(), nof_rx, 14, 12 * nof_prb};
    channel_estimate expected(config);
    channel_estimate actual(config);
    cpu->estimate(expected, view, pdu, carrier, pattern);
    REQUIRE(gpu.estimate(actual, view, pdu, carrier));
    // Both are noisy LS estimates of the same channel; they differ by the CPU's timing-offset handling and noise
    // averaging only, far less than the channel power.
    CHECK(relative_error(actual.all_channels(), expected.all_channels()) < 0.05);
    for (unsigned rx = 0; rx != nof_rx; ++rx) {
      // The noise variance, measured on thousands of REs: within 25 % of the CPU's and of the truth.
      CHECK(actual.noise_variance()[rx] == doctest::Approx(expected.noise_variance()[rx]).epsilon(0.25));
      CHECK(actual.noise_variance()[rx] == doctest::Approx(noise_var).epsilon(0.25));
    }
  }
}

TEST_CASE("channel estimator (cuda): setup rejects transform precoding and a job without buffers")
{
  channel_estimator_cuda gpu({});
  carrier_config carrier;
  pusch_pdu pdu;
  pdu.nof_prb = 10;
  pdu.transform_precoding = true;
  const channel_estimator_cuda_job no_buffers{&pdu, &carrier, nullptr, 1, nullptr, nullptr};
  CHECK_FALSE(gpu.setup({&no_buffers, 1}));
}
