#pragma once
/// CUDA twin of ofdm_demodulator (ofdm.h): cyclic prefix removal, one batched cuFFT over all symbols and ports of
/// the slot, and the subcarrier extraction with the window ramp, TS 38.211 5.4 phase and sqrt(N_FFT) gain. No CUDA
/// header here.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/ofdm/ofdm_slot_demodulator.h"

#include <memory>
#include <span>

namespace airan::phy {

/// GPU demodulator. Lifecycle: create (plans one cuFFT batch per port count, allocates everything), setup() (host
/// only), enqueue(stream). FFTs differ from FFTW in rounding: results agree with the CPU to single-precision
/// relative error, not bit-exactly.
class ofdm_demodulator_cuda {
public:
  ofdm_demodulator_cuda(const ofdm_demodulator_config& config, unsigned max_nof_ports);
  ~ofdm_demodulator_cuda();
  ofdm_demodulator_cuda(const ofdm_demodulator_cuda&) = delete;
  ofdm_demodulator_cuda& operator=(const ofdm_demodulator_cuda&) = delete;

  const ofdm_numerology& numerology() const noexcept;
  /// Samples between the start of each FFT window and the end of the cyclic prefix (as ofdm_demodulator).
  unsigned fft_window_offset() const noexcept;

  /// samples: device address of nof_ports x slot_length(slot) samples (port after port); grid: device address of
  /// nof_ports x symbols x subcarriers resource elements. No allocation, no device call.
  status setup(const cf_t* samples, cf_t* grid, unsigned nof_ports, unsigned slot) noexcept;

  /// CP removal, batched FFT and extraction on stream.
  status enqueue(cuda::stream_handle stream) noexcept;

  /// Host-memory convenience with the arguments of ofdm_demodulator::demodulate(); stages through pinned and device
  /// memory, runs on an internal stream and waits.
  status demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
