#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/coding/ldpc_encoder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace airan::phy;

namespace {

using simd = ldpc_decoder::simd;

std::string simd_name(simd level)
{
  switch (level) {
    case simd::automatic:
      return "automatic";
    case simd::scalar:
      return "scalar";
    case simd::avx2:
      return "avx2";
  }
  return "?";
}

/// The kernels this CPU can run; the others are reported as not tested.
std::vector<simd> runnable_levels()
{
  std::vector<simd> levels;
  for (simd level : {simd::scalar, simd::avx2}) {
    if (ldpc_decoder::cpu_supports(level)) {
      levels.push_back(level);
    } else {
      MESSAGE("LDPC decoder: this CPU cannot run the " << simd_name(level) << " kernel; not tested");
    }
  }
  return levels;
}

struct decoded {
  std::vector<uint8_t> bits;
  ldpc_decode_result result;
};

decoded run(ldpc_decoder& decoder, const std::vector<int8_t>& llrs, ldpc_base_graph graph, unsigned z,
            const ldpc_decoder_config& config)
{
  REQUIRE(ldpc_decoder::validate(graph, z, llrs.size(), config).is_ok());
  decoded out{std::vector<uint8_t>(ldpc_info_length(graph, z), 2), {}};
  out.result = decoder.decode(out.bits, llrs, graph, z, config);
  return out;
}

/// Layered min-sum written plainly from its definition, one check and one edge at a time on int LLRs: inputs
/// divided by 2^llr_shift rounding half away from zero and clamped to +-39; the rows are those whose parity column
/// block holds a given bit (or the 4 core rows), in order; per check, the message to a variable is the min over
/// the other variables' |app - previous message| (saturated to 8 bits), scaled (rounded down, but not below 1 if
/// only the 4 core rows are processed), capped at 40, offset, with the sign product of the others;
/// app = clamp(extrinsic + message, -127, 127).
decoded reference_decode(const std::vector<int8_t>& llrs, ldpc_base_graph graph, unsigned z,
                         const ldpc_decoder_config& config)
{
  const ldpc_base_graph_info& bg = get_ldpc_base_graph(graph);
  const unsigned set = *ldpc_lifting_set_index(z);
  const std::size_t n = llrs.size();
  std::vector<int> app(std::size_t{bg.nof_cols} * z, 0);
  const double divisor = std::ldexp(1.0, static_cast<int>(config.llr_shift));
  for (std::size_t k = 0; k != n; ++k) {
    app[2 * z + k] = std::clamp(static_cast<int>(std::round(llrs[k] / divisor)), -39, 39);
  }
  std::vector<unsigned> rows;
  for (unsigned row = 0; row != bg.nof_rows; ++row) {
    if (row < 4 || std::size_t{bg.nof_info_cols + row - 2} * z < n) {
      rows.push_back(row);
    }
  }
  std::vector<std::vector<int>> message(bg.entries.size(), std::vector<int>(z, 0));
  auto variable = [&](unsigned edge, unsigned check) {
    const auto& e = bg.entries[edge];
    return std::size_t{e.col} * z + (check + ldpc_shift(e, z, set)) % z;
  };
  auto parity_ok = [&] {
    for (unsigned row : rows) {
      for (unsigned check = 0; check != z; ++check) {
        unsigned ones = 0;
        for (unsigned edge = bg.row_start[row]; edge != bg.row_start[row + 1]; ++edge) {
          ones += app[variable(edge, check)] < 0 ? 1 : 0;
        }
        if (ones % 2 != 0) {
          return false;
        }
      }
    }
    return true;
  };

  decoded out{{}, {0, false}};
  while (out.result.nof_iterations != config.max_iterations) {
    for (unsigned row : rows) {
      for (unsigned check = 0; check != z; ++check) {
        std::vector<int> extrinsic;
        for (unsigned edge = bg.row_start[row]; edge != bg.row_start[row + 1]; ++edge) {
          extrinsic.push_back(std::clamp(app[variable(edge, check)] - message[edge][check], -128, 127));
        }
        std::vector<int> magnitudes;
        unsigned negatives = 0;
        for (int t : extrinsic) {
          magnitudes.push_back(std::abs(t));
          negatives += t < 0 ? 1 : 0;
        }
        std::sort(magnitudes.begin(), magnitudes.end());
        for (unsigned k = 0; k != extrinsic.size(); ++k) {
          const int t = extrinsic[k];
          const int others_min = std::abs(t) == magnitudes[0] ? magnitudes[1] : magnitudes[0];
          const int scaled = std::max(others_min * static_cast<int>(config.scaling_q4) / 16,
                                      rows.size() == 4 ? std::min(others_min, 1) : 0);
          const int magnitude =
              std::max(std::min(scaled, 40) -
                           static_cast<int>(config.offset),
                       0);
          const bool negative = (negatives - (t < 0 ? 1 : 0)) % 2 != 0;
          const unsigned edge = bg.row_start[row] + k;
          message[edge][check] = negative ? -magnitude : magnitude;
          app[variable(edge, check)] = std::clamp(t + message[edge][check], -127, 127);
        }
      }
    }
    ++out.result.nof_iterations;
    if (config.early_stop || out.result.nof_iterations == config.max_iterations) {
      out.result.parity_ok = parity_ok();
      if (out.result.parity_ok) {
        break;
      }
    }
  }
  for (unsigned k = 0; k != ldpc_info_length(graph, z); ++k) {
    out.bits.push_back(app[k] < 0 ? 1 : 0);
  }
  return out;
}

/// A random code block: K info bits and the first n bits of its codeword d (TS 38.212 5.3.2).
struct code_block {
  std::vector<uint8_t> info;
  std::vector<uint8_t> codeword;
};

code_block random_code_block(ldpc_base_graph graph, unsigned z, std::size_t n, std::mt19937& rng)
{
  code_block block{std::vector<uint8_t>(ldpc_info_length(graph, z)),
                   std::vector<uint8_t>(ldpc_codeword_length(graph, z))};
  for (auto& bit : block.info) {
    bit = static_cast<uint8_t>(rng() & 1U);
  }
  ldpc_encode(block.codeword, block.info, graph, z);
  block.codeword.resize(n);
  return block;
}

/// Number of LLRs n for code rate K / n, at most N.
std::size_t length_for_rate(ldpc_base_graph graph, unsigned z, double rate)
{
  const auto n = static_cast<std::size_t>(std::ceil(ldpc_info_length(graph, z) / rate));
  return std::min<std::size_t>(n, ldpc_codeword_length(graph, z));
}

/// BPSK over AWGN of the bits (0 -> +1), LLR 2y/sigma^2 quantized with 8 steps per unit and saturated.
std::vector<int8_t> noisy_llrs(const std::vector<uint8_t>& codeword, double es_n0_db, std::mt19937& rng)
{
  const double sigma2 = 1.0 / (2.0 * std::pow(10.0, es_n0_db / 10.0));
  std::normal_distribution<double> noise(0.0, std::sqrt(sigma2));
  std::vector<int8_t> llrs;
  for (uint8_t bit : codeword) {
    const double y = (bit != 0 ? -1.0 : 1.0) + noise(rng);
    llrs.push_back(static_cast<int8_t>(std::clamp(std::lround(8.0 * 2.0 * y / sigma2), -127L, 127L)));
  }
  return llrs;
}

double es_n0_db(double eb_n0_db, double rate)
{
  return eb_n0_db + 10.0 * std::log10(rate);
}

} // namespace

TEST_CASE("ldpc_decoder: validate rejects invalid parameters")
{
  const ldpc_decoder_config ok{};
  CHECK(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 25344, ok).is_ok());
  CHECK(ldpc_decoder::validate(ldpc_base_graph::bg2, 2, 1, ok).is_ok());
  CHECK(ldpc_decoder::validate(ldpc_base_graph::bg2, 384, 50 * 384, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(static_cast<ldpc_base_graph>(3), 384, 1000, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 0, 1000, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 17, 1000, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 416, 1000, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 0, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 25345, ok).is_ok());
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg2, 384, 50 * 384 + 1, ok).is_ok());
  auto bad = ok;
  bad.max_iterations = 0;
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad.max_iterations = 65;
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad = ok;
  bad.scaling_q4 = 0;
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad.scaling_q4 = 17;
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad = ok;
  bad.offset = 40;
  CHECK(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad.offset = 41;
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad = ok;
  bad.llr_shift = 3;
  CHECK(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  bad.llr_shift = 4;
  CHECK_FALSE(ldpc_decoder::validate(ldpc_base_graph::bg1, 384, 1000, bad).is_ok());
  const auto error = ldpc_decoder::validate(ldpc_base_graph::bg1, 17, 1000, ok);
  CHECK(error.message().find("lifting size 17") != std::string::npos);
}

TEST_CASE("ldpc_decoder: kernel selection")
{
  CHECK(ldpc_decoder(simd::scalar).active_simd() == simd::scalar);
  CHECK(ldpc_decoder(simd::avx2).active_simd() ==
        (ldpc_decoder::cpu_supports(simd::avx2) ? simd::avx2 : simd::scalar));
  CHECK(ldpc_decoder().active_simd() != simd::automatic);
}

TEST_CASE("ldpc_decoder: noise-free round trip, both graphs, all lifting sizes, rates 1/3..0.95")
{
  std::mt19937 rng(3);
  const ldpc_decoder_config config{.max_iterations = 20};
  for (simd level : runnable_levels()) {
    ldpc_decoder decoder(level);
    for (ldpc_base_graph graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
      for (unsigned z : ldpc_lifting_sizes()) {
        const std::size_t full = ldpc_codeword_length(graph, z);
        for (std::size_t n : {full, length_for_rate(graph, z, 0.5), length_for_rate(graph, z, 2.0 / 3.0),
                              length_for_rate(graph, z, 0.8) + 1, length_for_rate(graph, z, 0.95)}) {
          CAPTURE(simd_name(level));
          CAPTURE(static_cast<unsigned>(graph));
          CAPTURE(z);
          CAPTURE(n);
          const code_block block = random_code_block(graph, z, n, rng);
          // Hard inputs of assorted magnitudes (1..127), sign from the bit.
          std::vector<int8_t> llrs(n);
          for (std::size_t k = 0; k != n; ++k) {
            const int magnitude = 1 + static_cast<int>(rng() % 127);
            llrs[k] = static_cast<int8_t>(block.codeword[k] != 0 ? -magnitude : magnitude);
          }
          const decoded out = run(decoder, llrs, graph, z, config);
          CHECK(out.result.parity_ok);
          // Erased bits (the punctured 2Z, the parity not sent at the highest rates) take a few iterations.
          CHECK(out.result.nof_iterations <= 10);
          CHECK(out.bits == block.info);
        }
      }
    }
  }
}

TEST_CASE("ldpc_decoder: every kernel matches the plain layered min-sum reference bit-exactly")
{
  struct test_case {
    ldpc_base_graph graph;
    unsigned z;
    double rate;
    double eb_n0_db;
    ldpc_decoder_config config;
  };
  const std::vector<test_case> cases = {
      {ldpc_base_graph::bg1, 2, 1.0 / 3.0, 1.0, {}},
      {ldpc_base_graph::bg1, 13, 0.5, 2.0, {.llr_shift = 0}},
      {ldpc_base_graph::bg1, 64, 0.5, 1.5, {.llr_shift = 2}},
      {ldpc_base_graph::bg1, 104, 0.6, 9.0, {.llr_shift = 3}},
      {ldpc_base_graph::bg1, 36, 0.9, 3.5, {.max_iterations = 10}},
      {ldpc_base_graph::bg1, 208, 2.0 / 3.0, 2.5, {.max_iterations = 8, .early_stop = false}},
      {ldpc_base_graph::bg1, 384, 0.92, 4.0, {.scaling_q4 = 16, .offset = 2}},
      {ldpc_base_graph::bg1, 352, 1.0 / 3.0, 0.5, {.max_iterations = 4, .scaling_q4 = 11, .offset = 1}},
      {ldpc_base_graph::bg2, 3, 0.2, 0.0, {}},
      {ldpc_base_graph::bg2, 72, 0.4, 12.0, {.llr_shift = 0}},
      {ldpc_base_graph::bg2, 30, 0.5, 2.0, {.scaling_q4 = 13}},
      {ldpc_base_graph::bg2, 120, 2.0 / 3.0, 3.0, {.max_iterations = 12}},
      {ldpc_base_graph::bg2, 52, 0.85, 4.5, {}},
      {ldpc_base_graph::bg2, 384, 0.3, 0.5, {.max_iterations = 5, .early_stop = false, .offset = 3}},
  };
  std::mt19937 rng(7);
  for (simd level : runnable_levels()) {
    ldpc_decoder decoder(level);
    for (const test_case& c : cases) {
      const std::size_t n = length_for_rate(c.graph, c.z, c.rate);
      CAPTURE(simd_name(level));
      CAPTURE(static_cast<unsigned>(c.graph));
      CAPTURE(c.z);
      CAPTURE(n);
      std::vector<std::vector<int8_t>> inputs;
      for (unsigned frame = 0; frame != 3; ++frame) {
        inputs.push_back(noisy_llrs(random_code_block(c.graph, c.z, n, rng).codeword,
                                    es_n0_db(c.eb_n0_db, c.rate), rng));
      }
      // Pure noise of full-scale magnitudes: saturation everywhere, parity never met.
      std::uniform_int_distribution<int> any_llr(-127, 127);
      inputs.emplace_back(n);
      for (auto& llr : inputs.back()) {
        llr = static_cast<int8_t>(any_llr(rng));
      }
      for (const auto& llrs : inputs) {
        const decoded expected = reference_decode(llrs, c.graph, c.z, c.config);
        const decoded actual = run(decoder, llrs, c.graph, c.z, c.config);
        CHECK(actual.result.nof_iterations == expected.result.nof_iterations);
        CHECK(actual.result.parity_ok == expected.result.parity_ok);
        CHECK(actual.bits == expected.bits);
      }
    }
  }
}

TEST_CASE("ldpc_decoder: the AVX2 and scalar kernels are bit-exact twins on noisy code blocks")
{
  if (!ldpc_decoder::cpu_supports(simd::avx2)) {
    MESSAGE("LDPC decoder: this CPU cannot run the avx2 kernel; twin test not run");
    return;
  }
  ldpc_decoder scalar(simd::scalar);
  ldpc_decoder avx2(simd::avx2);
  std::mt19937 rng(11);
  unsigned nof_failed = 0;
  unsigned nof_frames = 0;
  for (ldpc_base_graph graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
    for (unsigned z : {5U, 32U, 44U, 96U, 224U, 320U, 384U}) {
      for (double rate : {1.0 / 3.0, 0.6, 0.9}) {
        const std::size_t n = length_for_rate(graph, z, rate);
        // From hopeless to easy, around the threshold of each rate.
        for (double eb_n0_db : {0.5, 2.0, 3.5}) {
          CAPTURE(static_cast<unsigned>(graph));
          CAPTURE(z);
          CAPTURE(n);
          CAPTURE(eb_n0_db);
          const std::vector<int8_t> llrs =
              noisy_llrs(random_code_block(graph, z, n, rng).codeword, es_n0_db(eb_n0_db, rate), rng);
          const ldpc_decoder_config config{.max_iterations = 8};
          const decoded expected = run(scalar, llrs, graph, z, config);
          const decoded actual = run(avx2, llrs, graph, z, config);
          CHECK(actual.result.nof_iterations == expected.result.nof_iterations);
          CHECK(actual.result.parity_ok == expected.result.parity_ok);
          CHECK(actual.bits == expected.bits);
          nof_failed += expected.result.parity_ok ? 0 : 1;
          ++nof_frames;
        }
      }
    }
  }
  // Both outcomes were compared.
  CHECK(nof_failed > nof_frames / 10);
  CHECK(nof_failed < nof_frames - nof_frames / 10);
}

TEST_CASE("ldpc_decoder: AWGN at rate 1/3 decodes well above the threshold and fails well below")
{
  // BG1, Z = 104 (K = 2288), full codeword. BPSK capacity reaches rate 1/3 at Eb/N0 = -0.5 dB; the waterfall of
  // min-sum on a code of this length lies between 0.5 and 1.5 dB. Check 1.5 dB on either side of it.
  const ldpc_base_graph graph = ldpc_base_graph::bg1;
  const unsigned z = 104;
  const std::size_t n = ldpc_codeword_length(graph, z);
  const double rate = static_cast<double>(ldpc_info_length(graph, z)) / static_cast<double>(n);
  const ldpc_decoder_config config{.max_iterations = 20};
  ldpc_decoder decoder;
  std::mt19937 rng(13);
  auto count_decoded = [&](double eb_n0_db, unsigned nof_frames) {
    unsigned correct = 0;
    for (unsigned frame = 0; frame != nof_frames; ++frame) {
      const code_block block = random_code_block(graph, z, n, rng);
      const decoded out = run(decoder, noisy_llrs(block.codeword, es_n0_db(eb_n0_db, rate), rng), graph, z, config);
      correct += out.result.parity_ok && out.bits == block.info ? 1 : 0;
    }
    return correct;
  };
  CHECK(count_decoded(3.0, 200) >= 198);
  CHECK(count_decoded(-0.5, 200) <= 2);
}

TEST_CASE("ldpc_decoder: early stop at high SNR uses few iterations and decodes the same")
{
  const ldpc_base_graph graph = ldpc_base_graph::bg1;
  const unsigned z = 384;
  const double rate = 0.5;
  const std::size_t n = length_for_rate(graph, z, rate);
  ldpc_decoder decoder;
  std::mt19937 rng(17);
  unsigned total_iterations = 0;
  const unsigned nof_frames = 20;
  for (unsigned frame = 0; frame != nof_frames; ++frame) {
    const code_block block = random_code_block(graph, z, n, rng);
    const std::vector<int8_t> llrs = noisy_llrs(block.codeword, es_n0_db(6.0, rate), rng);
    const decoded early = run(decoder, llrs, graph, z, {.max_iterations = 20, .early_stop = true});
    const decoded full = run(decoder, llrs, graph, z, {.max_iterations = 20, .early_stop = false});
    CHECK(early.result.parity_ok);
    CHECK(early.result.nof_iterations <= 4);
    CHECK(early.bits == block.info);
    CHECK(full.result.nof_iterations == 20);
    CHECK(full.result.parity_ok);
    CHECK(full.bits == block.info);
    total_iterations += early.result.nof_iterations;
  }
  CHECK(total_iterations <= 3 * nof_frames);
}
