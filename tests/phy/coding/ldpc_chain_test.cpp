// LDPC encoding, rate matching, dematching and decoding together: every lifting size, several rates, all RVs.
#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/coding/ldpc_encoder.h"
#include "airan/phy/coding/rate_matching.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

TEST_CASE("LDPC chain: noise-free round trip is bit-exact for BG1 and BG2, all 51 lifting sizes, rates and RVs")
{
  std::mt19937 rng(5);
  ldpc_decoder decoder;
  const ldpc_decoder_config cfg{};
  for (auto graph : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
    for (unsigned z : ldpc_lifting_sizes()) {
      const unsigned k = ldpc_info_length(graph, z);
      const unsigned n = ldpc_codeword_length(graph, z);
      // Filler bits: K' a little smaller than K when the block is big enough to have some.
      const unsigned k_prime = k - (k > 64 ? 3 * k / 64 : 0);
      std::vector<uint8_t> info(k, 0);
      for (unsigned i = 0; i < k_prime; ++i) {
        info[i] = static_cast<uint8_t>(rng() & 1U);
      }
      std::vector<uint8_t> d(n);
      REQUIRE(validate_ldpc_encoder_input(graph, z, k, n).is_ok());
      ldpc_encode(d, info, graph, z);
      for (double rate : {1.0 / 3, 0.5, 2.0 / 3, 0.89}) {
        for (unsigned rv = 0; rv < 4; ++rv) {
          CAPTURE(static_cast<int>(graph));
          CAPTURE(z);
          CAPTURE(rate);
          CAPTURE(rv);
          const unsigned qm = 2;
          const unsigned e = 2 * static_cast<unsigned>(k_prime / rate / 2);
          std::vector<int8_t> soft(n);
          unsigned length = 0;
          // RV 1 and 2 are not self-decodable (they start far into the parity part), nor is RV 3 at high rates
          // (it wraps round to only part of the systematic bits): those are checked as the retransmission that
          // follows RV 0, soft-combined in the same buffer.
          const bool combine = rv == 1 || rv == 2 || (rv == 3 && rate > 0.67);
          for (unsigned r : combine ? std::vector<unsigned>{0, rv} : std::vector<unsigned>{rv}) {
            ldpc_rate_match_params p{graph, z, k_prime, n, r, qm, e};
            REQUIRE_MESSAGE(validate(p).is_ok(), validate(p).message());
            std::vector<uint8_t> f(e);
            ldpc_rate_match(f, d, p);
            std::vector<int8_t> llrs(e);
            for (unsigned i = 0; i < e; ++i) {
              llrs[i] = f[i] != 0 ? -32 : 32;
            }
            length = std::max(length, ldpc_rate_dematch(soft, llrs, p, r == (combine ? 0U : rv)));
          }
          std::vector<uint8_t> decoded(k);
          const auto result = decoder.decode(decoded, std::span<const int8_t>(soft).first(length), graph, z, cfg);
          CHECK(result.parity_ok);
          CHECK(std::equal(decoded.begin(), decoded.begin() + k_prime, info.begin()));
        }
      }
    }
  }
}
