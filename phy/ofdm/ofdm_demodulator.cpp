#include "airan/phy/ofdm/ofdm.h"

#include "ofdm_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

namespace airan::phy {

namespace {

/// Shortest cyclic prefix of the numerology in samples (any symbol that is not a long-CP one).
unsigned shortest_cp(const ofdm_numerology& numerology)
{
  return numerology.cp_length(0, 1);
}

} // namespace

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
  window_offset_(static_cast<unsigned>(config.fft_window_offset_cp_fraction *
                                       static_cast<float>(shortest_cp(numerology_)))),
  fft_(std::make_unique<detail::ofdm_fft>(numerology_.fft_size(), detail::ofdm_fft::direction::forward,
                                          config.planning)),
  bins_(numerology_.fft_size())
{
  assert(validate_ofdm_demodulator_config(config).is_ok());
  constexpr unsigned period = detail::periodic_weight_period;
  const unsigned     n_fft  = numerology_.fft_size();
  const unsigned     half   = numerology_.nof_subcarriers() / 2;
  // The smallest multiple of N / 16 (N is a multiple of 128) that is at least 6 N_RB; at most N / 2, so that
  // subcarriers 0 .. 12 N_RB - 1 land in bins shift - 6 N_RB .. shift + 6 N_RB - 1 without wrapping.
  const unsigned step  = n_fft / period;
  const unsigned shift = (half + step - 1) / step * step;
  bins_before_         = shift - half;
  tail_weights_at_     = (period - window_offset_ % period) % period;
  const double gain    = 1.0 / std::sqrt(static_cast<double>(n_fft));
  for (unsigned slot = 0; slot != numerology_.nof_slots_per_subframe(); ++slot) {
    for (unsigned symbol = 0; symbol != numerology_.nof_symbols_per_slot(); ++symbol) {
      const double cycles = numerology_.upconversion_phase_cycles(config.carrier.center_frequency_hz, slot, symbol);
      for (unsigned r = 0; r != 2 * period; ++r) {
        // exp(j 2 pi shift r / N) from shift r mod N, exact in integers.
        const double ramp = static_cast<double>((std::size_t{shift} * r) % n_fft) / n_fft;
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
  constexpr unsigned period     = detail::periodic_weight_period;
  const unsigned     n_fft      = numerology_.fft_size();
  const unsigned     nsc        = numerology_.nof_subcarriers();
  const unsigned     head       = n_fft - window_offset_;
  const std::size_t  bins_after = n_fft - nsc - bins_before_;
  const std::size_t  nof_rows   = std::size_t{grid.nof_ports} * grid.nof_symbols;
  const cf_t*        slot_weights =
      symbol_weights_.data() +
      std::size_t{slot % numerology_.nof_slots_per_subframe()} * numerology_.nof_symbols_per_slot() * 2 * period;
  cf_t* const rotated = fft_->input();
  // Rows in memory order: the bins a transform writes past its row land in rows written later.
  for (unsigned port = 0; port != grid.nof_ports; ++port) {
    for (unsigned symbol = 0; symbol != grid.nof_symbols; ++symbol) {
      // The window rotated to start at the end of the cyclic prefix, times its weights.
      const cf_t* cp_end =
          samples[port].data() + numerology_.symbol_offset(slot, symbol) + numerology_.cp_length(slot, symbol);
      const cf_t* weights = slot_weights + symbol * 2 * period;
      detail::multiply_periodic(rotated, cp_end, weights, head);
      detail::multiply_periodic(rotated + head, cp_end - window_offset_, weights + tail_weights_at_, window_offset_);

      cf_t* const       row         = grid.symbol(port, symbol).data();
      const std::size_t rows_before = std::size_t{port} * grid.nof_symbols + symbol;
      if (rows_before * nsc >= bins_before_ && (nof_rows - 1 - rows_before) * nsc >= bins_after) {
        // Straight into the grid: the bins before the row are saved and put back.
        std::copy_n(row - bins_before_, bins_before_, bins_.data());
        fft_->execute(row - bins_before_);
        std::copy_n(bins_.data(), bins_before_, row - bins_before_);
      } else {
        fft_->execute(bins_.data());
        std::copy_n(bins_.data() + bins_before_, nsc, row);
      }
    }
  }
}

unsigned ofdm_demodulator::grid_offset() const noexcept
{
  // Row starts differ by multiples of 12 N_RB values (48 N_RB bytes); a row written from bin bins_before_ on starts
  // its transform's output bins_before_ values before it.
  return bins_before_ % 8;
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
