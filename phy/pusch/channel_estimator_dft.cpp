// DFT-based channel estimation: the despread LS values of each DM-RS occasion are denoised in the delay domain.
//
// The M values, evenly spaced by D subcarriers, are extended to a power of two N >= M + max(M / 8, 8) by a raised-cosine
// bridge from the mean of the last values back to the mean of the first ones, so that the N-periodic sequence the FFT
// sees has no jump at the band edges (a jump would leak over every delay bin). Bin q of the FFT is delay
// q / (N D df) (q < N / 2; negative delays above), centred on the estimated timing. A bin is kept when it lies within
// +-dft_max_delay_s and its power, divided by the noise power per bin (M times the noise variance of a value) and
// averaged over rx ports and occasions, exceeds dft_threshold: the channel's delay profile is common to every rx port
// and occasion, the noise is not. The inverse FFT of the kept bins gives the smoothed values.
#include "channel_estimator_impl.h"
#include "../common/fftw_planner_lock.h"

#include <fftw3.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <mutex>
#include <numbers>

namespace airan::phy {

namespace {


/// Values averaged at each end for the anchors of the bridge.
constexpr unsigned anchor_length = 4;

unsigned fft_size(unsigned nof_values)
{
  return std::bit_ceil(nof_values + std::max(nof_values / 8, 8U));
}

class dft_channel_estimator final : public channel_estimator_base {
public:
  explicit dft_channel_estimator(const channel_estimator_config& config) :
    channel_estimator_base(config, channel_estimator_kind::dft, true),
    max_fft_size_(fft_size(6 * config.max_nof_prb)),
    nof_rows_(std::size_t{config.max_nof_rx_ports} * max_dmrs_occasions),
    spectra_(fftwf_alloc_complex(nof_rows_ * max_fft_size_)),
    power_(max_fft_size_),
    bridge_(max_fft_size_)
  {
    const std::lock_guard lock(detail::fftw_planner_mutex());
    for (unsigned n = 1; n <= max_fft_size_; n *= 2) {
      const auto size = static_cast<int>(n);
      forward_.push_back(fftwf_plan_dft_1d(size, spectra_, spectra_, FFTW_FORWARD, FFTW_ESTIMATE));
      backward_.push_back(fftwf_plan_dft_1d(size, spectra_, spectra_, FFTW_BACKWARD, FFTW_ESTIMATE));
    }
  }

  ~dft_channel_estimator() override
  {
    const std::lock_guard lock(detail::fftw_planner_mutex());
    for (auto* plans : {&forward_, &backward_}) {
      for (fftwf_plan plan : *plans) {
        fftwf_destroy_plan(plan);
      }
    }
    fftwf_free(spectra_);
  }

  dft_channel_estimator(const dft_channel_estimator&) = delete;
  dft_channel_estimator& operator=(const dft_channel_estimator&) = delete;

private:
  float smooth(layer_pilots& layer) noexcept override
  {
    assert(layer.spacing > 0.0F);
    const unsigned nof_values = layer.nof_pilots;
    const unsigned size = fft_size(nof_values);
    const unsigned bridge = size - nof_values;
    const auto plan_index = static_cast<unsigned>(std::countr_zero(size));
    const unsigned anchor = std::min(anchor_length, nof_values);
    const unsigned nof_rows = layer.nof_rx_ports * layer.nof_occasions;

    // Delay window: bins 0..max_bin and size - max_bin..size - 1.
    const double max_delay_s = config_.dft_max_delay_s > 0.0F ? config_.dft_max_delay_s : layer.cp_duration_s;
    const double bin_s = 1.0 / (size * layer.spacing * layer.subcarrier_spacing_hz);
    const auto max_bin = static_cast<unsigned>(std::min<double>(size / 2, std::floor(max_delay_s / bin_s)));

    for (unsigned b = 0; b < bridge; ++b) {
      bridge_[b] = 0.5F - 0.5F * std::cos(std::numbers::pi_v<float> * static_cast<float>(b + 1) /
                                          static_cast<float>(bridge + 1));
    }
    std::fill_n(power_.begin(), size, 0.0F);
    for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
      const float inverse_bin_noise = 1.0F / (static_cast<float>(nof_values) * std::max(layer.noise_var[r], 1e-30F));
      for (unsigned o = 0; o < layer.nof_occasions; ++o) {
        const std::span<cf_t> values = layer.row(r, o);
        cf_t* buffer = row(r * layer.nof_occasions + o);
        std::copy(values.begin(), values.end(), buffer);
        cf_t first{};
        cf_t last{};
        for (unsigned i = 0; i < anchor; ++i) {
          first += values[i];
          last += values[nof_values - 1 - i];
        }
        first /= static_cast<float>(anchor);
        last /= static_cast<float>(anchor);
        for (unsigned b = 0; b < bridge; ++b) {
          buffer[nof_values + b] = last + bridge_[b] * (first - last);
        }
        fftwf_execute_dft(forward_[plan_index], fftw(buffer), fftw(buffer));
        for (unsigned q = 0; q < size; ++q) {
          power_[q] += std::norm(buffer[q]) * inverse_bin_noise;
        }
      }
    }

    const float threshold = config_.dft_threshold * static_cast<float>(nof_rows);
    unsigned kept = 0;
    for (unsigned q = 0; q < size; ++q) {
      const bool keep = (q <= max_bin || q >= size - max_bin) && power_[q] > threshold;
      power_[q] = keep ? 1.0F / static_cast<float>(size) : 0.0F;
      kept += keep ? 1 : 0;
    }
    for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
      for (unsigned o = 0; o < layer.nof_occasions; ++o) {
        cf_t* buffer = row(r * layer.nof_occasions + o);
        for (unsigned q = 0; q < size; ++q) {
          buffer[q] *= power_[q];
        }
        fftwf_execute_dft(backward_[plan_index], fftw(buffer), fftw(buffer));
        const std::span<cf_t> values = layer.row(r, o);
        std::copy_n(buffer, nof_values, values.begin());
      }
    }
    // Noise white over the transform keeps the fraction of it in the kept bins.
    return static_cast<float>(kept) / static_cast<float>(size);
  }

  /// Row of the spectra buffer: rows are max_fft_size_ apart, so every row keeps the alignment of the planned one.
  cf_t* row(unsigned index) { return reinterpret_cast<cf_t*>(spectra_ + std::size_t{index} * max_fft_size_); }

  static fftwf_complex* fftw(cf_t* p) { return reinterpret_cast<fftwf_complex*>(p); }

  unsigned max_fft_size_;
  std::size_t nof_rows_;
  fftwf_complex* spectra_;
  /// Per bin: averaged normalised power, then the gain applied (1 / N kept, 0 dropped).
  std::vector<float> power_;
  /// Raised-cosine weights of the bridge, from 0 (last value) towards 1 (first value).
  std::vector<float> bridge_;
  /// Plans for sizes 2^i, i = 0 .. log2(max_fft_size_).
  std::vector<fftwf_plan> forward_;
  std::vector<fftwf_plan> backward_;
};

} // namespace

std::unique_ptr<channel_estimator> make_dft_channel_estimator(const channel_estimator_config& config)
{
  return std::make_unique<dft_channel_estimator>(config);
}

} // namespace airan::phy
