#pragma once
/// LDPC rate matching (bit selection and bit interleaving) and its inverse with soft combining, TS 38.212 5.4.2
/// (DL-SCH) and TS 38.212 6.2.5 (UL-SCH, which applies 5.4.2).
///
/// Sequences follow the naming of TS 38.212: d_0..d_{N-1} is the LDPC encoder output of one code block
/// (TS 38.212 5.3.2, with the first 2 Z_c systematic bits punctured), e_0..e_{E-1} the bit selection output and
/// f_0..f_{E-1} the bit interleaving output. The filler bits of the code block, c_k for k = K'..K-1, appear in d as
/// the <NULL> positions K'-2Z_c .. K-2Z_c-1, which the bit selection skips.

#include "airan/common/status.h"
#include "airan/phy/coding/ldpc_base_graph.h"

#include <cstdint>
#include <optional>
#include <span>

namespace airan::phy {

/// Parameters of the rate matching of one code block, TS 38.212 5.4.2.
struct ldpc_rate_match_params {
  /// Base graph BG1 or BG2, TS 38.212 5.3.2 (selected per TS 38.212 7.2.2 / 6.2.2).
  ldpc_base_graph graph;
  /// Lifting size Z_c, TS 38.212 5.2.2 / Table 5.3.2-1.
  unsigned lifting_size;
  /// K': number of bits of the code block including its CRC, without filler bits, TS 38.212 5.2.2. Must exceed
  /// 2 Z_c (always true for code blocks built by TS 38.212 5.2.2).
  unsigned k_prime;
  /// N_cb: length of the circular buffer, TS 38.212 5.4.2.1 (see compute_ldpc_n_cb).
  unsigned n_cb;
  /// rv_id: redundancy version 0..3, selecting the starting position k_0 of TS 38.212 Table 5.4.2.1-2.
  unsigned rv;
  /// Q_m: modulation order (bits per modulation symbol), 1, 2, 4, 6 or 8, TS 38.212 5.4.2.1 / 5.4.2.2.
  unsigned modulation_order;
  /// E (E_r of code block r): rate matching output length, a multiple of Q_m, TS 38.212 5.4.2.1.
  unsigned e;
};

/// Circular buffer length N_cb of TS 38.212 5.4.2.1: N without limited buffer rate matching (I_LBRM = 0, pass
/// nullopt), otherwise min(N, N_ref) with N_ref = floor(TBS_LBRM / (C * R_LBRM)) and R_LBRM = 2/3. TBS_LBRM is
/// computed elsewhere (TS 38.212 5.4.2.1 with TS 38.214 5.1.3.2 / 6.1.4.2). C = nof_cbs must be at least 1.
unsigned compute_ldpc_n_cb(ldpc_base_graph graph,
                           unsigned lifting_size,
                           std::optional<unsigned> tbs_lbrm,
                           unsigned nof_cbs) noexcept;

/// Starting position k_0 of redundancy version rv (0..3) in the circular buffer, TS 38.212 Table 5.4.2.1-2.
unsigned ldpc_rv_start(ldpc_base_graph graph, unsigned rv, unsigned n_cb, unsigned lifting_size) noexcept;

/// Rate matching output lengths E_r of the C = nof_cbs code blocks of a transport block, TS 38.212 5.4.2.1, with all
/// code blocks scheduled (C' = C). g is G, the number of coded bits available for the transport block; nof_layers
/// is N_L (1..4). Writes e_per_cb[0..nof_cbs-1]. Error if G is not a multiple of N_L Q_m, if G leaves some code
/// block without a modulation symbol, or if e_per_cb is shorter than nof_cbs.
status compute_cb_rate_match_lengths(std::span<unsigned> e_per_cb,
                                     unsigned g,
                                     unsigned nof_cbs,
                                     unsigned nof_layers,
                                     unsigned modulation_order);

/// Checks the parameters: Z_c a lifting size, rv 0..3, Q_m in {1, 2, 4, 6, 8}, E a positive multiple of Q_m,
/// 2 Z_c < K' <= K, and max(K', K - 2 Z_c) < N_cb <= N (the circular buffer holds the whole filler and more bits
/// than the code block).
status validate(const ldpc_rate_match_params& params);

/// Number of leading bits d_0.. that ldpc_rate_match reads for these parameters (N_cb when the bit selection wraps
/// around the circular buffer), so the encoder may stop after them.
unsigned ldpc_rate_match_nof_needed_bits(const ldpc_rate_match_params& params) noexcept;

/// Rate matching of one code block: bit selection (TS 38.212 5.4.2.1) from the circular buffer d_0..d_{N_cb-1},
/// starting at k_0, skipping the filler positions and wrapping around, then bit interleaving (TS 38.212 5.4.2.2).
/// Writes f[0..E-1]. d holds at least ldpc_rate_match_nof_needed_bits(params) bits; its filler positions are not
/// read. Parameters must pass validate().
void ldpc_rate_match(std::span<uint8_t> f, std::span<const uint8_t> d, const ldpc_rate_match_params& params) noexcept;

/// Inverse of ldpc_rate_match with soft combining: deinterleaves the E LLRs f (TS 38.212 5.4.2.2) and adds each
/// LLR e_k, with saturation to [-127, 127] and in the order k = 0..E-1, to the soft buffer at the position of d it
/// was selected from (TS 38.212 5.4.2.1). The soft buffer is in the d domain (at least N_cb values; N values let
/// the decoder take any prefix); positions at or beyond N_cb are not touched. With new_data the positions
/// 0..N_cb-1 are cleared first (new transmission); otherwise the LLRs are combined with those of earlier
/// transmissions of the same code block (HARQ, same K' and N_cb). The filler positions are set to +127 (known 0).
/// Returns the number of leading soft-buffer positions this transmission informs (filler included): no position
/// from there on receives an LLR. The length to give the decoder after combining is the maximum of the values
/// returned for all combined transmissions (harq_buffer_pool tracks it). Parameters must pass validate().
unsigned ldpc_rate_dematch(std::span<int8_t> soft_buffer,
                           std::span<const int8_t> llrs,
                           const ldpc_rate_match_params& params,
                           bool new_data) noexcept;

} // namespace airan::phy
