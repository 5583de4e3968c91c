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

/// An out-of-place complex FFT of size N into caller memory, from an internal buffer of N samples (aligned by
/// fftwf_malloc) or from caller memory, which it does not change.
///
/// fftwf_execute_dft() may only be given arrays with the alignment (fftwf_alignment_of) of those the plan was made
/// with, so one plan is made per alignment class that 8-byte aligned caller pointers can have (two where FFTW's SIMD
/// alignment is 16 bytes), per class pair for caller input; caller memory of no class (less than 8-byte aligned) goes
/// through an internal buffer. Unnormalised:
/// - forward: Y[b] = sum_n y[n] exp(-j 2 pi b n / N);
/// - backward: x[n] = sum_b X[b] exp(j 2 pi b n / N).
class ofdm_fft {
public:
  enum class direction { forward, backward };
  enum class source { internal, caller };

  /// Plans; the internal buffer is all zeros afterwards.
  ofdm_fft(unsigned size, direction dir, source input, ofdm_fft_planning planning);

  /// The internal buffer, input of execute(out): only what the caller writes changes between transforms.
  cf_t* input() noexcept { return internal_.get(); }
  /// Transform of input() into the N samples at `out`. Requires source::internal.
  void execute(cf_t* out) noexcept;
  /// Transform of the N samples at `in` into the N samples at `out` (not overlapping them). Requires source::caller.
  void execute(const cf_t* in, cf_t* out) noexcept;

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

  /// Alignment class of caller memory at p, or nof_classes_ if it has none.
  unsigned class_of(const void* p) const noexcept;
  /// Runs the plan for input class in_class and caller output `out`, through bounce_ if out has no class.
  void run(unsigned in_class, const cf_t* in, cf_t* out) noexcept;

  unsigned              size_;
  unsigned              nof_classes_ = 1;
  buffer_ptr            internal_;
  buffer_ptr            bounce_;
  /// [input class][output class]; one input class (the internal buffer's) for source::internal.
  std::vector<plan_ptr> plans_;
};

/// dst[i] = src[i] * factor for i < n; AVX2 where the CPU has it. dst may equal src.
void scale(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept;

/// Number of weights of multiply_cyclic().
constexpr unsigned cyclic_weight_period = 64;

/// dst[i] = src[i] * weights[(first + i) % 64] for i < n, from a table of 64 + 15 weights whose last 15 repeat the
/// first 15 (so that 16 consecutive weights can be read from any start): a pointwise product with weights of period
/// 64 in the index first + i. AVX2 where the CPU has it. dst may equal src; otherwise they must not overlap.
void multiply_cyclic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned first, unsigned n) noexcept;

/// Length of the weight table of multiply_cyclic().
constexpr unsigned cyclic_weight_table_size = cyclic_weight_period + 15;

/// The code of scale() and multiply_cyclic() for CPUs without AVX2, exposed so that both paths can be tested.
void scale_generic(cf_t* dst, const cf_t* src, cf_t factor, unsigned n) noexcept;
void multiply_cyclic_generic(cf_t* dst, const cf_t* src, const cf_t* weights, unsigned first, unsigned n) noexcept;

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
