/// PUSCH channel estimation time per slot: 273 PRB at 30 kHz, 14 symbols, 4 rx ports, 1 or 2 layers, DM-RS type 1
/// single-symbol with one additional position (symbols 2 and 11), for each method (and LS without smoothing).

#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_prb = 273;
constexpr unsigned nof_rx = 4;
constexpr unsigned nof_symbols = 14;

struct bench_input {
  carrier_config carrier;
  pusch_pdu pdu;
  pusch_dmrs_pattern pattern;
  std::vector<cf_t> grid;
};

/// A transmitted slot through a random flat channel per rx and tx port, plus noise (about 20 dB SNR).
bench_input make_input(unsigned nof_layers)
{
  bench_input in;
  in.carrier.numerology = 1;
  in.carrier.nof_prb = nof_prb;
  in.carrier.bwp_size = nof_prb;
  in.pdu.nof_prb = nof_prb;
  in.pdu.nof_layers = nof_layers;
  in.pdu.nof_antenna_ports = nof_layers;
  in.pdu.mcs = 10;
  in.pdu.dmrs.additional_position = 1;
  in.pdu.dmrs.nof_cdm_groups_without_data = 2;
  in.pdu.dmrs.ports = {0, 1, 2, 3};
  if (!compute_pusch_dmrs_pattern(in.pattern, in.pdu, in.carrier)) {
    return in;
  }

  pusch_transmitter tx(nof_prb, nof_layers);
  std::vector<uint8_t> tb(pusch_tbs(in.pdu, in.carrier) / 8, 0x5a);
  const std::size_t per_port = std::size_t{nof_symbols} * 12 * nof_prb;
  std::vector<cf_t> tx_grid(nof_layers * per_port);
  tx.transmit({tx_grid.data(), nof_layers, nof_symbols, 12 * nof_prb}, tb, in.pdu, in.carrier);

  std::mt19937 rng(3);
  std::normal_distribution<float> gaussian(0.0F, 0.70710678F);
  in.grid.resize(nof_rx * per_port);
  for (unsigned r = 0; r < nof_rx; ++r) {
    for (unsigned p = 0; p < nof_layers; ++p) {
      const cf_t gain(gaussian(rng), gaussian(rng));
      for (std::size_t i = 0; i < per_port; ++i) {
        in.grid[r * per_port + i] += gain * tx_grid[p * per_port + i];
      }
    }
    for (std::size_t i = 0; i < per_port; ++i) {
      in.grid[r * per_port + i] += 0.1F * cf_t(gaussian(rng), gaussian(rng));
    }
  }
  return in;
}

/// LS variants: the default (smoothing over 1 resource block, adaptive time mode: this static channel is averaged
/// over the occasions), smoothing with interpolation in time (a fast-fading channel), and raw LS values, the baseline.
enum class ls_variant { adaptive, interpolate, raw };

void bm_channel_estimator(benchmark::State& state, channel_estimator_kind kind, unsigned nof_layers,
                          ls_variant variant = ls_variant::adaptive)
{
  const bench_input in = make_input(nof_layers);
  channel_estimator_config config;
  config.max_nof_rx_ports = nof_rx;
  if (variant != ls_variant::adaptive) {
    config.dmrs_time = dmrs_time_mode::interpolate;
  }
  if (variant == ls_variant::raw) {
    config.ls_smoothing_prb = 0.0F;
  }
  auto estimator = make_channel_estimator(kind, config);
  channel_estimate out(config);
  if (!estimator || !estimator->validate(in.pdu, in.carrier, nof_rx)) {
    state.SkipWithError("invalid configuration");
    return;
  }
  const const_grid_view grid{in.grid.data(), nof_rx, nof_symbols, 12 * nof_prb};
  for (auto _ : state) {
    estimator->estimate(out, grid, in.pdu, in.carrier, in.pattern);
    benchmark::DoNotOptimize(out.all_channels().data());
    benchmark::ClobberMemory();
  }
  // Channel coefficients produced: rx ports x layers x symbols x subcarriers.
  state.counters["coefficients_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * nof_rx * nof_layers * nof_symbols * 12 * nof_prb,
      benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK_CAPTURE(bm_channel_estimator, ls_raw_1_layer, channel_estimator_kind::ls_linear, 1, ls_variant::raw)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, ls_interpolate_1_layer, channel_estimator_kind::ls_linear, 1,
                  ls_variant::interpolate)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, ls_linear_1_layer, channel_estimator_kind::ls_linear, 1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, ls_linear_2_layers, channel_estimator_kind::ls_linear, 2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, dft_1_layer, channel_estimator_kind::dft, 1)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, dft_2_layers, channel_estimator_kind::dft, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, lmmse_1_layer, channel_estimator_kind::lmmse, 1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_channel_estimator, lmmse_2_layers, channel_estimator_kind::lmmse, 2)
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
