#include "airan/phy/coding/ldpc_batch_decoder.h"
#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/coding/ldpc_decoder_cuda.h"
#include "cuda/cuda_test_signals.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace airan::phy;
using airan::test::noisy_llrs;
using airan::test::random_codeword;
using airan::test::random_llrs;

namespace {

struct code_block_input {
  ldpc_base_graph graph;
  unsigned z;
  std::vector<int8_t> llrs;
};

/// Code blocks of both graphs, small to largest lifting sizes, rates from 1/5 to 0.95 (core rows only at the top),
/// noisy near and above the threshold, plus pure noise.
std::vector<code_block_input> mixed_batch(std::mt19937& rng)
{
  struct shape {
    ldpc_base_graph graph;
    unsigned z;
    double rate;
    double es_n0_db;
  };
  const shape shapes[] = {
      {ldpc_base_graph::bg1, 2, 1.0 / 3.0, -3.0},  {ldpc_base_graph::bg1, 13, 0.5, -1.0},
      {ldpc_base_graph::bg1, 64, 0.5, 0.0},        {ldpc_base_graph::bg1, 104, 0.6, 3.0},
      {ldpc_base_graph::bg1, 36, 0.95, 4.0},       {ldpc_base_graph::bg1, 208, 2.0 / 3.0, 1.0},
      {ldpc_base_graph::bg1, 384, 0.92, 5.0},      {ldpc_base_graph::bg1, 352, 1.0 / 3.0, -4.0},
      {ldpc_base_graph::bg2, 3, 0.2, -5.0},        {ldpc_base_graph::bg2, 72, 0.4, 2.0},
      {ldpc_base_graph::bg2, 30, 0.5, -1.0},       {ldpc_base_graph::bg2, 120, 2.0 / 3.0, 1.5},
      {ldpc_base_graph::bg2, 52, 0.85, 3.5},       {ldpc_base_graph::bg2, 384, 0.3, -3.0},
  };
  std::vector<code_block_input> batch;
  for (const shape& s : shapes) {
    const auto n = std::min<std::size_t>(
        static_cast<std::size_t>(std::ceil(ldpc_info_length(s.graph, s.z) / s.rate)), ldpc_codeword_length(s.graph, s.z));
    for (const double offset_db : {-1.0, 0.0, 2.0}) {
      batch.push_back({s.graph, s.z, noisy_llrs(random_codeword(s.graph, s.z, n, rng), s.es_n0_db + offset_db, rng)});
    }
    batch.push_back({s.graph, s.z, random_llrs(n, rng)});
  }
  return batch;
}

/// Decodes the batch on the CPU reference and with the CUDA decoder and requires identical decisions, iteration
/// counts and parity flags; with both_outcomes, also that the batch holds decoded and failed code blocks.
void check_twins(const std::vector<code_block_input>& batch, const ldpc_decoder_config& config, bool both_outcomes)
{
  ldpc_decoder cpu;
  ldpc_decoder_cuda gpu(ldpc_batch_decoder_config{.max_nof_code_blocks = static_cast<unsigned>(batch.size())});
  std::vector<std::vector<uint8_t>> gpu_bits;
  std::vector<ldpc_code_block_job> jobs;
  for (const code_block_input& cb : batch) {
    gpu_bits.emplace_back(ldpc_info_length(cb.graph, cb.z), 2);
  }
  for (std::size_t i = 0; i != batch.size(); ++i) {
    jobs.push_back({batch[i].graph, batch[i].z, batch[i].llrs, gpu_bits[i]});
  }
  std::vector<ldpc_decode_result> gpu_results(batch.size());
  const auto st = gpu.decode(jobs, config, gpu_results);
  REQUIRE_MESSAGE(st.is_ok(), st.message());
  unsigned nof_parity_ok = 0;
  for (std::size_t i = 0; i != batch.size(); ++i) {
    CAPTURE(i);
    CAPTURE(batch[i].z);
    CAPTURE(batch[i].llrs.size());
    std::vector<uint8_t> cpu_bits(gpu_bits[i].size(), 3);
    const ldpc_decode_result expected = cpu.decode(cpu_bits, batch[i].llrs, batch[i].graph, batch[i].z, config);
    CHECK(gpu_results[i].nof_iterations == expected.nof_iterations);
    CHECK(gpu_results[i].parity_ok == expected.parity_ok);
    CHECK(gpu_bits[i] == cpu_bits);
    nof_parity_ok += expected.parity_ok ? 1 : 0;
  }
  if (both_outcomes) {
    CHECK(nof_parity_ok > 0);
    CHECK(nof_parity_ok < batch.size());
  }
}

} // namespace

TEST_CASE("ldpc_decoder_cuda: bit-exact twin of the CPU decoder on a mixed batch, for several configurations")
{
  std::mt19937 rng(21);
  const std::vector<code_block_input> batch = mixed_batch(rng);
  const ldpc_decoder_config configs[] = {
      {},
      {.llr_shift = 0},
      {.llr_shift = 3},
      {.max_iterations = 10, .llr_shift = 2},
      {.max_iterations = 8, .early_stop = false},
      {.scaling_q4 = 16, .offset = 2},
      {.max_iterations = 4, .scaling_q4 = 11, .offset = 1},
      {.max_iterations = 1},
  };
  for (const ldpc_decoder_config& config : configs) {
    CAPTURE(config.max_iterations);
    CAPTURE(config.early_stop);
    CAPTURE(config.scaling_q4);
    CAPTURE(config.offset);
    CAPTURE(config.llr_shift);
    check_twins(batch, config, &config == &configs[0]);
  }
}

TEST_CASE("ldpc_decoder_cuda: a full slot of 152 largest code blocks")
{
  std::mt19937 rng(22);
  std::vector<code_block_input> batch;
  const ldpc_base_graph graph = ldpc_base_graph::bg1;
  const std::size_t n = 3 * ldpc_info_length(graph, 384) / 2;
  for (unsigned i = 0; i != 152; ++i) {
    batch.push_back({graph, 384, noisy_llrs(random_codeword(graph, 384, n, rng), (i % 4 == 0) ? -1.0 : 2.5, rng)});
  }
  check_twins(batch, {}, true);
}

TEST_CASE("ldpc_decoder_cuda: setup rejects invalid batches without launching")
{
  ldpc_decoder_cuda gpu(ldpc_batch_decoder_config{.max_nof_code_blocks = 2});
  const int8_t* some_llrs = reinterpret_cast<const int8_t*>(16);
  uint8_t* some_bits = reinterpret_cast<uint8_t*>(16);
  const ldpc_cuda_code_block good{ldpc_base_graph::bg2, 8, 100, some_llrs, some_bits};
  CHECK(gpu.setup(std::vector{good, good}, {}).is_ok());
  CHECK_FALSE(gpu.setup(std::vector{good, good, good}, {}).is_ok());
  CHECK_FALSE(gpu.setup(std::vector{ldpc_cuda_code_block{ldpc_base_graph::bg2, 7, 100, some_llrs, some_bits}}, {})
                  .is_ok());
  CHECK_FALSE(gpu.setup(std::vector{ldpc_cuda_code_block{ldpc_base_graph::bg2, 8, 0, some_llrs, some_bits}}, {})
                  .is_ok());
  CHECK_FALSE(gpu.setup(std::vector{ldpc_cuda_code_block{ldpc_base_graph::bg2, 8, 100, nullptr, some_bits}}, {})
                  .is_ok());
  CHECK_FALSE(gpu.setup(std::vector{good}, ldpc_decoder_config{.max_iterations = 0}).is_ok());
  CHECK(gpu.results().empty());
}

TEST_CASE("ldpc_batch_decoder: the cuda and automatic backends decode on the GPU like the CPU backend")
{
  std::mt19937 rng(23);
  const std::vector<code_block_input> batch = mixed_batch(rng);
  const ldpc_batch_decoder_config config{.max_nof_code_blocks = static_cast<unsigned>(batch.size())};
  auto cpu = create_ldpc_batch_decoder(backend::cpu, config);
  for (const backend requested : {backend::cuda, backend::automatic}) {
    auto gpu = create_ldpc_batch_decoder(requested, config);
    REQUIRE(gpu->active_backend() == backend::cuda);
    std::vector<std::vector<uint8_t>> bits[2];
    std::vector<ldpc_code_block_job> jobs[2];
    for (unsigned b = 0; b != 2; ++b) {
      for (const code_block_input& cb : batch) {
        bits[b].emplace_back(ldpc_info_length(cb.graph, cb.z), 2);
      }
      for (std::size_t i = 0; i != batch.size(); ++i) {
        jobs[b].push_back({batch[i].graph, batch[i].z, batch[i].llrs, bits[b][i]});
      }
    }
    std::vector<ldpc_decode_result> results[2] = {std::vector<ldpc_decode_result>(batch.size()),
                                                  std::vector<ldpc_decode_result>(batch.size())};
    REQUIRE(cpu->decode(jobs[0], {}, results[0]).is_ok());
    REQUIRE(gpu->decode(jobs[1], {}, results[1]).is_ok());
    CHECK(bits[1] == bits[0]);
    for (std::size_t i = 0; i != batch.size(); ++i) {
      CHECK(results[1][i].nof_iterations == results[0][i].nof_iterations);
      CHECK(results[1][i].parity_ok == results[0][i].parity_ok);
    }
    // Validation is the same on both backends.
    jobs[1][0].info_bits = jobs[1][0].info_bits.first(1);
    CHECK_FALSE(gpu->decode(jobs[1], {}, results[1]).is_ok());
  }
}
