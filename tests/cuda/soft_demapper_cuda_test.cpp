#include "airan/phy/coding/scrambling.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/modulation/soft_demapper.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

struct codeword {
  std::vector<cf_t> symbols;
  std::vector<float> noise_var;
  modulation_scheme scheme;
  float llr_scale;
  uint32_t c_init;
};

/// Modulated random bits through AWGN (TS 38.211 5.1 constellations), with per-symbol noise variances.
codeword noisy_codeword(modulation_scheme scheme, std::size_t nof_symbols, float snr_db, std::mt19937& rng)
{
  std::vector<uint8_t> bits(nof_symbols * modulation_order(scheme));
  for (auto& b : bits) {
    b = static_cast<uint8_t>(rng() & 1U);
  }
  codeword cw{std::vector<cf_t>(nof_symbols), std::vector<float>(nof_symbols), scheme, default_llr_scale,
              static_cast<uint32_t>(rng() & 0x7fffffffU)};
  modulate(cw.symbols, bits, scheme);
  const float n0 = std::pow(10.0F, -snr_db / 10.0F);
  std::normal_distribution<float> noise(0.0F, std::sqrt(n0 / 2.0F));
  std::uniform_real_distribution<float> spread(0.5F, 2.0F);
  for (std::size_t i = 0; i != nof_symbols; ++i) {
    cw.symbols[i] += cf_t(noise(rng), noise(rng));
    cw.noise_var[i] = n0 * spread(rng);
  }
  return cw;
}

std::vector<soft_demap_job> jobs_of(std::vector<codeword>& cws, std::vector<std::vector<int8_t>>& llrs)
{
  std::vector<soft_demap_job> jobs;
  for (std::size_t i = 0; i != cws.size(); ++i) {
    jobs.push_back({cws[i].symbols, cws[i].noise_var, cws[i].scheme, cws[i].llr_scale, cws[i].c_init, llrs[i]});
  }
  return jobs;
}

} // namespace

TEST_CASE("soft_demapper (cuda): bit-exact twin of demodulate_soft + descramble_llrs for every scheme")
{
  std::mt19937 rng(31);
  std::vector<codeword> cws;
  for (const modulation_scheme scheme : {modulation_scheme::pi2_bpsk, modulation_scheme::qpsk, modulation_scheme::qam16,
                                         modulation_scheme::qam64, modulation_scheme::qam256}) {
    for (const std::size_t n : {1UL, 7UL, 8UL, 9UL, 1001UL, 40000UL}) {
      for (const float snr_db : {-3.0F, 10.0F, 30.0F}) {
        cws.push_back(noisy_codeword(scheme, n, snr_db, rng));
      }
    }
  }
  // Robustness inputs: NaN, infinities and huge parts; zero, negative, NaN and infinite noise variances; odd scales.
  codeword& edge = cws.emplace_back(noisy_codeword(modulation_scheme::qam64, 64, 20.0F, rng));
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  edge.symbols[0] = {nan, 0.5F};
  edge.symbols[1] = {inf, -inf};
  edge.symbols[2] = {1.0e9F, -1.0e9F};
  edge.symbols[3] = {-0.0F, 0.0F};
  edge.noise_var[4] = 0.0F;
  edge.noise_var[5] = -1.0F;
  edge.noise_var[6] = nan;
  edge.noise_var[7] = inf;
  edge.noise_var[8] = 1.0e-30F;
  edge.llr_scale = 3.7F;
  cws.back().c_init = (1U << 31) - 1;

  std::vector<std::vector<int8_t>> expected;
  std::vector<std::vector<int8_t>> actual;
  std::size_t nof_symbols = 0;
  for (const codeword& cw : cws) {
    expected.emplace_back(cw.symbols.size() * modulation_order(cw.scheme), 0);
    actual.emplace_back(cw.symbols.size() * modulation_order(cw.scheme), 0x55);
    nof_symbols += cw.symbols.size();
  }
  const soft_demapper_config config{.max_nof_jobs = static_cast<unsigned>(cws.size()),
                                    .max_nof_symbols = static_cast<unsigned>(nof_symbols)};
  auto cpu = create_soft_demapper(backend::cpu, config);
  auto gpu = create_soft_demapper(backend::cuda, config);
  REQUIRE(gpu->active_backend() == backend::cuda);
  REQUIRE(cpu->demodulate(jobs_of(cws, expected)).is_ok());
  const auto st = gpu->demodulate(jobs_of(cws, actual));
  REQUIRE_MESSAGE(st.is_ok(), st.message());
  for (std::size_t i = 0; i != cws.size(); ++i) {
    CAPTURE(i);
    CAPTURE(modulation_order(cws[i].scheme));
    CAPTURE(cws[i].symbols.size());
    std::size_t nof_differences = 0;
    for (std::size_t k = 0; k != expected[i].size(); ++k) {
      nof_differences += expected[i][k] != actual[i][k] ? 1 : 0;
    }
    CHECK(nof_differences == 0);
  }
}

TEST_CASE("soft_demapper (cuda): the fused descrambling is the TS 38.211 5.2.1 sequence at every offset")
{
  // QPSK symbols (1 + j)/sqrt(2) with N0 = 1 and scale 1 demap to LLR 2 for every bit (TS 38.211 5.1.3: bit 0 on
  // both axes), so the sign of each output is the scrambling bit, compared with generate_gold_sequence directly.
  const std::size_t nof_symbols = 50000;
  const float a = 1.0F / std::sqrt(2.0F);
  std::vector<cf_t> symbols(nof_symbols, cf_t(a, a));
  std::vector<float> noise_var(nof_symbols, 1.0F);
  std::vector<int8_t> llrs(2 * nof_symbols);
  const uint32_t c_init = pusch_scrambling_cinit(0x4601, 517);
  auto gpu = create_soft_demapper(backend::cuda, {.max_nof_jobs = 1, .max_nof_symbols = nof_symbols});
  const soft_demap_job job{symbols, noise_var, modulation_scheme::qpsk, 1.0F, c_init, llrs};
  REQUIRE(gpu->demodulate({&job, 1}).is_ok());
  std::vector<uint8_t> c(llrs.size());
  generate_gold_sequence(c, c_init);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i != llrs.size(); ++i) {
    // Unscrambled LLR is positive (bit 0 likely); descrambling flips it where c(i) = 1.
    mismatches += ((llrs[i] < 0) != (c[i] != 0)) ? 1 : 0;
    mismatches += llrs[i] == 0 ? 1 : 0;
  }
  CHECK(mismatches == 0);
}
