#include "airan/io/testvector_generator.h"

#include "airan/common/bit_packing.h"
#include "airan/phy/channel/impairments.h"
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"
#include "pusch_capture.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace airan::io {

namespace {

constexpr unsigned max_rx_ports = 16;

/// Spans of a [port][n] array.
template <typename T>
std::vector<std::span<T>> port_spans(std::vector<cf_t>& data, unsigned nof_ports)
{
  std::vector<std::span<T>> spans;
  const std::size_t length = data.size() / nof_ports;
  for (unsigned p = 0; p < nof_ports; ++p) {
    spans.emplace_back(data.data() + p * length, length);
  }
  return spans;
}

/// Copies between the BWP grid and the carrier grid: [port][symbol][12 bwp_size] <-> [port][symbol][12 nof_prb].
void copy_bwp(std::vector<cf_t>& bwp, std::vector<cf_t>& full, const phy::carrier_config& carrier, unsigned nof_ports,
              unsigned nof_symbols, bool to_full)
{
  const std::size_t n_bwp = std::size_t{12} * carrier.bwp_size;
  const std::size_t n_full = std::size_t{12} * carrier.nof_prb;
  const std::size_t offset = std::size_t{12} * carrier.bwp_start;
  for (std::size_t row = 0; row < std::size_t{nof_ports} * nof_symbols; ++row) {
    cf_t* b = bwp.data() + row * n_bwp;
    cf_t* f = full.data() + row * n_full + offset;
    if (to_full) {
      std::copy(b, b + n_bwp, f);
    } else {
      std::copy(f, f + n_bwp, b);
    }
  }
}

/// The fading channel of a spec for a sample rate, or an error.
status make_fading(const pusch_vector_spec& spec, double sample_rate_hz, std::optional<phy::tdl_channel>& channel)
{
  if (!spec.fading) {
    return status::ok();
  }
  phy::tdl_channel_config config = *spec.fading;
  config.nof_tx = spec.pdu.nof_antenna_ports;
  config.nof_rx = spec.nof_rx_ports;
  config.sample_rate_hz = sample_rate_hz;
  config.seed = spec.seed;
  if (auto s = phy::validate_tdl_channel_config(config); !s) {
    return status::error("fading channel: " + s.message());
  }
  channel.emplace(config);
  return status::ok();
}

/// Received grid through a channel applied per resource element: H(f, t) at the start of each symbol's useful part.
status grid_channel(const pusch_vector_spec& spec, const phy::ofdm_numerology& numerology, std::vector<cf_t>& tx,
                    std::vector<cf_t>& rx)
{
  const unsigned nof_tx = spec.pdu.nof_antenna_ports;
  const unsigned nof_rx = spec.nof_rx_ports;
  const unsigned nof_symbols = numerology.nof_symbols_per_slot();
  const std::size_t n = std::size_t{12} * spec.carrier.bwp_size;
  rx.assign(std::size_t{nof_rx} * nof_symbols * n, cf_t{});
  std::optional<phy::tdl_channel> channel;
  if (auto s = make_fading(spec, numerology.sample_rate_hz(), channel); !s) {
    return s;
  }
  if (!channel) {
    for (unsigned r = 0; r < nof_rx; ++r) {
      std::copy_n(tx.data() + (r % nof_tx) * nof_symbols * n, nof_symbols * n, rx.data() + r * nof_symbols * n);
    }
    return status::ok();
  }
  const double scs = numerology.subcarrier_spacing_hz();
  const double first_hz = (12.0 * spec.carrier.bwp_start - 6.0 * spec.carrier.nof_prb) * scs;
  const double slot_start_s = spec.pdu.slot * 1.0e-3 / numerology.nof_slots_per_subframe();
  std::vector<cf_t> response(std::size_t{nof_tx} * nof_rx * n);
  for (unsigned l = 0; l < nof_symbols; ++l) {
    const unsigned useful = numerology.symbol_offset(spec.pdu.slot, l) + numerology.cp_length(spec.pdu.slot, l);
    channel->frequency_response(response, slot_start_s + useful / numerology.sample_rate_hz(), first_hz, scs);
    for (unsigned t = 0; t < nof_tx; ++t) {
      for (unsigned r = 0; r < nof_rx; ++r) {
        const cf_t* h = response.data() + std::size_t{channel->link_index(t, r)} * n;
        const cf_t* x = tx.data() + (std::size_t{t} * nof_symbols + l) * n;
        cf_t* y = rx.data() + (std::size_t{r} * nof_symbols + l) * n;
        for (std::size_t k = 0; k < n; ++k) {
          y[k] += h[k] * x[k];
        }
      }
    }
  }
  return status::ok();
}

/// Time-domain samples of one slot through the channel (time-domain TDL, its latency removed).
status time_channel(const pusch_vector_spec& spec, unsigned fft_size, std::vector<cf_t>& tx_grid,
                    std::vector<cf_t>& samples)
{
  const unsigned nof_tx = spec.pdu.nof_antenna_ports;
  const unsigned nof_rx = spec.nof_rx_ports;
  phy::ofdm_modulator modulator({spec.carrier, fft_size, phy::ofdm_fft_planning::estimate});
  const auto& numerology = modulator.numerology();
  const unsigned nof_symbols = numerology.nof_symbols_per_slot();
  std::vector<cf_t> carrier_grid(std::size_t{nof_tx} * nof_symbols * numerology.nof_subcarriers());
  copy_bwp(tx_grid, carrier_grid, spec.carrier, nof_tx, nof_symbols, true);
  const unsigned length = numerology.slot_length(spec.pdu.slot);
  std::optional<phy::tdl_channel> channel;
  if (auto s = make_fading(spec, numerology.sample_rate_hz(), channel); !s) {
    return s;
  }
  // The channel's output is latency samples late: the slot is followed by that many zeros and read that much later.
  const unsigned latency = channel ? channel->latency_samples() : 0;
  std::vector<cf_t> tx(std::size_t{nof_tx} * (length + latency));
  const auto tx_spans = port_spans<cf_t>(tx, nof_tx);
  std::vector<std::span<cf_t>> slot_spans;
  for (const auto& span : tx_spans) {
    slot_spans.push_back(span.first(length));
  }
  modulator.modulate(slot_spans, {carrier_grid.data(), nof_tx, nof_symbols, numerology.nof_subcarriers()},
                     spec.pdu.slot);
  samples.assign(std::size_t{nof_rx} * length, cf_t{});
  if (!channel) {
    for (unsigned r = 0; r < nof_rx; ++r) {
      std::copy_n(tx_spans[r % nof_tx].data(), length, samples.data() + std::size_t{r} * length);
    }
    return status::ok();
  }
  std::vector<cf_t> rx(std::size_t{nof_rx} * (length + latency));
  const auto rx_spans = port_spans<cf_t>(rx, nof_rx);
  std::vector<std::span<const cf_t>> in(tx_spans.begin(), tx_spans.end());
  channel->apply(in, rx_spans, spec.pdu.slot * 1.0e-3 / numerology.nof_slots_per_subframe());
  for (unsigned r = 0; r < nof_rx; ++r) {
    std::copy_n(rx_spans[r].data() + latency, length, samples.data() + std::size_t{r} * length);
  }
  return status::ok();
}

} // namespace

status pusch_vector_grid(const pusch_vector& v, std::vector<cf_t>& grid)
{
  if (v.input == pusch_input::grid) {
    grid = v.grid;
    return status::ok();
  }
  if (v.input == pusch_input::fronthaul_pcap) {
    return detail::capture_grid(v, grid);
  }
  const phy::ofdm_demodulator_config config{v.carrier, v.fft_size, 0.25F, phy::ofdm_fft_planning::estimate};
  if (auto s = phy::validate_ofdm_demodulator_config(config); !s) {
    return s;
  }
  phy::ofdm_demodulator demodulator(config);
  const auto& numerology = demodulator.numerology();
  const unsigned nof_symbols = numerology.nof_symbols_per_slot();
  std::vector<cf_t> carrier_grid(std::size_t{v.nof_ports} * nof_symbols * numerology.nof_subcarriers());
  std::vector<cf_t> samples = v.samples;
  const auto spans = port_spans<cf_t>(samples, v.nof_ports);
  const std::vector<std::span<const cf_t>> in(spans.begin(), spans.end());
  const phy::grid_view view{carrier_grid.data(), v.nof_ports, nof_symbols, numerology.nof_subcarriers()};
  if (auto s = demodulator.validate(view, in, v.pdu.slot); !s) {
    return s;
  }
  demodulator.demodulate(view, in, v.pdu.slot);
  grid.assign(std::size_t{v.nof_ports} * nof_symbols * 12 * v.carrier.bwp_size, cf_t{});
  copy_bwp(grid, carrier_grid, v.carrier, v.nof_ports, nof_symbols, false);
  return status::ok();
}

status generate_pusch_vector(const pusch_vector_spec& spec, pusch_vector& out, bool& crc_ok)
{
  if (spec.input == pusch_input::fronthaul_pcap &&
      (spec.carrier.bwp_start != 0 || spec.carrier.bwp_size != spec.carrier.nof_prb)) {
    return status::error("a fronthaul capture carries the whole carrier: the BWP must span it");
  }
  if (spec.nof_rx_ports == 0 || spec.nof_rx_ports > max_rx_ports) {
    return status::error("receive ports must be 1.." + std::to_string(max_rx_ports));
  }
  phy::pusch_transmitter transmitter(spec.carrier.bwp_size, spec.pdu.nof_layers);
  if (auto s = transmitter.validate(spec.pdu, spec.carrier); !s) {
    return s;
  }
  if (auto s = phy::validate_ofdm_numerology(spec.carrier, spec.fft_size); !s) {
    return s;
  }
  if (spec.snr_db) {
    if (auto s = phy::validate_snr_db(*spec.snr_db); !s) {
      return s;
    }
  }
  const phy::ofdm_numerology numerology(spec.carrier, spec.fft_size);

  pusch_vector v;
  v.input = spec.input;
  v.source = spec.source;
  v.carrier = spec.carrier;
  v.pdu = spec.pdu;
  v.tbs = phy::pusch_tbs(spec.pdu, spec.carrier);
  v.nof_ports = spec.nof_rx_ports;
  v.nof_symbols = numerology.nof_symbols_per_slot();
  v.nof_subcarriers = 12 * spec.carrier.bwp_size;

  // Transport block: the raw output of the standard's mt19937_64, the same on every platform.
  std::mt19937_64 payload(spec.payload_seed);
  std::vector<uint8_t> tb(v.tbs / 8);
  for (auto& byte : tb) {
    byte = static_cast<uint8_t>(payload() >> 56);
  }
  v.tb_bits.resize(v.tbs);
  unpack_bits(v.tb_bits, tb);

  const unsigned nof_tx = spec.pdu.nof_antenna_ports;
  std::vector<cf_t> tx_grid(std::size_t{nof_tx} * v.nof_symbols * v.nof_subcarriers);
  transmitter.transmit({tx_grid.data(), nof_tx, v.nof_symbols, v.nof_subcarriers}, tb, spec.pdu, spec.carrier);

  // Noise of variance 1 / SNR per resource element and per sample (unit-power symbols, unitary OFDM scaling).
  phy::awgn_generator noise(spec.seed ^ 0x6e6f697365ULL);
  const float noise_var = spec.snr_db ? static_cast<float>(phy::awgn_noise_variance(*spec.snr_db, 1.0)) : 0.0F;
  v.fronthaul = spec.fronthaul;
  if (spec.input != pusch_input::time_domain) {
    if (auto s = grid_channel(spec, numerology, tx_grid, v.grid); !s) {
      return s;
    }
    if (spec.snr_db) {
      noise.add(v.grid, noise_var);
    }
  } else {
    v.fft_size = numerology.fft_size();
    if (auto s = time_channel(spec, v.fft_size, tx_grid, v.samples); !s) {
      return s;
    }
    if (spec.snr_db) {
      noise.add(v.samples, noise_var);
    }
  }

  // The receiver sees the grid (of a capture: before compression) or the demodulated samples.
  std::vector<cf_t> rx_grid = v.grid;
  if (spec.input == pusch_input::time_domain) {
    if (auto s = pusch_vector_grid(v, rx_grid); !s) {
      return s;
    }
  }
  phy::pusch_receiver receiver({spec.carrier.bwp_size,
                                spec.nof_rx_ports,
                                spec.pdu.nof_layers,
                                1,
                                phy::channel_estimator_kind::ls_linear,
                                phy::equalizer_kind::mmse,
                                {}});
  if (auto s = receiver.validate(spec.pdu, spec.carrier, spec.nof_rx_ports); !s) {
    return s;
  }
  std::vector<uint8_t> decoded(tb.size());
  const auto result = receiver.receive(decoded, {rx_grid.data(), v.nof_ports, v.nof_symbols, v.nof_subcarriers},
                                       spec.pdu, spec.carrier);
  crc_ok = result.tb_crc_ok && decoded == tb;
  if (spec.write_references && spec.input != pusch_input::fronthaul_pcap) {
    const auto im = receiver.intermediates();
    const auto& est = *im.estimate;
    const auto channel = est.all_channels();
    v.channel_estimate =
        tv_reference<cf_t>{{channel.begin(), channel.end()},
                           {est.nof_rx_ports(), est.nof_layers(), est.nof_symbols(), est.nof_subcarriers()},
                           reference_tolerance};
    v.equalized_symbols = tv_reference<cf_t>{
        {im.equalized_symbols.begin(), im.equalized_symbols.end()}, {im.equalized_symbols.size()}, reference_tolerance};
    v.llrs = tv_reference<int8_t>{{im.llrs.begin(), im.llrs.end()}, {im.llrs.size()}, llr_reference_tolerance};
  }
  out = std::move(v);
  return status::ok();
}

} // namespace airan::io
