// CUDA twin of the ls_linear channel estimator (see channel_estimator_cuda.h for the method and how it differs from
// the CPU). Three kernels: LS with CDM despreading at the DM-RS, the noise variance per rx port (block reduction), and
// linear interpolation in frequency then time.

// nvcc notes that resource_grid.h's conversion to the const view is never used for the const view itself (554).
#pragma nv_diag_suppress 554
#include "airan/phy/pusch/channel_estimator_cuda.h"

#include "../cuda/device_buffer.h"
#include "airan/phy/pusch/dmrs.h"

#include <cub/block/block_reduce.cuh>

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>
#include <vector>

namespace airan::phy {

namespace {

constexpr unsigned threads_per_block = 128;
constexpr unsigned noise_threads = 256;
constexpr unsigned max_occasions = pusch_max_dmrs_symbols;
constexpr unsigned max_rx = 8;
/// DM-RS REs of one layer on one symbol: 6 per PRB (type 1).
constexpr unsigned max_pilots_per_prb = 6;

struct layer_descriptor {
  uint32_t delta;
  /// 1: LS values are averaged over pairs of adjacent DM-RS REs (w_f despreading).
  uint32_t despread;
  uint32_t nof_values;
};

struct job_descriptor {
  const float2* grid;
  float2* channel;
  float* noise_var;
  /// [layer][DM-RS symbol][pilot], and the LS values [rx][layer][occasion][value].
  const float2* pilots;
  float2* ls;
  uint32_t nof_rx_ports;
  uint32_t grid_nof_symbols;
  uint32_t grid_nof_subcarriers;
  uint32_t first_subcarrier;
  uint32_t nof_prb;
  uint32_t start_symbol;
  uint32_t nof_symbols;
  uint32_t nof_layers;
  uint32_t config_type;
  uint32_t nof_pilots;
  uint32_t nof_occasions;
  /// Per occasion: first DM-RS symbol index (into dmrs_symbols), number of symbols (1 or 2), time (symbol index).
  uint32_t occasion_first[max_occasions];
  uint32_t occasion_length[max_occasions];
  float occasion_time[max_occasions];
  uint32_t nof_dmrs_symbols;
  uint32_t dmrs_symbols[pusch_max_dmrs_symbols];
  layer_descriptor layers[pusch_max_layers];
  /// REs 0..11 of each PRB of a DM-RS symbol in CDM groups without data that carry no layer of the allocation.
  uint32_t noise_re_mask;
  float beta;
  /// Values per (rx, layer, occasion) row of ls.
  uint32_t ls_row;
};

/// Subcarrier (from the allocation start) of DM-RS RE i of a layer, TS 38.211 6.4.1.1.3: k = 4n + 2k' + Delta (type 1)
/// or 6n + k' + Delta (type 2) with i = 2n + k'.
__device__ __forceinline__ float pilot_subcarrier(const job_descriptor& d, unsigned delta, unsigned i)
{
  const unsigned n = i / 2;
  const unsigned k_prime = i % 2;
  return static_cast<float>(d.config_type == 1 ? 4 * n + 2 * k_prime + delta : 6 * n + k_prime + delta);
}

/// Subcarrier of LS value i of a layer: its DM-RS RE, or the centre of its pair.
__device__ __forceinline__ float value_subcarrier(const job_descriptor& d, const layer_descriptor& l, unsigned i)
{
  return l.despread != 0 ? 0.5F * (pilot_subcarrier(d, l.delta, 2 * i) + pilot_subcarrier(d, l.delta, 2 * i + 1))
                         : pilot_subcarrier(d, l.delta, i);
}

__device__ __forceinline__ float2 divide(float2 y, float2 p)
{
  const float inv = 1.0F / (p.x * p.x + p.y * p.y);
  return {(y.x * p.x + y.y * p.y) * inv, (y.y * p.x - y.x * p.y) * inv};
}

/// blockIdx.y: job; blockIdx.z: (rx, layer, occasion); x: LS value.
__global__ void __launch_bounds__(threads_per_block) ls_kernel(const job_descriptor* jobs)
{
  const job_descriptor& d = jobs[blockIdx.y];
  const unsigned occasion = blockIdx.z % max_occasions;
  const unsigned layer = (blockIdx.z / max_occasions) % pusch_max_layers;
  const unsigned rx = blockIdx.z / (max_occasions * pusch_max_layers);
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (rx >= d.nof_rx_ports || layer >= d.nof_layers || occasion >= d.nof_occasions) {
    return;
  }
  const layer_descriptor& l = d.layers[layer];
  if (i >= l.nof_values) {
    return;
  }
  const unsigned per_value = l.despread != 0 ? 2 : 1;
  float2 sum{0.0F, 0.0F};
  for (unsigned s = 0; s != d.occasion_length[occasion]; ++s) {
    const unsigned dmrs_index = d.occasion_first[occasion] + s;
    const float2* row = d.grid +
                        (std::size_t{rx} * d.grid_nof_symbols + d.dmrs_symbols[dmrs_index]) * d.grid_nof_subcarriers +
                        d.first_subcarrier;
    const float2* pilots = d.pilots + (std::size_t{layer} * pusch_max_dmrs_symbols + dmrs_index) * d.nof_pilots;
    for (unsigned j = 0; j != per_value; ++j) {
      const unsigned pilot = i * per_value + j;
      const float2 v = divide(row[static_cast<unsigned>(pilot_subcarrier(d, l.delta, pilot))], pilots[pilot]);
      sum.x += v.x;
      sum.y += v.y;
    }
  }
  const float scale = 1.0F / static_cast<float>(per_value * d.occasion_length[occasion]);
  d.ls[((std::size_t{rx} * pusch_max_layers + layer) * max_occasions + occasion) * d.ls_row + i] = {sum.x * scale,
                                                                                                    sum.y * scale};
}

/// blockIdx.x: rx; blockIdx.y: job.
__global__ void __launch_bounds__(noise_threads) noise_kernel(const job_descriptor* jobs)
{
  using block_reduce = cub::BlockReduce<float, noise_threads>;
  __shared__ typename block_reduce::TempStorage temp;
  const job_descriptor& d = jobs[blockIdx.y];
  const unsigned rx = blockIdx.x;
  if (rx >= d.nof_rx_ports) {
    return;
  }
  float sum = 0.0F;
  float count = 0.0F;
  if (d.noise_re_mask != 0) {
    // Empty CDM groups: noise and interference only.
    const unsigned per_prb = __popc(d.noise_re_mask);
    const unsigned nof_res = d.nof_dmrs_symbols * d.nof_prb * per_prb;
    for (unsigned n = threadIdx.x; n < nof_res; n += blockDim.x) {
      const unsigned symbol = n / (d.nof_prb * per_prb);
      const unsigned prb = (n / per_prb) % d.nof_prb;
      unsigned mask = d.noise_re_mask;
      for (unsigned skip = n % per_prb; skip != 0; --skip) {
        mask &= mask - 1;
      }
      const unsigned k = 12 * prb + __ffs(mask) - 1;
      const float2 y = d.grid[(std::size_t{rx} * d.grid_nof_symbols + d.dmrs_symbols[symbol]) * d.grid_nof_subcarriers +
                              d.first_subcarrier + k];
      sum += y.x * y.x + y.y * y.y;
    }
    count = static_cast<float>(nof_res);
  } else {
    // Consecutive LS values of each layer and occasion: E|d_{i+1} - d_i|^2 = 2 sigma^2 / (beta^2 m).
    for (unsigned layer = 0; layer != d.nof_layers; ++layer) {
      const layer_descriptor& l = d.layers[layer];
      for (unsigned o = 0; o != d.nof_occasions; ++o) {
        const float2* ls = d.ls + ((std::size_t{rx} * pusch_max_layers + layer) * max_occasions + o) * d.ls_row;
        const float m = static_cast<float>((l.despread != 0 ? 2 : 1) * d.occasion_length[o]);
        for (unsigned i = threadIdx.x; i + 1 < l.nof_values; i += blockDim.x) {
          const float dx = ls[i + 1].x - ls[i].x;
          const float dy = ls[i + 1].y - ls[i].y;
          sum += 0.5F * m * d.beta * d.beta * (dx * dx + dy * dy);
        }
        count += static_cast<float>(l.nof_values > 1 ? l.nof_values - 1 : 0);
      }
    }
  }
  const float total = block_reduce(temp).Sum(sum);
  if (threadIdx.x == 0) {
    d.noise_var[rx] = count > 0.0F ? total / count : 0.0F;
  }
}

/// Linear interpolation of one layer's LS values of one occasion at subcarrier k; constant beyond the ends.
__device__ float2 interpolate_frequency(const job_descriptor& d, const layer_descriptor& l, const float2* ls, float k)
{
  const unsigned n = l.nof_values;
  if (k <= value_subcarrier(d, l, 0)) {
    return ls[0];
  }
  if (k >= value_subcarrier(d, l, n - 1)) {
    return ls[n - 1];
  }
  // Largest i with value_subcarrier(i) <= k.
  unsigned lo = 0;
  unsigned hi = n - 1;
  while (hi - lo > 1) {
    const unsigned mid = (lo + hi) / 2;
    if (value_subcarrier(d, l, mid) <= k) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const float k0 = value_subcarrier(d, l, lo);
  const float t = (k - k0) / (value_subcarrier(d, l, hi) - k0);
  return {ls[lo].x + t * (ls[hi].x - ls[lo].x), ls[lo].y + t * (ls[hi].y - ls[lo].y)};
}

/// blockIdx.y: job; blockIdx.z: (rx, layer); x: allocated subcarrier.
__global__ void __launch_bounds__(threads_per_block) interpolation_kernel(const job_descriptor* jobs)
{
  const job_descriptor& d = jobs[blockIdx.y];
  const unsigned layer = blockIdx.z % pusch_max_layers;
  const unsigned rx = blockIdx.z / pusch_max_layers;
  const unsigned k = blockIdx.x * blockDim.x + threadIdx.x;
  const unsigned nof_subcarriers = 12 * d.nof_prb;
  if (rx >= d.nof_rx_ports || layer >= d.nof_layers || k >= nof_subcarriers) {
    return;
  }
  const layer_descriptor& l = d.layers[layer];
  float2 at_occasion[max_occasions];
  for (unsigned o = 0; o != d.nof_occasions; ++o) {
    const float2* ls = d.ls + ((std::size_t{rx} * pusch_max_layers + layer) * max_occasions + o) * d.ls_row;
    at_occasion[o] = interpolate_frequency(d, l, ls, static_cast<float>(k));
  }
  for (unsigned t = 0; t != d.nof_symbols; ++t) {
    const float time = static_cast<float>(d.start_symbol + t);
    unsigned o = 0;
    while (o + 1 < d.nof_occasions && d.occasion_time[o + 1] <= time) {
      ++o;
    }
    float2 h = at_occasion[o];
    if (o + 1 < d.nof_occasions && time > d.occasion_time[o]) {
      const float w = (time - d.occasion_time[o]) / (d.occasion_time[o + 1] - d.occasion_time[o]);
      h = {h.x + w * (at_occasion[o + 1].x - h.x), h.y + w * (at_occasion[o + 1].y - h.y)};
    }
    d.channel[((std::size_t{rx} * d.nof_layers + layer) * d.nof_symbols + t) * nof_subcarriers + k] = h;
  }
}

channel_estimator_cuda_config checked(const channel_estimator_cuda_config& c)
{
  if (c.max_nof_jobs < 1 || c.max_nof_prb < 1 || c.max_nof_prb > 275 || c.max_nof_rx_ports < 1 ||
      c.max_nof_rx_ports > max_rx || c.max_nof_layers < 1 || c.max_nof_layers > pusch_max_layers) {
    throw std::invalid_argument("channel estimator (CUDA): maxima outside 1..275 PRB, 1..8 rx ports, 1..4 layers");
  }
  return c;
}

} // namespace

struct channel_estimator_cuda::impl {
  explicit impl(const channel_estimator_cuda_config& c)
      : config(checked(c)),
        pilots_per_job(std::size_t{pusch_max_layers} * pusch_max_dmrs_symbols * max_pilots_per_prb * c.max_nof_prb),
        ls_per_job(std::size_t{c.max_nof_rx_ports} * pusch_max_layers * max_occasions * max_pilots_per_prb *
                   c.max_nof_prb),
        host_descriptors(c.max_nof_jobs), device_descriptors(c.max_nof_jobs),
        host_pilots(pilots_per_job * c.max_nof_jobs), device_pilots(pilots_per_job * c.max_nof_jobs),
        device_ls(ls_per_job * c.max_nof_jobs), grid_size(std::size_t{c.max_nof_rx_ports} * 14 * 12 * c.max_nof_prb),
        channel_size(std::size_t{c.max_nof_rx_ports} * c.max_nof_layers * 14 * 12 * c.max_nof_prb),
        host_grid(grid_size), device_grid(grid_size), host_channel(channel_size), device_channel(channel_size),
        host_noise(c.max_nof_rx_ports), device_noise(c.max_nof_rx_ports)
  {
  }

  channel_estimator_cuda_config config;
  std::size_t pilots_per_job;
  std::size_t ls_per_job;
  cuda::pinned_buffer<job_descriptor> host_descriptors;
  cuda::device_buffer<job_descriptor> device_descriptors;
  cuda::pinned_buffer<cf_t> host_pilots;
  cuda::device_buffer<cf_t> device_pilots;
  cuda::device_buffer<cf_t> device_ls;
  std::size_t grid_size;
  std::size_t channel_size;
  cuda::pinned_buffer<cf_t> host_grid;
  cuda::device_buffer<cf_t> device_grid;
  cuda::pinned_buffer<cf_t> host_channel;
  cuda::device_buffer<cf_t> device_channel;
  cuda::pinned_buffer<float> host_noise;
  cuda::device_buffer<float> device_noise;
  cuda::stream own_stream;
  unsigned nof_jobs = 0;
  unsigned largest_nof_values = 0;
  unsigned largest_nof_subcarriers = 0;
};

channel_estimator_cuda::channel_estimator_cuda(const channel_estimator_cuda_config& config)
    : impl_(std::make_unique<impl>(config))
{
}

channel_estimator_cuda::~channel_estimator_cuda() = default;

status channel_estimator_cuda::setup(std::span<const channel_estimator_cuda_job> jobs) noexcept
{
  impl& d = *impl_;
  d.nof_jobs = 0;
  d.largest_nof_values = 0;
  d.largest_nof_subcarriers = 0;
  if (jobs.size() > d.config.max_nof_jobs) {
    return status::error("channel estimator (CUDA): " + std::to_string(jobs.size()) + " jobs, at most " +
                         std::to_string(d.config.max_nof_jobs));
  }
  for (std::size_t j = 0; j != jobs.size(); ++j) {
    const channel_estimator_cuda_job& job = jobs[j];
    const std::string name = "channel estimator (CUDA): job " + std::to_string(j);
    if (job.pdu == nullptr || job.carrier == nullptr || job.grid == nullptr || job.channel == nullptr ||
        job.noise_var == nullptr) {
      return status::error(name + " lacks a PDU, carrier or buffer");
    }
    const pusch_pdu& pdu = *job.pdu;
    pusch_dmrs_pattern pattern;
    if (auto s = compute_pusch_dmrs_pattern(pattern, pdu, *job.carrier); !s) {
      return status::error(name + ": " + s.message());
    }
    if (pdu.transform_precoding || pdu.nof_prb > d.config.max_nof_prb || pdu.nof_layers > d.config.max_nof_layers ||
        job.nof_rx_ports < 1 || job.nof_rx_ports > d.config.max_nof_rx_ports) {
      return status::error(name + ": transform precoding, or " + std::to_string(pdu.nof_prb) + " PRB, " +
                           std::to_string(pdu.nof_layers) + " layers, " + std::to_string(job.nof_rx_ports) +
                           " rx ports beyond the maxima");
    }
    job_descriptor& desc = d.host_descriptors.data()[j];
    desc = {};
    desc.grid = reinterpret_cast<const float2*>(job.grid);
    desc.channel = reinterpret_cast<float2*>(job.channel);
    desc.noise_var = job.noise_var;
    desc.pilots = reinterpret_cast<const float2*>(d.device_pilots.data() + j * d.pilots_per_job);
    desc.ls = reinterpret_cast<float2*>(d.device_ls.data() + j * d.ls_per_job);
    desc.nof_rx_ports = job.nof_rx_ports;
    desc.grid_nof_symbols = nof_symbols_per_slot(job.carrier->cp);
    desc.grid_nof_subcarriers = 12 * job.carrier->bwp_size;
    desc.first_subcarrier = 12 * pdu.prb_start;
    desc.nof_prb = pdu.nof_prb;
    desc.start_symbol = pdu.start_symbol;
    desc.nof_symbols = pdu.nof_symbols;
    desc.nof_layers = pdu.nof_layers;
    desc.config_type = pattern.config_type;
    desc.nof_pilots = pusch_dmrs_nof_pilots(pattern, pdu);
    desc.nof_dmrs_symbols = pattern.nof_symbols;
    desc.beta = pattern.beta;
    desc.ls_row = max_pilots_per_prb * d.config.max_nof_prb;
    // Occasions: a DM-RS symbol with l' = 0 starts one; l' = 1 joins the previous (double-symbol DM-RS).
    for (unsigned s = 0; s != pattern.nof_symbols; ++s) {
      desc.dmrs_symbols[s] = pattern.symbols[s];
      if (pattern.l_prime[s] == 0 || desc.nof_occasions == 0) {
        desc.occasion_first[desc.nof_occasions] = s;
        desc.occasion_length[desc.nof_occasions] = 0;
        desc.occasion_time[desc.nof_occasions] = 0.0F;
        ++desc.nof_occasions;
      }
      const unsigned o = desc.nof_occasions - 1;
      desc.occasion_time[o] += static_cast<float>(pattern.symbols[s]);
      ++desc.occasion_length[o];
    }
    for (unsigned o = 0; o != desc.nof_occasions; ++o) {
      desc.occasion_time[o] /= static_cast<float>(desc.occasion_length[o]);
    }
    uint32_t layer_res = 0;
    for (unsigned layer = 0; layer != pdu.nof_layers; ++layer) {
      const pusch_dmrs_layer& l = pattern.layers[layer];
      layer_res |= l.re_mask;
      bool mixed_w_f = false;
      for (unsigned other = 0; other != pdu.nof_layers; ++other) {
        mixed_w_f = mixed_w_f || (pattern.layers[other].cdm_group == l.cdm_group && pattern.layers[other].w_f != l.w_f);
      }
      desc.layers[layer] = {l.delta, mixed_w_f ? 1U : 0U, mixed_w_f ? desc.nof_pilots / 2 : desc.nof_pilots};
      d.largest_nof_values = std::max(d.largest_nof_values, desc.layers[layer].nof_values);
      for (unsigned s = 0; s != pattern.nof_symbols; ++s) {
        generate_pusch_dmrs(std::span(d.host_pilots.data() + j * d.pilots_per_job +
                                          (std::size_t{layer} * pusch_max_dmrs_symbols + s) * desc.nof_pilots,
                                      desc.nof_pilots),
                            pattern, pdu, *job.carrier, layer, pattern.symbols[s]);
      }
    }
    desc.noise_re_mask = pattern.no_data_re_mask & ~layer_res & 0xfffU;
    d.largest_nof_subcarriers = std::max(d.largest_nof_subcarriers, 12 * pdu.nof_prb);
  }
  d.nof_jobs = static_cast<unsigned>(jobs.size());
  return status::ok();
}

status channel_estimator_cuda::enqueue(cuda::stream_handle stream) noexcept
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
  if (auto s = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_pilots.data(), d.host_pilots.data(),
                                                d.nof_jobs * d.pilots_per_job * sizeof(cf_t), cudaMemcpyHostToDevice,
                                                stream));
      !s) {
    return s;
  }
  const unsigned rx = d.config.max_nof_rx_ports;
  const dim3 ls_grid((d.largest_nof_values + threads_per_block - 1) / threads_per_block, d.nof_jobs,
                     rx * pusch_max_layers * max_occasions);
  ls_kernel<<<ls_grid, threads_per_block, 0, stream>>>(d.device_descriptors.data());
  noise_kernel<<<dim3(rx, d.nof_jobs), noise_threads, 0, stream>>>(d.device_descriptors.data());
  const dim3 interpolation_grid((d.largest_nof_subcarriers + threads_per_block - 1) / threads_per_block, d.nof_jobs,
                                rx * pusch_max_layers);
  interpolation_kernel<<<interpolation_grid, threads_per_block, 0, stream>>>(d.device_descriptors.data());
  return AIRAN_CUDA_CHECK(cudaGetLastError());
}

status channel_estimator_cuda::estimate(channel_estimate& out, const_grid_view rx_grid, const pusch_pdu& pdu,
                                        const carrier_config& carrier) noexcept
{
  impl& d = *impl_;
  const std::size_t channel_count =
      std::size_t{rx_grid.nof_ports} * pdu.nof_layers * pdu.nof_symbols * 12 * pdu.nof_prb;
  if (rx_grid.size() > d.grid_size || channel_count > d.channel_size ||
      !out.fits(rx_grid.nof_ports, pdu.nof_layers, pdu.nof_prb) ||
      rx_grid.nof_symbols != nof_symbols_per_slot(carrier.cp) || rx_grid.nof_subcarriers != 12 * carrier.bwp_size) {
    return status::error("channel estimator (CUDA): the grid or the estimate does not fit");
  }
  const channel_estimator_cuda_job job{
      &pdu, &carrier, d.device_grid.data(), rx_grid.nof_ports, d.device_channel.data(), d.device_noise.data()};
  if (status st = setup({&job, 1}); !st) {
    return st;
  }
  std::copy_n(rx_grid.data, rx_grid.size(), d.host_grid.data());
  cudaStream_t s = d.own_stream.get();
  if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_grid.data(), d.host_grid.data(),
                                                 rx_grid.size() * sizeof(cf_t), cudaMemcpyHostToDevice, s));
      !st) {
    return st;
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_channel.data(), d.device_channel.data(),
                                                 channel_count * sizeof(cf_t), cudaMemcpyDeviceToHost, s));
      !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_noise.data(), d.device_noise.data(),
                                                 rx_grid.nof_ports * sizeof(float), cudaMemcpyDeviceToHost, s));
      !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  out.reshape(rx_grid.nof_ports, pdu.nof_layers, pdu.nof_symbols, pdu.nof_prb, 0);
  const cf_t* h = d.host_channel.data();
  for (unsigned rx = 0; rx != rx_grid.nof_ports; ++rx) {
    for (unsigned layer = 0; layer != pdu.nof_layers; ++layer) {
      for (unsigned t = 0; t != pdu.nof_symbols; ++t) {
        const auto dst = out.channel(rx, layer, t);
        std::copy_n(h, dst.size(), dst.begin());
        h += dst.size();
      }
    }
  }
  const auto cov = out.noise_covariance(0);
  std::fill(cov.begin(), cov.end(), cf_t{});
  for (unsigned rx = 0; rx != rx_grid.nof_ports; ++rx) {
    out.noise_variance()[rx] = d.host_noise.data()[rx];
    cov[std::size_t{rx} * rx_grid.nof_ports + rx] = d.host_noise.data()[rx];
    out.dmrs_epre()[rx] = 0.0F;
    out.snr_db()[rx] = 0.0F;
  }
  out.time_offset_s = 0.0F;
  out.cfo_hz.reset();
  return status::ok();
}

} // namespace airan::phy
