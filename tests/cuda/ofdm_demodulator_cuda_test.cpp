#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/ofdm/ofdm_demodulator_cuda.h"
#include "airan/phy/ofdm/ofdm_slot_demodulator.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

TEST_CASE("ofdm_demodulator_cuda: matches the CPU demodulator to single-precision relative error")
{
  struct test_case {
    unsigned numerology;
    cyclic_prefix cp;
    unsigned nof_prb;
    unsigned nof_ports;
    unsigned slot;
    double f0_hz;
  };
  const test_case cases[] = {
      {1, cyclic_prefix::normal, 273, 4, 0, 3.5e9},  {1, cyclic_prefix::normal, 273, 2, 3, 3.5e9},
      {0, cyclic_prefix::normal, 25, 1, 7, 0.0},     {2, cyclic_prefix::extended, 50, 3, 6, 2.6e9},
      {3, cyclic_prefix::normal, 66, 2, 9, 28.0e9},
  };
  std::mt19937 rng(51);
  std::normal_distribution<float> gauss(0.0F, 0.7F);
  for (const test_case& c : cases) {
    CAPTURE(c.numerology);
    CAPTURE(c.nof_prb);
    CAPTURE(c.nof_ports);
    CAPTURE(c.slot);
    carrier_config carrier{};
    carrier.numerology = c.numerology;
    carrier.cp = c.cp;
    carrier.nof_prb = c.nof_prb;
    carrier.bwp_size = c.nof_prb;
    carrier.center_frequency_hz = c.f0_hz;
    ofdm_modulator modulator({.carrier = carrier, .planning = ofdm_fft_planning::estimate});
    const ofdm_numerology& numerology = modulator.numerology();
    const unsigned nof_symbols = numerology.nof_symbols_per_slot();
    const unsigned nof_subcarriers = numerology.nof_subcarriers();
    std::vector<cf_t> tx(std::size_t{c.nof_ports} * nof_symbols * nof_subcarriers);
    for (auto& x : tx) {
      x = {gauss(rng), gauss(rng)};
    }
    const grid_view tx_grid{tx.data(), c.nof_ports, nof_symbols, nof_subcarriers};
    std::vector<std::vector<cf_t>> samples(c.nof_ports, std::vector<cf_t>(numerology.slot_length(c.slot)));
    std::vector<std::span<cf_t>> sample_spans(samples.begin(), samples.end());
    modulator.modulate(sample_spans, tx_grid, c.slot);
    // A little noise so the comparison is not only of the round trip.
    for (auto& port : samples) {
      for (auto& x : port) {
        x += cf_t(0.01F * gauss(rng), 0.01F * gauss(rng));
      }
    }
    std::vector<std::span<const cf_t>> rx(samples.begin(), samples.end());

    const ofdm_demodulator_config config{.carrier = carrier, .planning = ofdm_fft_planning::estimate};
    ofdm_demodulator cpu(config);
    auto gpu = create_ofdm_slot_demodulator(backend::cuda, config, c.nof_ports);
    REQUIRE(gpu->active_backend() == backend::cuda);
    std::vector<cf_t> expected(tx.size());
    std::vector<cf_t> actual(tx.size(), cf_t(-99.0F, 0.0F));
    cpu.demodulate({expected.data(), c.nof_ports, nof_symbols, nof_subcarriers}, rx, c.slot);
    const auto st = gpu->demodulate({actual.data(), c.nof_ports, nof_symbols, nof_subcarriers}, rx, c.slot);
    REQUIRE_MESSAGE(st.is_ok(), st.message());

    double error = 0.0;
    double power = 0.0;
    double round_trip_error = 0.0;
    float largest = 0.0F;
    for (std::size_t i = 0; i != tx.size(); ++i) {
      error += std::norm(actual[i] - expected[i]);
      power += std::norm(expected[i]);
      round_trip_error += std::norm(actual[i] - tx[i]);
      largest = std::max(largest, std::abs(actual[i] - expected[i]));
    }
    const double rms = std::sqrt(power / static_cast<double>(tx.size()));
    // Twin: FFT rounding only (about 1e-7 relative per stage, log2 N stages).
    CHECK(std::sqrt(error / power) < 1.0e-5);
    CHECK(largest < 1.0e-4 * rms);
    // And the GPU output is the transmitted grid up to the added noise (0.01 per sample, 0.014 per RE).
    CHECK(std::sqrt(round_trip_error / power) < 0.05);
  }
}

TEST_CASE("ofdm_demodulator_cuda: the FFT window matches the CPU demodulator's and bad arguments are rejected")
{
  carrier_config carrier{};
  carrier.nof_prb = 51;
  carrier.bwp_size = 51;
  const ofdm_demodulator_config config{.carrier = carrier, .fft_window_offset_cp_fraction = 0.6F,
                                       .planning = ofdm_fft_planning::estimate};
  ofdm_demodulator cpu(config);
  ofdm_demodulator_cuda gpu(config, 2);
  CHECK(gpu.fft_window_offset() == cpu.fft_window_offset());
  cf_t* some = reinterpret_cast<cf_t*>(64);
  CHECK_FALSE(gpu.setup(some, some, 3, 0).is_ok());
  CHECK_FALSE(gpu.setup(nullptr, some, 1, 0).is_ok());
  CHECK_FALSE(gpu.enqueue(nullptr).is_ok());
  std::vector<cf_t> grid(14 * 12 * 51);
  std::vector<cf_t> short_samples(10);
  const std::span<const cf_t> rx[] = {short_samples};
  CHECK_FALSE(gpu.demodulate({grid.data(), 1, 14, 12 * 51}, rx, 0).is_ok());
}
