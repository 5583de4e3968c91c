// CUDA twin of ldpc_rate_dematch() (rate_matching.cpp), TS 38.212 5.4.2.1 bit selection and 5.4.2.2 bit
// interleaving inverted, with HARQ soft combining in device memory.
//
// One thread per circular-buffer position p < N_cb of a code block: filler positions become +127; a valid position
// of rank r receives e_k for k = (r - start_rank) mod nof_valid + m nof_valid < E, in increasing k, where e_k is
// f[(k mod R) Q_m + k div R] (R = E / Q_m rows of the interleaver). Adding them in that order with saturation to
// [-127, 127] after each addition is exactly the CPU's order; with new data the sum starts from 0 (and positions
// receiving nothing become 0), otherwise from the stored value (and positions receiving nothing keep it).

#include "airan/phy/coding/rate_dematcher_cuda.h"

#include "../cuda/device_buffer.h"
#include "rate_matching_circular_buffer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace airan::phy {

namespace {

constexpr unsigned threads_per_block = 256;

struct job_descriptor {
  int8_t* soft;
  const int8_t* f;
  uint32_t n_cb;
  uint32_t filler_begin;
  uint32_t filler_end;
  uint32_t nof_valid;
  uint32_t start_rank;
  uint32_t e;
  uint32_t qm;
  uint32_t new_data;
};

__global__ void __launch_bounds__(threads_per_block) rate_dematch_kernel(const job_descriptor* jobs)
{
  const job_descriptor d = jobs[blockIdx.y];
  const unsigned p = blockIdx.x * blockDim.x + threadIdx.x;
  if (p >= d.n_cb) {
    return;
  }
  if (p >= d.filler_begin && p < d.filler_end) {
    d.soft[p] = 127;
    return;
  }
  const unsigned rank = p < d.filler_begin ? p : p - (d.filler_end - d.filler_begin);
  const unsigned first = rank >= d.start_rank ? rank - d.start_rank : rank + d.nof_valid - d.start_rank;
  const unsigned nof_rows = d.e / d.qm;
  int acc = d.new_data != 0 ? 0 : d.soft[p];
  for (unsigned k = first; k < d.e; k += d.nof_valid) {
    const unsigned column = k / nof_rows;
    const unsigned row = k - column * nof_rows;
    acc = min(max(acc + d.f[row * d.qm + column], -127), 127);
  }
  if (d.new_data != 0 || first < d.e) {
    d.soft[p] = static_cast<int8_t>(acc);
  }
}

} // namespace

struct rate_dematcher_cuda::impl {
  explicit impl(const rate_dematcher_config& c) :
    config(c),
    soft(std::size_t{c.nof_harq_processes} * c.max_cbs_per_tb * rate_dematcher::soft_buffer_length),
    host_descriptors(c.max_nof_jobs),
    device_descriptors(c.max_nof_jobs),
    host_llrs(c.max_nof_llrs),
    device_llrs(c.max_nof_llrs),
    host_soft(rate_dematcher::soft_buffer_length),
    staged(c.max_nof_jobs)
  {
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaMemsetAsync(soft.data(), 0, soft.size_bytes(), own_stream.get())));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaStreamSynchronize(own_stream.get())));
  }

  int8_t* soft_buffer(unsigned harq_id, unsigned cb) const
  {
    return soft.data() + (std::size_t{harq_id} * config.max_cbs_per_tb + cb) * rate_dematcher::soft_buffer_length;
  }

  rate_dematcher_config config;
  cuda::device_buffer<int8_t> soft;
  cuda::pinned_buffer<job_descriptor> host_descriptors;
  cuda::device_buffer<job_descriptor> device_descriptors;
  cuda::pinned_buffer<int8_t> host_llrs;
  cuda::device_buffer<int8_t> device_llrs;
  cuda::pinned_buffer<int8_t> host_soft;
  std::vector<rate_dematch_cuda_job> staged;
  cuda::stream own_stream;

  unsigned nof_jobs = 0;
  unsigned largest_n_cb = 0;
};

rate_dematcher_cuda::rate_dematcher_cuda(const rate_dematcher_config& config) : impl_(std::make_unique<impl>(config))
{
}

rate_dematcher_cuda::~rate_dematcher_cuda() = default;

const int8_t* rate_dematcher_cuda::device_soft_buffer(unsigned harq_id, unsigned cb) const noexcept
{
  const impl& d = *impl_;
  if (harq_id >= d.config.nof_harq_processes || cb >= d.config.max_cbs_per_tb) {
    return nullptr;
  }
  return d.soft_buffer(harq_id, cb);
}

status rate_dematcher_cuda::setup(std::span<const rate_dematch_cuda_job> jobs,
                                  std::span<unsigned> informed_lengths) noexcept
{
  impl& d = *impl_;
  d.nof_jobs = 0;
  if (jobs.size() > d.config.max_nof_jobs || informed_lengths.size() != jobs.size()) {
    return status::error("rate dematcher (CUDA): " + std::to_string(jobs.size()) + " code blocks with " +
                         std::to_string(informed_lengths.size()) + " lengths, at most " +
                         std::to_string(d.config.max_nof_jobs));
  }
  unsigned largest = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const rate_dematch_cuda_job& job = jobs[i];
    if (status s = validate(job.params); !s) {
      return status::error("rate dematcher (CUDA): code block " + std::to_string(i) + ": " + s.message());
    }
    if (job.llrs == nullptr || job.harq_id >= d.config.nof_harq_processes || job.cb >= d.config.max_cbs_per_tb) {
      return status::error("rate dematcher (CUDA): code block " + std::to_string(i) +
                           " without LLRs or with its soft buffer out of range");
    }
    for (std::size_t j = 0; j != i; ++j) {
      if (jobs[j].harq_id == job.harq_id && jobs[j].cb == job.cb) {
        return status::error("rate dematcher (CUDA): code block " + std::to_string(i) +
                             ": soft buffer already used by code block " + std::to_string(j));
      }
    }
    const detail::circular_buffer cb = detail::make_circular_buffer(job.params);
    d.host_descriptors.data()[i] = job_descriptor{
        .soft = d.soft_buffer(job.harq_id, job.cb),
        .f = job.llrs,
        .n_cb = cb.n_cb,
        .filler_begin = cb.filler_begin,
        .filler_end = cb.filler_end,
        .nof_valid = cb.nof_valid,
        .start_rank = cb.start_rank,
        .e = job.params.e,
        .qm = job.params.modulation_order,
        .new_data = job.new_data ? 1U : 0U,
    };
    informed_lengths[i] = detail::informed_length(cb, job.params.e);
    largest = std::max(largest, cb.n_cb);
  }
  d.nof_jobs = static_cast<unsigned>(jobs.size());
  d.largest_n_cb = largest;
  return status::ok();
}

status rate_dematcher_cuda::enqueue(cuda::stream_handle stream) noexcept
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
  const dim3 grid((d.largest_n_cb + threads_per_block - 1) / threads_per_block, d.nof_jobs);
  rate_dematch_kernel<<<grid, threads_per_block, 0, stream>>>(d.device_descriptors.data());
  return AIRAN_CUDA_CHECK(cudaGetLastError());
}

status rate_dematcher_cuda::dematch(std::span<const rate_dematch_job> jobs, std::span<unsigned> informed_lengths) noexcept
{
  impl& d = *impl_;
  if (jobs.size() > d.config.max_nof_jobs) {
    return status::error("rate dematcher (CUDA): too many code blocks");
  }
  std::size_t offset = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const rate_dematch_job& job = jobs[i];
    if (offset + job.llrs.size() > d.config.max_nof_llrs || job.llrs.size() != job.params.e) {
      return status::error("rate dematcher (CUDA): code block " + std::to_string(i) + " does not fit or has " +
                           std::to_string(job.llrs.size()) + " LLRs for E = " + std::to_string(job.params.e));
    }
    std::copy(job.llrs.begin(), job.llrs.end(), d.host_llrs.data() + offset);
    d.staged[i] = rate_dematch_cuda_job{job.harq_id, job.cb, job.params, job.new_data, d.device_llrs.data() + offset};
    offset += job.llrs.size();
  }
  if (status st = setup({d.staged.data(), jobs.size()}, informed_lengths); !st) {
    return st;
  }
  cudaStream_t s = d.own_stream.get();
  if (offset != 0) {
    if (auto st = AIRAN_CUDA_CHECK(
            cudaMemcpyAsync(d.device_llrs.data(), d.host_llrs.data(), offset, cudaMemcpyHostToDevice, s));
        !st) {
      return st;
    }
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  return AIRAN_CUDA_CHECK(cudaStreamSynchronize(s));
}

status rate_dematcher_cuda::read_soft_buffer(unsigned harq_id, unsigned cb, std::span<int8_t> out) noexcept
{
  impl& d = *impl_;
  const int8_t* soft = device_soft_buffer(harq_id, cb);
  if (soft == nullptr || out.size() > rate_dematcher::soft_buffer_length) {
    return status::error("rate dematcher (CUDA): soft buffer (" + std::to_string(harq_id) + ", " +
                         std::to_string(cb) + ") out of range or read too long");
  }
  cudaStream_t s = d.own_stream.get();
  if (auto st = AIRAN_CUDA_CHECK(
          cudaMemcpyAsync(d.host_soft.data(), soft, out.size(), cudaMemcpyDeviceToHost, s));
      !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  std::copy_n(d.host_soft.data(), out.size(), out.data());
  return status::ok();
}

} // namespace airan::phy
