#pragma once
/// OFDM numerology and frame structure in samples: FFT size, sample rate, cyclic prefix lengths and symbol start
/// times of TS 38.211 4.1, 4.2, 4.3 and 5.3.1.

#include "airan/common/status.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <cstdint>

namespace airan::phy {

/// Largest subcarrier spacing configuration mu supported (120 kHz).
constexpr unsigned ofdm_max_numerology = 3;

/// Smallest and largest FFT sizes accepted; every size must be a multiple of ofdm_fft_size_granularity.
constexpr unsigned ofdm_min_fft_size = 128;
constexpr unsigned ofdm_max_fft_size = 65536;

/// An FFT size N gives whole-sample cyclic prefixes for every numerology if and only if N is a multiple of 128:
/// the normal CP is 9 N / 128 samples, the extra 16 kappa T_c of the long CP N 2^mu / 128 and the extended CP N / 4.
constexpr unsigned ofdm_fft_size_granularity = 128;

/// Basic time unit T_c = 1 / (480e3 * 4096) s, TS 38.211 4.1, and the constant kappa = T_s / T_c = 64.
constexpr double basic_time_unit_s = 1.0 / (480.0e3 * 4096.0);
constexpr unsigned ofdm_kappa = 64;

/// Number of OFDM symbols per slot N_symb^slot, TS 38.211 Tables 4.3.2-1 and 4.3.2-2.
constexpr unsigned ofdm_nof_symbols_per_slot(cyclic_prefix cp) noexcept
{
  return cp == cyclic_prefix::extended ? 12 : 14;
}

/// FFT size used when the caller asks for none: the smallest power of two N >= 128 with 12 N_RB <= 0.85 N, so that
/// at least 15 % of the band is left as guard (273 PRB -> 4096, 106 -> 2048, 52 -> 1024, 25 -> 512).
unsigned ofdm_default_fft_size(unsigned nof_prb);

/// Checks the parts of a carrier that fix the OFDM numerology and a requested FFT size (0: ofdm_default_fft_size()):
/// numerology 0..3, extended cyclic prefix only with numerology 2, 1..275 PRB, FFT size a multiple of 128 in
/// [128, 65536] with at least 12 N_RB bins.
status validate_ofdm_numerology(const carrier_config& carrier, unsigned fft_size = 0);

/// Time structure of the slots of one carrier sampled at N_FFT * 15 kHz * 2^mu, TS 38.211 5.3.1.
///
/// Symbol lengths in T_c: N_u = 2048 kappa 2^-mu; N_CP,l = 512 kappa 2^-mu (extended CP), 144 kappa 2^-mu + 16 kappa
/// (normal CP, l = 0 or l = 7 * 2^mu) or 144 kappa 2^-mu (normal CP, other l), where l counts the symbols of the
/// subframe; so the long CP falls on the first symbol of every half subframe (0.5 ms). Slots are numbered within the
/// frame as in pusch_pdu::slot; only the slot within the subframe (slot mod 2^mu) changes the structure.
class ofdm_numerology {
public:
  /// Requires validate_ofdm_numerology(carrier, fft_size) to be ok.
  explicit ofdm_numerology(const carrier_config& carrier, unsigned fft_size = 0);

  unsigned numerology() const noexcept { return numerology_; }
  cyclic_prefix cp() const noexcept { return cp_; }
  unsigned nof_prb() const noexcept { return nof_prb_; }
  unsigned fft_size() const noexcept { return fft_size_; }
  /// 12 N_RB, the subcarriers of the grid.
  unsigned nof_subcarriers() const noexcept { return 12 * nof_prb_; }
  unsigned nof_symbols_per_slot() const noexcept { return ofdm_nof_symbols_per_slot(cp_); }
  unsigned nof_slots_per_subframe() const noexcept { return 1U << numerology_; }
  /// Delta f = 15 kHz * 2^mu.
  double subcarrier_spacing_hz() const noexcept { return 15.0e3 * nof_slots_per_subframe(); }
  /// N_FFT * Delta f.
  double sample_rate_hz() const noexcept { return fft_size_ * subcarrier_spacing_hz(); }
  /// Samples per subframe (1 ms).
  unsigned subframe_length() const noexcept { return fft_size_ * 15 * nof_slots_per_subframe(); }

  /// N_CP,l of symbol `symbol` of slot `slot`, in samples.
  unsigned cp_length(unsigned slot, unsigned symbol) const noexcept;
  /// Offset of the first sample of the symbol's cyclic prefix from the start of its slot, in samples.
  unsigned symbol_offset(unsigned slot, unsigned symbol) const noexcept;
  /// Samples in slot `slot`.
  unsigned slot_length(unsigned slot) const noexcept;

  /// N_CP,l of TS 38.211 5.3.1 in units of T_c.
  unsigned cp_length_tc(unsigned slot, unsigned symbol) const noexcept;
  /// t_start,l of TS 38.211 5.3.1 (start of the symbol's cyclic prefix from the start of the subframe) in units of
  /// T_c.
  uint64_t symbol_start_tc(unsigned slot, unsigned symbol) const noexcept;

  /// theta_l / (2 pi) = f_0 (t_start,l + N_CP,l T_c) reduced to [0, 1): the carrier phase, in cycles, at the start of
  /// the symbol's useful part that TS 38.211 5.4 takes as the symbol's phase reference (see ofdm.h).
  double upconversion_phase_cycles(double f0_hz, unsigned slot, unsigned symbol) const noexcept;

private:
  /// Whether the symbol carries the 16 kappa longer normal cyclic prefix.
  bool is_long_cp(unsigned slot, unsigned symbol) const noexcept;
  /// Number of long-CP symbols among the first `nof_symbols` symbols of the slot.
  unsigned nof_long_cp_before(unsigned slot, unsigned nof_symbols) const noexcept;

  unsigned numerology_;
  cyclic_prefix cp_;
  unsigned nof_prb_;
  unsigned fft_size_;
};

} // namespace airan::phy
