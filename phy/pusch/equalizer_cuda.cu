// CUDA twin of equalizer::equalize_mmse() (equalizer.cpp, equalizer_kernel_body.h). At each RE, with port weights
// w_rx = r0 / sigma_rx^2 and noise level lambda = r0 (r0 the mean floored port variance, see equalizer.h):
//   G = H^H W H, lambda raised to tr(G) / equalizer_max_snr, A = G + lambda I, z = H^H W y, xh = A^-1 z,
//   mu_k = lambda [A^-1]_kk, d_k = 1 - mu_k, x_k = xh_k / d_k, noise_var_k = mu_k / d_k,
// with x = 0 and noise_var = equalizer_noise_var_max where d_k <= 1 / (1 + equalizer_noise_var_max) or a result is
// not finite. A^-1 by Gauss-Jordan elimination without pivoting: A is Hermitian with A >= lambda I.

#include "airan/phy/pusch/equalizer_cuda.h"

#include "../cuda/device_buffer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace airan::phy {

namespace {

constexpr unsigned threads_per_block = 128;
constexpr unsigned max_p = equalizer_cuda_max_nof_rx_ports;
constexpr float min_bias = 1.0F / (1.0F + equalizer_noise_var_max);

struct job_descriptor {
  const float2* y;
  const float2* h;
  float2* x;
  float* noise_var;
  uint32_t nof_rx_ports;
  uint32_t nof_layers;
  uint32_t nof_re;
  uint32_t nof_symbols;
  float noise_level;
  float weight[max_p];
};

__device__ __forceinline__ float2 cmul(float2 a, float2 b)
{
  return {a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x};
}

/// conj(a) b
__device__ __forceinline__ float2 cmul_conj(float2 a, float2 b)
{
  return {a.x * b.x + a.y * b.y, a.x * b.y - a.y * b.x};
}

__device__ __forceinline__ float2 cadd(float2 a, float2 b)
{
  return {a.x + b.x, a.y + b.y};
}

__device__ __forceinline__ float2 cscale(float s, float2 a)
{
  return {s * a.x, s * a.y};
}

template <unsigned V>
__device__ void equalize_re(const job_descriptor& d, unsigned re)
{
  const unsigned p = d.nof_rx_ports;
  const std::size_t n = d.nof_re;
  float2 h[max_p][V];
  for (unsigned rx = 0; rx != p; ++rx) {
#pragma unroll
    for (unsigned k = 0; k != V; ++k) {
      h[rx][k] = d.h[(std::size_t{rx} * V + k) * n + re];
    }
  }
  // A = H^H W H + lambda I and its inverse, in place (Gauss-Jordan on [A | I]).
  float2 a[V][V];
  float2 inv[V][V];
#pragma unroll
  for (unsigned j = 0; j != V; ++j) {
#pragma unroll
    for (unsigned k = 0; k != V; ++k) {
      float2 s{0.0F, 0.0F};
      for (unsigned rx = 0; rx != p; ++rx) {
        s = cadd(s, cscale(d.weight[rx], cmul_conj(h[rx][j], h[rx][k])));
      }
      a[j][k] = s;
      inv[j][k] = {j == k ? 1.0F : 0.0F, 0.0F};
    }
  }
  float trace = 0.0F;
#pragma unroll
  for (unsigned k = 0; k != V; ++k) {
    trace += a[k][k].x;
  }
  const float snr_floor = trace * (1.0F / equalizer_max_snr);
  const float lambda = snr_floor > d.noise_level ? snr_floor : d.noise_level;
#pragma unroll
  for (unsigned k = 0; k != V; ++k) {
    a[k][k].x += lambda;
  }
#pragma unroll
  for (unsigned c = 0; c != V; ++c) {
    // The pivot is real and at least lambda mathematically (A Hermitian, A >= lambda I).
    const float pivot = 1.0F / fmaxf(a[c][c].x, lambda);
#pragma unroll
    for (unsigned k = 0; k != V; ++k) {
      a[c][k] = cscale(pivot, a[c][k]);
      inv[c][k] = cscale(pivot, inv[c][k]);
    }
#pragma unroll
    for (unsigned r = 0; r != V; ++r) {
      if (r == c) {
        continue;
      }
      const float2 f = a[r][c];
#pragma unroll
      for (unsigned k = 0; k != V; ++k) {
        a[r][k] = cadd(a[r][k], cscale(-1.0F, cmul(f, a[c][k])));
        inv[r][k] = cadd(inv[r][k], cscale(-1.0F, cmul(f, inv[c][k])));
      }
    }
  }
  float inv_bias[V];
  float noise_var[V];
  bool valid[V];
#pragma unroll
  for (unsigned k = 0; k != V; ++k) {
    const float mu = lambda * inv[k][k].x;
    const float bias = 1.0F - mu;
    valid[k] = bias > min_bias && isfinite(mu);
    inv_bias[k] = 1.0F / bias;
    noise_var[k] = mu * inv_bias[k];
  }
  for (unsigned s = 0; s != d.nof_symbols; ++s) {
    float2 z[V];
#pragma unroll
    for (unsigned k = 0; k != V; ++k) {
      z[k] = {0.0F, 0.0F};
    }
    for (unsigned rx = 0; rx != p; ++rx) {
      const float2 y = cscale(d.weight[rx], d.y[(std::size_t{s} * p + rx) * n + re]);
#pragma unroll
      for (unsigned k = 0; k != V; ++k) {
        z[k] = cadd(z[k], cmul_conj(h[rx][k], y));
      }
    }
#pragma unroll
    for (unsigned k = 0; k != V; ++k) {
      float2 xh{0.0F, 0.0F};
#pragma unroll
      for (unsigned j = 0; j != V; ++j) {
        xh = cadd(xh, cmul(inv[k][j], z[j]));
      }
      float2 x = cscale(inv_bias[k], xh);
      if (!valid[k] || !isfinite(x.x) || !isfinite(x.y)) {
        x = {0.0F, 0.0F};
        valid[k] = false;
      }
      d.x[(std::size_t{s} * V + k) * n + re] = x;
    }
  }
#pragma unroll
  for (unsigned k = 0; k != V; ++k) {
    d.noise_var[std::size_t{k} * n + re] = valid[k] ? noise_var[k] : equalizer_noise_var_max;
  }
}

__global__ void __launch_bounds__(threads_per_block) equalizer_kernel(const job_descriptor* jobs)
{
  const job_descriptor& d = jobs[blockIdx.y];
  const unsigned re = blockIdx.x * blockDim.x + threadIdx.x;
  if (re >= d.nof_re) {
    return;
  }
  switch (d.nof_layers) {
  case 1:
    equalize_re<1>(d, re);
    break;
  case 2:
    equalize_re<2>(d, re);
    break;
  case 3:
    equalize_re<3>(d, re);
    break;
  default:
    equalize_re<4>(d, re);
    break;
  }
}

/// Port weights and noise level of equalize_mmse(): ports with a NaN or +infinite variance get weight 0; the others
/// are floored at equalizer_relative_noise_floor times their mean and at equalizer_noise_floor; r0 is the mean of the
/// floored variances, lambda = r0 and w_rx = r0 / sigma_rx^2.
void port_weights(job_descriptor& d, std::span<const float> rx_noise_var)
{
  const float inf = std::numeric_limits<float>::infinity();
  double sum = 0.0;
  unsigned nof_use = 0;
  for (const float s : rx_noise_var) {
    if (s < inf) {
      sum += std::max(s, 0.0F);
      ++nof_use;
    }
  }
  const double floor =
      std::max(equalizer_relative_noise_floor * sum / std::max(nof_use, 1U), double{equalizer_noise_floor});
  double r0 = 0.0;
  for (const float s : rx_noise_var) {
    r0 += s < inf ? std::max(double{s}, floor) : 0.0;
  }
  r0 /= std::max(nof_use, 1U);
  d.noise_level = nof_use == 0 ? 1.0F : static_cast<float>(r0);
  for (std::size_t rx = 0; rx != rx_noise_var.size(); ++rx) {
    const float s = rx_noise_var[rx];
    d.weight[rx] = s < inf ? static_cast<float>(r0 / std::max(double{s}, floor)) : 0.0F;
  }
}

} // namespace

struct equalizer_cuda::impl {
  explicit impl(const equalizer_cuda_config& c)
      : config(c), host_descriptors(c.max_nof_jobs), device_descriptors(c.max_nof_jobs),
        y_size(std::size_t{c.max_nof_symbols} * c.max_nof_rx_ports * c.max_nof_re),
        h_size(std::size_t{c.max_nof_rx_ports} * c.max_nof_layers * c.max_nof_re),
        x_size(std::size_t{c.max_nof_symbols} * c.max_nof_layers * c.max_nof_re),
        nv_size(std::size_t{c.max_nof_layers} * c.max_nof_re), host_in(y_size + h_size), device_in(y_size + h_size),
        host_x(x_size), device_x(x_size), host_nv(nv_size), device_nv(nv_size)
  {
  }

  equalizer_cuda_config config;
  cuda::pinned_buffer<job_descriptor> host_descriptors;
  cuda::device_buffer<job_descriptor> device_descriptors;
  std::size_t y_size;
  std::size_t h_size;
  std::size_t x_size;
  std::size_t nv_size;
  cuda::pinned_buffer<cf_t> host_in;
  cuda::device_buffer<cf_t> device_in;
  cuda::pinned_buffer<cf_t> host_x;
  cuda::device_buffer<cf_t> device_x;
  cuda::pinned_buffer<float> host_nv;
  cuda::device_buffer<float> device_nv;
  cuda::stream own_stream;
  unsigned nof_jobs = 0;
  unsigned largest_job = 0;
};

namespace {

equalizer_cuda_config checked(const equalizer_cuda_config& c)
{
  if (c.max_nof_rx_ports < 1 || c.max_nof_rx_ports > max_p || c.max_nof_layers < 1 || c.max_nof_layers > 4 ||
      c.max_nof_symbols < 1 || c.max_nof_symbols > equalizer_max_nof_symbols || c.max_nof_jobs < 1) {
    throw std::invalid_argument("equalizer (CUDA): maxima outside 1..8 receive ports, 1..4 layers, 1..14 symbols");
  }
  return c;
}

} // namespace

equalizer_cuda::equalizer_cuda(const equalizer_cuda_config& config) : impl_(std::make_unique<impl>(checked(config))) {}

equalizer_cuda::~equalizer_cuda() = default;

status equalizer_cuda::setup(std::span<const equalizer_cuda_job> jobs) noexcept
{
  impl& d = *impl_;
  d.nof_jobs = 0;
  if (jobs.size() > d.config.max_nof_jobs) {
    return status::error("equalizer (CUDA): " + std::to_string(jobs.size()) + " jobs, at most " +
                         std::to_string(d.config.max_nof_jobs));
  }
  unsigned largest = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const equalizer_cuda_job& job = jobs[i];
    if (job.nof_layers < 1 || job.nof_layers > 4 || job.nof_rx_ports < job.nof_layers || job.nof_rx_ports > max_p ||
        job.nof_symbols < 1 || job.nof_symbols > equalizer_max_nof_symbols) {
      return status::error("equalizer (CUDA): job " + std::to_string(i) + ": " + std::to_string(job.nof_layers) +
                           " layers, " + std::to_string(job.nof_rx_ports) + " receive ports, " +
                           std::to_string(job.nof_symbols) + " symbols");
    }
    if (job.nof_re != 0 && (job.y == nullptr || job.h == nullptr || job.x == nullptr || job.noise_var == nullptr)) {
      return status::error("equalizer (CUDA): job " + std::to_string(i) + " lacks a buffer");
    }
    job_descriptor& desc = d.host_descriptors.data()[i];
    desc = {reinterpret_cast<const float2*>(job.y),
            reinterpret_cast<const float2*>(job.h),
            reinterpret_cast<float2*>(job.x),
            job.noise_var,
            job.nof_rx_ports,
            job.nof_layers,
            job.nof_re,
            job.nof_symbols,
            1.0F,
            {}};
    port_weights(desc, std::span(job.rx_noise_var).first(job.nof_rx_ports));
    largest = std::max(largest, job.nof_re);
  }
  d.nof_jobs = static_cast<unsigned>(jobs.size());
  d.largest_job = largest;
  return status::ok();
}

status equalizer_cuda::enqueue(cuda::stream_handle stream) noexcept
{
  impl& d = *impl_;
  if (d.nof_jobs == 0 || d.largest_job == 0) {
    return status::ok();
  }
  if (auto s = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_descriptors.data(), d.host_descriptors.data(),
                                                d.nof_jobs * sizeof(job_descriptor), cudaMemcpyHostToDevice, stream));
      !s) {
    return s;
  }
  const dim3 grid((d.largest_job + threads_per_block - 1) / threads_per_block, d.nof_jobs);
  equalizer_kernel<<<grid, threads_per_block, 0, stream>>>(d.device_descriptors.data());
  return AIRAN_CUDA_CHECK(cudaGetLastError());
}

status equalizer_cuda::equalize_mmse(const equalizer_output& out, const equalizer_input& in,
                                     std::span<const float> rx_noise_var) noexcept
{
  impl& d = *impl_;
  const std::size_t y_count = std::size_t{in.nof_symbols} * in.nof_rx_ports * in.nof_re;
  const std::size_t h_count = std::size_t{in.nof_rx_ports} * in.nof_layers * in.nof_re;
  const std::size_t x_count = std::size_t{in.nof_symbols} * in.nof_layers * in.nof_re;
  const std::size_t nv_count = std::size_t{in.nof_layers} * in.nof_re;
  if (in.nof_rx_ports > d.config.max_nof_rx_ports || in.nof_layers > d.config.max_nof_layers ||
      in.nof_re > d.config.max_nof_re || in.nof_symbols > d.config.max_nof_symbols || in.y.size() != y_count ||
      in.h.size() != h_count || out.x.size() != x_count || out.noise_var.size() != nv_count ||
      (rx_noise_var.size() != 1 && rx_noise_var.size() != in.nof_rx_ports)) {
    return status::error("equalizer (CUDA): sizes beyond the maxima or inconsistent with the dimensions");
  }
  if (!in.symbol_phase.empty() || !in.symbol_index.empty() || out.interleaved || in.y_port_stride != 0 ||
      in.y_symbol_stride != 0 || in.h_stride != 0) {
    return status::error("equalizer (CUDA): packed layouts only (no row distances, symbol phases or indices, or "
                         "interleaved output)");
  }
  equalizer_cuda_job job{in.nof_rx_ports,   in.nof_layers,      in.nof_re,
                         in.nof_symbols,    d.device_in.data(), d.device_in.data() + y_count,
                         d.device_x.data(), d.device_nv.data(), {}};
  for (unsigned rx = 0; rx != in.nof_rx_ports; ++rx) {
    job.rx_noise_var[rx] = rx_noise_var[rx_noise_var.size() == 1 ? 0 : rx];
  }
  if (status st = setup({&job, 1}); !st) {
    return st;
  }
  std::copy(in.y.begin(), in.y.end(), d.host_in.data());
  std::copy(in.h.begin(), in.h.end(), d.host_in.data() + y_count);
  cudaStream_t s = d.own_stream.get();
  if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_in.data(), d.host_in.data(),
                                                 (y_count + h_count) * sizeof(cf_t), cudaMemcpyHostToDevice, s));
      !st) {
    return st;
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(
          cudaMemcpyAsync(d.host_x.data(), d.device_x.data(), x_count * sizeof(cf_t), cudaMemcpyDeviceToHost, s));
      !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(
          cudaMemcpyAsync(d.host_nv.data(), d.device_nv.data(), nv_count * sizeof(float), cudaMemcpyDeviceToHost, s));
      !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  std::copy_n(d.host_x.data(), x_count, out.x.begin());
  std::copy_n(d.host_nv.data(), nv_count, out.noise_var.begin());
  return status::ok();
}

} // namespace airan::phy
