#pragma once
// Raw base graph tables generated from TS 38.212 Tables 5.3.2-2 and 5.3.2-3 (see ldpc_base_graph_tables.cpp).

#include "airan/phy/coding/ldpc_base_graph.h"

#include <array>
#include <cstdint>

namespace airan::phy::detail {
extern const std::array<ldpc_base_graph_entry, 316> bg1_entries;
extern const std::array<uint16_t, 47> bg1_row_start;
extern const std::array<ldpc_base_graph_entry, 197> bg2_entries;
extern const std::array<uint16_t, 43> bg2_row_start;
} // namespace airan::phy::detail
