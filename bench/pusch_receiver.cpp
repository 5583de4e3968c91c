// PUSCH receiver per-stage time per slot: 273 PRB, 30 kHz, 256QAM R 948/1024, 4 receive ports, 1 and 2 layers,
// LDPC at most 6 iterations, one core. The received grid is the transmitter's output through a random flat MIMO
// channel plus AWGN at an SNR where every slot decodes. As in a live cell, each slot arrives as time-domain samples
// and is OFDM-demodulated into the grid right before the receiver reads it: ofdm_us is that stage, total_us the
// receiver's stages from the grid to the transport block, slot_us both.
//
// Each stage is reported by its mean over the slots (STAGE_us) and its median (STAGE_p50_us); total and slot also by
// their 99th percentile. On a shared machine a few slots delayed by other work pull the mean up; the median is the
// time of a typical slot, and the 99th percentile tells how far the slow ones go.
//
// The speed of a shared machine also drifts as a whole (the same binary's stages by up to 2x from one minute to
// the next). Every other iteration therefore times the FFTs of a slot's OFDM demodulation done by a bare batched FFTW
// plan (batched_fft.h; fftw_p50_us) before processing a slot that is not measured; the iteration after it processes the
// measured slot. The benchmark reports the median over the measured slots of each stage's time over the latest bare
// FFT time (STAGE_per_fft): ratios to a baseline measured in the same run.
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/common/aligned_vector.h"
#include "airan/phy/channel/impairments.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_transmitter.h"
#include "batched_fft.h"
#include "sim/slot_bench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_prb = 273;
constexpr unsigned nof_rx = 4;
constexpr unsigned nof_sc = 12 * nof_prb;
constexpr unsigned slot = 0;

/// The time-domain samples of every port of a slot's grid.
class slot_samples {
public:
  slot_samples(const carrier_config& carrier, const_grid_view grid)
  {
    ofdm_modulator modulator({carrier, 0, ofdm_fft_planning::estimate});
    storage_.assign(grid.nof_ports, aligned_vector<cf_t>(modulator.numerology().slot_length(slot)));
    std::vector<std::span<cf_t>> outputs;
    for (auto& port : storage_) {
      outputs.emplace_back(port);
      ports_.emplace_back(port);
    }
    modulator.modulate(outputs, grid, slot);
  }

  std::span<const std::span<const cf_t>> ports() const { return ports_; }

private:
  std::vector<aligned_vector<cf_t>> storage_;
  std::vector<std::span<const cf_t>> ports_;
};

void bm_pusch_receiver(benchmark::State& state)
{
  const auto nof_layers = static_cast<unsigned>(state.range(0));
  const auto estimator = static_cast<channel_estimator_kind>(state.range(1));
  carrier_config carrier;
  carrier.nof_prb = nof_prb;
  carrier.bwp_size = nof_prb;
  pusch_pdu pdu;
  pdu.rnti = 0x4601;
  pdu.nof_prb = nof_prb;
  pdu.nof_layers = nof_layers;
  pdu.nof_antenna_ports = nof_layers;
  pdu.table = mcs_table::qam256;
  pdu.mcs = 27;
  pdu.dmrs.additional_position = 1;

  pusch_transmitter tx(nof_prb, nof_layers);
  pusch_receiver rx({nof_prb, nof_rx, nof_layers, 1, estimator, equalizer_kind::mmse, {6, true}});
  if (auto s = rx.validate(pdu, carrier, nof_rx); !s) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  const unsigned tbs = pusch_tbs(pdu, carrier);
  std::mt19937 rng(1);
  std::vector<uint8_t> tb(tbs / 8);
  for (auto& b : tb) {
    b = static_cast<uint8_t>(rng());
  }
  std::vector<cf_t> sent(std::size_t{nof_layers} * 14 * nof_sc);
  tx.transmit({sent.data(), nof_layers, 14, nof_sc}, tb, pdu, carrier);
  // Flat random channel, normalised per receive port, then AWGN at 40 dB.
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<cf_t> received(std::size_t{nof_rx} * 14 * nof_sc);
  for (unsigned r = 0; r < nof_rx; ++r) {
    for (unsigned v = 0; v < nof_layers; ++v) {
      const cf_t g = cf_t(gauss(rng), gauss(rng)) / std::sqrt(2.0f * nof_layers);
      for (std::size_t i = 0; i < 14 * nof_sc; ++i) {
        received[r * 14 * nof_sc + i] += g * sent[v * 14 * nof_sc + i];
      }
    }
  }
  awgn_generator awgn(2);
  awgn.add(received, static_cast<float>(awgn_noise_variance(40.0, 1.0)));

  const slot_samples samples(carrier, {received.data(), nof_rx, 14, nof_sc});
  ofdm_demodulator demodulator({carrier, 0, 0.25F, ofdm_fft_planning::measure});
  ofdm_demodulated_grid grid(demodulator, nof_rx);
  const grid_view demodulated = grid.view();

  bench::batched_fft fft(demodulator.numerology().fft_size(), nof_rx * demodulator.numerology().nof_symbols_per_slot());

  std::vector<uint8_t> decoded(tb.size());
  // Per measured slot: the receiver's stages, then OFDM demodulation, the whole slot and the latest bare FFTs.
  enum stage : std::size_t { chest, equalizer, demap, measure, decode, total, ofdm, whole_slot, fft_time, nof_stages };
  std::array<std::vector<double>, nof_stages> times;
  unsigned nof_ok = 0;
  double fft_us = 0.0;
  bool baseline_turn = true;
  for (auto _ : state) {
    // Every other iteration times the bare FFTs (once to bring their buffers into the caches, then the faster of two
    // timed runs: the first was still 4 to 10 % slower than the next, so the baseline is taken at its fastest), then
    // processes a slot left out of the statistics: the FFTs' 3.6 MB evict the slot's data from the caches, which made
    // the equalization right after them about 10 % slower.
    if (baseline_turn) {
      fft.execute();
      fft_us = std::numeric_limits<double>::infinity();
      for (int run = 0; run < 2; ++run) {
        const auto fft_start = std::chrono::steady_clock::now();
        fft.execute();
        fft_us = std::min(
            fft_us, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - fft_start).count());
      }
    }
    const auto start = std::chrono::steady_clock::now();
    demodulator.demodulate(demodulated, samples.ports(), slot);
    const double ofdm_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    const auto r = rx.receive(decoded, demodulated, pdu, carrier);
    nof_ok += r.tb_crc_ok ? 1 : 0;
    if (!baseline_turn) {
      const pusch_stage_times_us& t = r.times;
      const std::array<double, nof_stages> slot_times{
          t.channel_estimation, t.equalization, t.demapping, t.measurements, t.decoding, t.total, ofdm_us,
          ofdm_us + t.total,    fft_us};
      for (std::size_t i = 0; i < nof_stages; ++i) {
        times[i].push_back(slot_times[i]);
      }
    }
    baseline_turn = !baseline_turn;
  }
  if (times[fft_time].empty()) {
    // A single iteration (Google Benchmark's first estimate of the run length): nothing to report.
    return;
  }
  constexpr std::array<const char*, nof_stages> names{"chest", "equalizer", "demap", "measure", "decode",
                                                      "total", "ofdm",      "slot",  "fftw"};
  std::vector<double> ratio(times[fft_time].size());
  for (std::size_t i = 0; i < nof_stages; ++i) {
    auto& v = times[i];
    const std::string name = names[i];
    if (i != fft_time) {
      std::transform(v.begin(), v.end(), times[fft_time].begin(), ratio.begin(), std::divides<>());
      std::sort(ratio.begin(), ratio.end());
      state.counters[name + "_per_fft"] = sim::nearest_rank_percentile(ratio, 50.0);
      state.counters[name + "_us"] = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    }
    std::sort(v.begin(), v.end());
    if (i == total || i == whole_slot) {
      state.counters[name + "_p99_us"] = sim::nearest_rank_percentile(v, 99.0);
    }
    state.counters[name + "_p50_us"] = sim::nearest_rank_percentile(v, 50.0);
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["crc_ok"] = nof_ok / n;
  state.counters["tbs"] = tbs;
}

} // namespace

BENCHMARK(bm_pusch_receiver)
    ->ArgNames({"layers", "estimator"})
    ->ArgsProduct({{1, 2}, {static_cast<long>(channel_estimator_kind::ls_linear),
                            static_cast<long>(channel_estimator_kind::lmmse)}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

BENCHMARK_MAIN();
