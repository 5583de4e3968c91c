// LMMSE (Wiener) channel estimation in frequency.
//
// Each despread LS value x_m = h_m + n_m is replaced by c^T x over the W = lmmse_filter_length nearest values (the window
// slides with m and is clamped at the band edges). With the channel power P and the noise variance s^2 of the values of
// one rx port (from the shared statistics), the frequency correlation rho of the assumed delay profile and the
// window's positions p_b:
//   A = [rho((p_a - p_b) df)] + (s^2 / P) I,   c^T = [rho((p_m - p_b) df)]_b A^-1,
// solved by a Cholesky factorisation of A per rx port and layer (in real arithmetic for the uniform profile, whose
// correlation is real). The profile is centred on its mean delay, which is where the estimated timing puts the channel.
// With evenly spaced values every window has the same A; type 2 single pilots (0, 1, 6, 7 ...) have two kinds of
// windows, starting on an even or an odd value. The positions differ by whole subcarriers within a window, so rho is
// tabulated per subcarrier distance.
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

double conjugate(double x)
{
  return x;
}

cd_t conjugate(cd_t x)
{
  return std::conj(x);
}

double squared_magnitude(double x)
{
  return x * x;
}

double squared_magnitude(cd_t x)
{
  return std::norm(x);
}

/// Filters of the windows at positions pos[0 .. length - 1]: for every output position t in the window, c = conj(z)
/// with A z = conj(rho(p_t - p_b)), A = rho(p_a - p_b) + noise_ratio I. rho(d) = table[d + centre], d in subcarriers.
/// matrix and rhs hold length x length values.
template <typename T>
void design_filters(std::span<T> matrix, std::span<T> rhs, std::span<const T> table, unsigned centre,
                    const float* pos, unsigned length, double noise_ratio, cf_t* filters)
{
  auto rho = [&](float from, float to) { return table[static_cast<unsigned>(std::lround(from - to)) + centre]; };
  // Cholesky factor L (lower, in place): A = L L^H.
  for (unsigned j = 0; j < length; ++j) {
    double diagonal = 1.0 + noise_ratio;
    for (unsigned k = 0; k < j; ++k) {
      diagonal -= squared_magnitude(matrix[j * length + k]);
    }
    const double l_jj = std::sqrt(std::max(diagonal, 1e-30));
    matrix[j * length + j] = l_jj;
    for (unsigned i = j + 1; i < length; ++i) {
      T sum = rho(pos[i], pos[j]);
      for (unsigned k = 0; k < j; ++k) {
        sum -= matrix[i * length + k] * conjugate(matrix[j * length + k]);
      }
      matrix[i * length + j] = sum / l_jj;
    }
  }
  // All right-hand sides at once, rhs[b][t] = conj(rho(p_t - p_b)): L Y = rhs, then L^H Z = Y, row operations whose
  // inner loops over t are independent.
  for (unsigned b = 0; b < length; ++b) {
    for (unsigned t = 0; t < length; ++t) {
      rhs[b * length + t] = conjugate(rho(pos[t], pos[b]));
    }
  }
  for (unsigned i = 0; i < length; ++i) {
    T* row = rhs.data() + i * length;
    for (unsigned k = 0; k < i; ++k) {
      const T l_ik = matrix[i * length + k];
      const T* other = rhs.data() + k * length;
      for (unsigned t = 0; t < length; ++t) {
        row[t] -= l_ik * other[t];
      }
    }
    const T inverse = 1.0 / matrix[i * length + i];
    for (unsigned t = 0; t < length; ++t) {
      row[t] *= inverse;
    }
  }
  for (unsigned i = length; i-- > 0;) {
    T* row = rhs.data() + i * length;
    for (unsigned k = i + 1; k < length; ++k) {
      const T l_ki = conjugate(matrix[k * length + i]);
      const T* other = rhs.data() + k * length;
      for (unsigned t = 0; t < length; ++t) {
        row[t] -= l_ki * other[t];
      }
    }
    const T inverse = 1.0 / matrix[i * length + i];
    for (unsigned t = 0; t < length; ++t) {
      row[t] *= inverse;
    }
  }
  for (unsigned t = 0; t < length; ++t) {
    for (unsigned b = 0; b < length; ++b) {
      const cd_t c = conjugate(cd_t(rhs[b * length + t]));
      filters[t * length + b] = cf_t(static_cast<float>(c.real()), static_cast<float>(c.imag()));
    }
  }
}

class lmmse_channel_estimator final : public channel_estimator_base {
public:
  explicit lmmse_channel_estimator(const channel_estimator_config& config) :
    channel_estimator_base(config, channel_estimator_kind::lmmse, false),
    max_length_(config.lmmse_filter_length),
    // Window span: at most 6 subcarriers per value (type 2 pairs).
    max_span_(6 * max_length_),
    real_matrix_(std::size_t{max_length_} * max_length_),
    complex_matrix_(real_matrix_.size()),
    real_rhs_(real_matrix_.size()),
    complex_rhs_(real_matrix_.size()),
    real_table_(2 * max_span_ + 1),
    complex_table_(real_table_.size()),
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

  float smooth(layer_pilots& layer) noexcept override
  {
    const unsigned nof_values = layer.nof_pilots;
    const unsigned length = std::min(max_length_, nof_values);
    const unsigned half = length / 2;
    const unsigned last_start = nof_values - length;
    // Uneven positions repeat every two values: windows starting on even and odd values differ.
    const unsigned nof_kinds = layer.spacing > 0.0F || last_start == 0 ? 1 : 2;
    const bool real = config_.lmmse_profile == power_delay_profile::uniform;

    // rho at every subcarrier distance within a window.
    unsigned span = 0;
    for (unsigned kind = 0; kind < nof_kinds; ++kind) {
      span = std::max(span, static_cast<unsigned>(std::lround(layer.positions[kind + length - 1] - layer.positions[kind])));
    }
    assert(span <= max_span_);
    for (unsigned d = 0; d <= 2 * span; ++d) {
      const cd_t value = correlation((static_cast<double>(d) - span) * layer.subcarrier_spacing_hz);
      real_table_[d] = value.real();
      complex_table_[d] = value;
    }

    // Noise gain of the interior filter (sum of |tap|^2), averaged over the rx ports.
    double noise_gain = 0.0;
    for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
      const double ratio =
          layer.power[r] > 0.0F ? static_cast<double>(layer.noise_var[r]) / layer.power[r] : max_noise_ratio;
      const double noise_ratio = std::clamp(ratio, min_noise_ratio, max_noise_ratio);
      for (unsigned kind = 0; kind < nof_kinds; ++kind) {
        const float* pos = layer.positions.data() + kind;
        cf_t* filters = filters_.data() + std::size_t{kind} * length * length;
        if (real) {
          design_filters<double>(real_matrix_, real_rhs_, real_table_, span, pos, length, noise_ratio, filters);
        } else {
          design_filters<cd_t>(complex_matrix_, complex_rhs_, complex_table_, span, pos, length, noise_ratio, filters);
        }
      }
      const cf_t* interior = filters_.data() + std::size_t{half} * length;
      for (unsigned b = 0; b < length; ++b) {
        noise_gain += std::norm(interior[b]);
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
          // Interior values (window start m - half) share one filter.
          const unsigned end = last_start + half + 1;
          for (unsigned m = 0; m < half; ++m) {
            apply(m);
          }
          ce::fir(values.data() + half, input_.data(), filters_.data() + std::size_t{half} * length, length,
                  end - half);
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
    return static_cast<float>(noise_gain / layer.nof_rx_ports);
  }

  unsigned max_length_;
  unsigned max_span_;
  std::vector<double> real_matrix_;
  std::vector<cd_t> complex_matrix_;
  std::vector<double> real_rhs_;
  std::vector<cd_t> complex_rhs_;
  /// rho at subcarrier distances -span .. span.
  std::vector<double> real_table_;
  std::vector<cd_t> complex_table_;
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
