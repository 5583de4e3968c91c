// CUDA twin of crc_compute_bits() (crc.cpp): the remainder of a message is linear in it, so each thread divides one
// slice by g(D), shifts its remainder past the bits that follow (multiplication by D^n mod g(D) from a table of
// D^(2^k) mod g(D)), and the block XORs the parts together.

#include "airan/phy/coding/crc_cuda.h"

#include "../cuda/device_buffer.h"

#include <cub/block/block_reduce.cuh>

#include <algorithm>
#include <string>
#include <vector>

namespace airan::phy {

namespace {

constexpr unsigned threads_per_block = 256;
constexpr unsigned nof_crc_types = 6;
/// D^(2^k) mod g(D) for k = 0..30: enough for messages shorter than 2^31 bits.
constexpr unsigned nof_powers = 31;

/// One generator polynomial: its terms below D^L (bit i for D^i), L, and the shift table.
struct crc_polynomial {
  uint32_t low_terms;
  uint32_t length;
  uint32_t powers[nof_powers];
};

__constant__ crc_polynomial polynomials[nof_crc_types];

struct job_descriptor {
  const uint8_t* bits;
  uint32_t nof_bits;
  uint32_t type;
};

/// r D mod g(D), r of degree < L.
__host__ __device__ __forceinline__ uint32_t times_d(uint32_t r, const crc_polynomial& g)
{
  const uint32_t top = (r >> (g.length - 1)) & 1U;
  r = (r << 1) & ((1U << g.length) - 1U);
  return top != 0 ? r ^ g.low_terms : r;
}

/// a b mod g(D), a and b of degree < L (Horner on the bits of b, highest first).
__host__ __device__ uint32_t multiply_mod(uint32_t a, uint32_t b, const crc_polynomial& g)
{
  uint32_t r = 0;
  for (int i = static_cast<int>(g.length) - 1; i >= 0; --i) {
    r = times_d(r, g);
    r ^= ((b >> i) & 1U) != 0 ? a : 0U;
  }
  return r;
}

crc_polynomial make_polynomial(crc_type type)
{
  crc_polynomial g{};
  g.length = crc_length(type);
  // The parity of the one-bit message "1" is D^L mod g(D): the generator's terms below D^L.
  const uint8_t one = 1;
  g.low_terms = crc_compute_bits(type, {&one, 1});
  g.powers[0] = 2; // D
  for (unsigned k = 1; k != nof_powers; ++k) {
    g.powers[k] = multiply_mod(g.powers[k - 1], g.powers[k - 1], g);
  }
  return g;
}

struct xor_op {
  __device__ __forceinline__ uint32_t operator()(uint32_t a, uint32_t b) const { return a ^ b; }
};

__global__ void __launch_bounds__(threads_per_block) crc_kernel(const job_descriptor* jobs, uint32_t* remainders)
{
  using block_reduce = cub::BlockReduce<uint32_t, threads_per_block>;
  __shared__ typename block_reduce::TempStorage temp;
  const job_descriptor d = jobs[blockIdx.x];
  const crc_polynomial& g = polynomials[d.type];
  const uint32_t slice = (d.nof_bits + threads_per_block - 1) / threads_per_block;
  const uint32_t begin = min(threadIdx.x * slice, d.nof_bits);
  const uint32_t end = min(begin + slice, d.nof_bits);
  // The register of TS 38.212 5.1 (initial value 0) over the slice: (slice polynomial) D^L mod g(D).
  uint32_t r = 0;
  const uint32_t mask = (1U << g.length) - 1U;
  for (uint32_t i = begin; i != end; ++i) {
    const uint32_t feedback = ((r >> (g.length - 1)) ^ d.bits[i]) & 1U;
    r = ((r << 1) & mask) ^ (feedback != 0 ? g.low_terms : 0U);
  }
  // Shift past the d.nof_bits - end bits that follow.
  for (uint32_t n = d.nof_bits - end, k = 0; n != 0; n >>= 1, ++k) {
    if ((n & 1U) != 0) {
      r = multiply_mod(r, g.powers[k], g);
    }
  }
  const uint32_t total = block_reduce(temp).Reduce(r, xor_op{});
  if (threadIdx.x == 0) {
    remainders[blockIdx.x] = total;
  }
}

} // namespace

struct crc_cuda::impl {
  explicit impl(const crc_cuda_config& c)
      : config(c), host_descriptors(c.max_nof_jobs), device_descriptors(c.max_nof_jobs),
        device_remainders(c.max_nof_jobs), host_remainders(c.max_nof_jobs), host_bits(c.max_nof_bits),
        device_bits(c.max_nof_bits), staged(c.max_nof_jobs)
  {
    crc_polynomial tables[nof_crc_types];
    for (unsigned t = 0; t != nof_crc_types; ++t) {
      tables[t] = make_polynomial(static_cast<crc_type>(t));
    }
    cuda::throw_on_error(AIRAN_CUDA_CHECK(
        cudaMemcpyToSymbolAsync(polynomials, tables, sizeof(tables), 0, cudaMemcpyHostToDevice, own_stream.get())));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaStreamSynchronize(own_stream.get())));
  }

  crc_cuda_config config;
  cuda::pinned_buffer<job_descriptor> host_descriptors;
  cuda::device_buffer<job_descriptor> device_descriptors;
  cuda::device_buffer<uint32_t> device_remainders;
  cuda::pinned_buffer<uint32_t> host_remainders;
  cuda::pinned_buffer<uint8_t> host_bits;
  cuda::device_buffer<uint8_t> device_bits;
  std::vector<crc_cuda_job> staged;
  cuda::stream own_stream;
  unsigned nof_jobs = 0;
};

crc_cuda::crc_cuda(const crc_cuda_config& config) : impl_(std::make_unique<impl>(config)) {}

crc_cuda::~crc_cuda() = default;

status crc_cuda::setup(std::span<const crc_cuda_job> jobs) noexcept
{
  impl& d = *impl_;
  d.nof_jobs = 0;
  if (jobs.size() > d.config.max_nof_jobs) {
    return status::error("CRC (CUDA): " + std::to_string(jobs.size()) + " messages, at most " +
                         std::to_string(d.config.max_nof_jobs));
  }
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const crc_cuda_job& job = jobs[i];
    if (static_cast<unsigned>(job.type) >= nof_crc_types || job.nof_bits >= (1U << nof_powers) ||
        (job.nof_bits != 0 && job.bits == nullptr)) {
      return status::error("CRC (CUDA): message " + std::to_string(i) + " has an invalid type, length or buffer");
    }
    d.host_descriptors.data()[i] = {job.bits, job.nof_bits, static_cast<uint32_t>(job.type)};
  }
  d.nof_jobs = static_cast<unsigned>(jobs.size());
  return status::ok();
}

status crc_cuda::enqueue(cuda::stream_handle stream) noexcept
{
  impl& d = *impl_;
  if (d.nof_jobs == 0) {
    return status::ok();
  }
  if (auto s = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_descriptors.data(), d.host_descriptors.data(),
                                                d.nof_jobs * sizeof(job_descriptor), cudaMemcpyHostToDevice, stream));
      !s) {
    return s;
  }
  crc_kernel<<<d.nof_jobs, threads_per_block, 0, stream>>>(d.device_descriptors.data(), d.device_remainders.data());
  return AIRAN_CUDA_CHECK(cudaGetLastError());
}

const uint32_t* crc_cuda::remainders() const noexcept
{
  return impl_->device_remainders.data();
}

status crc_cuda::compute(std::span<const std::span<const uint8_t>> messages, crc_type type,
                         std::span<uint32_t> remainders) noexcept
{
  impl& d = *impl_;
  if (messages.size() > d.config.max_nof_jobs || remainders.size() != messages.size()) {
    return status::error("CRC (CUDA): too many messages or a remainder count that differs from them");
  }
  std::size_t offset = 0;
  for (std::size_t i = 0; i != messages.size(); ++i) {
    if (offset + messages[i].size() > d.config.max_nof_bits) {
      return status::error("CRC (CUDA): the messages exceed " + std::to_string(d.config.max_nof_bits) + " bits");
    }
    std::copy(messages[i].begin(), messages[i].end(), d.host_bits.data() + offset);
    d.staged[i] = {d.device_bits.data() + offset, static_cast<unsigned>(messages[i].size()), type};
    offset += messages[i].size();
  }
  if (status st = setup({d.staged.data(), messages.size()}); !st) {
    return st;
  }
  cudaStream_t s = d.own_stream.get();
  if (offset != 0) {
    if (auto st = AIRAN_CUDA_CHECK(
            cudaMemcpyAsync(d.device_bits.data(), d.host_bits.data(), offset, cudaMemcpyHostToDevice, s));
        !st) {
      return st;
    }
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  if (!messages.empty()) {
    if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_remainders.data(), d.device_remainders.data(),
                                                   messages.size() * sizeof(uint32_t), cudaMemcpyDeviceToHost, s));
        !st) {
      return st;
    }
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  std::copy_n(d.host_remainders.data(), messages.size(), remainders.begin());
  return status::ok();
}

} // namespace airan::phy
