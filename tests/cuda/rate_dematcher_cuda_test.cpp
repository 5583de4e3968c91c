#include "airan/phy/coding/rate_dematcher.h"
#include "airan/phy/coding/rate_matching.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace airan::phy;

namespace {

/// Random valid rate matching parameters: both graphs, filler or none, limited buffer or not, all RVs and Q_m, E
/// from a handful of bits to several times the circular buffer (repetition).
ldpc_rate_match_params random_params(std::mt19937& rng)
{
  const auto sizes = ldpc_lifting_sizes();
  ldpc_rate_match_params p{};
  p.graph = (rng() & 1U) != 0 ? ldpc_base_graph::bg1 : ldpc_base_graph::bg2;
  p.lifting_size = sizes[rng() % sizes.size()];
  const unsigned z = p.lifting_size;
  const unsigned k = ldpc_info_length(p.graph, z);
  const unsigned n = ldpc_codeword_length(p.graph, z);
  p.k_prime = (rng() % 3 == 0) ? k : 2 * z + 1 + static_cast<unsigned>(rng() % (k - 2 * z));
  const unsigned n_cb_min = std::max(p.k_prime, k - 2 * z) + 1;
  p.n_cb = (rng() % 2 == 0) ? n : n_cb_min + static_cast<unsigned>(rng() % (n - n_cb_min + 1));
  p.rv = static_cast<unsigned>(rng() % 4);
  const unsigned orders[] = {1, 2, 4, 6, 8};
  p.modulation_order = orders[rng() % 5];
  const unsigned max_symbols = (rng() % 4 == 0) ? 3 * n / p.modulation_order : n / p.modulation_order;
  p.e = p.modulation_order * (1 + static_cast<unsigned>(rng() % max_symbols));
  REQUIRE(validate(p).is_ok());
  return p;
}

} // namespace

TEST_CASE("rate_dematcher (cuda): soft buffers and informed lengths bit-exact against the CPU over HARQ sequences")
{
  std::mt19937 rng(41);
  const rate_dematcher_config config{.nof_harq_processes = 3, .max_cbs_per_tb = 8, .max_nof_jobs = 24,
                                     .max_nof_llrs = 24 * 3 * rate_dematcher::soft_buffer_length};
  auto cpu = create_rate_dematcher(backend::cpu, config);
  auto gpu = create_rate_dematcher(backend::cuda, config);
  REQUIRE(gpu->active_backend() == backend::cuda);

  // Every soft buffer gets a code block shape; four transmissions each: new data, then three combined ones with other
  // redundancy versions and lengths (the same K' and N_cb, as HARQ requires).
  std::vector<ldpc_rate_match_params> shapes;
  for (unsigned i = 0; i != config.nof_harq_processes * config.max_cbs_per_tb; ++i) {
    shapes.push_back(random_params(rng));
  }
  std::uniform_int_distribution<int> any(-127, 127);
  for (unsigned transmission = 0; transmission != 4; ++transmission) {
    std::vector<std::vector<int8_t>> llrs;
    std::vector<rate_dematch_job> jobs;
    for (unsigned i = 0; i != shapes.size(); ++i) {
      ldpc_rate_match_params p = shapes[i];
      if (transmission != 0) {
        const ldpc_rate_match_params other = random_params(rng);
        p.rv = other.rv;
        p.modulation_order = other.modulation_order;
        p.e = other.modulation_order * (1 + static_cast<unsigned>(rng() % (2 * p.n_cb / other.modulation_order)));
      }
      llrs.emplace_back(p.e);
      for (auto& v : llrs.back()) {
        v = static_cast<int8_t>(any(rng));
      }
      jobs.push_back({i / config.max_cbs_per_tb, i % config.max_cbs_per_tb, p, transmission == 0, {}});
    }
    for (std::size_t i = 0; i != jobs.size(); ++i) {
      jobs[i].llrs = llrs[i];
    }
    std::vector<unsigned> lengths_cpu(jobs.size());
    std::vector<unsigned> lengths_gpu(jobs.size(), 0xdead);
    REQUIRE(cpu->dematch(jobs, lengths_cpu).is_ok());
    const auto st = gpu->dematch(jobs, lengths_gpu);
    REQUIRE_MESSAGE(st.is_ok(), st.message());
    CHECK(lengths_gpu == lengths_cpu);
    for (const rate_dematch_job& job : jobs) {
      CAPTURE(transmission);
      CAPTURE(job.harq_id);
      CAPTURE(job.cb);
      std::vector<int8_t> expected(rate_dematcher::soft_buffer_length);
      std::vector<int8_t> actual(rate_dematcher::soft_buffer_length, 99);
      REQUIRE(cpu->read_soft_buffer(job.harq_id, job.cb, expected).is_ok());
      REQUIRE(gpu->read_soft_buffer(job.harq_id, job.cb, actual).is_ok());
      CHECK(actual == expected);
    }
  }
}

TEST_CASE("rate_dematcher (cuda): a soft buffer named twice in one batch is rejected")
{
  auto gpu = create_rate_dematcher(backend::cuda, {.nof_harq_processes = 1, .max_cbs_per_tb = 2, .max_nof_jobs = 2,
                                                   .max_nof_llrs = 1000});
  const ldpc_rate_match_params p{ldpc_base_graph::bg2, 8, 80, 400, 0, 2, 100};
  const std::vector<int8_t> llrs(100, 5);
  const rate_dematch_job jobs[] = {{0, 1, p, true, llrs}, {0, 1, p, true, llrs}};
  std::vector<unsigned> lengths(2);
  CHECK_FALSE(gpu->dematch(jobs, lengths).is_ok());
}
