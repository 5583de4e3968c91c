#pragma once
/// Transport block CRC attachment, LDPC base graph selection and code block segmentation (TS 38.212 6.2.1, 6.2.2,
/// 7.2.1, 7.2.2, 5.2.2), and the inverse on the receive side.

#include "airan/common/status.h"
#include "airan/phy/coding/ldpc_base_graph.h"

#include <cstdint>
#include <span>

namespace airan::phy {

/// Largest transport block size A in bits (TS 38.214 5.1.3.2 with 275 PRBs of 156 REs, Q_m = 8, R = 948/1024 and
/// 4 layers: N_info = 1270912.5, N'_info = 1277952, C = 152, TBS = 1277992).
inline constexpr unsigned max_transport_block_size = 1277992;

/// Most code blocks of one transport block: the largest TBS plus its CRC over the smallest BG1 code block payload
/// K_cb - L = 8448 - 24 (TS 38.212 5.2.2).
inline constexpr unsigned max_nof_code_blocks = (max_transport_block_size + 24 + (8448 - 24) - 1) / (8448 - 24);

/// LDPC base graph of a transport block, TS 38.212 6.2.2 (PUSCH) and 7.2.2 (PDSCH): BG2 if A <= 292, or if
/// A <= 3824 and R <= 0.67, or if R <= 0.25; BG1 otherwise. tbs is A in bits, code_rate is R.
ldpc_base_graph select_ldpc_base_graph(unsigned tbs, float code_rate) noexcept;

/// Segmentation parameters of one transport block, TS 38.212 5.2.2 (symbols of the standard in brackets).
struct ldpc_segmentation {
  /// LDPC base graph the code blocks are encoded with.
  ldpc_base_graph graph;
  /// Transport block size in bits (A).
  unsigned tbs;
  /// Transport block CRC length (L of TS 38.212 6.2.1 / 7.2.1): 24 (CRC24A) if A > 3824, otherwise 16 (CRC16).
  unsigned tb_crc_length;
  /// Number of code blocks (C).
  unsigned nof_cbs;
  /// Code block CRC length (L of TS 38.212 5.2.2): 24 (CRC24B) if C > 1, otherwise 0.
  unsigned cb_crc_length;
  /// Bits per code block before filler bits, code block CRC included (K' = B'/C).
  unsigned k_prime;
  /// Lifting size (Z_c): the smallest lifting size Z with K_b Z >= K'.
  unsigned lifting_size;
  /// Bits per code block at the LDPC encoder input (K): 22 Z_c for BG1, 10 Z_c for BG2.
  unsigned k;
  /// Filler bits per code block (F = K - K'), at positions K' .. K-1 of every code block.
  unsigned nof_filler_bits;
};

/// Computes the segmentation of a transport block of tbs bits (A) for a base graph, TS 38.212 5.2.2. Fails when A
/// is zero, not a multiple of 8, above max_transport_block_size, or when B' is not divisible by C (a size that the
/// transport block size determination of TS 38.214 5.1.3.2 never produces for this base graph).
status compute_ldpc_segmentation(ldpc_segmentation& out, unsigned tbs, ldpc_base_graph graph);

/// Transmit side: attaches the transport block CRC (TS 38.212 6.2.1 / 7.2.1) to the A/8 bytes of tb_bytes, splits
/// the result into C code blocks, attaches CRC24B to each when C > 1 and sets the filler bits to 0 (TS 38.212
/// 5.2.2). cb_bits receives C * K unpacked bits, code block r at [r K, (r + 1) K).
void segment_transport_block(std::span<uint8_t> cb_bits,
                             std::span<const uint8_t> tb_bytes,
                             const ldpc_segmentation& segmentation) noexcept;

/// Outcome of desegment_transport_block().
struct tb_desegmentation_result {
  /// Whether the transport block CRC matches.
  bool tb_crc_ok;
  /// Number of code blocks whose CRC matches (the CRC24B of each code block when C > 1; when C = 1, 1 if the
  /// transport block CRC matches, else 0).
  unsigned nof_cb_crc_ok;
};

/// Receive side, inverse of segment_transport_block(): cb_bits holds C * K unpacked hard decisions (the K
/// systematic bits of each code block, filler positions included and ignored). Writes the A/8 transport block bytes,
/// checks the transport block CRC and, when C > 1, the CRC24B of each code block. cb_crc_ok receives C flags (1 if
/// the code block CRC matches, else 0; when C = 1 the flag is the transport block CRC result).
tb_desegmentation_result desegment_transport_block(std::span<uint8_t> tb_bytes,
                                                   std::span<const uint8_t> cb_bits,
                                                   const ldpc_segmentation& segmentation,
                                                   std::span<uint8_t> cb_crc_ok) noexcept;

/// Checks the CRC carried by one decoded code block, given its first K' unpacked bits: the code block CRC24B when
/// C > 1, the transport block CRC when C = 1 (TS 38.212 5.2.2, 6.2.1). Lets a decoder stop early or HARQ track
/// code blocks individually.
bool check_code_block_crc(std::span<const uint8_t> cb_bits_k_prime, const ldpc_segmentation& segmentation) noexcept;

} // namespace airan::phy
