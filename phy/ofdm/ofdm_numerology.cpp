#include "airan/phy/ofdm/ofdm_numerology.h"

#include <cassert>
#include <cmath>
#include <string>

namespace airan::phy {

namespace {

constexpr unsigned max_nof_prb = 275;

/// N_u = 2048 kappa 2^-mu in T_c.
unsigned useful_length_tc(unsigned mu)
{
  return (2048 * ofdm_kappa) >> mu;
}

} // namespace

unsigned ofdm_default_fft_size(unsigned nof_prb)
{
  unsigned fft_size = ofdm_min_fft_size;
  // 12 N_RB <= 0.85 N, in integers: 240 N_RB <= 17 N.
  while (240 * nof_prb > 17 * fft_size && fft_size < ofdm_max_fft_size) {
    fft_size *= 2;
  }
  return fft_size;
}

status validate_ofdm_numerology(const carrier_config& carrier, unsigned fft_size)
{
  if (carrier.numerology > ofdm_max_numerology) {
    return status::error("OFDM: numerology " + std::to_string(carrier.numerology) + " not supported (0.." +
                         std::to_string(ofdm_max_numerology) + ")");
  }
  if (carrier.cp != cyclic_prefix::normal && carrier.cp != cyclic_prefix::extended) {
    return status::error("OFDM: unknown cyclic prefix type");
  }
  if (carrier.cp == cyclic_prefix::extended && carrier.numerology != 2) {
    return status::error("OFDM: extended cyclic prefix requires numerology 2 (60 kHz), got " +
                         std::to_string(carrier.numerology));
  }
  if (carrier.nof_prb < 1 || carrier.nof_prb > max_nof_prb) {
    return status::error("OFDM: carrier of " + std::to_string(carrier.nof_prb) + " PRB out of range (1.." +
                         std::to_string(max_nof_prb) + ")");
  }
  if (fft_size == 0) {
    return status::ok();
  }
  if (fft_size < ofdm_min_fft_size || fft_size > ofdm_max_fft_size || fft_size % ofdm_fft_size_granularity != 0) {
    return status::error("OFDM: FFT size " + std::to_string(fft_size) + " not supported (a multiple of " +
                         std::to_string(ofdm_fft_size_granularity) + " in " + std::to_string(ofdm_min_fft_size) +
                         ".." + std::to_string(ofdm_max_fft_size) + ")");
  }
  if (fft_size < 12 * carrier.nof_prb) {
    return status::error("OFDM: FFT size " + std::to_string(fft_size) + " smaller than the " +
                         std::to_string(12 * carrier.nof_prb) + " subcarriers of " +
                         std::to_string(carrier.nof_prb) + " PRB");
  }
  return status::ok();
}

ofdm_numerology::ofdm_numerology(const carrier_config& carrier, unsigned fft_size) :
  numerology_(carrier.numerology),
  cp_(carrier.cp),
  nof_prb_(carrier.nof_prb),
  fft_size_(fft_size == 0 ? ofdm_default_fft_size(carrier.nof_prb) : fft_size)
{
  assert(validate_ofdm_numerology(carrier, fft_size).is_ok());
}

bool ofdm_numerology::is_long_cp(unsigned slot, unsigned symbol) const noexcept
{
  if (cp_ == cyclic_prefix::extended) {
    return false;
  }
  // l = 0 or l = 7 * 2^mu, l counting the symbols of the subframe.
  const unsigned l = (slot % nof_slots_per_subframe()) * nof_symbols_per_slot() + symbol;
  return l % (7 * nof_slots_per_subframe()) == 0;
}

unsigned ofdm_numerology::nof_long_cp_before(unsigned slot, unsigned nof_symbols) const noexcept
{
  unsigned count = 0;
  for (unsigned symbol = 0; symbol != nof_symbols; ++symbol) {
    count += is_long_cp(slot, symbol) ? 1 : 0;
  }
  return count;
}

unsigned ofdm_numerology::cp_length(unsigned slot, unsigned symbol) const noexcept
{
  assert(symbol < nof_symbols_per_slot());
  if (cp_ == cyclic_prefix::extended) {
    return fft_size_ / 4;
  }
  const unsigned extra = is_long_cp(slot, symbol) ? (fft_size_ << numerology_) / 128 : 0;
  return 9 * fft_size_ / 128 + extra;
}

unsigned ofdm_numerology::symbol_offset(unsigned slot, unsigned symbol) const noexcept
{
  assert(symbol <= nof_symbols_per_slot());
  const unsigned base_cp = cp_ == cyclic_prefix::extended ? fft_size_ / 4 : 9 * fft_size_ / 128;
  return symbol * (fft_size_ + base_cp) + nof_long_cp_before(slot, symbol) * ((fft_size_ << numerology_) / 128);
}

unsigned ofdm_numerology::slot_length(unsigned slot) const noexcept
{
  return symbol_offset(slot, nof_symbols_per_slot());
}

unsigned ofdm_numerology::cp_length_tc(unsigned slot, unsigned symbol) const noexcept
{
  assert(symbol < nof_symbols_per_slot());
  if (cp_ == cyclic_prefix::extended) {
    return (512 * ofdm_kappa) >> numerology_;
  }
  return ((144 * ofdm_kappa) >> numerology_) + (is_long_cp(slot, symbol) ? 16 * ofdm_kappa : 0);
}

uint64_t ofdm_numerology::symbol_start_tc(unsigned slot, unsigned symbol) const noexcept
{
  assert(symbol < nof_symbols_per_slot());
  // t_start,l = t_start,l-1 + (N_u + N_CP,l-1) T_c over the symbols of the subframe before this one.
  uint64_t       start = 0;
  const unsigned first = slot - slot % nof_slots_per_subframe();
  for (unsigned s = first; s != slot; ++s) {
    for (unsigned l = 0; l != nof_symbols_per_slot(); ++l) {
      start += useful_length_tc(numerology_) + cp_length_tc(s, l);
    }
  }
  for (unsigned l = 0; l != symbol; ++l) {
    start += useful_length_tc(numerology_) + cp_length_tc(slot, l);
  }
  return start;
}

double ofdm_numerology::upconversion_phase_cycles(double f0_hz, unsigned slot, unsigned symbol) const noexcept
{
  const auto   tc     = static_cast<double>(symbol_start_tc(slot, symbol) + cp_length_tc(slot, symbol));
  const double cycles = f0_hz * (tc * basic_time_unit_s);
  return cycles - std::floor(cycles);
}

} // namespace airan::phy
