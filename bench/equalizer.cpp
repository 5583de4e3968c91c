/// MIMO equaliser: time per slot of 273 PRB x 12 data symbols (39312 REs), 4 receive ports, 1 and 2 layers (MMSE
/// with 3 and 4 too), MMSE (one noise variance, or one per port) and MMSE-IRC (one covariance per PRB).
/// - per_symbol: one call per OFDM symbol (3276 REs), each symbol with its own received values and channel
///   estimates (5 MB of input per slot with 2 layers);
/// - shared_channel: one call for the 12 symbols, which share the channel estimates (constant channel over the
///   slot): the per-RE solve is done once; *_receiver_layout as the PUSCH receiver makes that call.

#include "airan/phy/pusch/equalizer.h"

#include <benchmark/benchmark.h>

#include <complex>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_prb       = 273;
constexpr unsigned nof_symbols   = 12;
constexpr unsigned nof_re_symbol = nof_prb * 12;
constexpr unsigned nof_rx_ports  = 4;
constexpr unsigned group_nof_re  = 12;

enum class noise_model { white, per_port, irc };

std::vector<cf_t> random_vector(std::size_t n, std::mt19937& rng)
{
  std::normal_distribution<float> g(0.0F, 0.7071F);
  std::vector<cf_t>               v(n);
  for (auto& e : v) {
    e = {g(rng), g(rng)};
  }
  return v;
}

/// One covariance per PRB: 0.01 I plus a rank-1 interferer.
std::vector<cf_t> make_covariance(std::mt19937& rng)
{
  std::vector<cf_t> r;
  for (unsigned prb = 0; prb != nof_prb; ++prb) {
    const std::vector<cf_t> v = random_vector(nof_rx_ports, rng);
    for (unsigned i = 0; i != nof_rx_ports; ++i) {
      for (unsigned j = 0; j != nof_rx_ports; ++j) {
        r.push_back((i == j ? 0.01F : 0.0F) + v[i] * std::conj(v[j]));
      }
    }
  }
  return r;
}

void equalize(equalizer& eq, const equalizer_output& out, const equalizer_input& in, noise_model model,
              const std::vector<cf_t>& covariance)
{
  static const std::vector<float> white    = {0.01F};
  static const std::vector<float> per_port = {0.01F, 0.02F, 0.01F, 0.03F};
  switch (model) {
    case noise_model::white:
      eq.equalize_mmse(out, in, white);
      break;
    case noise_model::per_port:
      eq.equalize_mmse(out, in, per_port);
      break;
    case noise_model::irc:
      eq.equalize_mmse_irc(out, in, covariance, group_nof_re);
      break;
  }
}

void set_counters(benchmark::State& state)
{
  state.counters["RE_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * nof_symbols * nof_re_symbol,
                         benchmark::Counter::kIsRate);
}

void bm_per_symbol(benchmark::State& state, unsigned nof_layers, noise_model model)
{
  std::mt19937                   rng(11);
  std::vector<std::vector<cf_t>> y;
  std::vector<std::vector<cf_t>> h;
  for (unsigned l = 0; l != nof_symbols; ++l) {
    y.push_back(random_vector(std::size_t{nof_rx_ports} * nof_re_symbol, rng));
    h.push_back(random_vector(std::size_t{nof_rx_ports} * nof_layers * nof_re_symbol, rng));
  }
  const std::vector<cf_t> covariance = make_covariance(rng);
  std::vector<cf_t>       x(std::size_t{nof_symbols} * nof_layers * nof_re_symbol);
  std::vector<float>      noise_var(std::size_t{nof_symbols} * nof_layers * nof_re_symbol);
  equalizer               eq({nof_rx_ports, nof_layers, nof_re_symbol});
  const std::size_t       out_size = std::size_t{nof_layers} * nof_re_symbol;
  for (auto _ : state) {
    for (unsigned l = 0; l != nof_symbols; ++l) {
      const equalizer_output out{std::span(x).subspan(l * out_size, out_size),
                                 std::span(noise_var).subspan(l * out_size, out_size)};
      equalize(eq, out, {nof_rx_ports, nof_layers, nof_re_symbol, 1, y[l], h[l]}, model, covariance);
    }
    benchmark::DoNotOptimize(x.data());
    benchmark::DoNotOptimize(noise_var.data());
    benchmark::ClobberMemory();
  }
  set_counters(state);
}

/// receiver_layout: as the PUSCH receiver calls it on a slot with DM-RS on symbols 2 and 11: the 12 data symbols
/// read in place from a 14-symbol grid [port][symbol][re] (symbol_index), a frequency offset's phase per symbol, and
/// the layers interleaved in the output.
void bm_shared_channel(benchmark::State& state, unsigned nof_layers, noise_model model, bool receiver_layout = false)
{
  constexpr unsigned      grid_symbols = 14;
  std::mt19937            rng(12);
  const std::vector<cf_t> y = random_vector(std::size_t{grid_symbols} * nof_rx_ports * nof_re_symbol, rng);
  const std::vector<cf_t> h = random_vector(std::size_t{nof_rx_ports} * nof_layers * nof_re_symbol, rng);
  const std::vector<cf_t> covariance = make_covariance(rng);
  std::vector<cf_t>       x(std::size_t{nof_symbols} * nof_layers * nof_re_symbol);
  std::vector<float>      noise_var(std::size_t{nof_layers} * nof_re_symbol);
  equalizer               eq({nof_rx_ports, nof_layers, nof_re_symbol});
  equalizer_input         in{nof_rx_ports, nof_layers, nof_re_symbol, nof_symbols,
                     std::span(y).first(std::size_t{nof_symbols} * nof_rx_ports * nof_re_symbol), h};
  std::vector<unsigned>   index;
  std::vector<cf_t>       phase;
  if (receiver_layout) {
    for (unsigned l = 0; l != grid_symbols; ++l) {
      if (l != 2 && l != 11) {
        index.push_back(l);
        phase.push_back(std::polar(1.0F, 0.01F * static_cast<float>(l)));
      }
    }
    in.y               = y;
    in.y_port_stride   = std::size_t{grid_symbols} * nof_re_symbol;
    in.y_symbol_stride = nof_re_symbol;
    in.symbol_index    = index;
    in.symbol_phase    = phase;
  }
  for (auto _ : state) {
    equalize(eq, {x, noise_var, receiver_layout}, in, model, covariance);
    benchmark::DoNotOptimize(x.data());
    benchmark::DoNotOptimize(noise_var.data());
    benchmark::ClobberMemory();
  }
  set_counters(state);
}

} // namespace

BENCHMARK_CAPTURE(bm_per_symbol, mmse_1layer, 1U, noise_model::white)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_per_symbol, mmse_2layers, 2U, noise_model::white)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_per_symbol, mmse_per_port_2layers, 2U, noise_model::per_port)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_per_symbol, irc_1layer, 1U, noise_model::irc)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_per_symbol, irc_2layers, 2U, noise_model::irc)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_1layer, 1U, noise_model::white)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_2layers, 2U, noise_model::white)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_per_port_2layers, 2U, noise_model::per_port)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_1layer_receiver_layout, 1U, noise_model::white, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_2layers_receiver_layout, 2U, noise_model::white, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_4layers, 4U, noise_model::white)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_per_symbol, mmse_4layers, 4U, noise_model::white)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_3layers_receiver_layout, 3U, noise_model::white, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, mmse_4layers_receiver_layout, 4U, noise_model::white, true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, irc_1layer, 1U, noise_model::irc)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(bm_shared_channel, irc_2layers, 2U, noise_model::irc)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
