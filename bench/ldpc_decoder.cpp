// LDPC decoder throughput, BG1 Z = 384 (K = 8448 information bits per code block), one core.
//
// For each code rate R (n = K / R LLRs): 6 fixed iterations, and early stop (at most 6) at the Eb/N0 where the
// decoder needs 3 iterations on average (found by bisection at start-up). Every kernel the CPU runs.
// Counters: info_bits (information bits per second), avg_iterations, fer (frames not meeting parity), eb_n0_db.

#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/coding/ldpc_encoder.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace airan::phy;

namespace {

constexpr ldpc_base_graph graph = ldpc_base_graph::bg1;
constexpr unsigned lifting_size = 384;
constexpr unsigned nof_frames = 64;
constexpr double target_iterations = 3.0;

std::size_t nof_llrs(double rate)
{
  return std::min<std::size_t>(static_cast<std::size_t>(std::ceil(ldpc_info_length(graph, lifting_size) / rate)),
                               ldpc_codeword_length(graph, lifting_size));
}

/// Random code blocks, BPSK over AWGN, LLR 2y/sigma^2 at 8 steps per natural unit (the soft demapper's default
/// scale, decoded with the default llr_shift = 1).
std::vector<std::vector<int8_t>> noisy_frames(double rate, double eb_n0_db)
{
  const double sigma2 = 1.0 / (2.0 * rate * std::pow(10.0, eb_n0_db / 10.0));
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0.0, std::sqrt(sigma2));
  std::vector<uint8_t> info(ldpc_info_length(graph, lifting_size));
  std::vector<uint8_t> codeword(ldpc_codeword_length(graph, lifting_size));
  std::vector<std::vector<int8_t>> frames(nof_frames, std::vector<int8_t>(nof_llrs(rate)));
  for (auto& frame : frames) {
    for (auto& bit : info) {
      bit = static_cast<uint8_t>(rng() & 1U);
    }
    ldpc_encode(codeword, info, graph, lifting_size);
    for (std::size_t k = 0; k != frame.size(); ++k) {
      const double y = (codeword[k] != 0 ? -1.0 : 1.0) + noise(rng);
      frame[k] = static_cast<int8_t>(std::clamp(std::lround(16.0 * y / sigma2), -127L, 127L));
    }
  }
  return frames;
}

double mean_iterations(ldpc_decoder& decoder, double rate, double eb_n0_db, const ldpc_decoder_config& config)
{
  std::vector<uint8_t> bits(ldpc_info_length(graph, lifting_size));
  unsigned total = 0;
  for (const auto& frame : noisy_frames(rate, eb_n0_db)) {
    total += decoder.decode(bits, frame, graph, lifting_size, config).nof_iterations;
  }
  return static_cast<double>(total) / nof_frames;
}

/// Eb/N0 at which early stop needs target_iterations on average (the mean falls with the SNR).
double calibrate_eb_n0_db(double rate)
{
  ldpc_decoder decoder;
  const ldpc_decoder_config config{};
  double low = -2.0;
  double high = 10.0;
  for (unsigned step = 0; step != 20; ++step) {
    const double middle = 0.5 * (low + high);
    (mean_iterations(decoder, rate, middle, config) > target_iterations ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

void decode_frames(benchmark::State& state, ldpc_decoder::simd level, double rate, double eb_n0_db,
                   bool early_stop)
{
  ldpc_decoder decoder(level);
  const ldpc_decoder_config config{.max_iterations = 6, .early_stop = early_stop};
  const auto frames = noisy_frames(rate, eb_n0_db);
  std::vector<uint8_t> bits(ldpc_info_length(graph, lifting_size));
  std::size_t decoded = 0;
  std::size_t iterations = 0;
  std::size_t failures = 0;
  for (auto _ : state) {
    const ldpc_decode_result result = decoder.decode(bits, frames[decoded % nof_frames], graph, lifting_size, config);
    benchmark::DoNotOptimize(bits.data());
    iterations += result.nof_iterations;
    failures += result.parity_ok ? 0 : 1;
    ++decoded;
  }
  state.counters["info_bits"] =
      benchmark::Counter(static_cast<double>(decoded) * ldpc_info_length(graph, lifting_size),
                         benchmark::Counter::kIsRate);
  state.counters["avg_iterations"] = static_cast<double>(iterations) / static_cast<double>(decoded);
  state.counters["fer"] = static_cast<double>(failures) / static_cast<double>(decoded);
  state.counters["eb_n0_db"] = eb_n0_db;
}

} // namespace

int main(int argc, char** argv)
{
  benchmark::Initialize(&argc, argv);
  std::vector<std::pair<ldpc_decoder::simd, const char*>> levels = {{ldpc_decoder::simd::scalar, "scalar"}};
  if (ldpc_decoder::cpu_supports(ldpc_decoder::simd::avx2)) {
    levels.emplace_back(ldpc_decoder::simd::avx2, "avx2");
  } else {
    std::printf("This CPU has no AVX2: only the scalar kernel is measured.\n");
  }
  const std::pair<double, const char*> rates[] = {
      {1.0 / 3.0, "1/3"}, {0.5, "1/2"}, {2.0 / 3.0, "2/3"}, {0.9, "0.90"}, {0.92, "0.92"}};
  for (const auto& [rate, rate_name] : rates) {
    const double eb_n0_db = calibrate_eb_n0_db(rate);
    // Fixed iterations: decoding succeeds well within 6 iterations, the work does not depend on the noise.
    const double clean_eb_n0_db = eb_n0_db + 2.0;
    for (const auto& [level, level_name] : levels) {
      const std::string prefix = std::string("ldpc_decode/bg1_z384/R=") + rate_name + "/" + level_name;
      benchmark::RegisterBenchmark((prefix + "/fixed6").c_str(), decode_frames, level, rate, clean_eb_n0_db, false)
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((prefix + "/early_stop").c_str(), decode_frames, level, rate, eb_n0_db, true)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
