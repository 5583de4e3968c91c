// CUDA twin of ofdm_demodulator (ofdm_demodulator.cpp): gather of the FFT windows (cyclic prefix removal), one batched
// cuFFT over every symbol of every port, then one multiplication per resource element by the window ramp and gain
// (per subcarrier) and the TS 38.211 5.4 phase exp(j theta_l) (per symbol).

#include "airan/phy/ofdm/ofdm_demodulator_cuda.h"

#include "../cuda/cufft_plan.h"
#include "../cuda/device_buffer.h"
#include "ofdm_detail.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace airan::phy {

namespace {

constexpr unsigned threads_per_block = 256;

/// Copies the FFT window of symbol blockIdx.y of port blockIdx.z into its transform buffer.
__global__ void __launch_bounds__(threads_per_block)
    gather_windows_kernel(float2* fft, const float2* samples, const unsigned* window_start, unsigned fft_size,
                          unsigned slot_length)
{
  const unsigned n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n >= fft_size) {
    return;
  }
  const unsigned symbol = blockIdx.y;
  const unsigned port = blockIdx.z;
  fft[(std::size_t{port} * gridDim.y + symbol) * fft_size + n] =
      samples[std::size_t{port} * slot_length + window_start[symbol] + n];
}

__device__ __forceinline__ float2 multiply(float2 a, float2 b)
{
  return make_float2(__fsub_rn(__fmul_rn(a.x, b.x), __fmul_rn(a.y, b.y)),
                     __fadd_rn(__fmul_rn(a.x, b.y), __fmul_rn(a.y, b.x)));
}

/// Grid subcarrier k of symbol blockIdx.y of port blockIdx.z: FFT bin N - 6 N_RB + k below DC, k - 6 N_RB above.
__global__ void __launch_bounds__(threads_per_block)
    extract_kernel(float2* grid, const float2* fft, const float2* weights, const float2* symbol_phases,
                   unsigned fft_size, unsigned nof_subcarriers)
{
  const unsigned k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= nof_subcarriers) {
    return;
  }
  const unsigned symbol = blockIdx.y;
  const unsigned port = blockIdx.z;
  const std::size_t signal = std::size_t{port} * gridDim.y + symbol;
  const unsigned half = nof_subcarriers / 2;
  const unsigned bin = k < half ? fft_size - half + k : k - half;
  grid[signal * nof_subcarriers + k] =
      multiply(fft[signal * fft_size + bin], multiply(weights[k], symbol_phases[symbol]));
}

float2 to_float2(std::complex<double> z)
{
  return make_float2(static_cast<float>(z.real()), static_cast<float>(z.imag()));
}

} // namespace

struct ofdm_demodulator_cuda::impl {
  impl(const ofdm_demodulator_config& config, unsigned max_ports) :
    numerology(config.carrier, config.fft_size),
    window_offset(ofdm_fft_window_offset(numerology, config.fft_window_offset_cp_fraction)),
    max_nof_ports(max_ports),
    nof_symbols(numerology.nof_symbols_per_slot()),
    max_slot_length(std::max(numerology.slot_length(0), numerology.slot_length(1 % numerology.nof_slots_per_subframe()))),
    host_window_start(std::size_t{numerology.nof_slots_per_subframe()} * nof_symbols),
    device_window_start(host_window_start.size()),
    host_weights(numerology.nof_subcarriers()),
    device_weights(host_weights.size()),
    host_phases(std::size_t{numerology.nof_slots_per_subframe()} * nof_symbols),
    device_phases(host_phases.size()),
    fft(std::size_t{max_ports} * nof_symbols * numerology.fft_size()),
    host_samples(std::size_t{max_ports} * max_slot_length),
    device_samples(host_samples.size()),
    host_grid(std::size_t{max_ports} * nof_symbols * numerology.nof_subcarriers()),
    device_grid(host_grid.size())
  {
    assert(validate_ofdm_demodulator_config(config).is_ok());
    if (max_ports < 1 || max_ports > ofdm_max_ports) {
      throw std::runtime_error("OFDM (CUDA): " + std::to_string(max_ports) + " ports out of range (1.." +
                               std::to_string(ofdm_max_ports) + ")");
    }
    const unsigned n_fft = numerology.fft_size();
    const int half = static_cast<int>(numerology.nof_subcarriers() / 2);
    for (unsigned k = 0; k != host_weights.size(); ++k) {
      const double frequency = static_cast<int>(k) - half;
      host_weights.data()[k] = to_float2(std::polar(1.0 / std::sqrt(static_cast<double>(n_fft)),
                                                    2.0 * std::numbers::pi * frequency * window_offset / n_fft));
    }
    for (unsigned slot = 0; slot != numerology.nof_slots_per_subframe(); ++slot) {
      for (unsigned symbol = 0; symbol != nof_symbols; ++symbol) {
        const std::size_t i = std::size_t{slot} * nof_symbols + symbol;
        host_window_start.data()[i] =
            numerology.symbol_offset(slot, symbol) + numerology.cp_length(slot, symbol) - window_offset;
        const double cycles = numerology.upconversion_phase_cycles(config.carrier.center_frequency_hz, slot, symbol);
        host_phases.data()[i] = to_float2(std::polar(1.0, 2.0 * std::numbers::pi * cycles));
      }
    }
    for (unsigned ports = 1; ports <= max_ports; ++ports) {
      plans.emplace_back(static_cast<int>(n_fft), static_cast<int>(ports * nof_symbols), static_cast<int>(n_fft));
    }
    cudaStream_t s = own_stream.get();
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaMemcpyAsync(device_window_start.data(), host_window_start.data(),
                                                          host_window_start.size_bytes(), cudaMemcpyHostToDevice, s)));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaMemcpyAsync(device_weights.data(), host_weights.data(),
                                                          host_weights.size_bytes(), cudaMemcpyHostToDevice, s)));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaMemcpyAsync(device_phases.data(), host_phases.data(),
                                                          host_phases.size_bytes(), cudaMemcpyHostToDevice, s)));
    cuda::throw_on_error(AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)));
  }

  ofdm_numerology numerology;
  unsigned window_offset;
  unsigned max_nof_ports;
  unsigned nof_symbols;
  unsigned max_slot_length;
  cuda::pinned_buffer<unsigned> host_window_start;
  cuda::device_buffer<unsigned> device_window_start;
  cuda::pinned_buffer<float2> host_weights;
  cuda::device_buffer<float2> device_weights;
  cuda::pinned_buffer<float2> host_phases;
  cuda::device_buffer<float2> device_phases;
  cuda::device_buffer<float2> fft;
  // Staging of demodulate() from host memory.
  cuda::pinned_buffer<cf_t> host_samples;
  cuda::device_buffer<cf_t> device_samples;
  cuda::pinned_buffer<cf_t> host_grid;
  cuda::device_buffer<cf_t> device_grid;
  std::vector<cuda::cufft_plan> plans;
  cuda::stream own_stream;

  // The slot of the last setup().
  const cf_t* samples = nullptr;
  cf_t* grid = nullptr;
  unsigned nof_ports = 0;
  unsigned slot_in_subframe = 0;
  unsigned slot_length = 0;
};

ofdm_demodulator_cuda::ofdm_demodulator_cuda(const ofdm_demodulator_config& config, unsigned max_nof_ports) :
  impl_(std::make_unique<impl>(config, max_nof_ports))
{
}

ofdm_demodulator_cuda::~ofdm_demodulator_cuda() = default;

const ofdm_numerology& ofdm_demodulator_cuda::numerology() const noexcept
{
  return impl_->numerology;
}

unsigned ofdm_demodulator_cuda::fft_window_offset() const noexcept
{
  return impl_->window_offset;
}

status ofdm_demodulator_cuda::setup(const cf_t* samples, cf_t* grid, unsigned nof_ports, unsigned slot) noexcept
{
  impl& d = *impl_;
  d.nof_ports = 0;
  if (nof_ports < 1 || nof_ports > d.max_nof_ports) {
    return status::error("OFDM (CUDA): " + std::to_string(nof_ports) + " ports out of range (1.." +
                         std::to_string(d.max_nof_ports) + ")");
  }
  if (samples == nullptr || grid == nullptr) {
    return status::error("OFDM (CUDA): no sample or grid buffer");
  }
  d.samples = samples;
  d.grid = grid;
  d.nof_ports = nof_ports;
  d.slot_in_subframe = slot % d.numerology.nof_slots_per_subframe();
  d.slot_length = d.numerology.slot_length(slot);
  return status::ok();
}

status ofdm_demodulator_cuda::enqueue(cuda::stream_handle stream) noexcept
{
  impl& d = *impl_;
  if (d.nof_ports == 0) {
    return status::error("OFDM (CUDA): enqueue without a successful setup");
  }
  const unsigned n_fft = d.numerology.fft_size();
  const unsigned nof_subcarriers = d.numerology.nof_subcarriers();
  const std::size_t table_offset = std::size_t{d.slot_in_subframe} * d.nof_symbols;
  const dim3 gather_grid((n_fft + threads_per_block - 1) / threads_per_block, d.nof_symbols, d.nof_ports);
  gather_windows_kernel<<<gather_grid, threads_per_block, 0, stream>>>(
      d.fft.data(), reinterpret_cast<const float2*>(d.samples), d.device_window_start.data() + table_offset, n_fft,
      d.slot_length);
  if (auto s = AIRAN_CUDA_CHECK(cudaGetLastError()); !s) {
    return s;
  }
  if (auto s = d.plans[d.nof_ports - 1].forward(d.fft.data(), d.fft.data(), stream); !s) {
    return s;
  }
  const dim3 extract_grid((nof_subcarriers + threads_per_block - 1) / threads_per_block, d.nof_symbols, d.nof_ports);
  extract_kernel<<<extract_grid, threads_per_block, 0, stream>>>(
      reinterpret_cast<float2*>(d.grid), d.fft.data(), d.device_weights.data(),
      d.device_phases.data() + table_offset, n_fft, nof_subcarriers);
  return AIRAN_CUDA_CHECK(cudaGetLastError());
}

status ofdm_demodulator_cuda::demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples,
                                         unsigned slot) noexcept
{
  impl& d = *impl_;
  if (status s = detail::validate_slot_buffers(d.numerology, grid, samples, slot); !s) {
    return s;
  }
  if (grid.nof_ports > d.max_nof_ports) {
    return status::error("OFDM (CUDA): " + std::to_string(grid.nof_ports) + " ports, at most " +
                         std::to_string(d.max_nof_ports));
  }
  const std::size_t slot_length = d.numerology.slot_length(slot);
  for (std::size_t port = 0; port != samples.size(); ++port) {
    std::copy(samples[port].begin(), samples[port].end(), d.host_samples.data() + port * slot_length);
  }
  if (status s = setup(d.device_samples.data(), d.device_grid.data(), grid.nof_ports, slot); !s) {
    return s;
  }
  cudaStream_t s = d.own_stream.get();
  if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.device_samples.data(), d.host_samples.data(),
                                                 samples.size() * slot_length * sizeof(cf_t), cudaMemcpyHostToDevice,
                                                 s));
      !st) {
    return st;
  }
  if (status st = enqueue(s); !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaMemcpyAsync(d.host_grid.data(), d.device_grid.data(),
                                                 grid.size() * sizeof(cf_t), cudaMemcpyDeviceToHost, s));
      !st) {
    return st;
  }
  if (auto st = AIRAN_CUDA_CHECK(cudaStreamSynchronize(s)); !st) {
    return st;
  }
  std::copy_n(d.host_grid.data(), grid.size(), grid.data);
  return status::ok();
}

} // namespace airan::phy
