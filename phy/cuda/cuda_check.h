#pragma once
// The one CUDA error-check helper: turns a cudaError_t into airan::status carrying file and line.

#include "airan/common/status.h"

#include <cuda_runtime.h>

#include <string>

namespace airan::cuda {

inline status check(cudaError_t err, const char* file, int line)
{
  if (err == cudaSuccess) {
    return status::ok();
  }
  return status::error(std::string(file) + ":" + std::to_string(line) + ": CUDA error " + cudaGetErrorName(err) + ": " +
                       cudaGetErrorString(err));
}

} // namespace airan::cuda

#define AIRAN_CUDA_CHECK(expr) ::airan::cuda::check((expr), __FILE__, __LINE__)
