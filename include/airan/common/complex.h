#pragma once
/// Complex sample type shared by all blocks.

#include <complex>

namespace airan {

/// Single-precision complex baseband sample (real part first in memory, as any std::complex<float> array).
using cf_t = std::complex<float>;

} // namespace airan
