#include "airan/phy/ofdm/ofdm.h"

#include "ofdm_detail.h"

#include <cassert>
#include <cmath>
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
                                          config.planning))
{
  assert(validate_ofdm_demodulator_config(config).is_ok());
  constexpr unsigned period = detail::factored_weight_period;
  const double       n_fft  = numerology_.fft_size();
  const unsigned     half   = numerology_.nof_subcarriers() / 2;
  const double       gain   = 1.0 / std::sqrt(n_fft);
  auto ramp = [&](double magnitude, double frequency) {
    return cf_t(std::polar(magnitude, 2.0 * std::numbers::pi * frequency * window_offset_ / n_fft));
  };
  // Half 0 holds frequencies -half .. -1, half 1 frequencies 0 .. half - 1.
  for (const double first_frequency : {-static_cast<double>(half), 0.0}) {
    for (unsigned m = 0; m * period < half; ++m) {
      coarse_ramp_.push_back(ramp(gain, first_frequency + m * period));
    }
  }
  for (unsigned r = 0; r != period; ++r) {
    fine_ramp_.push_back(ramp(1.0, r));
  }
  coarse_weights_.resize(coarse_ramp_.size());
  for (unsigned slot = 0; slot != numerology_.nof_slots_per_subframe(); ++slot) {
    for (unsigned symbol = 0; symbol != numerology_.nof_symbols_per_slot(); ++symbol) {
      const double cycles = numerology_.upconversion_phase_cycles(config.carrier.center_frequency_hz, slot, symbol);
      symbol_phases_.emplace_back(std::polar(1.0, 2.0 * std::numbers::pi * cycles));
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
  const unsigned n_fft  = numerology_.fft_size();
  const unsigned half   = numerology_.nof_subcarriers() / 2;
  const cf_t*    phases =
      symbol_phases_.data() + (slot % numerology_.nof_slots_per_subframe()) * numerology_.nof_symbols_per_slot();
  for (unsigned symbol = 0; symbol != grid.nof_symbols; ++symbol) {
    // Coarse weights of this symbol for all ports: window ramp, symbol phase and gain.
    const cf_t* coarse = coarse_ramp_.data();
    if (phases[symbol] != cf_t{1.0F, 0.0F}) {
      detail::scale(coarse_weights_.data(), coarse_ramp_.data(), phases[symbol],
                    static_cast<unsigned>(coarse_ramp_.size()));
      coarse = coarse_weights_.data();
    }
    const cf_t*    coarse_upper = coarse + coarse_ramp_.size() / 2;
    const unsigned window =
        numerology_.symbol_offset(slot, symbol) + numerology_.cp_length(slot, symbol) - window_offset_;
    for (unsigned port = 0; port != grid.nof_ports; ++port) {
      const cf_t* bins = fft_->forward(samples[port].data() + window);
      cf_t*       a    = grid.symbol(port, symbol).data();
      detail::multiply_factored(a, bins + n_fft - half, coarse, fine_ramp_.data(), half);
      detail::multiply_factored(a + half, bins, coarse_upper, fine_ramp_.data(), half);
    }
  }
}

} // namespace airan::phy
