#include "fftw_planner_lock.h"

namespace airan::phy::detail {

std::mutex& fftw_planner_mutex()
{
  static std::mutex mutex;
  return mutex;
}

} // namespace airan::phy::detail
