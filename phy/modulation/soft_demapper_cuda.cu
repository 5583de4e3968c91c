// CUDA twin of the max-log soft demapper (soft_demapper.cpp) with the descrambler (scrambling.cpp) fused: the same
// closed-form PAM metrics evaluated with the same single-precision operations in the same order (explicit _rn
// intrinsics, so that nothing is contracted into an FMA), the same clamping and rounding, then the sign flips of the
// TS 38.211 5.2.1 Gold sequence.

#include "airan/phy/modulation/soft_demapper_cuda.h"

#include "../cuda/device_buffer.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace airan::phy {

namespace {

constexpr unsigned symbols_per_thread = 8;
constexpr unsigned threads_per_block = 128;
/// Length of the m-sequence states (TS 38.211 5.2.1: x1, x2 of degree 31) and number of jump powers 2^0..2^30.
constexpr unsigned state_bits = 31;
/// N_C of TS 38.211 5.2.1.
constexpr unsigned gold_offset = 1600;

/// Columns of M^(2^k) for the state transitions of x1 and x2: state bit i is x(n + i); column i is the image of e_i.
struct gold_jump_tables {
  uint32_t x1[state_bits][state_bits];
  uint32_t x2[state_bits][state_bits];
};

__constant__ gold_jump_tables gold_jumps;

struct job_descriptor {
  const float* iq;
  const float* noise_var;
  int8_t* llrs;
  uint32_t nof_symbols;
  /// K: bits per dimension of the square QAM (1..4), 0 for pi/2-BPSK.
  uint32_t bits_per_dimension;
  float scale;
  uint32_t c_init;
};

__host__ __device__ constexpr uint32_t step_x1(uint32_t s)
{
  return (s >> 1) | ((((s >> 3) ^ s) & 1U) << 30);
}

__host__ __device__ constexpr uint32_t step_x2(uint32_t s)
{
  return (s >> 1) | ((((s >> 3) ^ (s >> 2) ^ (s >> 1) ^ s) & 1U) << 30);
}

__host__ __device__ constexpr uint32_t apply(const uint32_t (&columns)[state_bits], uint32_t s)
{
  uint32_t r = 0;
  for (unsigned i = 0; i != state_bits; ++i) {
    r ^= columns[i] & (0U - ((s >> i) & 1U));
  }
  return r;
}

gold_jump_tables make_gold_jump_tables()
{
  gold_jump_tables t{};
  for (unsigned i = 0; i != state_bits; ++i) {
    t.x1[0][i] = step_x1(1U << i);
    t.x2[0][i] = step_x2(1U << i);
  }
  for (unsigned k = 1; k != state_bits; ++k) {
    for (unsigned i = 0; i != state_bits; ++i) {
      t.x1[k][i] = apply(t.x1[k - 1], t.x1[k - 1][i]);
      t.x2[k][i] = apply(t.x2[k - 1], t.x2[k - 1][i]);
    }
  }
  return t;
}

/// The state x(n .. n + 30) of an m-sequence from x(0 .. 30), n < 2^31.
__device__ uint32_t jump(const uint32_t (&powers)[state_bits][state_bits], uint32_t s, uint32_t n)
{
  for (unsigned k = 0; k != state_bits; ++k) {
    if ((n >> k) & 1U) {
      s = apply(powers[k], s);
    }
  }
  return s;
}

/// NaN -> 0, then clamp to +-limit.
__device__ __forceinline__ float sanitise(float x, float limit)
{
  x = (x == x) ? x : 0.0F;
  x = (x < limit) ? x : limit;
  return (x > -limit) ? x : -limit;
}

/// c / N0 with N0 raised to demapper_noise_var_floor; NaN and +inf give 0.
__device__ __forceinline__ float over_noise_var(float c, float noise_var)
{
  const float cap = __fdiv_rn(c, demapper_noise_var_floor);
  float w = __fdiv_rn(c, noise_var);
  w = (w < cap) ? w : cap;
  w = (noise_var < demapper_noise_var_floor) ? cap : w;
  return (noise_var == noise_var) ? w : 0.0F;
}

/// Max-log metric of the sign bit of the Gray PAM with levels +-1 .. +-(2^b - 1) (see soft_demapper.cpp).
__device__ __forceinline__ float pam_sign_bit_metric(float u, unsigned b)
{
  if (b == 1) {
    return __fmul_rn(4.0F, u);
  }
  const float v = fabsf(u);
  const int h = min(__float2int_rz(__fmul_rn(0.5F, v)), (1 << (b - 1)) - 1);
  const float p = __fadd_rn(__fmul_rn(2.0F, static_cast<float>(h)), 1.0F);
  const float magnitude = __fmul_rn(__fadd_rn(p, 1.0F), __fsub_rn(__fadd_rn(__fmul_rn(2.0F, v), 1.0F), p));
  return __int_as_float(__float_as_int(magnitude) | (__float_as_int(u) & static_cast<int>(0x80000000U)));
}

/// clamp(round(x), -127, 127), ties to even.
__device__ __forceinline__ int quantise(float x)
{
  x = (x < 127.0F) ? x : 127.0F;
  x = (x > -127.0F) ? x : -127.0F;
  return __float2int_rn(x);
}

/// The LLRs of one symbol, scaled, in the bit order of TS 38.211 5.1 (b(2j) from the real part, b(2j+1) from the
/// imaginary part for the square QAMs).
template <unsigned K>
__device__ __forceinline__ void symbol_llrs(float* out, float re, float im, float noise_var, float scale,
                                            unsigned index)
{
  if constexpr (K == 0) {
    constexpr float four_over_sqrt2 = 2.82842712474619010F;
    const float y_re = sanitise(re, demapper_symbol_limit);
    const float y_im = sanitise(im, demapper_symbol_limit);
    const float w = over_noise_var(__fmul_rn(scale, four_over_sqrt2), noise_var);
    out[0] = __fmul_rn(w, __fadd_rn(y_im, (index & 1U) != 0 ? -y_re : y_re));
  } else {
    constexpr float sqrt_norms[5] = {0.0F, 1.41421356237309505F, 3.16227766016837933F, 6.48074069840786023F,
                                     13.0384048104052974F};
    constexpr float sqrt_norm = sqrt_norms[K];
    constexpr float inv_norm = 1.0F / static_cast<float>(2 * ((1U << (2 * K)) - 1) / 3);
    constexpr float limit = sqrt_norm * demapper_symbol_limit;
    const float w = over_noise_var(__fmul_rn(scale, inv_norm), noise_var);
    const float parts[2] = {re, im};
#pragma unroll
    for (unsigned d = 0; d != 2; ++d) {
      float u = sanitise(__fmul_rn(sqrt_norm, parts[d]), limit);
#pragma unroll
      for (unsigned j = 0; j != K; ++j) {
        out[2 * j + d] = __fmul_rn(w, pam_sign_bit_metric(u, K - j));
        u = __fsub_rn(static_cast<float>(1U << (K - j - 1)), fabsf(u));
      }
    }
  }
}

template <unsigned K>
__device__ void demap_group(const job_descriptor& d, unsigned first)
{
  constexpr unsigned qm = K == 0 ? 1 : 2 * K;
  const unsigned end = min(first + symbols_per_thread, d.nof_symbols);
  // Both m-sequences at n = N_C + (index of the first LLR of the group).
  const uint32_t n = gold_offset + first * qm;
  uint32_t x1 = jump(gold_jumps.x1, 1U, n);
  uint32_t x2 = jump(gold_jumps.x2, d.c_init, n);
  for (unsigned i = first; i != end; ++i) {
    float llrs[qm];
    symbol_llrs<K>(llrs, d.iq[2 * i], d.iq[2 * i + 1], d.noise_var[i], d.scale, i);
#pragma unroll
    for (unsigned b = 0; b != qm; ++b) {
      const int q = quantise(llrs[b]);
      d.llrs[std::size_t{i} * qm + b] = static_cast<int8_t>(((x1 ^ x2) & 1U) != 0 ? -q : q);
      x1 = step_x1(x1);
      x2 = step_x2(x2);
    }
  }
}

__global__ void __launch_bounds__(threads_per_block) soft_demap_kernel(const job_descriptor* jobs)
{
  const job_descriptor d = jobs[blockIdx.y];
  const unsigned first = (blockIdx.x * blockDim.x + threadIdx.x) * symbols_per_thread;
  if (first >= d.nof_symbols) {
    return;
  }
  switch (d.bits_per_dimension) {
    case 0:
      demap_group<0>(d, first);
      break;
    case 1:
      demap_group<1>(d, first);
      break;
    case 2:
      demap_group<2>(d, first);
      break;
    case 3:
      demap_group<3>(d, first);
      break;
    default:
      demap_group<4>(d, first);
      break;
  }
}

} // namespace

struct soft_demapper_cuda::impl {
  explicit impl(const soft_demapper_config& c) :
    config(c),
    host_descriptors(c.max_nof_jobs),
    device_descriptors(c.max_nof_jobs),
    host_symbols(c.max_nof_symbols),
    device_symbols(c.max_nof_symbols),
    host_noise_var(c.max_nof_symbols),
    device_noise_var(c.max_nof_symbols),
    host_llrs(std::size_t{c.max_nof_symbols} * 8),
    device_llrs(std::size_t{c.max_nof_symbols} * 8),
    staged(c.max_nof_jobs)
  {
    const gold_jump_tables tables = make_gold_jump_tables();
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaMemcpyToSymbolAsync(gold_jumps, &tables, sizeof(tables), 0,
                                                                  cudaMemcpyHostToDevice, own_stream.get())));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaStreamSynchronize(own_stream.get())));
  }

  soft_demapper_config config;
  cuda::pinned_buffer<job_descriptor> host_descriptors;
  cuda::device_buffer<job_descriptor> device_descriptors;
  cuda::pinned_buffer<cf_t> host_symbols;
  cuda::device_buffer<cf_t> device_symbols;
  cuda::pinned_buffer<float> host_noise_var;
  cuda::device_buffer<float> device_noise_var;
  cuda::pinned_buffer<int8_t> host_llrs;
  cuda::device_buffer<int8_t> device_llrs;
  std::vector<soft_demapper_cuda_job> staged;
  cuda::stream own_stream;

  unsigned nof_jobs = 0;
  unsigned largest_job = 0;
};

soft_demapper_cuda::soft_demapper_cuda(const soft_demapper_config& config) : impl_(std::make_unique<impl>(config)) {}

soft_demapper_cuda::~soft_demapper_cuda() = default;

status soft_demapper_cuda::setup(std::span<const soft_demapper_cuda_job> jobs) noexcept
{
  impl& d = *impl_;
  d.nof_jobs = 0;
  if (jobs.size() > d.config.max_nof_jobs) {
    return status::error("soft demapper (CUDA): " + std::to_string(jobs.size()) + " codewords, at most " +
                         std::to_string(d.config.max_nof_jobs));
  }
  unsigned largest = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const soft_demapper_cuda_job& job = jobs[i];
    const unsigned qm = modulation_order(job.scheme);
    if (qm == 0 || !(job.llr_scale > 0.0F && job.llr_scale <= 1.0e6F) || job.c_init >= (1U << 31) ||
        (job.nof_symbols != 0 && (job.symbols == nullptr || job.noise_var == nullptr || job.llrs == nullptr))) {
      return status::error("soft demapper (CUDA): codeword " + std::to_string(i) +
                           " has an invalid scheme, LLR scale, c_init or buffer");
    }
    if (uint64_t{job.nof_symbols} * qm + gold_offset >= (uint64_t{1} << 31)) {
      return status::error("soft demapper (CUDA): codeword " + std::to_string(i) + " has too many symbols");
    }
    d.host_descriptors.data()[i] = job_descriptor{
        .iq = reinterpret_cast<const float*>(job.symbols),
        .noise_var = job.noise_var,
        .llrs = job.llrs,
        .nof_symbols = job.nof_symbols,
        .bits_per_dimension = job.scheme == modulation_scheme::pi2_bpsk ? 0 : qm / 2,
        .scale = job.llr_scale,
        .c_init = job.c_init,
    };
    largest = std::max(largest, job.nof_symbols);
  }
  d.nof_jobs = static_cast<unsigned>(jobs.size());
  d.largest_job = largest;
  return status::ok();
}

status soft_demapper_cuda::enqueue(cuda::stream_handle stream) noexcept
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
  const unsigned groups = (d.largest_job + symbols_per_thread - 1) / symbols_per_thread;
  const dim3 grid((groups + threads_per_block - 1) / threads_per_block, d.nof_jobs);
  soft_demap_kernel<<<grid, threads_per_block, 0, stream>>>(d.device_descriptors.data());
  return AIRAN_CUDA_CHECK(cudaGetLastError());
}

status soft_demapper_cuda::demodulate(std::span<const soft_demap_job> jobs) noexcept
{
  impl& d = *impl_;
  if (jobs.size() > d.config.max_nof_jobs) {
    return status::error("soft demapper (CUDA): too many codewords");
  }
  std::size_t symbol_offset = 0;
  std::size_t llr_offset = 0;
  for (std::size_t i = 0; i != jobs.size(); ++i) {
    const soft_demap_job& job = jobs[i];
    if (symbol_offset + job.symbols.size() > d.config.max_nof_symbols || job.noise_var.size() != job.symbols.size() ||
        job.llrs.size() != job.symbols.size() * modulation_order(job.scheme)) {
      return status::error("soft demapper (CUDA): codeword " + std::to_string(i) + " does not fit or is inconsistent");
    }
    std::copy(job.symbols.begin(), job.symbols.end(), d.host_symbols.data() + symbol_offset);
    std::copy(job.noise_var.begin(), job.noise_var.end(), d.host_noise_var.data() + symbol_offset);
    d.staged[i] = soft_demapper_cuda_job{
        .symbols = d.device_symbols.data() + symbol_offset,
        .noise_var = d.device_noise_var.data() + symbol_offset,
        .nof_symbols = static_cast<unsigned>(job.symbols.size()),
        .scheme = job.scheme,
        .llr_scale = job.llr_scale,
        .c_init = job.c_init,
        .llrs = d.device_llrs.data() + llr_offset,
    };
    symbol_offset += job.symbols.size();
    llr_offset += job.llrs.size();
  }
  if (status st = setup({d.staged.data(), jobs.size()}); !st) {
    return st;
  }
  cudaStream_t s = d.own_stream.get();
  if (symbol_offset != 0) {
    if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_symbols.data(), d.host_symbols.data(),
                                                   symbol_offset * sizeof(cf_t), cudaMemcpyHostToDevice, s));
        !st) {
      return st;
    }
    if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_noise_var.data(), d.host_noise_var.data(),
                                                   symbol_offset * sizeof(float), cudaMemcpyHostToDevice, s));
        !st) {
      return st;
    }
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  if (llr_offset != 0) {
    if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_llrs.data(), d.device_llrs.data(), llr_offset,
                                                   cudaMemcpyDeviceToHost, s));
        !st) {
      return st;
    }
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  llr_offset = 0;
  for (const soft_demap_job& job : jobs) {
    std::copy_n(d.host_llrs.data() + llr_offset, job.llrs.size(), job.llrs.data());
    llr_offset += job.llrs.size();
  }
  return status::ok();
}

} // namespace airan::phy
