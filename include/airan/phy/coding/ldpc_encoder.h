#pragma once
/// LDPC encoder for the NR base graphs, TS 38.212 5.3.2.

#include "airan/common/status.h"
#include "airan/phy/coding/ldpc_base_graph.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace airan::phy {

/// Smallest number of codeword bits ldpc_encode() can produce: the systematic bits after the 2 Z punctured ones
/// plus the 4 Z core parity bits, (K_b + 2) Z with K_b = 22 (BG1) or 10 (BG2).
inline unsigned ldpc_min_codeword_length(ldpc_base_graph graph, unsigned lifting_size)
{
  return ldpc_info_length(graph, lifting_size) + 2 * lifting_size;
}

/// Checks the parameters of ldpc_encode(): Z must be one of the 51 lifting sizes of TS 38.212 Table 5.3.2-1,
/// nof_info_bits must be K = 22 Z (BG1) or 10 Z (BG2), and nof_codeword_bits must lie in
/// [ldpc_min_codeword_length(), ldpc_codeword_length()] = [K + 2 Z, N].
status validate_ldpc_encoder_input(ldpc_base_graph graph,
                                   unsigned lifting_size,
                                   std::size_t nof_info_bits,
                                   std::size_t nof_codeword_bits);

/// LDPC encoding of one code block, TS 38.212 5.3.2.
///
/// info_bits holds the K unpacked bits c_0 .. c_{K-1} (filler bits given as 0). codeword receives, unpacked, the
/// first codeword.size() bits of d_0 .. d_{N-1}: d_{k-2Z} = c_k for 2Z <= k < K followed by the parity bits
/// w_0 .. w_{N+2Z-K-1}, so that H [c w]^T = 0 for the parity-check matrix H lifted from the base graph. Only the
/// parity columns that reach into codeword.size() are computed, so short (high code rate) requests cost less.
/// Requires validate_ldpc_encoder_input(graph, lifting_size, info_bits.size(), codeword.size()) to be ok.
/// Works on the stack only; the first call in a process builds a static table of the lifted shifts of all 51
/// lifting sizes (thread-safe, well under a millisecond).
void ldpc_encode(std::span<uint8_t> codeword,
                 std::span<const uint8_t> info_bits,
                 ldpc_base_graph graph,
                 unsigned lifting_size) noexcept;

namespace detail {
/// ldpc_encode() as it runs on CPUs without AVX2 (ldpc_encode() picks the AVX2 code where the CPU has it); exposed
/// so that both code paths can be tested on any machine.
void ldpc_encode_generic(std::span<uint8_t> codeword,
                         std::span<const uint8_t> info_bits,
                         ldpc_base_graph graph,
                         unsigned lifting_size) noexcept;
} // namespace detail

} // namespace airan::phy
