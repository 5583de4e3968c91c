#pragma once
/// Throughput and latency benchmark of the PUSCH slot pipeline (`airan bench`): N cells x M slots of one profile.
/// Each cell's slot is generated once with the transmitter twin (its own flat Rayleigh MIMO channel and a little
/// white noise, fixed seeds), then every cell's slot is decoded M times from its grid (no OFDM: grid input), each
/// decode timed on its own; cells are spread over worker threads, one receiver each.

#include "airan/common/status.h"
#include "airan/phy/coding/mcs_tbs.h"
#include "airan/phy/common/backend.h"
#include "airan/phy/pusch/channel_estimator.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace airan::sim {

struct slot_bench_config {
  unsigned nof_cells = 1;
  /// Timed slots per cell, and untimed slots per cell decoded first (caches, page faults, branch predictors).
  unsigned nof_slots = 20;
  unsigned nof_warmup_slots = 2;
  /// Profile: 100 MHz at 30 kHz (numerology 1, 273 PRB), 4 RX ports, 2 layers, 256QAM MCS 27 (TS 38.214 Table
  /// 5.1.3.1-2: R 948/1024), full-slot allocation with DM-RS type 1 on symbols 2 and 11.
  unsigned numerology = 1;
  unsigned nof_prb = 273;
  unsigned nof_rx_ports = 4;
  unsigned nof_layers = 2;
  phy::mcs_table table = phy::mcs_table::qam256;
  unsigned mcs = 27;
  phy::channel_estimator_kind estimator = phy::channel_estimator_kind::ls_linear;
  /// Per-RE SNR at each receive port (dB); high enough that the profile decodes, low enough that LDPC iterates.
  double snr_db = 38.0;
  unsigned ldpc_max_iterations = 6;
  phy::backend backend = phy::backend::cpu;
  unsigned nof_threads = 1;
  uint64_t seed = 1;
};

/// Checks the ranges: cells 1..1024, slots 1..10^6, warm-up 0..10^4, numerology 0..3, PRB 1..275, RX 1..8,
/// layers 1..min(4, RX), threads 1..256, the MCS (reserved indices rejected) and that the PDU is valid.
status validate(const slot_bench_config& config);

/// Where a stage of the pipeline ran.
struct stage_placement {
  std::string stage;
  std::string where;
};

/// Latency statistics over the timed slots, microseconds (nearest-rank percentiles).
struct latency_summary_us {
  double mean = 0.0;
  double p50 = 0.0;
  double p99 = 0.0;
  double p999 = 0.0;
  double max = 0.0;
};

struct slot_bench_report {
  slot_bench_config config;
  /// The backend that ran, and what ran where (e.g. "automatic" resolves to cpu on a machine without a GPU).
  phy::backend backend_used = phy::backend::cpu;
  std::string backend_note;
  std::vector<stage_placement> stages;

  unsigned tbs_bits = 0;
  unsigned nof_code_blocks = 0;
  double slot_duration_us = 0.0;

  uint64_t nof_cell_slots = 0;
  uint64_t nof_crc_ok = 0;
  uint64_t nof_crc_failures = 0;
  /// CRC passed but the bytes differ from what was sent (a missed detection; must be 0).
  uint64_t nof_payload_mismatches = 0;
  double mean_ldpc_iterations = 0.0;

  double wall_s = 0.0;
  /// Transport block bits of CRC-passing slots per second of wall time, all threads together.
  double decoded_gbit_per_s = 0.0;
  latency_summary_us slot_latency;
  /// Mean per slot of each stage of pusch_stage_times_us: channel_estimation, equalization, demapping,
  /// measurements, decoding, total.
  std::vector<std::pair<std::string, double>> stage_mean_us;

  /// Cells one thread sustains within the slot duration: slot duration over the mean, and over the p99, slot latency.
  double cells_per_thread_mean = 0.0;
  double cells_per_thread_p99 = 0.0;
  /// Cells all threads together sustained: cell-slots decoded per slot duration of wall time.
  double cells_sustained_total = 0.0;
};

/// Runs the benchmark. Throws std::invalid_argument for an invalid configuration, std::runtime_error when the
/// requested backend is not available (no silent fallback: `cuda` without a GPU fails; `automatic` without one
/// runs on the CPU and says so in backend_note).
slot_bench_report run_slot_bench(const slot_bench_config& config);

/// Nearest-rank percentile (0 < p <= 100) of values sorted ascending; 0 for an empty set.
double nearest_rank_percentile(const std::vector<double>& sorted, double p);

} // namespace airan::sim
