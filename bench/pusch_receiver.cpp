// PUSCH receiver per-stage time per slot: 273 PRB, 30 kHz, 256QAM R 948/1024, 4 receive ports, 1 and 2 layers,
// LDPC at most 6 iterations, one core. The received grid is the transmitter's output through a random flat MIMO
// channel plus AWGN at an SNR where every slot decodes.
#include "airan/phy/channel/impairments.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_prb = 273;
constexpr unsigned nof_rx = 4;
constexpr unsigned nof_sc = 12 * nof_prb;

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

  std::vector<uint8_t> decoded(tb.size());
  pusch_stage_times_us sum{};
  unsigned nof_ok = 0;
  for (auto _ : state) {
    const auto r = rx.receive(decoded, {received.data(), nof_rx, 14, nof_sc}, pdu, carrier);
    nof_ok += r.tb_crc_ok ? 1 : 0;
    sum.channel_estimation += r.times.channel_estimation;
    sum.equalization += r.times.equalization;
    sum.demapping += r.times.demapping;
    sum.measurements += r.times.measurements;
    sum.decoding += r.times.decoding;
    sum.total += r.times.total;
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["chest_us"] = sum.channel_estimation / n;
  state.counters["equalizer_us"] = sum.equalization / n;
  state.counters["demap_us"] = sum.demapping / n;
  state.counters["measure_us"] = sum.measurements / n;
  state.counters["decode_us"] = sum.decoding / n;
  state.counters["total_us"] = sum.total / n;
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
