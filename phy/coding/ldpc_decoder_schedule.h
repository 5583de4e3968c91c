#pragma once
// Data layout shared by the LDPC decoder front end (ldpc_decoder.cpp) and its layered min-sum kernels.

#include "airan/phy/coding/ldpc_decoder.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#if defined(__x86_64__) || defined(__i386__)
#define AIRAN_LDPC_DECODER_HAVE_AVX2 1
#endif

namespace airan::phy::detail {

/// Largest number of non-zero entries in one row of either base graph (BG1 rows 0..3).
constexpr unsigned ldpc_max_row_degree = 19;
/// Largest lifting size Z (TS 38.212 Table 5.3.2-1) and the shape of the larger base graph (BG1: 46 rows, 68 columns,
/// 316 non-zero entries).
constexpr unsigned ldpc_max_lifting_size = 384;
constexpr unsigned ldpc_max_nof_rows = 46;
constexpr unsigned ldpc_max_nof_columns = 68;
constexpr unsigned ldpc_max_nof_edges = 316;
/// TS 38.212 5.3.2: the first 2Z systematic bits are not sent.
constexpr unsigned ldpc_nof_punctured_columns = 2;
/// The rows 0..3 of both base graphs, which every decode processes.
constexpr unsigned ldpc_nof_core_rows = 4;

/// Number of processed rows: the core rows, plus each extension row whose parity column block (column
/// nof_info_cols + row, TS 38.212 5.3.2) holds at least one of the nof_llrs given bits.
inline unsigned ldpc_nof_processed_rows(const ldpc_base_graph_info& graph, unsigned lifting_size, std::size_t nof_llrs)
{
  const std::size_t covered_columns = ldpc_nof_punctured_columns + (nof_llrs + lifting_size - 1) / lifting_size;
  const std::size_t rows = covered_columns > graph.nof_info_cols ? covered_columns - graph.nof_info_cols : 0;
  return static_cast<unsigned>(std::clamp<std::size_t>(rows, ldpc_nof_core_rows, graph.nof_rows));
}

/// Fixed point. The a-posteriori LLRs saturate at +-127. A layered update takes the row's old message out of an
/// a-posteriori LLR and puts the new one in; once the LLR has saturated, what is taken out may exceed what the
/// saturated value still holds, so messages must stay well below 127 for such updates not to drain it (at 0.75
/// scaling a saturated check must still send the largest message: 0.75 * (127 - 40) >= 40). Channel LLRs stay
/// below the largest message so that a check sure of itself can overturn a wrong degree-1 parity bit.
constexpr unsigned ldpc_max_message = 40;
constexpr unsigned ldpc_max_channel_llr = ldpc_max_message - 1;

/// Widest kernel vector, in lanes (bytes). Lanes are padded to a multiple of it.
constexpr unsigned ldpc_max_vector_width = 32;

/// What the layered kernel of any vector width works on.
///
/// Variable nodes: each column block j of the base graph has two buffers ("ping-pong"). A buffer holds the
/// a-posteriori LLRs of the Z bits of block j rotated by a frame f: position q holds bit (f + q) mod Z, and the
/// positions [0, Z + ldpc_max_vector_width) are kept periodic (position q >= Z repeats q - Z), so that the
/// cyclic shift of any Z-block is one unaligned vector load per chunk of lanes. When row i with shift P(i,j)
/// updates block j it reads the block from one buffer and writes it to the other in frame P(i,j), the frame in
/// which check z of the row touches bit z of the block; load_offset is (P(i,j) - previous frame) mod Z.
///
/// Lanes: a kernel of width L works on ceil(Z / L) * L lanes; lanes >= Z repeat lanes - Z exactly (periodic
/// inputs give periodic outputs), so no masking is needed.
///
/// Copy c of block j is at columns + (2 j + c) * column_stride. Blocks 0..nof_columns-1 are used (the info blocks
/// first, then the parity blocks of the processed rows); block j is updated degree[j] times per iteration and is in
/// frame frame[j] after a whole iteration; the channel LLRs are loaded into copy 0 in that frame.
///
/// Edges are the non-zero entries of the processed rows, in row order. The check-to-variable messages of a row start
/// at messages + (first edge of the row) * lanes and are stored by chunks of L lanes, the row's edges in order
/// within a chunk.
struct ldpc_layered_schedule {
  unsigned lifting_size;
  unsigned nof_rows;
  /// Edges of row r are [row_start[r], row_start[r + 1]).
  const uint16_t* row_start;
  /// Per edge: position in the source buffer of the value that lane 0 of the row needs.
  const uint16_t* load_offset;
  /// Per edge: the same position after a whole iteration, in the buffer where the block is then.
  const uint16_t* check_offset;
  /// Per edge, for even [0] and odd [1] iterations (counted from 0): the buffer read and the buffer written.
  const int8_t* const* source[2];
  int8_t* const* target[2];
  /// Per edge: the buffer holding the edge's block after an even [0] or odd [1] iteration.
  const int8_t* const* checked[2];
  int8_t* messages;
  int8_t* columns;
  unsigned column_stride;
  unsigned nof_columns;
  unsigned nof_info_columns;
  const unsigned* frame;
  const unsigned* degree;
  /// Configuration, validated (ldpc_decoder_config).
  unsigned max_iterations;
  bool early_stop;
  unsigned scaling_q4;
  /// Smallest magnitude a nonzero minimum scales to (1 when only the core rows are processed, else 0).
  unsigned min_magnitude;
  unsigned offset;
  unsigned llr_shift;
};

/// Decodes with the portable kernel: channel LLRs in, iterations (layered min-sum, syndrome check), hard decisions
/// of the info blocks out (ldpc_decoder::decode()).
ldpc_decode_result ldpc_decode_scalar(const ldpc_layered_schedule& schedule, std::span<const int8_t> llrs,
                                      std::span<uint8_t> info_bits) noexcept;

#ifdef AIRAN_LDPC_DECODER_HAVE_AVX2
/// The same with the AVX2 kernel; the CPU must support AVX2.
ldpc_decode_result ldpc_decode_avx2(const ldpc_layered_schedule& schedule, std::span<const int8_t> llrs,
                                    std::span<uint8_t> info_bits) noexcept;
#endif

} // namespace airan::phy::detail
