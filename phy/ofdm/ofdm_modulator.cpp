#include "airan/phy/ofdm/ofdm.h"

#include "ofdm_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace airan::phy {

status validate_ofdm_modulator_config(const ofdm_modulator_config& config)
{
  if (status s = validate_ofdm_numerology(config.carrier, config.fft_size); !s) {
    return s;
  }
  return detail::validate_center_frequency(config.carrier.center_frequency_hz);
}

ofdm_modulator::ofdm_modulator(const ofdm_modulator_config& config)
    : numerology_(config.carrier, config.fft_size),
      fft_(std::make_unique<detail::ofdm_fft>(numerology_.fft_size(), detail::ofdm_fft::direction::backward,
                                              detail::ofdm_fft::source::internal, config.planning))
{
  assert(validate_ofdm_modulator_config(config).is_ok());
  const float gain = 1.0F / std::sqrt(static_cast<float>(numerology_.fft_size()));
  for (unsigned slot = 0; slot != numerology_.nof_slots_per_subframe(); ++slot) {
    for (unsigned symbol = 0; symbol != numerology_.nof_symbols_per_slot(); ++symbol) {
      const double cycles =
          numerology_.upconversion_phase_cycles(config.carrier.center_frequency_hz, slot, symbol);
      symbol_factors_.push_back(gain * cf_t(std::polar(1.0, -2.0 * std::numbers::pi * cycles)));
    }
  }
}

ofdm_modulator::ofdm_modulator(ofdm_modulator&&) noexcept            = default;
ofdm_modulator& ofdm_modulator::operator=(ofdm_modulator&&) noexcept = default;
ofdm_modulator::~ofdm_modulator()                                    = default;

status ofdm_modulator::validate(std::span<const std::span<cf_t>> samples, const_grid_view grid, unsigned slot) const
{
  return detail::validate_slot_buffers(numerology_, grid, samples, slot);
}

void ofdm_modulator::modulate(std::span<const std::span<cf_t>> samples, const_grid_view grid, unsigned slot) noexcept
{
  assert(validate(samples, grid, slot).is_ok());
  const unsigned n_fft = numerology_.fft_size();
  const unsigned half  = numerology_.nof_subcarriers() / 2;
  const cf_t*    factors =
      symbol_factors_.data() + (slot % numerology_.nof_slots_per_subframe()) * numerology_.nof_symbols_per_slot();
  // Bins 0 .. half - 1 carry subcarriers half .. 2 half - 1, bins N - half .. N - 1 subcarriers 0 .. half - 1; the
  // other bins stay zero.
  cf_t* const bins = fft_->input();
  for (unsigned symbol = 0; symbol != grid.nof_symbols; ++symbol) {
    const unsigned start = numerology_.symbol_offset(slot, symbol);
    const unsigned cp    = numerology_.cp_length(slot, symbol);
    for (unsigned port = 0; port != grid.nof_ports; ++port) {
      const cf_t* a = grid.symbol(port, symbol).data();
      detail::scale(bins + n_fft - half, a, factors[symbol], half);
      detail::scale(bins, a + half, factors[symbol], half);
      cf_t* const out = samples[port].data() + start;
      fft_->execute(out + cp);
      std::copy_n(out + n_fft, cp, out);
    }
  }
}

} // namespace airan::phy
