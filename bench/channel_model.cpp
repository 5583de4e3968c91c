/// Channel models: one 30 kHz slot (0.5 ms) through tdl_channel::apply() for the TS 38.104 propagation conditions
/// of the PUSCH requirements (TDLB100-400, TDLC300-100, TDLA30-10) at 30.72 Msps (1024-point FFT, 52 PRB) and
/// 122.88 Msps (4096-point FFT, 273 PRB), both delay interpolations; the frequency-domain fast path
/// (frequency_response() for the 3276 subcarriers of one symbol) and AWGN. Counters: input samples per second (per
/// transmit antenna), "realtime" = slot duration / processing time.

#include "airan/phy/channel/impairments.h"
#include "airan/phy/channel/tdl_channel.h"

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr double slot_duration_s = 0.5e-3;

tdl_channel_config bench_config(const char* name, unsigned nof_tx, unsigned nof_rx, double sample_rate_hz,
                                delay_interpolation interpolation)
{
  tdl_channel_config config;
  if (!parse_tdl_channel_name(name, config).is_ok()) {
    std::abort();
  }
  config.nof_tx         = nof_tx;
  config.nof_rx         = nof_rx;
  config.sample_rate_hz = sample_rate_hz;
  config.interpolation  = interpolation;
  config.seed           = 1;
  return config;
}

void bm_apply(benchmark::State& state, const char* name, unsigned nof_tx, unsigned nof_rx, double sample_rate_hz,
              delay_interpolation interpolation)
{
  const tdl_channel_config config = bench_config(name, nof_tx, nof_rx, sample_rate_hz, interpolation);
  if (!validate_tdl_channel_config(config).is_ok()) {
    state.SkipWithError("invalid configuration");
    return;
  }
  tdl_channel                     channel(config);
  const std::size_t               length = static_cast<std::size_t>(sample_rate_hz * slot_duration_s);
  std::mt19937                    rng(3);
  std::normal_distribution<float> gauss(0.0F, 0.7F);
  std::vector<std::vector<cf_t>>  tx(nof_tx, std::vector<cf_t>(length));
  std::vector<std::vector<cf_t>>  rx(nof_rx, std::vector<cf_t>(length));
  for (auto& port : tx) {
    for (cf_t& x : port) {
      x = {gauss(rng), gauss(rng)};
    }
  }
  std::vector<std::span<const cf_t>> tx_spans(tx.begin(), tx.end());
  std::vector<std::span<cf_t>>       rx_spans(rx.begin(), rx.end());
  double                             time_s = 0.0;
  for (auto _ : state) {
    channel.apply(tx_spans, rx_spans, time_s);
    benchmark::DoNotOptimize(rx.front().data());
    time_s += slot_duration_s;
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(length) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["realtime"] =
      benchmark::Counter(slot_duration_s * state.iterations(), benchmark::Counter::kIsRate);
}

void bm_frequency_response(benchmark::State& state, const char* name, unsigned nof_tx, unsigned nof_rx)
{
  tdl_channel       channel(bench_config(name, nof_tx, nof_rx, 122.88e6, delay_interpolation::windowed_sinc));
  const unsigned    nof_subcarriers = 3276;
  std::vector<cf_t> response(std::size_t{channel.nof_links()} * nof_subcarriers);
  double            time_s = 0.0;
  for (auto _ : state) {
    channel.frequency_response(response, time_s, -1638 * 30e3, 30e3);
    benchmark::DoNotOptimize(response.data());
    time_s += slot_duration_s / 14;
  }
  // 14 symbols per slot: realtime = slot duration / (14 symbol responses).
  state.counters["symbols_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["realtime"] =
      benchmark::Counter(slot_duration_s / 14 * state.iterations(), benchmark::Counter::kIsRate);
}

void bm_awgn(benchmark::State& state)
{
  std::vector<cf_t> samples(61440);
  awgn_generator    awgn(1);
  for (auto _ : state) {
    awgn.add(samples, 0.1F);
    benchmark::DoNotOptimize(samples.data());
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(samples.size()) * state.iterations(), benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK_CAPTURE(bm_apply, TDLB100_400_1x2_30M72_sinc, "TDLB100-400", 1, 2, 30.72e6,
                  delay_interpolation::windowed_sinc);
BENCHMARK_CAPTURE(bm_apply, TDLB100_400_1x2_30M72_nearest, "TDLB100-400", 1, 2, 30.72e6,
                  delay_interpolation::nearest_sample);
BENCHMARK_CAPTURE(bm_apply, TDLC300_100_2x4_30M72_sinc, "TDLC300-100", 2, 4, 30.72e6,
                  delay_interpolation::windowed_sinc);
BENCHMARK_CAPTURE(bm_apply, TDLA30_10_4x4_30M72_sinc, "TDLA30-10", 4, 4, 30.72e6,
                  delay_interpolation::windowed_sinc);
BENCHMARK_CAPTURE(bm_apply, TDLB100_400_1x2_122M88_sinc, "TDLB100-400", 1, 2, 122.88e6,
                  delay_interpolation::windowed_sinc);
BENCHMARK_CAPTURE(bm_apply, TDLC300_100_2x4_122M88_sinc, "TDLC300-100", 2, 4, 122.88e6,
                  delay_interpolation::windowed_sinc);
BENCHMARK_CAPTURE(bm_apply, TDLC300_100_2x4_122M88_nearest, "TDLC300-100", 2, 4, 122.88e6,
                  delay_interpolation::nearest_sample);
BENCHMARK_CAPTURE(bm_frequency_response, TDLC300_100_2x4, "TDLC300-100", 2, 4);
BENCHMARK_CAPTURE(bm_frequency_response, TDLB100_400_1x2, "TDLB100-400", 1, 2);
BENCHMARK(bm_awgn);

BENCHMARK_MAIN();
