#pragma once
/// OFDM modulation and demodulation of whole slots: TS 38.211 5.3.1 (OFDM baseband signal generation) and 5.4
/// (modulation and upconversion), on the CPU with FFTW.
///
/// Conventions shared by the modulator and the demodulator:
/// - Grid: one slot per port, [port][symbol][subcarrier] (grid_view), with all N_symb^slot symbols and the 12 N_RB
///   subcarriers of the carrier. Grid subcarrier k is k of TS 38.211 5.3.1 with k_0^mu = 0 (the carrier's resource
///   grid starts at the lowest subcarrier of the transmission bandwidth; the offsets of TS 38.211 4.4.2 relative to
///   point A are not modelled), so it sits at (k - 6 N_RB) Delta f from the carrier frequency f_0: subcarrier 6 N_RB
///   is on DC, subcarriers 0 .. 6 N_RB - 1 in the upper FFT bins N_FFT - 6 N_RB .. N_FFT - 1.
/// - Samples: one std::span per port holding exactly ofdm_numerology::slot_length(slot) samples at the sample rate
///   N_FFT Delta f, starting with the cyclic prefix of the slot's first symbol.
/// - Scaling: both directions carry a factor 1 / sqrt(N_FFT) (unitary DFT), so that demodulate(modulate(grid)) is the
///   grid and white noise of variance sigma^2 per sample has variance sigma^2 per resource element after
///   demodulation.
/// - Upconversion phase (TS 38.211 5.4): the standard references the carrier phase of symbol l to the start of its
///   useful part, Re{s_l(t) exp(j 2 pi f_0 (t - t_start,l - N_CP,l T_c))} with t counted from the start of the
///   subframe. A radio that up- or down-converts with a free-running oscillator exp(+-j 2 pi f_0 t) sees the baseband
///   s_l(t) exp(-j theta_l), theta_l = 2 pi f_0 (t_start,l + N_CP,l T_c); the modulator applies exp(-j theta_l) and
///   the demodulator removes it. carrier_config::center_frequency_hz = 0 turns both off.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/ofdm/ofdm_numerology.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <memory>
#include <span>
#include <vector>

namespace airan::phy {

namespace detail {
class ofdm_fft;
} // namespace detail

/// Largest number of antenna ports one modulate() or demodulate() call processes.
constexpr unsigned ofdm_max_ports = 16;

/// How FFTW picks its algorithms at creation: estimate (no trial runs, quick creation) or measure (timed trials at
/// creation: tens of milliseconds for a 4096-point plan the first time in a process, then reused; faster transforms).
enum class ofdm_fft_planning { estimate, measure };

/// Modulator parameters. Of the carrier, numerology, cp, nof_prb and center_frequency_hz are used.
struct ofdm_modulator_config {
  carrier_config carrier;
  /// N_FFT; 0 selects ofdm_default_fft_size(carrier.nof_prb).
  unsigned fft_size = 0;
  ofdm_fft_planning planning = ofdm_fft_planning::measure;
};

/// Demodulator parameters. Of the carrier, numerology, cp, nof_prb and center_frequency_hz are used.
struct ofdm_demodulator_config {
  carrier_config carrier;
  /// N_FFT; 0 selects ofdm_default_fft_size(carrier.nof_prb).
  unsigned fft_size = 0;
  /// The FFT window of every symbol starts floor(fraction * N_CP) samples before the end of its cyclic prefix, N_CP
  /// being the shortest CP of the numerology (the normal or extended one), rounded down to a multiple of N_FFT / 64
  /// samples (ofdm_fft_window_offset()), so that a signal arriving up to that many samples early causes no
  /// inter-symbol interference; 0..1.
  float fft_window_offset_cp_fraction = 0.25F;
  ofdm_fft_planning planning = ofdm_fft_planning::measure;
};

status validate_ofdm_modulator_config(const ofdm_modulator_config& config);
status validate_ofdm_demodulator_config(const ofdm_demodulator_config& config);

/// OFDM baseband signal generation of TS 38.211 5.3.1 for whole slots, with the phase of 5.4 (see the file comment).
/// Symbol l of port p of the slot becomes, for n = 0 .. N_CP,l + N_FFT - 1 (n = 0 at t_start,l),
///   x[n] = exp(-j theta_l) / sqrt(N_FFT) sum_k a_k,l exp(j 2 pi (k - 6 N_RB) (n - N_CP,l) / N_FFT),
/// i.e. s_l^(p,mu)(t) at t = t_start,l + n / (N_FFT Delta f). Owns its FFTW plans and buffers; one object serves one
/// thread at a time.
class ofdm_modulator {
public:
  /// Plans the transforms. Requires validate_ofdm_modulator_config(config) to be ok.
  explicit ofdm_modulator(const ofdm_modulator_config& config);
  ofdm_modulator(ofdm_modulator&&) noexcept;
  ofdm_modulator& operator=(ofdm_modulator&&) noexcept;
  ~ofdm_modulator();

  const ofdm_numerology& numerology() const noexcept { return numerology_; }

  /// Checks the arguments of modulate(): 1..ofdm_max_ports ports, as many sample spans as grid ports, each of
  /// slot_length(slot) samples, and a grid of nof_symbols_per_slot() x nof_subcarriers().
  status validate(std::span<const std::span<cf_t>> samples, const_grid_view grid, unsigned slot) const;

  /// Modulates every port of the grid into the slot's samples. slot is the slot number in the frame (n_s,f); only
  /// slot mod 2^mu matters. Requires validate(samples, grid, slot) to be ok. Does not allocate.
  void modulate(std::span<const std::span<cf_t>> samples, const_grid_view grid, unsigned slot) noexcept;

private:
  ofdm_numerology                   numerology_;
  std::unique_ptr<detail::ofdm_fft> fft_;
  /// exp(-j theta_l) / sqrt(N_FFT) per [slot within the subframe][symbol].
  std::vector<cf_t> symbol_factors_;
};

/// The FFT window offset of a demodulator: floor(cp_fraction N_CP) samples, N_CP being the shortest cyclic prefix of
/// the numerology, rounded down to a multiple of N_FFT / 64 (so that the window's phase ramp across subcarriers has
/// period 64).
unsigned ofdm_fft_window_offset(const ofdm_numerology& numerology, float cp_fraction);

/// OFDM demodulation of whole slots, the inverse of ofdm_modulator: per symbol, cyclic prefix removal with the FFT
/// window fft_window_offset() samples early; an FFT of the window straight from the samples into the grid; one
/// multiplication per subcarrier that puts the bins in subcarrier order and undoes the window's linear phase
/// exp(-j 2 pi (k - 6 N_RB) offset / N_FFT), the 5.4 phase exp(-j theta_l) and the sqrt(N_FFT) gain. A signal from
/// ofdm_modulator (with no delay) comes back as its grid. A delay of tau samples (-fft_window_offset() <= tau <=
/// N_CP - fft_window_offset()) shows as exp(-j 2 pi (k - 6 N_RB) tau / N_FFT). Owns its FFTW plans and buffers; one
/// object serves one thread at a time.
class ofdm_demodulator {
public:
  /// Plans the transforms. Requires validate_ofdm_demodulator_config(config) to be ok.
  explicit ofdm_demodulator(const ofdm_demodulator_config& config);
  ofdm_demodulator(ofdm_demodulator&&) noexcept;
  ofdm_demodulator& operator=(ofdm_demodulator&&) noexcept;
  ~ofdm_demodulator();

  const ofdm_numerology& numerology() const noexcept { return numerology_; }
  /// Samples between the start of each FFT window and the end of the symbol's cyclic prefix.
  unsigned fft_window_offset() const noexcept { return window_offset_; }

  /// Checks the arguments of demodulate(): 1..ofdm_max_ports ports, as many sample spans as grid ports, each of
  /// slot_length(slot) samples, and a grid of nof_symbols_per_slot() x nof_subcarriers().
  status validate(const_grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) const;

  /// Demodulates the slot's samples of every port into the grid. slot is the slot number in the frame (n_s,f); only
  /// slot mod 2^mu matters. Requires validate(grid, samples, slot) to be ok. Does not allocate.
  void demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) noexcept;

  /// Where a grid is best placed: its first value grid_offset() values (0..7) past a 64-byte boundary. Each
  /// transform then writes whole SIMD vectors into the grid; ofdm_demodulated_grid allocates so. Sample buffers are
  /// best 32-byte aligned (aligned_vector), for the same reason: FFTW reads them. Measured on a 273-PRB slot at
  /// 30 kHz with 4 ports (bench/ofdm.cpp), demodulation took 1.13-1.14 times a bare batched FFT when so placed;
  /// 1.26-1.29 times with the grid 16 bytes off and 1.8-2.1 times 8 bytes off; 1.17-1.19 times with the samples 16
  /// bytes off and up to 1.37 times 8 bytes off.
  unsigned grid_offset() const noexcept;

private:
  ofdm_numerology                   numerology_;
  unsigned                          window_offset_;
  std::unique_ptr<detail::ofdm_fft> fft_;
  /// Per [slot within the subframe][symbol], a multiply_cyclic() table of 64 + 15 weights: subcarrier k is bin
  /// k - 6 N_RB mod N_FFT of the transform times w[k % 64] = exp(j theta_l) exp(j 2 pi (k - 6 N_RB) offset / N_FFT) /
  /// sqrt(N_FFT).
  std::vector<cf_t> symbol_weights_;
  /// Scratch: the bins of a transform that cannot go straight into the grid (the last rows).
  std::vector<cf_t> bins_;
};

/// Storage for the grids a demodulator writes: nof_ports ports of every symbol and subcarrier of its numerology,
/// placed at its grid_offset().
class ofdm_demodulated_grid {
public:
  ofdm_demodulated_grid(const ofdm_demodulator& demodulator, unsigned nof_ports);
  ofdm_demodulated_grid(ofdm_demodulated_grid&&) noexcept            = default;
  ofdm_demodulated_grid& operator=(ofdm_demodulated_grid&&) noexcept = default;

  grid_view       view() noexcept { return view_; }
  const_grid_view view() const noexcept { return view_; }

private:
  std::vector<cf_t> storage_;
  grid_view         view_;
};

} // namespace airan::phy
