// LS channel estimation: the shared pipeline with the despread LS values smoothed in frequency by a moving average
// (least-squares lines at the band edges). The design and the trade-offs are documented with
// channel_estimator_kind::ls_linear.
#include "channel_estimator_impl.h"
#include "channel_estimator_kernels.h"

#include <algorithm>
#include <cmath>

namespace airan::phy {

namespace {

class ls_linear_channel_estimator final : public channel_estimator_base {
public:
  explicit ls_linear_channel_estimator(const channel_estimator_config& config) :
    // Smoothing needs evenly spaced values: type 2 pilots are averaged into pairs.
    channel_estimator_base(config, channel_estimator_kind::ls_linear, config.ls_smoothing_prb > 0.0F),
    input_(std::size_t{6} * config.max_nof_prb)
  {
  }

private:
  float smooth(layer_pilots& layer) noexcept override
  {
    const unsigned half = window_half(layer);
    if (half > 0) {
      for (unsigned r = 0; r < layer.nof_rx_ports; ++r) {
        for (unsigned o = 0; o < layer.nof_occasions; ++o) {
          smooth_row(layer.row(r, o), half);
        }
      }
    }
    return 1.0F / static_cast<float>(2 * half + 1);
  }

  /// h of the frequency window: at most ls_smoothing_prb resource blocks, at most all the values.
  unsigned window_half(const layer_pilots& layer) const noexcept
  {
    if (layer.spacing <= 0.0F || layer.nof_pilots < 3) {
      return 0;
    }
    const auto half = static_cast<unsigned>(std::floor(6.0F * config_.ls_smoothing_prb / layer.spacing + 1e-4F));
    return std::min(half, (layer.nof_pilots - 1) / 2);
  }

  /// Moving average of 2 half + 1 values; the first and last half values from the least-squares line through the
  /// first or last 2 half + 1 values.
  void smooth_row(std::span<cf_t> values, unsigned half) noexcept
  {
    const unsigned width = 2 * half + 1;
    const auto n = static_cast<unsigned>(values.size());
    std::copy(values.begin(), values.end(), input_.begin());
    ce::moving_sum(values.data() + half, input_.data(), width, 1.0F / static_cast<float>(width), n - 2 * half);
    fit_edge(values.data(), input_.data(), half, 1);
    fit_edge(values.data() + n - 1, input_.data() + n - 1, half, -1);
  }

  /// Values out[i step], i < half, from the line through in[i step], i < 2 half + 1 (step -1: the upper edge).
  static void fit_edge(cf_t* out, const cf_t* in, unsigned half, int step) noexcept
  {
    const unsigned width = 2 * half + 1;
    cf_t sum{};
    cf_t moment{};
    for (unsigned i = 0; i < width; ++i) {
      const cf_t x = in[static_cast<std::ptrdiff_t>(i) * step];
      const auto offset = static_cast<float>(static_cast<int>(i) - static_cast<int>(half));
      sum += x;
      moment += offset * x;
    }
    // sum over i of (i - half)^2 = half (half + 1) (2 half + 1) / 3.
    const auto fhalf = static_cast<float>(half);
    const cf_t mean = sum / static_cast<float>(width);
    const cf_t slope = moment * (3.0F / (fhalf * (fhalf + 1.0F) * static_cast<float>(width)));
    for (unsigned i = 0; i < half; ++i) {
      out[static_cast<std::ptrdiff_t>(i) * step] = mean + (static_cast<float>(i) - fhalf) * slope;
    }
  }

  std::vector<cf_t> input_;
};

} // namespace

std::unique_ptr<channel_estimator> make_ls_linear_channel_estimator(const channel_estimator_config& config)
{
  return std::make_unique<ls_linear_channel_estimator>(config);
}

} // namespace airan::phy
