#pragma once
// Random inputs shared by the GPU twin tests: LDPC code blocks through BPSK and AWGN, noisy QAM symbols.

#include "airan/phy/coding/ldpc_encoder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace airan::test {

/// The first n bits of the codeword of random information bits, TS 38.212 5.3.2.
inline std::vector<uint8_t> random_codeword(phy::ldpc_base_graph graph, unsigned z, std::size_t n, std::mt19937& rng)
{
  std::vector<uint8_t> info(phy::ldpc_info_length(graph, z));
  for (auto& bit : info) {
    bit = static_cast<uint8_t>(rng() & 1U);
  }
  std::vector<uint8_t> codeword(phy::ldpc_codeword_length(graph, z));
  phy::ldpc_encode(codeword, info, graph, z);
  codeword.resize(n);
  return codeword;
}

/// BPSK over AWGN at Es/N0 (0 -> +1), LLR 2y/sigma^2 at 8 steps per natural unit, saturated to +-127.
inline std::vector<int8_t> noisy_llrs(const std::vector<uint8_t>& bits, double es_n0_db, std::mt19937& rng)
{
  const double sigma2 = 1.0 / (2.0 * std::pow(10.0, es_n0_db / 10.0));
  std::normal_distribution<double> noise(0.0, std::sqrt(sigma2));
  std::vector<int8_t> llrs;
  llrs.reserve(bits.size());
  for (uint8_t bit : bits) {
    const double y = (bit != 0 ? -1.0 : 1.0) + noise(rng);
    llrs.push_back(static_cast<int8_t>(std::clamp(std::lround(16.0 * y / sigma2), -127L, 127L)));
  }
  return llrs;
}

/// Uniform LLRs over [-127, 127]: saturation everywhere, parity checks never met.
inline std::vector<int8_t> random_llrs(std::size_t n, std::mt19937& rng)
{
  std::uniform_int_distribution<int> any(-127, 127);
  std::vector<int8_t> llrs(n);
  for (auto& llr : llrs) {
    llr = static_cast<int8_t>(any(rng));
  }
  return llrs;
}

} // namespace airan::test
