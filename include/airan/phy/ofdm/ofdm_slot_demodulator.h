#pragma once
/// OFDM demodulation of whole slots (TS 38.211 5.3.1, 5.4, see ofdm.h) behind one interface, on the CPU or the GPU
/// (backend::{cpu, cuda, automatic}).

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/common/backend.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/ofdm/ofdm.h"

#include <memory>
#include <span>

namespace airan::phy {

/// Demodulator of whole slots on the CPU (ofdm_demodulator) or the GPU (ofdm_demodulator_cuda).
class ofdm_slot_demodulator {
public:
  virtual ~ofdm_slot_demodulator() = default;
  virtual backend active_backend() const noexcept = 0;
  /// As ofdm_demodulator::validate() and demodulate(); the cuda backend may also return a device error.
  virtual status demodulate(grid_view grid, std::span<const std::span<const cf_t>> samples, unsigned slot) noexcept = 0;
};

/// Creates a slot demodulator on the given backend for up to max_nof_ports ports (1..ofdm_max_ports). Requires
/// validate_ofdm_demodulator_config(config) to be ok; throws std::runtime_error when cuda is requested and
/// unavailable, or on a CUDA or cuFFT error at creation.
std::unique_ptr<ofdm_slot_demodulator> create_ofdm_slot_demodulator(backend requested,
                                                                   const ofdm_demodulator_config& config,
                                                                   unsigned max_nof_ports);

} // namespace airan::phy
