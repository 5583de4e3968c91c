#include "airan/phy/coding/ldpc_batch_decoder.h"
#include "airan/phy/coding/rate_dematcher.h"
#include "airan/phy/coding/rate_matching.h"
#include "airan/phy/common/backend.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/ofdm/ofdm_slot_demodulator.h"

#include <doctest/doctest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace airan;
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

TEST_CASE("rate_dematcher: the CPU backend matches ldpc_rate_dematch over a HARQ sequence and validates the batch")
{
  auto dematcher = create_rate_dematcher(backend::cpu, {.nof_harq_processes = 2, .max_cbs_per_tb = 2,
                                                        .max_nof_jobs = 2, .max_nof_llrs = 2000});
  REQUIRE(dematcher->active_backend() == backend::cpu);
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> any(-127, 127);
  ldpc_rate_match_params p{ldpc_base_graph::bg2, 16, 150, 800, 0, 4, 600};
  REQUIRE(validate(p).is_ok());
  std::vector<int8_t> reference(rate_dematcher::soft_buffer_length);
  for (unsigned rv : {0U, 2U, 3U}) {
    p.rv = rv;
    std::vector<int8_t> llrs(p.e);
    for (auto& v : llrs) {
      v = static_cast<int8_t>(any(rng));
    }
    const unsigned expected_length = ldpc_rate_dematch(reference, llrs, p, rv == 0);
    const rate_dematch_job job{1, 1, p, rv == 0, llrs};
    unsigned length = 0;
    REQUIRE(dematcher->dematch({&job, 1}, {&length, 1}).is_ok());
    CHECK(length == expected_length);
    std::vector<int8_t> soft(rate_dematcher::soft_buffer_length);
    REQUIRE(dematcher->read_soft_buffer(1, 1, soft).is_ok());
    CHECK(soft == reference);
  }
  const std::vector<int8_t> llrs(p.e, 1);
  unsigned lengths[2];
  const rate_dematch_job twice[] = {{0, 0, p, true, llrs}, {0, 0, p, true, llrs}};
  CHECK(dematcher->dematch(twice, lengths).message().find("already used") != std::string::npos);
  const rate_dematch_job out_of_range{2, 0, p, true, llrs};
  CHECK(dematcher->dematch({&out_of_range, 1}, {lengths, 1}).message().find("out of range") != std::string::npos);
  const rate_dematch_job short_llrs{0, 0, p, true, std::span(llrs).first(5)};
  CHECK(dematcher->dematch({&short_llrs, 1}, {lengths, 1}).message().find("E = 600") != std::string::npos);
  std::vector<int8_t> too_long(rate_dematcher::soft_buffer_length + 1);
  CHECK_FALSE(dematcher->read_soft_buffer(0, 0, too_long).is_ok());
}

TEST_CASE("ofdm_slot_demodulator: the CPU backend is ofdm_demodulator; bad configurations fail at creation")
{
  carrier_config carrier{};
  carrier.nof_prb = 24;
  carrier.bwp_size = 24;
  const ofdm_demodulator_config config{.carrier = carrier, .planning = ofdm_fft_planning::estimate};
  auto demodulator = create_ofdm_slot_demodulator(backend::cpu, config, 2);
  REQUIRE(demodulator->active_backend() == backend::cpu);
  ofdm_demodulator reference(config);
  const ofdm_numerology& numerology = reference.numerology();
  std::mt19937 rng(13);
  std::normal_distribution<float> gauss;
  std::vector<cf_t> samples(numerology.slot_length(1));
  for (auto& x : samples) {
    x = {gauss(rng), gauss(rng)};
  }
  const std::span<const cf_t> rx[] = {samples};
  const std::size_t grid_size = std::size_t{numerology.nof_symbols_per_slot()} * numerology.nof_subcarriers();
  std::vector<cf_t> expected(grid_size);
  std::vector<cf_t> actual(grid_size);
  reference.demodulate({expected.data(), 1, numerology.nof_symbols_per_slot(), numerology.nof_subcarriers()}, rx, 1);
  REQUIRE(demodulator->demodulate({actual.data(), 1, numerology.nof_symbols_per_slot(), numerology.nof_subcarriers()},
                                  rx, 1)
              .is_ok());
  CHECK(actual == expected);
  const std::span<const cf_t> short_rx[] = {std::span<const cf_t>(samples).first(samples.size() - 1)};
  CHECK_FALSE(demodulator->demodulate({actual.data(), 1, numerology.nof_symbols_per_slot(),
                                       numerology.nof_subcarriers()},
                                      short_rx, 1)
                  .is_ok());
  CHECK_THROWS_AS(create_ofdm_slot_demodulator(backend::cpu, config, 0), std::runtime_error);
  ofdm_demodulator_config bad = config;
  bad.fft_window_offset_cp_fraction = 2.0F;
  CHECK_THROWS_AS(create_ofdm_slot_demodulator(backend::cpu, bad, 1), std::runtime_error);
}
