// Throughput of the LDPC encoder (TS 38.212 5.3.2) in information bits per second, at full length and at the
// codeword lengths a rate matcher asks for at a few code rates (K / R bits, no filler bits).
#include "airan/phy/coding/ldpc_encoder.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

using namespace airan::phy;

namespace {

using encode_function = void (*)(std::span<uint8_t>, std::span<const uint8_t>, ldpc_base_graph, unsigned) noexcept;

void run_encoder(benchmark::State& state,
                 encode_function encode,
                 ldpc_base_graph graph,
                 unsigned lifting_size,
                 double code_rate)
{
  const std::size_t k = ldpc_info_length(graph, lifting_size);
  const std::size_t length = code_rate > 0 ? static_cast<std::size_t>(static_cast<double>(k) / code_rate)
                                           : ldpc_codeword_length(graph, lifting_size);
  if (!validate_ldpc_encoder_input(graph, lifting_size, k, length).is_ok()) {
    state.SkipWithError("invalid codeword length");
    return;
  }
  std::mt19937 rng(1);
  std::vector<uint8_t> info(k);
  for (auto& b : info) {
    b = static_cast<uint8_t>(rng() & 1U);
  }
  std::vector<uint8_t> codeword(length);
  for (auto _ : state) {
    encode(codeword, info, graph, lifting_size);
    benchmark::DoNotOptimize(codeword.data());
    benchmark::ClobberMemory();
  }
  state.counters["codeword_bits"] = static_cast<double>(length);
  const double info_mbit = static_cast<double>(k) * 1e-6 * static_cast<double>(state.iterations());
  state.counters["info_Mbit/s"] = benchmark::Counter(info_mbit, benchmark::Counter::kIsRate);
}

void bm_ldpc_encode(benchmark::State& state, ldpc_base_graph graph, unsigned lifting_size, double code_rate)
{
  run_encoder(state, &ldpc_encode, graph, lifting_size, code_rate);
}

/// The portable code path used on CPUs without AVX2.
void bm_ldpc_encode_generic(benchmark::State& state, ldpc_base_graph graph, unsigned lifting_size, double code_rate)
{
  run_encoder(state, &detail::ldpc_encode_generic, graph, lifting_size, code_rate);
}

/// Code rate 0 stands for the full length N.
constexpr double full_length = 0;

} // namespace

BENCHMARK_CAPTURE(bm_ldpc_encode, bg1_z384_full, ldpc_base_graph::bg1, 384U, full_length);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg1_z384_r1_3, ldpc_base_graph::bg1, 384U, 1.0 / 3);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg1_z384_r1_2, ldpc_base_graph::bg1, 384U, 1.0 / 2);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg1_z384_r2_3, ldpc_base_graph::bg1, 384U, 2.0 / 3);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg1_z384_r0_9, ldpc_base_graph::bg1, 384U, 0.9);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg2_z384_full, ldpc_base_graph::bg2, 384U, full_length);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg2_z384_r1_3, ldpc_base_graph::bg2, 384U, 1.0 / 3);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg1_z104_full, ldpc_base_graph::bg1, 104U, full_length);
BENCHMARK_CAPTURE(bm_ldpc_encode, bg2_z52_full, ldpc_base_graph::bg2, 52U, full_length);

BENCHMARK_CAPTURE(bm_ldpc_encode_generic, bg1_z384_full, ldpc_base_graph::bg1, 384U, full_length);
BENCHMARK_CAPTURE(bm_ldpc_encode_generic, bg1_z384_r0_9, ldpc_base_graph::bg1, 384U, 0.9);

BENCHMARK_MAIN();
