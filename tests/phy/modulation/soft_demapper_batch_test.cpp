#include "airan/phy/coding/scrambling.h"
#include "airan/phy/modulation/soft_demapper.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

TEST_CASE("soft_demapper: the CPU backend demaps then descrambles, and validates the batch")
{
  std::mt19937 rng(3);
  std::normal_distribution<float> gauss;
  std::vector<cf_t> symbols(100);
  for (auto& s : symbols) {
    s = {gauss(rng), gauss(rng)};
  }
  const std::vector<float> noise_var(symbols.size(), 0.3F);
  std::vector<int8_t> llrs(symbols.size() * 4);
  auto demapper = create_soft_demapper(backend::cpu, {.max_nof_jobs = 2, .max_nof_symbols = 150});
  REQUIRE(demapper->active_backend() == backend::cpu);
  const uint32_t c_init = pusch_scrambling_cinit(17, 3);
  soft_demap_job job{symbols, noise_var, modulation_scheme::qam16, 6.0F, c_init, llrs};
  REQUIRE(demapper->demodulate({&job, 1}).is_ok());

  // Descrambling again restores the plain demapper output.
  std::vector<int8_t> plain(llrs.size());
  demodulate_soft(plain, symbols, noise_var, modulation_scheme::qam16, 6.0F);
  descramble_llrs(llrs, c_init);
  CHECK(llrs == plain);

  auto fails_with = [&](const soft_demap_job& bad, const std::string& what) {
    const status s = demapper->demodulate({&bad, 1});
    CHECK_FALSE(s.is_ok());
    CHECK_MESSAGE(s.message().find(what) != std::string::npos, s.message());
  };
  soft_demap_job bad = job;
  bad.llrs = std::span(llrs).first(10);
  fails_with(bad, "LLRs");
  bad = job;
  bad.llr_scale = 0.0F;
  fails_with(bad, "LLR scale");
  bad = job;
  bad.c_init = 1U << 31;
  fails_with(bad, "c_init");
  const soft_demap_job two[] = {job, job};
  const status too_many = demapper->demodulate(two);
  CHECK(too_many.message().find("at most 150") != std::string::npos);
}
