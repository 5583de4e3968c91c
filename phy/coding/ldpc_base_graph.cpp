#include "airan/phy/coding/ldpc_base_graph.h"

#include "ldpc_base_graph_tables.h"

#include <algorithm>
#include <array>

namespace airan::phy {

namespace {

constexpr ldpc_base_graph_info bg1_info_without_tables{ldpc_base_graph::bg1, 46, 68, 22, {}, {}};
constexpr ldpc_base_graph_info bg2_info_without_tables{ldpc_base_graph::bg2, 42, 52, 10, {}, {}};

/// TS 38.212 Table 5.3.2-1: Z = a * 2^j, set index i_LS by a.
constexpr std::array<unsigned, 8> set_base = {2, 3, 5, 7, 9, 11, 13, 15};

constexpr auto make_lifting_sizes()
{
  std::array<uint16_t, 51> sizes{};
  unsigned n = 0;
  for (unsigned a : set_base) {
    for (unsigned z = a; z <= 384; z *= 2) {
      sizes[n++] = static_cast<uint16_t>(z);
    }
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

constexpr std::array<uint16_t, 51> lifting_sizes_table = make_lifting_sizes();

} // namespace

const ldpc_base_graph_info& get_ldpc_base_graph(ldpc_base_graph graph)
{
  static const ldpc_base_graph_info bg1 = [] {
    auto info = bg1_info_without_tables;
    info.entries = detail::bg1_entries;
    info.row_start = detail::bg1_row_start;
    return info;
  }();
  static const ldpc_base_graph_info bg2 = [] {
    auto info = bg2_info_without_tables;
    info.entries = detail::bg2_entries;
    info.row_start = detail::bg2_row_start;
    return info;
  }();
  return graph == ldpc_base_graph::bg1 ? bg1 : bg2;
}

std::span<const uint16_t> ldpc_lifting_sizes()
{
  return lifting_sizes_table;
}

std::optional<unsigned> ldpc_lifting_set_index(unsigned lifting_size)
{
  if (lifting_size < 2 || lifting_size > 384) {
    return std::nullopt;
  }
  for (unsigned set = 0; set < set_base.size(); ++set) {
    for (unsigned z = set_base[set]; z <= 384; z *= 2) {
      if (z == lifting_size) {
        return set;
      }
    }
  }
  return std::nullopt;
}

} // namespace airan::phy
