#pragma once
// RAII owner of a batched cuFFT plan, with cuFFT results reported like CUDA errors (file and line).

#include "cuda_check.h"

#include <cufft.h>

#include <string>
#include <utility>

namespace airan::cuda {

inline status check(cufftResult result, const char* file, int line)
{
  if (result == CUFFT_SUCCESS) {
    return status::ok();
  }
  return status::error(std::string(file) + ":" + std::to_string(line) + ": cuFFT error " +
                       std::to_string(static_cast<int>(result)));
}

/// A batch of complex-to-complex single-precision transforms of one size over contiguous signals.
class cufft_plan {
public:
  /// batch transforms of size points; signal b starts at b * distance (input and output alike).
  cufft_plan(int size, int batch, int distance)
  {
    int n[1] = {size};
    throw_on_error(AIRAN_CUDA_CHECK(cufftPlanMany(&plan_, 1, n, n, 1, distance, n, 1, distance, CUFFT_C2C, batch)));
    valid_ = true;
  }
  cufft_plan(const cufft_plan&) = delete;
  cufft_plan& operator=(const cufft_plan&) = delete;
  cufft_plan(cufft_plan&& other) noexcept : plan_(other.plan_), valid_(std::exchange(other.valid_, false)) {}
  ~cufft_plan()
  {
    if (valid_) {
      cufftDestroy(plan_);
    }
  }

  /// Enqueues the forward (e^{-j}, unnormalised) transforms on s; in place allowed.
  status forward(cufftComplex* in, cufftComplex* out, cudaStream_t s) const
  {
    if (auto st = AIRAN_CUDA_CHECK(cufftSetStream(plan_, s)); !st) {
      return st;
    }
    return AIRAN_CUDA_CHECK(cufftExecC2C(plan_, in, out, CUFFT_FORWARD));
  }

private:
  cufftHandle plan_ = 0;
  bool valid_ = false;
};

} // namespace airan::cuda
