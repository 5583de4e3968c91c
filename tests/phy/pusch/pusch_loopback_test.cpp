// PUSCH loopback through OFDM: pusch_transmitter -> ofdm_modulator -> flat MIMO channel -> ofdm_demodulator ->
// pusch_receiver, noise-free, across numerologies, cyclic prefixes, bandwidths, layers, antenna ports, DM-RS
// configurations, mapping types, transform precoding (with and without pi/2-BPSK, with group or sequence hopping of
// its DM-RS), MCS tables, n_SCID, channel estimators and equalizers, with the TS 38.211 5.4 upconversion phase on.
// Each dimension takes every value in some case; the cases are not the cartesian product.
#include "airan/phy/ofdm/ofdm.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

struct loopback_case {
  unsigned mu;
  cyclic_prefix cp;
  unsigned nof_prb;
  unsigned layers;
  unsigned tx_ports;
  unsigned rx_ports;
  /// Codebook precoding with this TPMI when tx_ports > layers, else non-codebook.
  unsigned tpmi;
  unsigned dmrs_type;
  unsigned dmrs_length;
  unsigned additional_position;
  pusch_mapping_type mapping;
  unsigned start_symbol;
  unsigned nof_symbols;
  bool transform_precoding;
  mcs_table table;
  unsigned mcs;
  unsigned n_scid;
  double center_frequency_hz;
  /// tp-pi2BPSK: pi/2-BPSK in the q rows of the transform precoding MCS tables.
  bool tp_pi2_bpsk = false;
  /// Group or sequence hopping of the low-PAPR DM-RS (transform precoding).
  low_papr_hopping hopping = low_papr_hopping::neither;
};

/// A fixed, frequency-flat rx_ports x tx_ports channel with unequal gains and phases, so that the layers reach the
/// receiver mixed (full column rank for every case below).
cf_t channel_gain(unsigned rx, unsigned tx)
{
  const float magnitude = rx == tx ? 1.0F : 0.45F;
  return std::polar(magnitude, 0.9F * rx + 1.7F * tx + 0.6F * rx * tx);
}

pusch_pdu make_pdu(const loopback_case& c, unsigned slot)
{
  pusch_pdu pdu;
  pdu.rnti = 0x1234 + c.mcs;
  pdu.n_id = 511;
  pdu.slot = slot;
  pdu.prb_start = c.nof_prb > 1 ? 1 : 0;
  pdu.nof_prb = c.nof_prb - pdu.prb_start;
  pdu.start_symbol = c.start_symbol;
  pdu.nof_symbols = c.nof_symbols;
  pdu.mapping = c.mapping;
  pdu.nof_layers = c.layers;
  pdu.nof_antenna_ports = c.tx_ports;
  pdu.precoding = c.tx_ports > c.layers ? pusch_precoding::codebook : pusch_precoding::non_codebook;
  pdu.tpmi = c.tpmi;
  pdu.transform_precoding = c.transform_precoding;
  pdu.dmrs.config_type = c.dmrs_type;
  pdu.dmrs.max_length = c.dmrs_length;
  pdu.dmrs.additional_position = c.additional_position;
  pdu.dmrs.scrambling_id = {301, 40000};
  pdu.dmrs.n_scid = c.n_scid;
  pdu.dmrs.nof_cdm_groups_without_data = c.dmrs_type == 1 ? 2 : 3;
  pdu.dmrs.n_id_rs = 777;
  pdu.table = c.table;
  pdu.mcs = c.mcs;
  pdu.tp_pi2_bpsk = c.tp_pi2_bpsk;
  pdu.dmrs.group_or_sequence_hopping = c.hopping;
  return pdu;
}

} // namespace

TEST_CASE("PUSCH loopback through OFDM: noise-free, bit-exact over numerologies and PUSCH configurations")
{
  using enum pusch_mapping_type;
  constexpr auto normal = cyclic_prefix::normal;
  constexpr auto extended = cyclic_prefix::extended;
  constexpr auto group = low_papr_hopping::group;
  constexpr auto sequence = low_papr_hopping::sequence;
  // Largest PRB counts per numerology from TS 38.101-1 Table 5.3.2-1 (FR1: 270 at 15 kHz / 50 MHz, 273 at 30 kHz /
  // 100 MHz, 135 at 60 kHz / 100 MHz) and TS 38.101-2 Table 5.3.2-1 (FR2: 66 at 120 kHz / 100 MHz).
  const loopback_case cases[] = {
      // mu cp  PRB  v  P rx tpmi type len add map  S  L  TP     table             mcs scid f0 (pi/2-BPSK, hopping)
      {0, normal, 270, 1, 1, 2, 0, 1, 1, 1, type_a, 0, 14, false, mcs_table::qam64, 20, 0, 0.7e9},
      {0, normal, 1, 1, 1, 1, 0, 1, 1, 0, type_a, 0, 14, true, mcs_table::tp_qam64, 10, 1, 1.8e9},
      {0, normal, 52, 3, 3, 3, 0, 2, 1, 2, type_b, 2, 12, false, mcs_table::qam64, 28, 0, 2.1e9},
      {1, normal, 273, 4, 4, 4, 0, 1, 2, 1, type_a, 0, 14, false, mcs_table::qam256, 27, 1, 3.5e9},
      {1, normal, 1, 4, 4, 4, 0, 2, 1, 3, type_a, 0, 14, false, mcs_table::qam256, 27, 0, 3.6e9},
      {1, normal, 109, 1, 1, 1, 0, 1, 1, 3, type_a, 0, 14, true, mcs_table::tp_qam64, 27, 1, 3.7e9},
      {1, normal, 25, 1, 1, 2, 0, 1, 1, 0, type_b, 2, 7, true, mcs_table::qam256, 20, 0, 3.45e9},
      {2, normal, 135, 2, 2, 4, 0, 2, 2, 0, type_b, 2, 12, false, mcs_table::qam64, 16, 0, 4.9e9},
      {2, extended, 101, 3, 4, 4, 3, 1, 1, 2, type_a, 0, 12, false, mcs_table::qam256, 20, 1, 4.8e9},
      {2, extended, 61, 1, 1, 2, 0, 1, 1, 1, type_b, 2, 7, true, mcs_table::qam256, 15, 0, 4.7e9},
      {2, extended, 24, 2, 2, 3, 1, 2, 2, 1, type_a, 0, 12, false, mcs_table::qam64, 9, 1, 4.6e9},
      {3, normal, 66, 2, 2, 2, 0, 1, 2, 1, type_b, 2, 7, false, mcs_table::qam64, 25, 0, 28.0e9},
      {3, normal, 33, 1, 2, 3, 2, 2, 1, 3, type_a, 0, 14, false, mcs_table::qam256, 10, 1, 39.0e9},
      {3, normal, 11, 1, 4, 1, 5, 1, 1, 2, type_b, 0, 12, false, mcs_table::qam64, 4, 0, 26.5e9},
      {0, normal, 76, 1, 1, 2, 0, 1, 1, 2, type_a, 0, 14, true, mcs_table::tp_qam64, 1, 0, 0.8e9, true},
      {1, normal, 3, 1, 1, 1, 0, 1, 2, 0, type_b, 2, 10, true, mcs_table::tp_qam64_low_se, 5, 1, 3.4e9, true},
      {1, normal, 9, 1, 1, 2, 0, 1, 2, 1, type_a, 0, 14, true, mcs_table::tp_qam64, 15, 0, 3.3e9, false, group},
      {0, normal, 51, 1, 1, 2, 0, 1, 1, 3, type_a, 0, 14, true, mcs_table::tp_qam64, 20, 0, 1.9e9, false, sequence},
      {2, extended, 16, 1, 1, 2, 0, 1, 1, 1, type_b, 1, 10, true, mcs_table::tp_qam64, 12, 0, 4.75e9, false, group},
      {1, normal, 13, 1, 1, 1, 0, 1, 1, 1, type_a, 0, 14, true, mcs_table::tp_qam64, 0, 0, 3.5e9, true, sequence},
  };
  pusch_transmitter tx(273, 4);
  std::mt19937 rng(21);
  unsigned case_index = 0;
  for (const auto& c : cases) {
    carrier_config carrier;
    carrier.numerology = c.mu;
    carrier.cp = c.cp;
    carrier.cell_id = 500 + case_index;
    carrier.nof_prb = c.nof_prb;
    carrier.bwp_size = c.nof_prb;
    carrier.center_frequency_hz = c.center_frequency_hz;
    // A slot in the second half of the frame and odd within its subframe where there are several.
    const unsigned slot = (5U << c.mu) + ((1U << c.mu) > 1 ? 1 : 0) + case_index % (1U << c.mu);
    const auto pdu = make_pdu(c, slot);
    // The estimators and equalizers take turns over the cases.
    const channel_estimator_kind estimators[] = {channel_estimator_kind::ls_linear, channel_estimator_kind::dft,
                                                 channel_estimator_kind::lmmse};
    const auto estimator = estimators[case_index % 3];
    const auto equalizer = case_index % 2 == 0 ? equalizer_kind::mmse : equalizer_kind::mmse_irc;
    pusch_receiver rx({273, 4, 4, 1, estimator, equalizer, {}});
    CAPTURE(static_cast<int>(estimator));
    CAPTURE(static_cast<int>(equalizer));
    CAPTURE(case_index);
    CAPTURE(c.mu);
    CAPTURE(c.nof_prb);
    CAPTURE(c.layers);
    ++case_index;

    pusch_codeword_params params;
    REQUIRE(compute_pusch_codeword_params(params, pdu, carrier).is_ok());
    CHECK((params.modulation == modulation_scheme::pi2_bpsk) == c.tp_pi2_bpsk);
    const status tx_ok = tx.validate(pdu, carrier);
    REQUIRE_MESSAGE(tx_ok.is_ok(), tx_ok.message());
    const status rx_ok = rx.validate(pdu, carrier, c.rx_ports);
    REQUIRE_MESSAGE(rx_ok.is_ok(), rx_ok.message());

    const ofdm_modulator_config mod_config{carrier, 0, ofdm_fft_planning::estimate};
    const ofdm_demodulator_config demod_config{carrier, 0, 0.25F, ofdm_fft_planning::estimate};
    REQUIRE(validate_ofdm_modulator_config(mod_config).is_ok());
    REQUIRE(validate_ofdm_demodulator_config(demod_config).is_ok());
    ofdm_modulator modulator(mod_config);
    ofdm_demodulator demodulator(demod_config);
    const auto& numerology = modulator.numerology();
    const unsigned nof_symbols = numerology.nof_symbols_per_slot();
    const unsigned nof_subcarriers = numerology.nof_subcarriers();
    const std::size_t port_grid = std::size_t{nof_symbols} * nof_subcarriers;
    const std::size_t nof_samples = numerology.slot_length(slot);

    std::vector<uint8_t> tb(pusch_tbs(pdu, carrier) / 8);
    for (auto& b : tb) {
      b = static_cast<uint8_t>(rng());
    }
    std::vector<cf_t> tx_grid(c.tx_ports * port_grid);
    const grid_view tx_view{tx_grid.data(), c.tx_ports, nof_symbols, nof_subcarriers};
    tx.transmit(tx_view, tb, pdu, carrier);

    std::vector<cf_t> tx_samples(c.tx_ports * nof_samples);
    std::vector<std::span<cf_t>> tx_ports;
    for (unsigned p = 0; p < c.tx_ports; ++p) {
      tx_ports.emplace_back(tx_samples.data() + p * nof_samples, nof_samples);
    }
    REQUIRE(modulator.validate(tx_ports, tx_view, slot).is_ok());
    modulator.modulate(tx_ports, tx_view, slot);

    // A flat channel commutes with OFDM: apply it to the samples.
    std::vector<cf_t> rx_samples(c.rx_ports * nof_samples);
    std::vector<std::span<const cf_t>> rx_ports;
    for (unsigned r = 0; r < c.rx_ports; ++r) {
      cf_t* out = rx_samples.data() + r * nof_samples;
      for (unsigned t = 0; t < c.tx_ports; ++t) {
        const cf_t g = channel_gain(r, t);
        for (std::size_t n = 0; n < nof_samples; ++n) {
          out[n] += g * tx_ports[t][n];
        }
      }
      rx_ports.emplace_back(out, nof_samples);
    }
    std::vector<cf_t> rx_grid(c.rx_ports * port_grid);
    const grid_view rx_view{rx_grid.data(), c.rx_ports, nof_symbols, nof_subcarriers};
    REQUIRE(demodulator.validate(rx_view, rx_ports, slot).is_ok());
    demodulator.demodulate(rx_view, rx_ports, slot);

    std::vector<uint8_t> decoded(tb.size());
    const auto result = rx.receive(decoded, rx_view, pdu, carrier);
    CHECK(result.tb_crc_ok);
    CHECK(result.nof_cb_crc_ok == result.nof_cbs);
    CHECK(decoded == tb);
    // Noise-free: only rounding errors remain on the equalized symbols, and no timing offset.
    CHECK(result.evm_percent < 0.5F);
    CHECK(std::abs(result.time_offset_s) < 0.01F / numerology.sample_rate_hz());
  }
}
