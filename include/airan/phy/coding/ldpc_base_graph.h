#pragma once
/// LDPC base graphs and lifting sizes, TS 38.212 5.3.2.

#include <cstdint>
#include <optional>
#include <span>

namespace airan::phy {

/// LDPC base graph, TS 38.212 5.3.2 (selected per TS 38.212 7.2.2 / 6.2.2).
enum class ldpc_base_graph : uint8_t { bg1 = 1, bg2 = 2 };

/// One non-zero entry (i, j) of a base matrix H_BG with its shift values V(i,j) for i_LS = 0..7.
struct ldpc_base_graph_entry {
  uint16_t row;
  uint16_t col;
  uint16_t shift_by_set[8];
};

/// Shape and entries of one base graph (TS 38.212 Tables 5.3.2-2 and 5.3.2-3).
struct ldpc_base_graph_info {
  ldpc_base_graph graph;
  unsigned nof_rows;       ///< 46 (BG1) or 42 (BG2).
  unsigned nof_cols;       ///< 68 (BG1) or 52 (BG2).
  unsigned nof_info_cols;  ///< K_b maximum: 22 (BG1) or 10 (BG2), TS 38.212 5.3.2.
  /// Non-zero entries, sorted by row then column.
  std::span<const ldpc_base_graph_entry> entries;
  /// entries of row r are entries[row_start[r] .. row_start[r + 1]); nof_rows + 1 values.
  std::span<const uint16_t> row_start;
};

const ldpc_base_graph_info& get_ldpc_base_graph(ldpc_base_graph graph);

/// All 51 lifting sizes Z of TS 38.212 Table 5.3.2-1, ascending.
std::span<const uint16_t> ldpc_lifting_sizes();

/// Lifting-size set index i_LS (0..7) of Z per TS 38.212 Table 5.3.2-1; nullopt if Z is not a lifting size.
std::optional<unsigned> ldpc_lifting_set_index(unsigned lifting_size);

/// Cyclic shift P(i,j) = V(i,j) mod Z of an entry for lifting size Z (TS 38.212 5.3.2), given Z's set index.
inline unsigned ldpc_shift(const ldpc_base_graph_entry& e, unsigned lifting_size, unsigned set_index)
{
  return e.shift_by_set[set_index] % lifting_size;
}

/// Number of codeword bits N produced by the encoder, TS 38.212 5.3.2: 66 Z (BG1) or 50 Z (BG2).
inline unsigned ldpc_codeword_length(ldpc_base_graph graph, unsigned lifting_size)
{
  return (graph == ldpc_base_graph::bg1 ? 66U : 50U) * lifting_size;
}

/// Number of information bits K of a code block, TS 38.212 5.2.2: 22 Z (BG1) or 10 Z (BG2).
inline unsigned ldpc_info_length(ldpc_base_graph graph, unsigned lifting_size)
{
  return (graph == ldpc_base_graph::bg1 ? 22U : 10U) * lifting_size;
}

} // namespace airan::phy
