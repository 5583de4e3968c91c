#include "airan/phy/coding/ldpc_base_graph.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace airan::phy;

namespace {
const ldpc_base_graph_entry* find_entry(const ldpc_base_graph_info& g, unsigned row, unsigned col)
{
  for (unsigned k = g.row_start[row]; k < g.row_start[row + 1]; ++k) {
    if (g.entries[k].row == row && g.entries[k].col == col) {
      return &g.entries[k];
    }
  }
  return nullptr;
}
} // namespace

TEST_CASE("lifting sizes: the 51 values of TS 38.212 Table 5.3.2-1")
{
  auto sizes = ldpc_lifting_sizes();
  REQUIRE(sizes.size() == 51);
  CHECK(std::is_sorted(sizes.begin(), sizes.end()));
  CHECK(sizes.front() == 2);
  CHECK(sizes.back() == 384);
  CHECK(ldpc_lifting_set_index(384) == 1U);
  CHECK(ldpc_lifting_set_index(208) == 6U);
  CHECK(ldpc_lifting_set_index(240) == 7U);
  CHECK(ldpc_lifting_set_index(352) == 5U);
  CHECK(ldpc_lifting_set_index(2) == 0U);
  CHECK_FALSE(ldpc_lifting_set_index(0).has_value());
  CHECK_FALSE(ldpc_lifting_set_index(17).has_value());
  CHECK_FALSE(ldpc_lifting_set_index(416).has_value());
  CHECK_FALSE(ldpc_lifting_set_index(480).has_value());
}

TEST_CASE("base graph 1: shape and spot checks against TS 38.212 Table 5.3.2-2")
{
  const auto& g = get_ldpc_base_graph(ldpc_base_graph::bg1);
  CHECK(g.nof_rows == 46);
  CHECK(g.nof_cols == 68);
  CHECK(g.entries.size() == 316);
  CHECK(g.row_start.back() == 316);
  // Row 0, column 0: V = 250, 307, 73, 223, 211, 294, 0, 135.
  const auto* e = find_entry(g, 0, 0);
  REQUIRE(e != nullptr);
  CHECK(e->shift_by_set[0] == 250);
  CHECK(e->shift_by_set[1] == 307);
  CHECK(e->shift_by_set[7] == 135);
  // Core double-diagonal: (0,22) has V = 1 for i_LS 0..5 and 7 (shift 0 for set 6); (1,22) and (2,23) are 0.
  e = find_entry(g, 0, 22);
  REQUIRE(e != nullptr);
  CHECK(e->shift_by_set[0] == 1);
  CHECK(e->shift_by_set[6] == 0);
  REQUIRE(find_entry(g, 1, 22) != nullptr);
  CHECK(find_entry(g, 1, 22)->shift_by_set[1] == 0);
  // Row 4 (first extension row) connects columns 0, 1 and 26 (identity).
  CHECK(g.row_start[5] - g.row_start[4] == 3);
  REQUIRE(find_entry(g, 4, 26) != nullptr);
  CHECK(find_entry(g, 4, 26)->shift_by_set[3] == 0);
  // Last row: column 67 is the identity of the extension part.
  REQUIRE(find_entry(g, 45, 67) != nullptr);
  CHECK(find_entry(g, 45, 67)->shift_by_set[0] == 0);
  CHECK(find_entry(g, 45, 66) == nullptr);
}

TEST_CASE("base graph 2: shape and spot checks against TS 38.212 Table 5.3.2-3")
{
  const auto& g = get_ldpc_base_graph(ldpc_base_graph::bg2);
  CHECK(g.nof_rows == 42);
  CHECK(g.nof_cols == 52);
  CHECK(g.entries.size() == 197);
  // Row 0, column 0: V = 9, 174, 0, 72, 3, 156, 143, 145.
  const auto* e = find_entry(g, 0, 0);
  REQUIRE(e != nullptr);
  CHECK(e->shift_by_set[0] == 9);
  CHECK(e->shift_by_set[2] == 0);
  CHECK(e->shift_by_set[7] == 145);
  REQUIRE(find_entry(g, 41, 51) != nullptr);
  CHECK(find_entry(g, 41, 51)->shift_by_set[5] == 0);
}

TEST_CASE("base graphs: every extension column j >= K_b + 4 has exactly one identity entry in row j - K_b")
{
  for (auto bg : {ldpc_base_graph::bg1, ldpc_base_graph::bg2}) {
    const auto& g = get_ldpc_base_graph(bg);
    std::set<std::pair<unsigned, unsigned>> seen;
    for (const auto& e : g.entries) {
      CHECK(seen.insert({e.row, e.col}).second);
      if (e.col >= g.nof_info_cols + 4) {
        CHECK(e.row == e.col - g.nof_info_cols);
        for (unsigned s = 0; s < 8; ++s) {
          CHECK(e.shift_by_set[s] == 0);
        }
      }
    }
  }
}
