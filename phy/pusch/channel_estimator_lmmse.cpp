// LMMSE (Wiener) channel estimation in frequency.
//
// Each despread LS value x_m = h_m + n_m is replaced by c^T x over the W = lmmse_filter_length nearest values (the window
// slides with m and is clamped at the band edges). With the channel power P and the noise variance s^2 of the values of
// one rx port (from the shared statistics), the frequency correlation rho of the assumed delay profile and the
// windows' positions p_b:
//   A = [rho((p_a - p_b) df)] + (s^2 / P) I,   c^T = [rho((p_m - p_b) df)]_b A^-1,
// solved by a Cholesky factorisation of A per rx port and layer. The profile is centred on its mean delay, which is
// where the estimated timing puts the channel. With evenly spaced values every window has the same A; type 2 single
// pilots (0, 1, 6, 7 ...) have two kinds of windows, starting on an even or an odd value.
#include "channel_estimator_impl.h"
#include "channel_estimator_kernels.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <numbers>

namespace airan::phy {

namespace {

using cd_t = std::complex<double>;

/// Noise-to-signal ratios used for the design, 60 dB either side of 0 dB: keeps A well conditioned.
constexpr double min_noise_ratio = 1e-6;
constexpr double max_noise_ratio = 1e6;

class lmmse_channel_estimator final : public channel_estimator_base {
public:
  explicit lmmse_channel_estimator(const channel_estimator_config& config) :
    channel_estimator_base(config, channel_estimator_kind::lmmse, false),
    max_length_(config.lmmse_filter_length),
    matrix_(std::size_t{max_length_} * max_length_),
    rhs_(max_length_),
    filters_(2 * std::size_t{max_length_} * max_length_),
    input_(std::size_t{6} * config.max_nof_prb)
  {
  }

private:
  /// Frequency correlation of the assumed power-delay profile at frequency distance f.
  cd_t correlation(double frequency_hz) const
  {
    const double sigma = config_.lmmse_delay_spread_s;
    if (config_.lmmse_profile == power_delay_profile::uniform) {
      const double x = std::numbers::pi * frequency_hz * std::sqrt(12.0) * sigma;
      return std::abs(x) < 1e-9 ? 1.0 : std::sin(x) / x;
    }
    const double w = 2.0 * std::numbers::pi * frequency_hz * sigma;
    return std::polar(1.0, w) / cd_t(1.0, w);
  }

  /// Designs the filters of the windows starting at value `start` (W of them, one per output position in the window).
  void design(const layer_pilots& layer, unsigned start, unsigned length, double noise_ratio, cf_t* filters)
  {
    const double df = layer.subcarrier_spacing_hz;
    const float* pos = layer.positions.data() + start;
    // A = R + (s^2 / P) I, then its Cholesky factor L (lower, in place): A = L L^H.
    for (unsigned a = 0; a < length; ++a) {
      for (unsigned b = 0; b <= a; ++b) {
        matrix_[a * length + b] = correlation((pos[a] - pos[b]) * df) + (a == b ? noise_ratio : 0.0);
      }
    }
    for (unsigned j = 0; j < length; ++j) {
      double diagonal = matrix_[j * length + j].real();
      for (unsigned k = 0; k < j; ++k) {
        diagonal -= std::norm(matrix_[j * length + k]);
      }
      const double l_jj = std::sqrt(std::max(diagonal, 1e-30));
      matrix_[j * length + j] = l_jj;
      for (unsigned i = j + 1; i < length; ++i) {
        cd_t sum = matrix_[i * length + j];
        for (unsigned k = 0; k < j; ++k) {
          sum -= matrix_[i * length + k] * std::conj(matrix_[j * length + k]);
        }
        matrix_[i * length + j] = sum / l_jj;
      }
    }
    // Per output t: A z = conj(rho(p_t - p_b)), c = conj(z).
    for (unsigned t = 0; t < length; ++t) {
      for (unsigned b = 0; b < length; ++b) {
        rhs_[b] = std::conj(correlation((pos[t] - pos[b]) * df));
      }
      for (unsigned i = 0; i < length; ++i) {
        cd_t sum = rhs_[i];
        for (unsigned k = 0; k < i; ++k) {
          sum -= matrix_[i * length + k] * rhs_[k];
        }
        rhs_[i] = sum / matrix_[i * length + i].real();
      }
      for (unsigned i = length; i-- > 0;) {
        cd_t sum = rhs_[i];
        for (unsigned k = i + 1; k < length; ++k) {
          sum -= std::conj(matrix_[k * length + i]) * rhs_[k];
        }
        rhs_[i] = sum / matrix_[i * length + i].real();
      }
      for (unsigned b = 0; b < length; ++b) {
        filters[t * length + b] = cf_t(static_cast<float>(rhs_[b].real()), static_cast<float>(-rhs_[b].imag()));
      }
    }
  }

  void smooth(const layer_pilots& layer) noexcept override
  {
    const unsigned nof_values = layer.nof_pilots;
    const unsigned length = std::min(max_length_, nof_values);
    const unsigned half = length / 2;
    const unsigned last_start = nof_values - length;
    // Uneven positions repeat every two values: windows starting on even and odd values differ.
    const unsigned nof_kinds = layer.spacing > 0.0F || last_start == 0 ? 1 : 2;

    for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
      const double ratio =
          layer.power[r] > 0.0F ? static_cast<double>(layer.noise_var[r]) / layer.power[r] : max_noise_ratio;
      const double noise_ratio = std::clamp(ratio, min_noise_ratio, max_noise_ratio);
      for (unsigned kind = 0; kind < nof_kinds; ++kind) {
        design(layer, kind, length, noise_ratio, filters_.data() + std::size_t{kind} * length * length);
      }

      for (unsigned o = 0; o < layer.nof_occasions; ++o) {
        const std::span<cf_t> values = layer.row(r, o);
        std::copy(values.begin(), values.end(), input_.begin());
        auto apply = [&](unsigned m) {
          const unsigned start = std::min(m > half ? m - half : 0U, last_start);
          const cf_t* filter = filters_.data() + (std::size_t{start % nof_kinds} * length + (m - start)) * length;
          cf_t sum{};
          for (unsigned b = 0; b < length; ++b) {
            const cf_t f = filter[b];
            const cf_t x = input_[start + b];
            sum += cf_t(f.real() * x.real() - f.imag() * x.imag(), f.real() * x.imag() + f.imag() * x.real());
          }
          values[m] = sum;
        };
        if (nof_kinds == 1) {
          // Interior values (window start m - half) share one filter: a sliding FIR over them.
          const unsigned first = half;
          const unsigned end = last_start + half + 1;
          for (unsigned m = 0; m < first; ++m) {
            apply(m);
          }
          const cf_t* filter = filters_.data() + std::size_t{half} * length;
          std::fill(values.begin() + first, values.begin() + end, cf_t{});
          for (unsigned b = 0; b < length; ++b) {
            ce::axpy(values.data() + first, filter[b], input_.data() + b, end - first);
          }
          for (unsigned m = end; m < nof_values; ++m) {
            apply(m);
          }
        } else {
          for (unsigned m = 0; m < nof_values; ++m) {
            apply(m);
          }
        }
      }
    }
  }

  unsigned max_length_;
  std::vector<cd_t> matrix_;
  std::vector<cd_t> rhs_;
  /// Filters [window kind][output position in the window][tap].
  std::vector<cf_t> filters_;
  std::vector<cf_t> input_;
};

} // namespace

std::unique_ptr<channel_estimator> make_lmmse_channel_estimator(const channel_estimator_config& config)
{
  return std::make_unique<lmmse_channel_estimator>(config);
}

} // namespace airan::phy
