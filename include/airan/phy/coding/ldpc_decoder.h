#pragma once
/// LDPC decoder for the 5G NR codes of TS 38.212 5.3.2 (base graphs 1 and 2, all 51 lifting sizes): layered
/// normalized / offset min-sum on saturated 8-bit LLRs, with early termination on the syndrome.

#include "airan/common/status.h"
#include "airan/phy/coding/ldpc_base_graph.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace airan::phy {

/// Decoder parameters.
///
/// Fixed point: the input LLRs are divided by 2^llr_shift (rounding half away from zero) and saturated at +-39,
/// a-posteriori LLRs saturate at +-127 and check-to-variable messages at +-40 (well below 127: the layered update
/// of a saturated a-posteriori LLR cannot drain it; above the channel range: a wrong parity bit of degree 1 can be
/// overturned). The message sent on an edge has magnitude max(min(floor(m * scaling_q4 / 16), 40) - offset, 0),
/// where m is the smallest magnitude of the other variable-to-check messages of the check (normalized min-sum for
/// scaling_q4 < 16, offset min-sum for offset > 0). Rounding down helps at low and medium rates; when only the 4
/// core rows are processed (the highest rates) a nonzero m scales to at least 1 instead, so that the chains of
/// erased core parity bits are still recovered. About 4 input steps per natural unit after the shift decode best
/// (2 or 8 lose about 0.1 dB), so llr_shift = 1 suits LLRs at 8 steps per natural unit (the soft demapper's default
/// scale), 0 suits 4, 2 suits 16.
struct ldpc_decoder_config {
  /// Maximum number of iterations (one iteration = one pass over all processed check rows), 1..64.
  unsigned max_iterations = 6;
  /// Stop after the first iteration at whose end all processed parity checks are satisfied.
  bool early_stop = true;
  /// Normalization factor in sixteenths, 1..16 (12 = 0.75, 16 = plain min-sum).
  unsigned scaling_q4 = 12;
  /// Offset in LLR units after the input shift, 0..40 (0 = no offset).
  unsigned offset = 0;
  /// Right shift of the input LLRs, 0..3.
  unsigned llr_shift = 1;
};

/// Outcome of one decode.
struct ldpc_decode_result {
  /// Iterations performed, 1..max_iterations.
  unsigned nof_iterations;
  /// All processed parity checks are satisfied by the hard decisions returned.
  bool parity_ok;
};

/// Layered min-sum LDPC decoder (TS 38.212 5.3.2 codes). All buffers for both base graphs and lifting sizes up to
/// 384 are allocated at construction; decode() does not allocate. Not thread-safe: one object per thread.
///
/// Input: the soft values of d_0..d_{n-1}, the codeword of TS 38.212 5.3.2 without the 2Z punctured systematic
/// bits (full length N = 66Z for BG1, 50Z for BG2), n <= N; positive LLR means bit 0. Positions n..N-1 are treated
/// as erased. Only the parity-check rows whose parity column block holds at least one of the n given bits are
/// processed (always the 4 core rows), which is what makes high code rates fast. Filler bits are expected as +127.
///
/// Output: hard decisions of c_0..c_{K-1}, K = 22Z (BG1) or 10Z (BG2), the 2Z punctured bits included.
class ldpc_decoder {
public:
  /// Vector instruction set of the decoder kernel.
  enum class simd {
    automatic, ///< The best level this CPU supports.
    scalar,    ///< Portable C++, one lane at a time.
    avx2,      ///< 32 lanes of 8 bits (x86-64 AVX2).
  };

  /// Creates a decoder using level, or the best level below it that the CPU supports (see active_simd()).
  explicit ldpc_decoder(simd level = simd::automatic);
  ~ldpc_decoder();
  ldpc_decoder(const ldpc_decoder&) = delete;
  ldpc_decoder& operator=(const ldpc_decoder&) = delete;
  ldpc_decoder(ldpc_decoder&&) noexcept;
  ldpc_decoder& operator=(ldpc_decoder&&) noexcept;

  /// The level decode() runs with: never automatic, and scalar where the CPU lacks the level asked for.
  simd active_simd() const;

  /// True where this CPU can run level (automatic and scalar always can).
  static bool cpu_supports(simd level);

  /// Checks the parameters of a decode: graph, lifting size (TS 38.212 Table 5.3.2-1), 1 <= nof_llrs <= N, and
  /// the configuration ranges documented in ldpc_decoder_config.
  static status validate(ldpc_base_graph graph, unsigned lifting_size, std::size_t nof_llrs,
                         const ldpc_decoder_config& config);

  /// Decodes one code block. llrs.size() is n; info_bits.size() must be K. Parameters must pass validate().
  ldpc_decode_result decode(std::span<uint8_t> info_bits, std::span<const int8_t> llrs, ldpc_base_graph graph,
                            unsigned lifting_size, const ldpc_decoder_config& config) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
