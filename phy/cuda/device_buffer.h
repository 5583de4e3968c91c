#pragma once
// RAII owners of device memory, pinned host memory, streams and events; created outside the slot path, throw on
// failure at creation.

#include "cuda_check.h"

#include <cstddef>
#include <span>
#include <utility>

namespace airan::cuda {

template <typename T>
class device_buffer {
public:
  explicit device_buffer(std::size_t count) : count_(count)
  {
    throw_on_error(AIRAN_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T))));
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

/// Page-locked host memory: the host side of asynchronous copies (descriptors, results, staging).
template <typename T>
class pinned_buffer {
public:
  explicit pinned_buffer(std::size_t count) : count_(count)
  {
    throw_on_error(AIRAN_CUDA_CHECK(cudaMallocHost(reinterpret_cast<void**>(&data_), count * sizeof(T))));
  }
  pinned_buffer(const pinned_buffer&) = delete;
  pinned_buffer& operator=(const pinned_buffer&) = delete;
  pinned_buffer(pinned_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0))
  {
  }
  ~pinned_buffer() { cudaFreeHost(data_); }

  T* data() const { return data_; }
  std::size_t size() const { return count_; }
  std::size_t size_bytes() const { return count_ * sizeof(T); }
  std::span<T> span() const { return {data_, count_}; }

private:
  T* data_ = nullptr;
  std::size_t count_ = 0;
};

/// A non-blocking stream: never synchronises with the legacy default stream.
class stream {
public:
  stream() { throw_on_error(AIRAN_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking))); }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream() { cudaStreamDestroy(stream_); }

  cudaStream_t get() const { return stream_; }

private:
  cudaStream_t stream_ = nullptr;
};

/// An event; timing disabled unless asked for (cheaper record and wait).
class event {
public:
  explicit event(bool timing = false)
  {
    throw_on_error(AIRAN_CUDA_CHECK(cudaEventCreateWithFlags(&event_, timing ? cudaEventDefault
                                                                              : cudaEventDisableTiming)));
  }
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  ~event() { cudaEventDestroy(event_); }

  cudaEvent_t get() const { return event_; }

private:
  cudaEvent_t event_ = nullptr;
};

} // namespace airan::cuda
