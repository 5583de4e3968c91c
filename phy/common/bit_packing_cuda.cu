#include "airan/cuda/device.h"

#include "../cuda/device_buffer.h"

#include <exception>

namespace airan::cuda {

namespace {

constexpr unsigned threads_per_block = 256;

/// One thread per output byte: gathers up to eight 0/1 bytes, MSB first.
__global__ void pack_bits_kernel(uint8_t* bytes, const uint8_t* bits, std::size_t nof_bits)
{
  const std::size_t byte = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  const std::size_t first = byte * 8;
  if (first >= nof_bits) {
    return;
  }
  unsigned value = 0;
  for (unsigned b = 0; b < 8; ++b) {
    const std::size_t i = first + b;
    value |= (i < nof_bits ? (bits[i] & 1U) : 0U) << (7 - b);
  }
  bytes[byte] = static_cast<uint8_t>(value);
}

} // namespace

status pack_bits(std::span<uint8_t> bytes, std::span<const uint8_t> bits)
{
  const std::size_t nof_bytes = (bits.size() + 7) / 8;
  if (bytes.size() < nof_bytes) {
    return status::error("pack_bits: output holds " + std::to_string(bytes.size()) + " bytes, " +
                         std::to_string(nof_bytes) + " needed");
  }
  if (bits.empty()) {
    return status::ok();
  }
  try {
    stream s;
    device_buffer<uint8_t> d_bits(bits.size());
    device_buffer<uint8_t> d_bytes(nof_bytes);
    if (auto st = AIRAN_CUDA_CHECK(
            cudaMemcpyAsync(d_bits.data(), bits.data(), bits.size(), cudaMemcpyHostToDevice, s.get()));
        !st) {
      return st;
    }
    const auto nof_blocks = static_cast<unsigned>((nof_bytes + threads_per_block - 1) / threads_per_block);
    pack_bits_kernel<<<nof_blocks, threads_per_block, 0, s.get()>>>(d_bytes.data(), d_bits.data(), bits.size());
    if (auto st = AIRAN_CUDA_CHECK(cudaGetLastError()); !st) {
      return st;
    }
    if (auto st = AIRAN_CUDA_CHECK(
            cudaMemcpyAsync(bytes.data(), d_bytes.data(), nof_bytes, cudaMemcpyDeviceToHost, s.get()));
        !st) {
      return st;
    }
    return AIRAN_CUDA_CHECK(cudaStreamSynchronize(s.get()));
  } catch (const std::exception& e) {
    return status::error(e.what());
  }
}

} // namespace airan::cuda
