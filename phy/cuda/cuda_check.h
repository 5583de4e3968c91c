#pragma once
// The one CUDA error-check helper: turns a cudaError_t into airan::status carrying file and line.

#include "airan/common/status.h"

#include <cuda_runtime.h>

#include <stdexcept>
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

/// At creation (never on the slot path): throws std::runtime_error carrying the message of a failed status.
inline void throw_on_error(const status& s)
{
  if (!s) {
    throw std::runtime_error(s.message());
  }
}

} // namespace airan::cuda

#define AIRAN_CUDA_CHECK(expr) ::airan::cuda::check((expr), __FILE__, __LINE__)
