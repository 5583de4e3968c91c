// GPU test runner: skips (exit code 77) when no CUDA device is usable, so CTest reports the tests as skipped.
#define DOCTEST_CONFIG_IMPLEMENT
#include "airan/cuda/device.h"

#include <doctest/doctest.h>

#include <cstdio>

int main(int argc, char** argv)
{
  if (airan::cuda::device_count() == 0) {
    std::puts("no usable CUDA device: GPU tests skipped");
    return 77;
  }
  return doctest::Context(argc, argv).run();
}
