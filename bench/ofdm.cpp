/// OFDM demodulation and modulation of one slot: 273 PRB at 30 kHz (4096-point FFT, 122.88 Msps), 14 symbols,
/// 4 ports, FFTW_MEASURE plans. The baseline is a bare batched FFTW transform of the same work (56 out-of-place
/// 4096-point FFTs in one fftwf_plan_many_dft plan); bm_demodulate_vs_fftw alternates both and reports their ratio
/// (the median of the iterations' ratios).
/// The demodulated grids are placed as the demodulator prefers (ofdm_demodulated_grid).

#include "airan/phy/ofdm/ofdm.h"
#include "airan/common/aligned_vector.h"
#include "batched_fft.h"
#include "sim/slot_bench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_ports = 4;
constexpr unsigned slot      = 1;

carrier_config bench_carrier()
{
  carrier_config carrier;
  carrier.numerology          = 1;
  carrier.nof_prb             = 273;
  carrier.bwp_size            = 273;
  carrier.center_frequency_hz = 3.5e9;
  return carrier;
}

/// A slot's grid and samples for every port, filled with a modulated random grid.
struct slot_data {
  ofdm_numerology                    numerology;
  std::vector<cf_t>                  grid_data;
  grid_view                          grid;
  std::vector<aligned_vector<cf_t>>  storage;
  std::vector<std::span<cf_t>>       samples;
  std::vector<std::span<const cf_t>> const_samples;

  slot_data() :
    numerology(bench_carrier()),
    grid_data(std::size_t{nof_ports} * numerology.nof_symbols_per_slot() * numerology.nof_subcarriers()),
    grid{grid_data.data(), nof_ports, numerology.nof_symbols_per_slot(), numerology.nof_subcarriers()},
    storage(nof_ports, aligned_vector<cf_t>(numerology.slot_length(slot)))
  {
    std::mt19937                    rng(5);
    std::normal_distribution<float> gauss(0.0F, 0.7F);
    for (auto& a : grid_data) {
      a = {gauss(rng), gauss(rng)};
    }
    for (auto& s : storage) {
      samples.emplace_back(s);
      const_samples.emplace_back(s);
    }
    ofdm_modulator modulator({bench_carrier(), 0, ofdm_fft_planning::estimate});
    modulator.modulate(samples, grid, slot);
  }

  std::size_t nof_samples() const { return std::size_t{nof_ports} * numerology.slot_length(slot); }
};

/// The same number of FFTs as the demodulator computes, as one batched FFTW plan.
bench::batched_fft make_batched_fft(const ofdm_numerology& numerology)
{
  return {numerology.fft_size(), nof_ports * numerology.nof_symbols_per_slot()};
}

/// Slot-rate counters: input samples per second and multiples of real time (a slot lasts 0.5 ms).
void set_counters(benchmark::State& state, const slot_data& data)
{
  const auto iterations         = static_cast<double>(state.iterations());
  state.counters["samples_per_s"] = benchmark::Counter(iterations * data.nof_samples(), benchmark::Counter::kIsRate);
  state.counters["x_realtime"]    = benchmark::Counter(iterations * 0.5e-3, benchmark::Counter::kIsRate);
}

void bm_demodulate(benchmark::State& state)
{
  slot_data        data;
  ofdm_demodulator      demodulator({bench_carrier(), 0, 0.25F, ofdm_fft_planning::measure});
  ofdm_demodulated_grid grid(demodulator, nof_ports);
  for (auto _ : state) {
    demodulator.demodulate(grid.view(), data.const_samples, slot);
    benchmark::DoNotOptimize(grid.view().data);
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

void bm_modulate(benchmark::State& state)
{
  slot_data      data;
  ofdm_modulator modulator({bench_carrier(), 0, ofdm_fft_planning::measure});
  for (auto _ : state) {
    modulator.modulate(data.samples, data.grid, slot);
    benchmark::DoNotOptimize(data.storage.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

void bm_fftw_batched(benchmark::State& state)
{
  slot_data   data;
  bench::batched_fft fft = make_batched_fft(data.numerology);
  for (auto _ : state) {
    fft.execute();
  }
  set_counters(state, data);
}

/// CPU time of the calling thread in seconds (insensitive to preemption on a shared machine).
double thread_cpu_s()
{
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Alternates one demodulated slot and one batched bare FFT; the time reported is the demodulation's thread CPU
/// time. ratio_to_fftw is the median over the iterations of the demodulation's time over the bare FFT's right after
/// it: a burst of steal time on a shared machine, which lands in one of the two, moves the median little, the ratio of
/// the totals (ratio_of_totals) more.
void bm_demodulate_vs_fftw(benchmark::State& state)
{
  slot_data data;
  ofdm_demodulator      demodulator({bench_carrier(), 0, 0.25F, ofdm_fft_planning::measure});
  ofdm_demodulated_grid grid(demodulator, nof_ports);
  bench::batched_fft fft = make_batched_fft(data.numerology);
  std::vector<double> demodulation_s;
  std::vector<double> fft_s;
  for (auto _ : state) {
    const double t0 = thread_cpu_s();
    demodulator.demodulate(grid.view(), data.const_samples, slot);
    benchmark::DoNotOptimize(grid.view().data);
    benchmark::ClobberMemory();
    const double t1 = thread_cpu_s();
    fft.execute();
    const double t2 = thread_cpu_s();
    demodulation_s.push_back(t1 - t0);
    fft_s.push_back(t2 - t1);
    state.SetIterationTime(t1 - t0);
  }
  std::vector<double> ratio(fft_s.size());
  std::transform(demodulation_s.begin(), demodulation_s.end(), fft_s.begin(), ratio.begin(), std::divides<>());
  std::sort(ratio.begin(), ratio.end());
  const double fft_total = std::accumulate(fft_s.begin(), fft_s.end(), 0.0);
  std::sort(fft_s.begin(), fft_s.end());
  state.counters["fftw_us_per_slot"] = 1e6 * fft_total / static_cast<double>(fft_s.size());
  state.counters["fftw_p50_us"] = 1e6 * sim::nearest_rank_percentile(fft_s, 50.0);
  state.counters["ratio_to_fftw"] = sim::nearest_rank_percentile(ratio, 50.0);
  state.counters["ratio_of_totals"] = std::accumulate(demodulation_s.begin(), demodulation_s.end(), 0.0) / fft_total;
}

} // namespace

BENCHMARK(bm_demodulate)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_fftw_batched)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_demodulate_vs_fftw)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_modulate)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
