// One slot through transmitter, OFDM, channel, impairments, noise, OFDM
// demodulation and receiver.

#include "sim/link_simulator.h"

#include "airan/common/aligned_vector.h"
#include "airan/phy/channel/impairments.h"
#include "airan/phy/channel/tdl_channel.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace airan::sim {

uint64_t derive_seed(uint64_t seed,
                     std::initializer_list<uint64_t> indices) noexcept {
  // SplitMix64 (Steele, Lea, Flood 2014): golden-ratio increment and the
  // finaliser's two multiply-xorshift rounds.
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  uint64_t state = mix(seed);
  for (uint64_t index : indices) {
    state = mix(state ^ mix(index + 0x632be59bd9b4e019ULL));
  }
  return state;
}

struct link_simulator::impl {
  phy::pusch_transmitter transmitter;
  phy::ofdm_modulator modulator;
  phy::ofdm_demodulator demodulator;
  phy::pusch_receiver receiver;
  unsigned nof_symbols;
  unsigned nof_subcarriers;
  unsigned slot_length;
  /// Transmit grid of one UE, [port][symbol][subcarrier].
  std::vector<cf_t> tx_grid;
  /// Time-domain samples of one UE, [port][slot_length + padding], and of its
  /// signal at the gNB, [rx][...].
  std::vector<cf_t> tx_samples;
  std::vector<cf_t> ue_rx_samples;
  /// Sum of the UEs' signals at the gNB, [rx][slot_length].
  aligned_vector<cf_t> rx_samples;
  phy::ofdm_demodulated_grid rx_grid;

  impl(const scenario &sc, unsigned max_layers,
       phy::channel_estimator_kind estimator)
      : transmitter(sc.carrier.nof_prb, max_layers),
        modulator(phy::ofdm_modulator_config{sc.carrier, 0,
                                             phy::ofdm_fft_planning::estimate}),
        demodulator(phy::ofdm_demodulator_config{
            sc.carrier, 0, 0.25F, phy::ofdm_fft_planning::estimate}),
        receiver(receiver_config(sc, max_layers, estimator)),
        nof_symbols(modulator.numerology().nof_symbols_per_slot()),
        nof_subcarriers(modulator.numerology().nof_subcarriers()),
        slot_length(modulator.numerology().slot_length(sc.pdus.front().slot)),
        rx_grid(demodulator, sc.nof_rx_ports) {}

  static phy::pusch_receiver_config
  receiver_config(const scenario &sc, unsigned max_layers,
                  phy::channel_estimator_kind estimator) {
    phy::pusch_receiver_config c;
    c.max_nof_prb = sc.carrier.nof_prb;
    c.max_nof_rx_ports = sc.nof_rx_ports;
    c.max_nof_layers = max_layers;
    c.nof_harq_buffers = static_cast<unsigned>(sc.pdus.size());
    c.estimator = estimator;
    return c;
  }

  phy::grid_view tx_grid_view(unsigned nof_ports) {
    return {tx_grid.data(), nof_ports, nof_symbols, nof_subcarriers};
  }
};

namespace {

/// Spans of nof equal-length blocks laid one after another in buffer.
template <typename T>
std::vector<std::span<T>> blocks_of(std::span<T> buffer, unsigned nof,
                                    std::size_t length) {
  std::vector<std::span<T>> spans;
  for (unsigned i = 0; i < nof; ++i) {
    spans.push_back(buffer.subspan(i * length, length));
  }
  return spans;
}

template <typename T>
std::vector<std::span<const T>>
as_const(const std::vector<std::span<T>> &spans) {
  return {spans.begin(), spans.end()};
}

} // namespace

link_simulator::link_simulator(const scenario &sc,
                               phy::channel_estimator_kind estimator)
    : scenario_(sc) {
  unsigned max_layers = 1;
  unsigned max_ports = 1;
  for (auto &pdu : scenario_.pdus) {
    max_layers = std::max(max_layers, pdu.nof_layers);
    max_ports = std::max(max_ports, pdu.nof_antenna_ports);
  }
  for (unsigned i = 0; i < nof_pdus(); ++i) {
    // Each PDU decodes with its own HARQ process.
    scenario_.pdus[i].harq_id = i;
    tbs_.push_back(phy::pusch_tbs(scenario_.pdus[i], scenario_.carrier));
    if (tbs_.back() == 0) {
      throw std::invalid_argument("link_simulator: PDU " + std::to_string(i) +
                                  " is not valid");
    }
    payloads_.emplace_back(tbs_.back() / 8);
  }
  impl_ = std::make_unique<impl>(scenario_, max_layers, estimator);
  impl_->tx_grid.resize(std::size_t{max_ports} * impl_->nof_symbols *
                        impl_->nof_subcarriers);
  impl_->rx_samples.resize(std::size_t{scenario_.nof_rx_ports} *
                           impl_->slot_length);

  // Signal power per RE and receive antenna of each PDU, from one transmission
  // of its allocation.
  double total_power = 0.0;
  for (unsigned i = 0; i < nof_pdus(); ++i) {
    const auto &pdu = scenario_.pdus[i];
    std::fill(impl_->tx_grid.begin(), impl_->tx_grid.end(), cf_t{});
    const auto grid = impl_->tx_grid_view(pdu.nof_antenna_ports);
    impl_->transmitter.transmit(grid, payloads_[i], pdu, scenario_.carrier);
    std::vector<double> port_power(pdu.nof_antenna_ports, 0.0);
    for (unsigned p = 0; p < pdu.nof_antenna_ports; ++p) {
      for (unsigned l = pdu.start_symbol;
           l < pdu.start_symbol + pdu.nof_symbols; ++l) {
        for (const cf_t x :
             grid.symbol(p, l).subspan(12 * pdu.prb_start, 12 * pdu.nof_prb)) {
          port_power[p] += std::norm(x);
        }
      }
      port_power[p] /= 12.0 * pdu.nof_prb * pdu.nof_symbols;
    }
    double power = 0.0;
    if (scenario_.channel.kind == channel_kind::tdl) {
      for (double p : port_power) {
        power += p;
      }
    } else {
      for (unsigned r = 0; r < scenario_.nof_rx_ports; ++r) {
        power += port_power[r % pdu.nof_antenna_ports] / scenario_.nof_rx_ports;
      }
    }
    total_power += power;
  }
  signal_power_ = total_power / nof_pdus();
}

link_simulator::~link_simulator() = default;

void link_simulator::draw_payloads(uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (auto &payload : payloads_) {
    for (auto &byte : payload) {
      byte = static_cast<uint8_t>(rng() >> 56);
    }
  }
}

void link_simulator::transmit(std::span<const bool> active,
                              std::span<const unsigned> rvs, double snr_db,
                              uint64_t channel_seed) {
  impl &d = *impl_;
  const auto &channel = scenario_.channel;
  const unsigned nof_rx = scenario_.nof_rx_ports;
  const double sample_rate_hz = d.modulator.numerology().sample_rate_hz();
  const unsigned slot = scenario_.pdus.front().slot;
  std::fill(d.rx_samples.begin(), d.rx_samples.end(), cf_t{});

  for (unsigned i = 0; i < nof_pdus(); ++i) {
    if (!active[i]) {
      continue;
    }
    phy::pusch_pdu pdu = scenario_.pdus[i];
    pdu.rv = rvs[i];
    const unsigned nof_ports = pdu.nof_antenna_ports;
    std::fill(d.tx_grid.begin(), d.tx_grid.end(), cf_t{});
    d.transmitter.transmit(d.tx_grid_view(nof_ports), payloads_[i], pdu,
                           scenario_.carrier);

    // The channel's and the timing offset's filter latencies and an advance for
    // negative offsets are absorbed by padding: the UE's signal at the gNB
    // starts `shift` samples into its buffer.
    const phy::delay_interpolation interpolation =
        phy::delay_interpolation::windowed_sinc;
    const double offset_samples = channel.timing_offset_s * sample_rate_hz;
    const unsigned advance =
        offset_samples < 0.0 ? static_cast<unsigned>(std::ceil(-offset_samples))
                             : 0;
    const bool has_timing_offset = channel.timing_offset_s != 0.0;
    const unsigned shift =
        (channel.kind == channel_kind::tdl
             ? phy::delay_latency_samples(interpolation)
             : 0) +
        (has_timing_offset ? phy::delay_latency_samples(interpolation) + advance
                           : 0);
    const std::size_t length = d.slot_length + shift;
    d.tx_samples.assign(std::size_t{nof_ports} * length, cf_t{});
    d.ue_rx_samples.assign(std::size_t{nof_rx} * length, cf_t{});
    const auto tx = blocks_of(std::span<cf_t>(d.tx_samples), nof_ports, length);
    const auto ue_rx =
        blocks_of(std::span<cf_t>(d.ue_rx_samples), nof_rx, length);
    std::vector<std::span<cf_t>> tx_slot;
    for (const auto &s : tx) {
      tx_slot.push_back(s.first(d.slot_length));
    }
    d.modulator.modulate(tx_slot, d.tx_grid_view(nof_ports), slot);

    const uint64_t ue_seed = derive_seed(channel_seed, {i});
    if (channel.kind == channel_kind::tdl) {
      phy::tdl_channel_config config;
      config.model = channel.model;
      config.delay_spread_s = channel.delay_spread_s;
      config.max_doppler_hz = channel.max_doppler_hz;
      config.nof_tx = nof_ports;
      config.nof_rx = nof_rx;
      config.correlation = channel.correlation;
      config.sample_rate_hz = sample_rate_hz;
      config.seed = ue_seed;
      config.interpolation = interpolation;
      phy::tdl_channel fading(config);
      fading.apply(as_const(tx), ue_rx, 0.0);
    } else {
      for (unsigned r = 0; r < nof_rx; ++r) {
        std::copy(tx[r % nof_ports].begin(), tx[r % nof_ports].end(),
                  ue_rx[r].begin());
      }
    }
    if (has_timing_offset) {
      phy::timing_offset delay(
          {nof_rx, offset_samples + advance, interpolation});
      delay.apply(as_const(ue_rx), ue_rx);
    }
    for (unsigned r = 0; r < nof_rx; ++r) {
      if (channel.cfo_hz != 0.0) {
        phy::apply_frequency_offset(ue_rx[r], channel.cfo_hz, sample_rate_hz,
                                    0.0);
      }
      cf_t *sum = d.rx_samples.data() + std::size_t{r} * d.slot_length;
      for (unsigned n = 0; n < d.slot_length; ++n) {
        sum[n] += ue_rx[r][shift + n];
      }
    }
  }

  phy::awgn_generator noise(derive_seed(channel_seed, {nof_pdus()}));
  noise.add(d.rx_samples, static_cast<float>(
                              phy::awgn_noise_variance(snr_db, signal_power_)));
  const auto rx =
      blocks_of(std::span<const cf_t>(d.rx_samples), nof_rx, d.slot_length);
  d.demodulator.demodulate(d.rx_grid.view(), rx, slot);
}

phy::const_grid_view link_simulator::received_grid() const noexcept {
  return impl_->rx_grid.view();
}

phy::pusch_rx_result link_simulator::receive(unsigned pdu_index, unsigned rv,
                                             bool new_data, bool &delivered) {
  phy::pusch_pdu pdu = scenario_.pdus[pdu_index];
  pdu.rv = rv;
  pdu.new_data = new_data;
  std::vector<uint8_t> decoded(tbs_[pdu_index] / 8);
  const auto result =
      impl_->receiver.receive(decoded, received_grid(), pdu, scenario_.carrier);
  delivered = result.tb_crc_ok && decoded == payloads_[pdu_index];
  return result;
}

} // namespace airan::sim
