#pragma once
/// Building blocks shared by the channel blocks: a portable random generator, the delay filters and the per-port
/// sample history that makes block-wise filtering continuous, and the sum-of-sinusoids fading processes.

#include "airan/common/complex.h"
#include "airan/phy/channel/delay_interpolation.h"

#include <array>
#include <complex>
#include <cstdint>
#include <span>
#include <vector>

namespace airan::phy::detail {

/// xoshiro256** seeded through splitmix64: the same sequence on every platform (the distributions of the standard
/// library are implementation-defined, so they would make the outputs differ between toolchains).
class random_generator {
public:
  /// Different (seed, stream) pairs give independent sequences.
  explicit random_generator(uint64_t seed, uint64_t stream = 0) noexcept;

  uint64_t next() noexcept;
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Unit-power circular complex Gaussian (real and imaginary parts N(0, 1/2)), Box-Muller.
  std::complex<double> complex_gaussian() noexcept;

private:
  std::array<uint64_t, 4> state_;
};

/// A delay realised as a shift and a real FIR: out[n] = sum_j coefficients[j] in[n - first_lag - j].
struct delay_filter {
  unsigned first_lag        = 0;
  unsigned nof_coefficients = 1;
  std::array<float, 2 * windowed_sinc_half_length> coefficients = {1.0F};

  bool     is_shift() const noexcept { return nof_coefficients == 1; }
  unsigned last_lag() const noexcept { return first_lag + nof_coefficients - 1; }
};

/// The filter that delays by delay_samples + delay_latency_samples(interpolation), delay_samples >= 0 (see
/// delay_interpolation.h). Delays within 1e-9 samples of a whole number are shifts.
delay_filter make_delay_filter(double delay_samples, delay_interpolation interpolation);

/// out[i] = sum_j c_j in[i - first_lag - j] for i in [0, n); `in` has filter.last_lag() valid samples before it.
void apply_delay_filter(const delay_filter& filter, const cf_t* in, cf_t* out, unsigned n) noexcept;

/// Per-port input history, so that a signal cut into blocks is filtered as one: each port keeps its last `history`
/// samples before the block being processed. Blocks hold at most max_block samples.
class sample_history {
public:
  sample_history(unsigned nof_ports, unsigned history, unsigned max_block);

  /// Copies a block of port `port` after its history; returns where the block's first sample now is (with `history`
  /// valid samples before it).
  const cf_t* load(unsigned port, std::span<const cf_t> block) noexcept;
  /// Once the blocks of every port (n samples each) are used: keeps the last `history` samples of each port.
  void advance(unsigned n) noexcept;
  /// Forgets the past (zeros).
  void clear() noexcept;

private:
  unsigned          history_;
  unsigned          stride_;
  std::vector<cf_t> buffer_;
};

/// Independent unit-power Rayleigh fading processes with the classical (Jakes) Doppler spectrum, each a sum of
/// sinusoids with parameters drawn once (the model of Zheng and Xiao with M sinusoids per quadrature):
///   g(t) = 1/sqrt(M) sum_{i=1..M} [cos(2 pi f_D cos(alpha_i) t + phi_i) + j cos(2 pi f_D sin(alpha_i) t + psi_i)],
///   alpha_i = (2 pi i - pi + theta) / (4 M),  theta, phi_i, psi_i independent and uniform in [-pi, pi).
/// Averaged over theta the angles alpha_i cover [0, pi/2] uniformly, so over the ensemble
/// E[g(t + tau) g*(t)] = J0(2 pi f_D tau) for any M, and the time-average power of every realisation is exactly 1.
/// g is a function of absolute time: evaluating it block by block needs no state.
class fading_processes {
public:
  /// Sinusoids per quadrature.
  static constexpr unsigned nof_sinusoids = 16;

  /// Process k draws its parameters from random_generator(seed, first_stream + k).
  fading_processes(unsigned nof_processes, double max_doppler_hz, uint64_t seed, uint64_t first_stream);

  unsigned size() const noexcept { return nof_processes_; }
  /// g_k(time_s) for every process k.
  void evaluate(double time_s, std::span<std::complex<double>> values) const noexcept;

private:
  unsigned nof_processes_;
  /// Per process and sinusoid: frequency (Hz) and phase (cycles) of the in-phase then of the quadrature sinusoid.
  std::vector<double> frequencies_hz_;
  std::vector<double> phases_cycles_;
};

/// cos(2 pi (f t + phase)), the argument reduced in cycles first (accurate for large t), to 1e-12.
double cos_cycles(double frequency_hz, double time_s, double phase_cycles) noexcept;

} // namespace airan::phy::detail
