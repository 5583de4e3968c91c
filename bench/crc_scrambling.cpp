// Throughput of the CRC (TS 38.212 5.1) and of the Gold sequence scrambling (TS 38.211 5.2.1).

#include "airan/phy/coding/crc.h"
#include "airan/phy/coding/scrambling.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace airan::phy;

namespace {

std::vector<uint8_t> random_bytes(size_t n, unsigned max_value)
{
  std::mt19937 rng(5);
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    b = static_cast<uint8_t>(rng() % (max_value + 1));
  }
  return v;
}

void set_bit_rate(benchmark::State& state, size_t nof_bits)
{
  state.counters["bit_rate"] = benchmark::Counter(
      static_cast<double>(nof_bits) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

/// CRC24A of a 1 MB transport block given as packed bytes.
void bm_crc24a_bytes(benchmark::State& state)
{
  const std::vector<uint8_t> tb = random_bytes(1 << 20, 255);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc_compute_bytes(crc_type::crc24a, tb));
  }
  set_bit_rate(state, tb.size() * 8);
}
BENCHMARK(bm_crc24a_bytes);

/// CRC24B of a code block of unpacked bits (K' - 24 = 8424 bits, the largest BG1 code block).
void bm_crc24b_bits(benchmark::State& state)
{
  const std::vector<uint8_t> bits = random_bytes(8424, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crc_compute_bits(crc_type::crc24b, bits));
  }
  set_bit_rate(state, bits.size());
}
BENCHMARK(bm_crc24b_bits);

/// Gold sequence generation, scrambling of unpacked bits and LLR descrambling; argument: number of bits.
void bm_gold_sequence(benchmark::State& state)
{
  std::vector<uint8_t> c(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    generate_gold_sequence(c, 0x12345678);
    benchmark::DoNotOptimize(c.data());
  }
  set_bit_rate(state, c.size());
}
BENCHMARK(bm_gold_sequence)->Arg(1 << 10)->Arg(1 << 17);

void bm_scramble_bits(benchmark::State& state)
{
  std::vector<uint8_t> bits = random_bytes(static_cast<size_t>(state.range(0)), 1);
  for (auto _ : state) {
    scramble_bits(bits, 0x12345678);
    benchmark::DoNotOptimize(bits.data());
  }
  set_bit_rate(state, bits.size());
}
BENCHMARK(bm_scramble_bits)->Arg(1 << 10)->Arg(1 << 17);

void bm_descramble_llrs(benchmark::State& state)
{
  std::vector<uint8_t> raw = random_bytes(static_cast<size_t>(state.range(0)), 254);
  std::vector<int8_t> llrs(raw.size());
  for (size_t i = 0; i != raw.size(); ++i) {
    llrs[i] = static_cast<int8_t>(int{raw[i]} - 127);
  }
  for (auto _ : state) {
    descramble_llrs(llrs, 0x12345678);
    benchmark::DoNotOptimize(llrs.data());
  }
  set_bit_rate(state, llrs.size());
}
BENCHMARK(bm_descramble_llrs)->Arg(1 << 10)->Arg(1 << 17);

} // namespace

BENCHMARK_MAIN();
