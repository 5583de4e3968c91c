#pragma once
/// Views of a slot's resource grid: [port][symbol][subcarrier] contiguous, subcarrier 0 = first subcarrier of the
/// BWP (or carrier). Non-owning; owners allocate at creation.

#include "airan/common/complex.h"

#include <cassert>
#include <cstddef>
#include <span>
#include <type_traits>

namespace airan::phy {

template <typename T>
struct basic_grid_view {
  T* data = nullptr;
  unsigned nof_ports = 0;
  unsigned nof_symbols = 0;
  unsigned nof_subcarriers = 0;

  std::size_t size() const { return std::size_t{nof_ports} * nof_symbols * nof_subcarriers; }
  /// The subcarriers of one OFDM symbol of one port.
  std::span<T> symbol(unsigned port, unsigned l) const
  {
    assert(port < nof_ports && l < nof_symbols);
    return {data + (std::size_t{port} * nof_symbols + l) * nof_subcarriers, nof_subcarriers};
  }
  /// A read-only view of the same grid (a template, so that the const view has no conversion to itself).
  template <typename U = T>
  requires(!std::is_const_v<U>) operator basic_grid_view<const U>() const
  {
    return {data, nof_ports, nof_symbols, nof_subcarriers};
  }
};

using grid_view = basic_grid_view<cf_t>;
using const_grid_view = basic_grid_view<const cf_t>;

} // namespace airan::phy
