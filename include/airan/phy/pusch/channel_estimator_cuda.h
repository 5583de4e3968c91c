#pragma once
/// CUDA twin of the LS channel estimator with linear interpolation (channel_estimator_kind::ls_linear,
/// channel_estimator.h), DM-RS configuration types 1 and 2, single- and double-symbol DM-RS, all PUSCH allocations of a
/// slot in one batch:
/// 1. LS at the DM-RS REs: y / p with p the layer's DM-RS value (generate_pusch_dmrs() on the host in setup(), copied
///    with the descriptors), averaged over the two symbols of a double-symbol occasion (w_t despreading) and, when the
///    layer's CDM group holds layers with different w_f, over each pair of adjacent DM-RS REs (w_f despreading, the
///    value standing at the pair's centre);
/// 2. noise variance per rx port: the mean |y|^2 over the REs of CDM groups without data that carry no layer, when
///    the allocation has such REs; otherwise beta^2 m E|d_{i+1} - d_i|^2 / 2 over consecutive LS values d of each layer
///    and occasion (m REs averaged per value), which the channel's own variation over 2..6 subcarriers biases upward;
/// 3. linear interpolation in frequency to every allocated subcarrier (constant beyond the first and last values),
///    then in time between the occasions (constant outside them).
/// Differences from the CPU estimator: no timing or frequency offset is estimated or removed before interpolating, and
/// no covariance, EPRE or SNR is computed. It matches ls_linear for channels whose delay is well inside the cyclic
/// prefix and without frequency offset; channel_estimator.h documents the CPU method. No CUDA header here.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/cuda/device.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <memory>
#include <span>

namespace airan::phy {

struct channel_estimator_cuda_config {
  unsigned max_nof_jobs = 16;
  unsigned max_nof_prb = 275;
  /// Receive ports, 1..8; layers 1..4.
  unsigned max_nof_rx_ports = 4;
  unsigned max_nof_layers = 4;
};

/// One PUSCH allocation of a batch.
struct channel_estimator_cuda_job {
  /// Read by setup() only (host): the allocation, DM-RS and carrier.
  const pusch_pdu* pdu = nullptr;
  const carrier_config* carrier = nullptr;
  /// Device: the slot's grid [rx][symbol][subcarrier], N_symb^slot symbols and 12 carrier->bwp_size subcarriers.
  const cf_t* grid = nullptr;
  unsigned nof_rx_ports = 0;
  /// Device outputs: channel [rx][layer][symbol of the allocation][subcarrier of the allocation] (the layout of
  /// channel_estimate::all_channels()) and the noise variance of each rx port.
  cf_t* channel = nullptr;
  float* noise_var = nullptr;
};

/// Lifecycle as soft_demapper_cuda: create (allocates), setup() (host only: DM-RS pattern, pilots and descriptors
/// into pinned memory), enqueue() (copies, three kernels).
class channel_estimator_cuda {
public:
  /// Allocates device, pinned and staging memory; throws std::runtime_error on a CUDA error, std::invalid_argument
  /// for maxima out of range.
  explicit channel_estimator_cuda(const channel_estimator_cuda_config& config);
  ~channel_estimator_cuda();
  channel_estimator_cuda(const channel_estimator_cuda&) = delete;
  channel_estimator_cuda& operator=(const channel_estimator_cuda&) = delete;

  /// Computes each job's DM-RS pattern (compute_pusch_dmrs_pattern()) and checks the maxima and buffers; transform
  /// precoding is rejected (its low-PAPR DM-RS is not handled here). Generates the pilots. No allocation, no device
  /// call.
  status setup(std::span<const channel_estimator_cuda_job> jobs) noexcept;

  status enqueue(cuda::stream_handle stream) noexcept;

  /// Host-memory convenience with the arguments of channel_estimator::estimate(): stages the grid, runs on an internal
  /// stream, waits, and fills out's channel and noise_variance (its covariance is set to the diagonal of the noise
  /// variances; time_offset_s = 0, no cfo_hz; EPRE and SNR 0).
  status estimate(channel_estimate& out, const_grid_view rx_grid, const pusch_pdu& pdu,
                  const carrier_config& carrier) noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
