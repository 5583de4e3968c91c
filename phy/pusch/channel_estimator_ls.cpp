// LS channel estimation with linear interpolation: the shared pipeline with no smoothing of the despread LS values.
#include "channel_estimator_impl.h"

namespace airan::phy {

namespace {

class ls_linear_channel_estimator final : public channel_estimator_base {
public:
  explicit ls_linear_channel_estimator(const channel_estimator_config& config) :
    channel_estimator_base(config, channel_estimator_kind::ls_linear, false)
  {
  }

private:
  void smooth(const layer_pilots& /*layer*/) noexcept override {}
};

} // namespace

std::unique_ptr<channel_estimator> make_ls_linear_channel_estimator(const channel_estimator_config& config)
{
  return std::make_unique<ls_linear_channel_estimator>(config);
}

} // namespace airan::phy
