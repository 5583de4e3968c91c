/// Block floating point compression of one slot of U-plane data: 273 PRB x 14 symbols x 4 ports (15288 PRBs,
/// 183456 complex samples), 9- and 14-bit mantissas. The baseline is a memcpy of as many bytes as the decompressed
/// output (cf_t), measured in the same process: bm_decompress_vs_memcpy alternates one decompression and one copy
/// and reports the decompression's throughput as a fraction of the copy's. The *_generic benchmarks run the portable
/// code path that CPUs without AVX2 use.

#include "airan/io/fronthaul/iq_compression.h"

#include <benchmark/benchmark.h>

#include <cstring>
#include <ctime>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::io;

namespace {

constexpr std::size_t nof_prb     = 273 * 14 * 4;
constexpr std::size_t nof_samples = nof_prb * nof_subcarriers_per_prb;
constexpr float       scale       = 1.0F / 32768.0F;

/// A slot of Gaussian samples (about 12 dB below full scale) and its compressed form.
struct slot_data {
  compression_params   params;
  std::vector<cf_t>    samples;
  std::vector<uint8_t> compressed;
  std::vector<cf_t>    output;
  std::vector<ci16_t>  output_int;

  explicit slot_data(unsigned width) :
    params{compression_method::block_floating_point, width},
    samples(nof_samples),
    compressed(nof_prb * compressed_prb_size(params)),
    output(nof_samples),
    output_int(nof_samples)
  {
    std::mt19937                    rng(7);
    std::normal_distribution<float> gauss(0.0F, 0.25F);
    for (auto& s : samples) {
      s = {gauss(rng), gauss(rng)};
    }
    compress(compressed, samples, params, scale);
  }
};

void set_counters(benchmark::State& state, const slot_data& data)
{
  const auto iterations                   = static_cast<double>(state.iterations());
  state.counters["compressed_bytes_per_s"] =
      benchmark::Counter(iterations * static_cast<double>(data.compressed.size()), benchmark::Counter::kIsRate);
  state.counters["samples_per_s"] =
      benchmark::Counter(iterations * static_cast<double>(nof_samples), benchmark::Counter::kIsRate);
}

void bm_decompress(benchmark::State& state)
{
  slot_data data(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    decompress(data.output, data.compressed, data.params, scale);
    benchmark::DoNotOptimize(data.output.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

/// The portable code path, for comparison.
void bm_decompress_generic(benchmark::State& state)
{
  slot_data data(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    detail::decompress_generic(data.output, data.compressed, data.params, scale);
    benchmark::DoNotOptimize(data.output.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

void bm_decompress_int16(benchmark::State& state)
{
  slot_data data(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    decompress(data.output_int, data.compressed, data.params);
    benchmark::DoNotOptimize(data.output_int.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

void bm_compress(benchmark::State& state)
{
  slot_data data(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    compress(data.compressed, data.samples, data.params, scale);
    benchmark::DoNotOptimize(data.compressed.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

void bm_compress_generic(benchmark::State& state)
{
  slot_data data(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    detail::compress_generic(data.compressed, data.samples, data.params, scale);
    benchmark::DoNotOptimize(data.compressed.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, data);
}

/// Copy of as many bytes as the decompressed output of a slot.
struct output_copy {
  std::vector<cf_t> source = std::vector<cf_t>(nof_samples, cf_t{0.5F, -0.5F});
  std::vector<cf_t> target = std::vector<cf_t>(nof_samples);

  void execute()
  {
    std::memcpy(target.data(), source.data(), nof_samples * sizeof(cf_t));
    benchmark::DoNotOptimize(target.data());
    benchmark::ClobberMemory();
  }
};

void bm_memcpy_output(benchmark::State& state)
{
  output_copy copy;
  for (auto _ : state) {
    copy.execute();
  }
  state.counters["bytes_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * nof_samples * sizeof(cf_t), benchmark::Counter::kIsRate);
}

/// CPU time of the calling thread in seconds (insensitive to preemption on a shared machine).
double thread_cpu_s()
{
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Alternates one slot decompression and one memcpy of its output size; the time reported is the decompression's
/// thread CPU time, fraction_of_memcpy is total copy time over total decompression time (the decompression's output
/// rate as a fraction of memcpy's).
void bm_decompress_vs_memcpy(benchmark::State& state)
{
  slot_data   data(static_cast<unsigned>(state.range(0)));
  output_copy copy;
  double      decompress_s = 0.0;
  double      copy_s       = 0.0;
  for (auto _ : state) {
    const double t0 = thread_cpu_s();
    decompress(data.output, data.compressed, data.params, scale);
    benchmark::DoNotOptimize(data.output.data());
    benchmark::ClobberMemory();
    const double t1 = thread_cpu_s();
    copy.execute();
    const double t2 = thread_cpu_s();
    decompress_s += t1 - t0;
    copy_s += t2 - t1;
    state.SetIterationTime(t1 - t0);
  }
  state.counters["memcpy_us_per_slot"] = 1e6 * copy_s / static_cast<double>(state.iterations());
  state.counters["fraction_of_memcpy"] = copy_s / decompress_s;
  set_counters(state, data);
}

} // namespace

BENCHMARK(bm_decompress)->Arg(9)->Arg(14)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_decompress_generic)->Arg(9)->Arg(14)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_decompress_int16)->Arg(9)->Arg(14)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_memcpy_output)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_decompress_vs_memcpy)->Arg(9)->Arg(14)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_compress)->Arg(9)->Arg(14)->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_compress_generic)->Arg(9)->Arg(14)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
