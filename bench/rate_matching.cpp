/// LDPC rate matching and dematching throughput (TS 38.212 5.4.2), per rate matching output bit E.
/// Arguments: Q_m, E, N_cb. BG1, Z_c = 384 (K' = K = 8448, N = 25344), rv 0.

#include "airan/phy/coding/rate_matching.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace airan::phy;

namespace {

ldpc_rate_match_params make_params(const benchmark::State& state)
{
  return {ldpc_base_graph::bg1,
          384,
          22 * 384,
          static_cast<unsigned>(state.range(2)),
          0,
          static_cast<unsigned>(state.range(0)),
          static_cast<unsigned>(state.range(1))};
}

void set_bit_rate(benchmark::State& state, unsigned e)
{
  state.counters["bit_rate"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * e, benchmark::Counter::kIsRate);
}

void bm_rate_match(benchmark::State& state)
{
  const ldpc_rate_match_params params = make_params(state);
  if (!validate(params)) {
    state.SkipWithError("invalid parameters");
    return;
  }
  std::mt19937 rng(1);
  std::vector<uint8_t> d(ldpc_codeword_length(params.graph, params.lifting_size));
  for (auto& b : d) {
    b = static_cast<uint8_t>(rng() & 1U);
  }
  std::vector<uint8_t> f(params.e);
  for (auto _ : state) {
    ldpc_rate_match(f, d, params);
    benchmark::DoNotOptimize(f.data());
    benchmark::ClobberMemory();
  }
  set_bit_rate(state, params.e);
}

template <bool NewData>
void bm_rate_dematch(benchmark::State& state)
{
  const ldpc_rate_match_params params = make_params(state);
  if (!validate(params)) {
    state.SkipWithError("invalid parameters");
    return;
  }
  std::mt19937 rng(1);
  std::vector<int8_t> llrs(params.e);
  for (auto& l : llrs) {
    l = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  }
  std::vector<int8_t> soft(ldpc_codeword_length(params.graph, params.lifting_size));
  for (auto _ : state) {
    benchmark::DoNotOptimize(ldpc_rate_dematch(soft, llrs, params, NewData));
    benchmark::ClobberMemory();
  }
  set_bit_rate(state, params.e);
}

void rate_match_args(benchmark::internal::Benchmark* b)
{
  b->ArgNames({"Qm", "E", "Ncb"});
  for (long qm : {2, 8}) {
    for (long e : {9000, 25000}) {
      b->Args({qm, e, 25344});
    }
    // Limited buffer (N_cb = 12672): E = 25000 repeats bits.
    b->Args({qm, 25000, 12672});
  }
}

} // namespace

BENCHMARK(bm_rate_match)->Apply(rate_match_args);
BENCHMARK(bm_rate_dematch<true>)->Name("bm_rate_dematch_new_data")->Apply(rate_match_args);
BENCHMARK(bm_rate_dematch<false>)->Name("bm_rate_dematch_combine")->Apply(rate_match_args);

BENCHMARK_MAIN();
