#pragma once
// RAII owners of device memory and streams; created outside the slot path, throw on failure at creation.

#include "cuda_check.h"

#include <cstddef>
#include <stdexcept>
#include <utility>

namespace airan::cuda {

template <typename T>
class device_buffer {
public:
  explicit device_buffer(std::size_t count) : count_(count)
  {
    if (auto s = AIRAN_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T))); !s) {
      throw std::runtime_error(s.message());
    }
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  device_buffer(device_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0))
  {
  }
  ~device_buffer() { cudaFree(data_); }

  T* data() const { return data_; }
  std::size_t size() const { return count_; }
  std::size_t size_bytes() const { return count_ * sizeof(T); }

private:
  T* data_ = nullptr;
  std::size_t count_ = 0;
};

class stream {
public:
  stream()
  {
    if (auto s = AIRAN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); !s) {
      throw std::runtime_error(s.message());
    }
  }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream() { cudaStreamDestroy(stream_); }

  cudaStream_t get() const { return stream_; }

private:
  cudaStream_t stream_ = nullptr;
};

} // namespace airan::cuda
