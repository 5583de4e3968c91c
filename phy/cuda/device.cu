#include "airan/cuda/device.h"

#include <cuda_runtime.h>

namespace airan::cuda {

int device_count() noexcept
{
  int count = 0;
  // With no GPU or an old driver this fails (e.g. "driver version is insufficient"): that means no device.
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

} // namespace airan::cuda
