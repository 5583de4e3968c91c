/// Soft demapper throughput: LLR bits produced per second for one layer of a full 273-PRB slot (12 data symbols).

#include "airan/phy/modulation/modulation.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr std::size_t nof_symbols = 273 * 12 * 12;

struct demapper_input {
  std::vector<cf_t>  symbols;
  std::vector<float> noise_var;
};

/// Noisy constellation points (about 20 dB SNR) with per-symbol noise variances.
demapper_input make_input(modulation_scheme scheme)
{
  std::mt19937                         rng(7);
  std::bernoulli_distribution          coin;
  std::normal_distribution<float>      noise(0.0F, 0.07F);
  std::uniform_real_distribution<float> spread(0.005F, 0.02F);
  std::vector<uint8_t>                 bits(nof_symbols * modulation_order(scheme));
  for (auto& b : bits) {
    b = coin(rng) ? 1 : 0;
  }
  demapper_input in{std::vector<cf_t>(nof_symbols), std::vector<float>(nof_symbols)};
  modulate(in.symbols, bits, scheme);
  for (std::size_t i = 0; i != nof_symbols; ++i) {
    in.symbols[i] += cf_t{noise(rng), noise(rng)};
    in.noise_var[i] = spread(rng);
  }
  return in;
}

void set_counters(benchmark::State& state, modulation_scheme scheme)
{
  state.counters["LLR_bits_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * nof_symbols * modulation_order(scheme)), benchmark::Counter::kIsRate);
}

void bm_demodulate_soft_int8(benchmark::State& state, modulation_scheme scheme)
{
  const auto          in = make_input(scheme);
  std::vector<int8_t> llrs(nof_symbols * modulation_order(scheme));
  for (auto _ : state) {
    demodulate_soft(llrs, in.symbols, in.noise_var, scheme, default_llr_scale);
    benchmark::DoNotOptimize(llrs.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, scheme);
}

void bm_demodulate_soft_float(benchmark::State& state, modulation_scheme scheme)
{
  const auto         in = make_input(scheme);
  std::vector<float> llrs(nof_symbols * modulation_order(scheme));
  for (auto _ : state) {
    demodulate_soft(llrs, in.symbols, in.noise_var, scheme);
    benchmark::DoNotOptimize(llrs.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, scheme);
}

} // namespace

BENCHMARK_CAPTURE(bm_demodulate_soft_int8, pi2_bpsk, modulation_scheme::pi2_bpsk);
BENCHMARK_CAPTURE(bm_demodulate_soft_int8, qpsk, modulation_scheme::qpsk);
BENCHMARK_CAPTURE(bm_demodulate_soft_int8, qam16, modulation_scheme::qam16);
BENCHMARK_CAPTURE(bm_demodulate_soft_int8, qam64, modulation_scheme::qam64);
BENCHMARK_CAPTURE(bm_demodulate_soft_int8, qam256, modulation_scheme::qam256);
BENCHMARK_CAPTURE(bm_demodulate_soft_float, qpsk, modulation_scheme::qpsk);
BENCHMARK_CAPTURE(bm_demodulate_soft_float, qam256, modulation_scheme::qam256);

BENCHMARK_MAIN();
