/// Entry point of the per-RE equaliser kernels (equalizer_kernel_body.h): the AVX2+FMA build where the CPU has it and
/// the caller allows it, otherwise the baseline build.

#include "equalizer_kernel.h"

#include <cassert>

namespace airan::phy::detail {

void run_equalizer_kernel(const equalizer_kernel_args& args) noexcept
{
  assert(args.nof_rx_ports >= 1 && args.nof_rx_ports <= kernel_max_nof_rx_ports);
  assert(args.nof_symbols >= 1 && args.nof_symbols <= kernel_max_nof_symbols);
#if defined(__x86_64__)
  if (args.allow_avx2 && cpu_has_avx2()) {
    equalize_avx2(args);
    return;
  }
#endif
  equalize_baseline(args);
}

bool cpu_has_avx2() noexcept
{
#if defined(__x86_64__)
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has_avx2;
#else
  return false;
#endif
}

} // namespace airan::phy::detail
