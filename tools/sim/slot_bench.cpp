// airan bench: N cells x M slots of the PUSCH slot pipeline, timed slot by slot.

#include "sim/slot_bench.h"

#include "sim/link_simulator.h"

#include "airan/phy/channel/impairments.h"
#include "airan/phy/coding/segmentation.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_slot_processor.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <algorithm>
#include <array>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

namespace airan::sim {

namespace {

constexpr unsigned max_nof_cells = 1024;
constexpr uint64_t max_timed_cell_slots = 10'000'000;
constexpr unsigned max_nof_threads = 256;

using bench_clock = std::chrono::steady_clock;

phy::carrier_config make_carrier(const slot_bench_config& c, unsigned cell)
{
  phy::carrier_config carrier;
  carrier.numerology = c.numerology;
  carrier.cell_id = cell % 1008;
  carrier.nof_prb = c.nof_prb;
  carrier.bwp_start = 0;
  carrier.bwp_size = c.nof_prb;
  return carrier;
}

/// One UE per cell over the whole band and slot: DM-RS type 1 on symbols 2 and 11, one CDM group without data per
/// two layers (TS 38.212 Table 7.3.1.1.2-8..11: ports 0, 1 share CDM group 0), HARQ process 0, new data every slot.
phy::pusch_pdu make_pdu(const slot_bench_config& c, unsigned cell)
{
  phy::pusch_pdu pdu;
  pdu.rnti = 0x4601 + cell;
  pdu.n_id = cell % 1024;
  pdu.slot = 0;
  pdu.prb_start = 0;
  pdu.nof_prb = c.nof_prb;
  pdu.start_symbol = 0;
  pdu.nof_symbols = 14;
  pdu.nof_layers = c.nof_layers;
  pdu.nof_antenna_ports = c.nof_layers;
  pdu.table = c.table;
  pdu.mcs = c.mcs;
  pdu.dmrs.config_type = 1;
  pdu.dmrs.additional_position = 1;
  pdu.dmrs.scrambling_id = {cell % 65536, cell % 65536};
  pdu.dmrs.nof_cdm_groups_without_data = 2;
  pdu.dmrs.ports = {0, 1, 2, 3};
  return pdu;
}

/// A cell's slot, generated once: the transport block sent and the received grid.
struct cell_slot {
  phy::carrier_config carrier;
  phy::pusch_pdu pdu;
  std::vector<uint8_t> tb;
  std::vector<cf_t> grid;
};

/// Transmitter twin -> flat Rayleigh MIMO channel (i.i.d. CN(0, 1 / v) per rx port and layer, so that each rx port
/// receives unit power) -> AWGN at snr_db per RE and rx port.
cell_slot make_cell_slot(const slot_bench_config& c, unsigned cell, phy::pusch_transmitter& tx)
{
  cell_slot s{make_carrier(c, cell), make_pdu(c, cell), {}, {}};
  const unsigned nof_sc = 12 * c.nof_prb;
  const std::size_t port_size = std::size_t{14} * nof_sc;
  std::mt19937_64 rng(derive_seed(c.seed, {cell}));
  s.tb.resize(phy::pusch_tbs(s.pdu, s.carrier) / 8);
  for (auto& byte : s.tb) {
    byte = static_cast<uint8_t>(rng());
  }
  std::vector<cf_t> sent(c.nof_layers * port_size);
  tx.transmit({sent.data(), c.nof_layers, 14, nof_sc}, s.tb, s.pdu, s.carrier);
  std::normal_distribution<float> gauss(0.0F, 1.0F);
  s.grid.assign(c.nof_rx_ports * port_size, cf_t{});
  for (unsigned r = 0; r < c.nof_rx_ports; ++r) {
    for (unsigned v = 0; v < c.nof_layers; ++v) {
      const cf_t g = cf_t(gauss(rng), gauss(rng)) / std::sqrt(2.0F * c.nof_layers);
      const cf_t* in = sent.data() + v * port_size;
      cf_t* out = s.grid.data() + r * port_size;
      for (std::size_t i = 0; i < port_size; ++i) {
        out[i] += g * in[i];
      }
    }
  }
  phy::awgn_generator awgn(derive_seed(c.seed, {cell, 1}));
  awgn.add(s.grid, static_cast<float>(phy::awgn_noise_variance(c.snr_db, 1.0)));
  return s;
}

/// What one worker thread measured.
struct worker_result {
  std::vector<double> latencies_us;
  std::array<double, 6> stage_sums_us{};
  uint64_t nof_crc_ok = 0;
  uint64_t nof_crc_failures = 0;
  uint64_t nof_payload_mismatches = 0;
  uint64_t decoded_bits = 0;
  double iterations = 0.0;
};

void add_stage_times(std::array<double, 6>& sums, const phy::pusch_stage_times_us& t)
{
  sums[0] += t.channel_estimation;
  sums[1] += t.equalization;
  sums[2] += t.demapping;
  sums[3] += t.measurements;
  sums[4] += t.decoding;
  sums[5] += t.total;
}

phy::pusch_slot_processor_config processor_config(const slot_bench_config& c)
{
  phy::pusch_slot_processor_config pc;
  pc.receiver.max_nof_prb = c.nof_prb;
  pc.receiver.max_nof_rx_ports = c.nof_rx_ports;
  pc.receiver.max_nof_layers = c.nof_layers;
  pc.receiver.nof_harq_buffers = 1;
  pc.receiver.estimator = c.estimator;
  pc.receiver.ldpc = {c.ldpc_max_iterations, true};
  pc.max_nof_pdus = 1;
  return pc;
}

/// Decodes the cells cell = first, first + stride, ... for warm-up then timed slots; waits at sync between the two.
void run_worker(worker_result& out, phy::pusch_slot_processor& processor, const slot_bench_config& c,
                const std::vector<cell_slot>& cells, unsigned first, unsigned stride, std::barrier<>& sync)
{
  std::vector<uint8_t> decoded(cells.front().tb.size());
  const std::span<uint8_t> buffers[1] = {decoded};
  const unsigned nof_sc = 12 * c.nof_prb;
  for (unsigned pass = 0; pass < 2; ++pass) {
    const bool timed = pass == 1;
    for (unsigned slot = 0; slot < (timed ? c.nof_slots : c.nof_warmup_slots); ++slot) {
      for (std::size_t cell = first; cell < cells.size(); cell += stride) {
        const cell_slot& s = cells[cell];
        const phy::const_grid_view grid{s.grid.data(), c.nof_rx_ports, 14, nof_sc};
        const auto start = bench_clock::now();
        const auto result = processor.process(buffers, grid, {&s.pdu, 1}, s.carrier);
        const double us = std::chrono::duration<double, std::micro>(bench_clock::now() - start).count();
        if (!timed) {
          continue;
        }
        out.latencies_us.push_back(us);
        const auto& pdu_result = result.pdus[0];
        add_stage_times(out.stage_sums_us, pdu_result.rx.times);
        out.iterations += pdu_result.rx.mean_ldpc_iterations;
        if (pdu_result.validation && pdu_result.rx.tb_crc_ok) {
          ++out.nof_crc_ok;
          out.decoded_bits += pdu_result.rx.tbs;
          out.nof_payload_mismatches += std::memcmp(decoded.data(), s.tb.data(), s.tb.size()) != 0 ? 1 : 0;
        } else {
          ++out.nof_crc_failures;
        }
      }
    }
    sync.arrive_and_wait();
  }
}

} // namespace

status validate(const slot_bench_config& c)
{
  if (c.nof_cells < 1 || c.nof_cells > max_nof_cells) {
    return status::error("cells: " + std::to_string(c.nof_cells) + " outside 1.." + std::to_string(max_nof_cells));
  }
  if (c.nof_slots < 1 || c.nof_slots > 1000000 || c.nof_warmup_slots > 10000) {
    return status::error("slots 1..1000000 and warm-up slots 0..10000");
  }
  if (uint64_t{c.nof_slots} * c.nof_cells > max_timed_cell_slots) {
    return status::error(std::to_string(c.nof_cells) + " cells x " + std::to_string(c.nof_slots) + " slots: at most " +
                         std::to_string(max_timed_cell_slots) + " timed cell slots (one latency each is kept)");
  }
  if (c.nof_threads < 1 || c.nof_threads > max_nof_threads) {
    return status::error("threads: " + std::to_string(c.nof_threads) + " outside 1.." +
                         std::to_string(max_nof_threads));
  }
  if (c.nof_rx_ports < 1 || c.nof_rx_ports > 8 || c.nof_layers < 1 || c.nof_layers > std::min(4U, c.nof_rx_ports)) {
    return status::error("RX ports 1..8 and layers 1..min(4, RX ports): " + std::to_string(c.nof_rx_ports) +
                         " RX ports, " + std::to_string(c.nof_layers) + " layers");
  }
  if (c.ldpc_max_iterations < 1 || c.ldpc_max_iterations > 64) {
    return status::error("LDPC iterations outside 1..64");
  }
  if (auto s = phy::validate_snr_db(c.snr_db); !s) {
    return s;
  }
  const phy::carrier_config carrier = make_carrier(c, 0);
  if (c.numerology > 3 || c.nof_prb < 1 || c.nof_prb > 275) {
    return status::error("numerology 0..3 and 1..275 PRB");
  }
  phy::pusch_receiver rx(processor_config(c).receiver);
  return rx.validate(make_pdu(c, 0), carrier, c.nof_rx_ports);
}

double nearest_rank_percentile(const std::vector<double>& sorted, double p)
{
  if (sorted.empty()) {
    return 0.0;
  }
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

slot_bench_report run_slot_bench(const slot_bench_config& config)
{
  if (auto s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  slot_bench_report report;
  report.config = config;
  report.backend_used = phy::require_backend(config.backend, "airan bench");
  if (report.backend_used != phy::backend::cpu) {
    // Never a silent fallback: the CUDA twins exist as separate blocks, not yet chained on device memory.
    throw std::runtime_error("airan bench: --backend cuda: the PUSCH slot pipeline is not yet chained on the GPU (the "
                             "CUDA twins of channel estimation, equalisation, demapping, rate dematching, LDPC and "
                             "CRC exist as separate blocks); nothing was run. Use --backend cpu.");
  }
  report.backend_note = config.backend == phy::backend::automatic
                            ? "automatic resolved to cpu: no usable GPU (or no CUDA in this build)"
                            : "cpu requested";
  for (const char* stage : {"channel_estimation", "equalization", "demapping", "measurements", "decoding"}) {
    report.stages.push_back({stage, "cpu"});
  }

  std::vector<cell_slot> cells;
  cells.reserve(config.nof_cells);
  {
    phy::pusch_transmitter tx(config.nof_prb, config.nof_layers);
    for (unsigned cell = 0; cell < config.nof_cells; ++cell) {
      cells.push_back(make_cell_slot(config, cell, tx));
    }
  }
  phy::pusch_codeword_params cw;
  (void)phy::compute_pusch_codeword_params(cw, cells[0].pdu, cells[0].carrier);
  report.tbs_bits = cw.tbs;
  phy::ldpc_segmentation segmentation{};
  if (phy::compute_ldpc_segmentation(segmentation, cw.tbs,
                                     phy::select_ldpc_base_graph(cw.tbs, cw.ulsch.target_code_rate))) {
    report.nof_code_blocks = segmentation.nof_cbs;
  }
  report.slot_duration_us = 1000.0 / (1U << config.numerology);

  const unsigned nof_threads = std::min(config.nof_threads, config.nof_cells);
  std::vector<worker_result> results(nof_threads);
  std::vector<std::unique_ptr<phy::pusch_slot_processor>> processors;
  for (unsigned t = 0; t < nof_threads; ++t) {
    // Here, not on the worker: a failed allocation is reported, not a terminate.
    results[t].latencies_us.reserve(std::size_t{config.nof_slots} *
                                    ((cells.size() - t + nof_threads - 1) / nof_threads));
    processors.push_back(std::make_unique<phy::pusch_slot_processor>(processor_config(config)));
  }
  std::barrier<> sync(nof_threads + 1);
  std::vector<std::jthread> workers;
  for (unsigned t = 0; t < nof_threads; ++t) {
    workers.emplace_back(run_worker, std::ref(results[t]), std::ref(*processors[t]), std::cref(config),
                         std::cref(cells), t, nof_threads, std::ref(sync));
  }
  sync.arrive_and_wait(); // warm-up done
  const auto start = bench_clock::now();
  sync.arrive_and_wait(); // timed slots done
  report.wall_s = std::chrono::duration<double>(bench_clock::now() - start).count();
  workers.clear();

  std::vector<double> latencies;
  std::array<double, 6> stage_sums{};
  uint64_t decoded_bits = 0;
  double iterations = 0.0;
  for (const worker_result& r : results) {
    latencies.insert(latencies.end(), r.latencies_us.begin(), r.latencies_us.end());
    for (std::size_t i = 0; i < stage_sums.size(); ++i) {
      stage_sums[i] += r.stage_sums_us[i];
    }
    report.nof_crc_ok += r.nof_crc_ok;
    report.nof_crc_failures += r.nof_crc_failures;
    report.nof_payload_mismatches += r.nof_payload_mismatches;
    decoded_bits += r.decoded_bits;
    iterations += r.iterations;
  }
  std::sort(latencies.begin(), latencies.end());
  const auto n = static_cast<double>(latencies.size());
  report.nof_cell_slots = latencies.size();
  report.mean_ldpc_iterations = iterations / n;
  report.decoded_gbit_per_s = static_cast<double>(decoded_bits) / report.wall_s / 1e9;
  auto& lat = report.slot_latency;
  double sum = 0.0;
  for (double v : latencies) {
    sum += v;
  }
  lat.mean = sum / n;
  lat.p50 = nearest_rank_percentile(latencies, 50.0);
  lat.p99 = nearest_rank_percentile(latencies, 99.0);
  lat.p999 = nearest_rank_percentile(latencies, 99.9);
  lat.max = latencies.back();
  const char* stage_names[] = {"channel_estimation", "equalization", "demapping", "measurements", "decoding", "total"};
  for (std::size_t i = 0; i < stage_sums.size(); ++i) {
    report.stage_mean_us.emplace_back(stage_names[i], stage_sums[i] / n);
  }
  report.cells_per_thread_mean = report.slot_duration_us / lat.mean;
  report.cells_per_thread_p99 = report.slot_duration_us / lat.p99;
  report.cells_sustained_total = n * report.slot_duration_us * 1e-6 / report.wall_s;
  return report;
}

} // namespace airan::sim
