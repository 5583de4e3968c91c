#include "airan/phy/pusch/transform_precoder.h"

#include <fftw3.h>

#include <cassert>
#include <cmath>
#include <mutex>
#include <vector>

namespace airan::phy {

namespace {

/// FFTW's planner and plan destruction are not thread-safe; executing plans is.
std::mutex& fftw_planner_mutex()
{
  static std::mutex mutex;
  return mutex;
}

} // namespace

bool is_valid_transform_precoding_size(unsigned nof_prb) noexcept
{
  if (nof_prb == 0) {
    return false;
  }
  for (unsigned factor : {2U, 3U, 5U}) {
    while (nof_prb % factor == 0) {
      nof_prb /= factor;
    }
  }
  return nof_prb == 1;
}

struct transform_precoder::plans {
  /// Indexed by n = M / 12; null for sizes that are not allowed.
  std::vector<fftwf_plan> forward;
  std::vector<fftwf_plan> backward;

  ~plans()
  {
    const std::lock_guard lock(fftw_planner_mutex());
    for (auto* list : {&forward, &backward}) {
      for (fftwf_plan plan : *list) {
        if (plan != nullptr) {
          fftwf_destroy_plan(plan);
        }
      }
    }
  }
};

transform_precoder::transform_precoder(unsigned max_nof_prb) : plans_(std::make_unique<plans>())
{
  plans_->forward.assign(max_nof_prb + 1, nullptr);
  plans_->backward.assign(max_nof_prb + 1, nullptr);
  // In-place plans that assume no alignment, so that they run on any caller's buffer (fftwf_execute_dft).
  fftwf_complex* buffer = fftwf_alloc_complex(std::size_t{12} * max_nof_prb + 12);
  const std::lock_guard lock(fftw_planner_mutex());
  for (unsigned n = 1; n <= max_nof_prb; ++n) {
    if (is_valid_transform_precoding_size(n)) {
      const auto size = static_cast<int>(12 * n);
      plans_->forward[n] = fftwf_plan_dft_1d(size, buffer, buffer, FFTW_FORWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
      plans_->backward[n] = fftwf_plan_dft_1d(size, buffer, buffer, FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
    }
  }
  fftwf_free(buffer);
}

transform_precoder::~transform_precoder() = default;
transform_precoder::transform_precoder(transform_precoder&&) noexcept = default;
transform_precoder& transform_precoder::operator=(transform_precoder&&) noexcept = default;

namespace {

void run(const std::vector<fftwf_plan>& plans, std::span<cf_t> data) noexcept
{
  assert(data.size() % 12 == 0 && data.size() / 12 < plans.size() && plans[data.size() / 12] != nullptr);
  // std::complex<float> is layout-compatible with fftwf_complex (float[2]).
  auto* io = reinterpret_cast<fftwf_complex*>(data.data());
  fftwf_execute_dft(plans[data.size() / 12], io, io);
  const float scale = 1.0F / std::sqrt(static_cast<float>(data.size()));
  for (cf_t& x : data) {
    x *= scale;
  }
}

} // namespace

void transform_precoder::precode(std::span<cf_t> data) noexcept
{
  run(plans_->forward, data);
}

void transform_precoder::deprecode(std::span<cf_t> data) noexcept
{
  run(plans_->backward, data);
}

} // namespace airan::phy
