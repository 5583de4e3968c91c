#include "airan/phy/coding/ldpc_batch_decoder.h"
#include "airan/phy/common/backend.h"

#include <doctest/doctest.h>

#include <random>
#include <stdexcept>
#include <vector>

using namespace airan::phy;

TEST_CASE("backend: cpu always resolves to cpu, automatic to cuda only where a GPU is usable")
{
  CHECK(resolve_backend(backend::cpu) == backend::cpu);
  const backend expected = cuda_backend_available() ? backend::cuda : backend::cpu;
  CHECK(resolve_backend(backend::automatic) == expected);
  if (cuda_backend_available()) {
    CHECK(cuda_backend_built());
    CHECK(resolve_backend(backend::cuda) == backend::cuda);
  } else {
    MESSAGE("no usable GPU (CUDA backend built: " << cuda_backend_built() << "): cuda requests must fail");
    CHECK_FALSE(resolve_backend(backend::cuda).has_value());
    CHECK_THROWS_AS(require_backend(backend::cuda, "test block"), std::runtime_error);
    CHECK_THROWS_AS(create_ldpc_batch_decoder(backend::cuda), std::runtime_error);
  }
  CHECK(to_string(backend::automatic) == "automatic");
}

TEST_CASE("ldpc_batch_decoder: the CPU backend decodes each job like ldpc_decoder and validates the batch")
{
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> any(-127, 127);
  auto batch = create_ldpc_batch_decoder(backend::cpu, {.max_nof_code_blocks = 3});
  CHECK(batch->active_backend() == backend::cpu);
  ldpc_decoder reference;
  const ldpc_decoder_config config{.max_iterations = 3};
  struct shape {
    ldpc_base_graph graph;
    unsigned z;
    std::size_t n;
  };
  const shape shapes[] = {{ldpc_base_graph::bg1, 16, 900}, {ldpc_base_graph::bg2, 40, 1500}, {ldpc_base_graph::bg2, 5, 60}};
  std::vector<std::vector<int8_t>> llrs;
  std::vector<std::vector<uint8_t>> bits;
  std::vector<ldpc_code_block_job> jobs;
  for (const shape& s : shapes) {
    llrs.emplace_back(s.n);
    for (auto& v : llrs.back()) {
      v = static_cast<int8_t>(any(rng));
    }
    bits.emplace_back(ldpc_info_length(s.graph, s.z), 2);
  }
  for (std::size_t i = 0; i != llrs.size(); ++i) {
    jobs.push_back({shapes[i].graph, shapes[i].z, llrs[i], bits[i]});
  }
  std::vector<ldpc_decode_result> results(jobs.size());
  REQUIRE(batch->decode(jobs, config, results).is_ok());
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    std::vector<uint8_t> expected(bits[i].size());
    const ldpc_decode_result r = reference.decode(expected, llrs[i], shapes[i].graph, shapes[i].z, config);
    CHECK(bits[i] == expected);
    CHECK(results[i].nof_iterations == r.nof_iterations);
    CHECK(results[i].parity_ok == r.parity_ok);
  }

  std::vector<ldpc_decode_result> short_results(2);
  CHECK(batch->decode(jobs, config, short_results).message().find("results") != std::string::npos);
  jobs.push_back(jobs[0]);
  results.resize(jobs.size());
  CHECK(batch->decode(jobs, config, results).message().find("at most 3") != std::string::npos);
  jobs.pop_back();
  results.pop_back();
  jobs[1].lifting_size = 41;
  CHECK(batch->decode(jobs, config, results).message().find("code block 1") != std::string::npos);
}
