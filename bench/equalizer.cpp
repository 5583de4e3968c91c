/// MIMO equaliser: time per slot of 273 PRB x 12 data symbols (39312 REs), one call per OFDM symbol (3276 REs),
/// 4 receive ports, 1 and 2 layers, MMSE (one noise variance, or one per port) and MMSE-IRC (one covariance per PRB).
/// Each symbol has its own received values and channel estimates (5 MB of input per slot with 2 layers), except in
/// the *_shared_h runs, where all symbols use the same channel estimates (constant channel over the slot).

#include "airan/phy/pusch/equalizer.h"

#include <benchmark/benchmark.h>

#include <complex>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_prb         = 273;
constexpr unsigned nof_symbols     = 12;
constexpr unsigned nof_re_symbol   = nof_prb * 12;
constexpr unsigned nof_rx_ports    = 4;
constexpr unsigned group_nof_re    = 12;

enum class noise_model { white, per_port, irc };

struct slot_data {
  unsigned                       nof_layers;
  std::vector<std::vector<cf_t>> y;
  std::vector<std::vector<cf_t>> h;
  std::vector<cf_t>              covariance;
  std::vector<float>             rx_noise_var;
  std::vector<cf_t>              x;
  std::vector<float>             noise_var;
};

slot_data make_slot(unsigned nof_layers, bool shared_h)
{
  std::mt19937                    rng(11);
  std::normal_distribution<float> g(0.0F, 0.7071F);
  auto                            random_vector = [&](std::size_t n) {
    std::vector<cf_t> v(n);
    for (auto& e : v) {
      e = {g(rng), g(rng)};
    }
    return v;
  };
  slot_data d{nof_layers, {}, {}, {}, {0.01F, 0.02F, 0.01F, 0.03F}, {}, {}};
  for (unsigned l = 0; l != nof_symbols; ++l) {
    d.y.push_back(random_vector(std::size_t{nof_rx_ports} * nof_re_symbol));
    if (!shared_h || l == 0) {
      d.h.push_back(random_vector(std::size_t{nof_rx_ports} * nof_layers * nof_re_symbol));
    }
  }
  // Per PRB: 0.01 I plus a rank-1 interferer.
  for (unsigned prb = 0; prb != nof_prb; ++prb) {
    const std::vector<cf_t> v = random_vector(nof_rx_ports);
    for (unsigned i = 0; i != nof_rx_ports; ++i) {
      for (unsigned j = 0; j != nof_rx_ports; ++j) {
        d.covariance.push_back((i == j ? 0.01F : 0.0F) + v[i] * std::conj(v[j]));
      }
    }
  }
  d.x.resize(std::size_t{nof_layers} * nof_re_symbol);
  d.noise_var.resize(std::size_t{nof_layers} * nof_re_symbol);
  return d;
}

void bm_equalize_slot(benchmark::State& state, unsigned nof_layers, noise_model model, bool shared_h)
{
  slot_data        d = make_slot(nof_layers, shared_h);
  equalizer        eq({nof_rx_ports, nof_layers, nof_re_symbol});
  equalizer_output out{d.x, d.noise_var};
  const std::vector<float> white = {0.01F};
  for (auto _ : state) {
    for (unsigned l = 0; l != nof_symbols; ++l) {
      const equalizer_input in{nof_rx_ports, nof_layers, nof_re_symbol, 1, d.y[l], d.h[shared_h ? 0 : l]};
      switch (model) {
        case noise_model::white:
          eq.equalize_mmse(out, in, white);
          break;
        case noise_model::per_port:
          eq.equalize_mmse(out, in, d.rx_noise_var);
          break;
        case noise_model::irc:
          eq.equalize_mmse_irc(out, in, d.covariance, group_nof_re);
          break;
      }
      benchmark::DoNotOptimize(d.x.data());
      benchmark::DoNotOptimize(d.noise_var.data());
      benchmark::ClobberMemory();
    }
  }
  state.counters["RE_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * nof_symbols * nof_re_symbol,
                         benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK_CAPTURE(bm_equalize_slot, mmse_1layer, 1U, noise_model::white, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, mmse_2layers, 2U, noise_model::white, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, mmse_per_port_1layer, 1U, noise_model::per_port, false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, mmse_per_port_2layers, 2U, noise_model::per_port, false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, irc_1layer, 1U, noise_model::irc, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, irc_2layers, 2U, noise_model::irc, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, mmse_2layers_shared_h, 2U, noise_model::white, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_equalize_slot, irc_2layers_shared_h, 2U, noise_model::irc, true)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
