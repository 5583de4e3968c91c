/// The equaliser kernels built with 4-lane vectors for baseline x86-64 (and any other target).

#include "equalizer_kernel_body.h"

namespace airan::phy::detail {

void equalize_baseline(const equalizer_kernel_args& args) noexcept
{
  equalize_any<v4f>(args);
}

} // namespace airan::phy::detail
