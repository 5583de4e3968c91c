#include "airan/phy/ofdm/ofdm.h"

#include "ofdm_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

namespace airan::phy {

unsigned ofdm_fft_window_offset(const ofdm_numerology& numerology, float cp_fraction)
{
  // Any symbol that is not a long-CP one has the shortest cyclic prefix.
  const unsigned shortest_cp = numerology.cp_length(0, 1);
  const unsigned step = numerology.fft_size() / detail::cyclic_weight_period;
  return static_cast<unsigned>(cp_fraction * static_cast<float>(shortest_cp)) / step * step;
}

status validate_ofdm_demodulator_config(const ofdm_demodulator_config& config)
{
  if (status s = validate_ofdm_numerology(config.carrier, config.fft_size); !s) {
    return s;
  }
  if (status s = detail::validate_center_frequency(config.carrier.center_frequency_hz); !s) {
    return s;
  }
  // Written so that NaN fails.
  if (!(config.fft_window_offset_cp_fraction >= 0.0F && config.fft_window_offset_cp_fraction <= 1.0F)) {
    return status::error("OFDM: FFT window offset of " + std::to_string(config.fft_window_offset_cp_fraction) +
                         " cyclic prefixes out of range (0..1)");
  }
  return status::ok();
}

ofdm_demodulator::ofdm_demodulator(const ofdm_demodulator_config& config) :
  numerology_(config.carrier, config.fft_size),
  window_offset_(ofdm_fft_window_offset(numerology_, config.fft_window_offset_cp_fraction)),
  fft_(std::make_unique<detail::ofdm_fft>(numerology_.fft_size(), detail::ofdm_fft::direction::forward,
                                          detail::ofdm_fft::source::caller, config.planning)),
  bins_(numerology_.fft_size())
{
  assert(validate_ofdm_demodulator_config(config).is_ok());
  constexpr unsigned period = detail::cyclic_weight_period;
  const unsigned     n_fft  = numerology_.fft_size();
  const unsigned     half   = numerology_.nof_subcarriers() / 2;
  const double       gain   = 1.0 / std::sqrt(static_cast<double>(n_fft));
  for (unsigned slot = 0; slot != numerology_.nof_slots_per_subframe(); ++slot) {
    for (unsigned symbol = 0; symbol != numerology_.nof_symbols_per_slot(); ++symbol) {
      const double cycles = numerology_.upconversion_phase_cycles(config.carrier.center_frequency_hz, slot, symbol);
      for (unsigned k = 0; k != detail::cyclic_weight_table_size; ++k) {
        // exp(j 2 pi (k - 6 N_RB) offset / N), exact in integers; the offset is a multiple of N / 64, so the weight
        // of subcarrier k depends on k mod 64 only.
        const std::size_t bin  = (std::size_t{k % period} + n_fft - half % n_fft) % n_fft;
        const double      ramp = static_cast<double>(bin * window_offset_ % n_fft) / n_fft;
        symbol_weights_.emplace_back(std::polar(gain, 2.0 * std::numbers::pi * (cycles + ramp)));
      }
    }
  }
}

ofdm_demodulator::ofdm_demodulator(ofdm_demodulator&&) noexcept            = default;
ofdm_demodulator& ofdm_demodulator::operator=(ofdm_demodulator&&) noexcept = default;
ofdm_demodulator::~ofdm_demodulator()                                      = default;

status ofdm_demodulator::validate(const_grid_view grid, std::span<const std::span<const cf_t>> samples,
                                  unsigned slot) const
{
  return detail::validate_slot_buffers(numerology_, grid, samples, slot);
}

void ofdm_demodulator::demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) noexcept
{
  assert(validate(grid, samples, slot).is_ok());
  constexpr unsigned table     = detail::cyclic_weight_table_size;
  const unsigned     n_fft     = numerology_.fft_size();
  const unsigned     nsc       = numerology_.nof_subcarriers();
  const unsigned     half      = nsc / 2;
  const std::size_t  grid_size = grid.size();
  const cf_t*        slot_weights =
      symbol_weights_.data() +
      std::size_t{slot % numerology_.nof_slots_per_subframe()} * numerology_.nof_symbols_per_slot() * table;
  // Rows in memory order: a transform written into the grid puts bins past its row into rows written later.
  for (unsigned port = 0; port != grid.nof_ports; ++port) {
    for (unsigned symbol = 0; symbol != grid.nof_symbols; ++symbol) {
      const cf_t* window = samples[port].data() + numerology_.symbol_offset(slot, symbol) +
                           numerology_.cp_length(slot, symbol) - window_offset_;
      cf_t* const       row   = grid.symbol(port, symbol).data();
      const std::size_t start = static_cast<std::size_t>(row - grid.data);
      // Bin b goes to bins[b]: straight into the grid from subcarrier 6 N_RB (b = 0) on when it fits.
      cf_t* const bins = start + half + n_fft <= grid_size ? row + half : bins_.data();
      fft_->execute(window, bins);
      // Subcarrier k is bin k - 6 N_RB mod N; the bins above N - 6 N_RB hold subcarriers 0 .. 6 N_RB - 1.
      const cf_t* weights = slot_weights + symbol * table;
      detail::multiply_cyclic(row, bins + n_fft - half, weights, 0, half);
      detail::multiply_cyclic(row + half, bins, weights, half, nsc - half);
    }
  }
}

unsigned ofdm_demodulator::grid_offset() const noexcept
{
  // A row's transform starts 6 N_RB values into it; row starts differ by multiples of 12 N_RB values.
  return (8 - numerology_.nof_subcarriers() / 2 % 8) % 8;
}

ofdm_demodulated_grid::ofdm_demodulated_grid(const ofdm_demodulator& demodulator, unsigned nof_ports)
{
  constexpr std::uintptr_t boundary = 64;
  constexpr unsigned       slack    = boundary / sizeof(cf_t);
  const ofdm_numerology&   n        = demodulator.numerology();
  const std::size_t        size     = std::size_t{nof_ports} * n.nof_symbols_per_slot() * n.nof_subcarriers();
  storage_.resize(size + slack);
  const auto     address = reinterpret_cast<std::uintptr_t>(storage_.data());
  const unsigned wanted  = demodulator.grid_offset() * sizeof(cf_t);
  // Allocations are at least 8-byte aligned: some shift below 8 values reaches the wanted placement.
  assert(address % sizeof(cf_t) == 0);
  const auto shift = static_cast<unsigned>(((boundary + wanted - address % boundary) % boundary) / sizeof(cf_t));
  view_            = {storage_.data() + shift, nof_ports, n.nof_symbols_per_slot(), n.nof_subcarriers()};
}

} // namespace airan::phy
