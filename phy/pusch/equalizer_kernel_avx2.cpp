/// The equaliser kernels built with 8-lane vectors for AVX2+FMA; run_equalizer_kernel() calls them where the CPU has
/// both.

#if defined(__x86_64__)

#include "equalizer_kernel_body.h"

namespace airan::phy::detail {

[[gnu::target("avx2,fma")]] void equalize_avx2(const equalizer_kernel_args& args) noexcept
{
  equalize_any<v8f>(args);
}

} // namespace airan::phy::detail

#endif
