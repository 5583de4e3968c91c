/// PUSCH transmitter throughput (TS 38.211 6.3.1), transport block bits per second.
/// Arguments: number of PRB, layers, MCS index (Table 5.1.3.1-2, 256QAM), transform precoding (0/1). 14 symbols,
/// mapping type A, DM-RS type 1 on symbols 2 and 11, non-codebook precoding.

#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

void bm_pusch_transmit(benchmark::State& state)
{
  carrier_config carrier;
  pusch_pdu pdu;
  pdu.nof_prb = static_cast<unsigned>(state.range(0));
  pdu.nof_layers = static_cast<unsigned>(state.range(1));
  pdu.nof_antenna_ports = pdu.nof_layers;
  pdu.table = mcs_table::qam256;
  pdu.mcs = static_cast<unsigned>(state.range(2));
  pdu.transform_precoding = state.range(3) != 0;
  pdu.rnti = 0x1234;
  pdu.n_id = 1;
  pdu.dmrs.ports = {0, 1, 2, 3};
  pusch_transmitter tx(pdu.nof_prb, pdu.nof_layers);
  if (!tx.validate(pdu, carrier)) {
    state.SkipWithError(tx.validate(pdu, carrier).message().c_str());
    return;
  }
  const unsigned tbs = pusch_tbs(pdu, carrier);
  std::mt19937 rng(1);
  std::vector<uint8_t> tb(tbs / 8);
  for (auto& byte : tb) {
    byte = static_cast<uint8_t>(rng());
  }
  std::vector<cf_t> data(std::size_t{pdu.nof_layers} * 14 * 12 * carrier.bwp_size);
  const grid_view grid{data.data(), pdu.nof_layers, 14, 12 * carrier.bwp_size};
  for (auto _ : state) {
    tx.transmit(grid, tb, pdu, carrier);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  state.counters["bit_rate"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * tbs, benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(bm_pusch_transmit)
    ->ArgNames({"prb", "layers", "mcs", "tp"})
    ->Args({273, 1, 27, 0})
    ->Args({273, 2, 27, 0})
    ->Args({273, 4, 27, 0})
    ->Args({270, 1, 20, 1})
    ->Args({52, 1, 10, 0})
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
