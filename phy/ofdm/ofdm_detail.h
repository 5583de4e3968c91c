#pragma once
/// Parts shared by the OFDM modulator and demodulator: FFTW transforms planned once, and argument checks.

#include "airan/common/complex.h"
#include "airan/phy/ofdm/ofdm.h"
#include "../common/fftw_planner_lock.h"

#include <fftw3.h>

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace airan::phy::detail {

/// An out-of-place complex FFT of size N from an internal buffer of N samples (aligned by fftwf_malloc) into caller
/// memory.
///
/// fftwf_execute_dft() may only be given arrays with the alignment (fftwf_alignment_of) of those the plan was made
/// with, so one plan is made per alignment class that 8-byte aligned caller pointers can have (two where FFTW's SIMD
/// alignment is 16 bytes); caller memory of no class (less than 8-byte aligned) goes through a second internal buffer.
/// Unnormalised: forward computes Y[b] = sum_n y[n] exp(-j 2 pi b n / N), backward x[n] = sum_b X[b] exp(j 2 pi b n / N).
class ofdm_fft {
public:
  enum class direction { forward, backward };

  /// Plans; the internal buffer is all zeros afterwards.
  ofdm_fft(unsigned size, direction dir, ofdm_fft_planning planning);

  /// The internal buffer, input of execute(). Backward: only what the caller writes changes between transforms.
  /// Forward: execute() leaves it undefined (FFTW_DESTROY_INPUT), so the caller writes all N samples each time.
  cf_t* input() noexcept { return internal_.get(); }
  /// Transform of input() into the N samples at `out`.
  void execute(cf_t* out) noexcept;

private:
  struct buffer_deleter {
    void operator()(cf_t* p) const noexcept;
  };
  struct plan_deleter {
    void operator()(fftwf_plan p) const noexcept;
  };
  using buffer_ptr = std::unique_ptr<cf_t, buffer_deleter>;
  using plan_ptr   = std::unique_ptr<std::remove_pointer_t<fftwf_plan>, plan_deleter>;

  static buffer_ptr allocate(std::size_t nof_samples);

  /// Plan for caller memory at p, or nullptr if p has no planned alignment class.
  fftwf_plan plan_for(const void* p) const noexcept;

  unsigned              size_;
  buffer_ptr            internal_;
  buffer_ptr            bounce_;
  std::vector<plan_ptr> plans_;
};

/// dst[i] = src[i] * factor for i < n; AVX2 where the CPU has it. dst may equal src.
void scale(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept;

/// Number of weights of multiply_periodic().
constexpr unsigned periodic_weight_period = 16;

/// dst[i] = src[i] * weights[i % 16] for i < n: a pointwise product with weights of period 16, such as the linear
/// phase exp(j 2 pi k n / N) of a shift by k a multiple of N / 16. AVX2 where the CPU has it. dst and src must not
/// overlap.
void multiply_periodic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned n) noexcept;

/// The code of scale() and multiply_periodic() for CPUs without AVX2, exposed so that both paths can be tested.
void scale_generic(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept;
void multiply_periodic_generic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned n) noexcept;

/// Error unless f_0 is finite and not negative.
status validate_center_frequency(double f0_hz);

/// The checks of ofdm_modulator::validate() and ofdm_demodulator::validate().
template <typename GridValue, typename SampleValue>
status validate_slot_buffers(const ofdm_numerology&                     numerology,
                             basic_grid_view<GridValue>                  grid,
                             std::span<const std::span<SampleValue>>     samples,
                             unsigned                                    slot)
{
  if (grid.nof_ports < 1 || grid.nof_ports > ofdm_max_ports) {
    return status::error("OFDM: " + std::to_string(grid.nof_ports) + " ports out of range (1.." +
                         std::to_string(ofdm_max_ports) + ")");
  }
  if (grid.nof_symbols != numerology.nof_symbols_per_slot() ||
      grid.nof_subcarriers != numerology.nof_subcarriers()) {
    return status::error("OFDM: grid of " + std::to_string(grid.nof_symbols) + " symbols x " +
                         std::to_string(grid.nof_subcarriers) + " subcarriers, the carrier needs " +
                         std::to_string(numerology.nof_symbols_per_slot()) + " x " +
                         std::to_string(numerology.nof_subcarriers()));
  }
  if (grid.data == nullptr) {
    return status::error("OFDM: grid without data");
  }
  if (samples.size() != grid.nof_ports) {
    return status::error("OFDM: " + std::to_string(samples.size()) + " sample buffers for " +
                         std::to_string(grid.nof_ports) + " grid ports");
  }
  const unsigned length = numerology.slot_length(slot);
  for (std::size_t port = 0; port != samples.size(); ++port) {
    if (samples[port].size() != length) {
      return status::error("OFDM: port " + std::to_string(port) + " has " + std::to_string(samples[port].size()) +
                           " samples, slot " + std::to_string(slot) + " has " + std::to_string(length));
    }
  }
  return status::ok();
}

} // namespace airan::phy::detail
