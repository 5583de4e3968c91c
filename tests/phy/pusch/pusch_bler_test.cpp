// PUSCH block error rate ladders over AWGN: transmitter twin -> fixed flat MIMO channel -> AWGN -> receiver with
// the LMMSE channel estimator. Each point sends several slots of random transport blocks with fresh noise; the
// ladders must be all errors well below the Shannon bound of the MCS, error-free a few dB above the practical
// threshold, and never rising with SNR.
#include "airan/phy/channel/impairments.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <random>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

/// One ladder: a PDU, a flat channel H (rx_ports x tx_ports, row-major) and the slots sent per SNR point.
struct bler_setup {
  carrier_config carrier;
  pusch_pdu pdu;
  unsigned nof_rx_ports;
  std::vector<cf_t> channel;
  unsigned nof_slots;
};

/// Transport blocks in error (CRC fail or wrong bits) out of setup.nof_slots at each SNR (per receive antenna: noise
/// variance 1/SNR against unit power per transmitted layer and RE).
std::vector<unsigned> errors_per_snr(const bler_setup& setup, const std::vector<double>& snrs_db, uint64_t seed)
{
  const auto& pdu = setup.pdu;
  const auto& carrier = setup.carrier;
  const unsigned nof_tx = pdu.nof_antenna_ports;
  const unsigned nof_rx = setup.nof_rx_ports;
  pusch_transmitter tx(carrier.bwp_size, pdu.nof_layers);
  pusch_receiver rx({carrier.bwp_size, nof_rx, pdu.nof_layers, 1, channel_estimator_kind::lmmse,
                     equalizer_kind::mmse, {}});
  REQUIRE(tx.validate(pdu, carrier).is_ok());
  const status valid = rx.validate(pdu, carrier, nof_rx);
  REQUIRE_MESSAGE(valid.is_ok(), valid.message());
  std::mt19937 rng(static_cast<uint32_t>(seed));
  awgn_generator awgn(seed + 1);
  const std::size_t port_size = std::size_t{14} * 12 * carrier.bwp_size;
  std::vector<cf_t> sent(nof_tx * port_size);
  std::vector<cf_t> received(nof_rx * port_size);
  std::vector<uint8_t> tb(pusch_tbs(pdu, carrier) / 8);
  std::vector<uint8_t> decoded(tb.size());
  std::vector<unsigned> errors;
  for (const double snr_db : snrs_db) {
    unsigned count = 0;
    for (unsigned t = 0; t < setup.nof_slots; ++t) {
      for (auto& b : tb) {
        b = static_cast<uint8_t>(rng());
      }
      tx.transmit({sent.data(), nof_tx, 14, 12 * carrier.bwp_size}, tb, pdu, carrier);
      std::fill(received.begin(), received.end(), cf_t{});
      for (unsigned r = 0; r < nof_rx; ++r) {
        for (unsigned p = 0; p < nof_tx; ++p) {
          const cf_t g = setup.channel[r * nof_tx + p];
          for (std::size_t n = 0; n < port_size; ++n) {
            received[r * port_size + n] += g * sent[p * port_size + n];
          }
        }
      }
      awgn.add(received, static_cast<float>(awgn_noise_variance(snr_db, 1.0)));
      const auto result = rx.receive(decoded, {received.data(), nof_rx, 14, 12 * carrier.bwp_size}, pdu, carrier);
      count += (result.tb_crc_ok && decoded == tb) ? 0 : 1;
    }
    errors.push_back(count);
  }
  return errors;
}

void check_non_increasing(const std::vector<unsigned>& errors)
{
  for (std::size_t i = 1; i < errors.size(); ++i) {
    CAPTURE(i);
    CHECK(errors[i] <= errors[i - 1]);
  }
}

/// Per seed: all errors at the first two SNRs (where no code, or no practical one, can work), none at the last two,
/// never rising between.
void check_ladder(const bler_setup& setup, const std::vector<double>& snrs, std::initializer_list<uint64_t> seeds)
{
  REQUIRE(snrs.size() >= 4);
  for (const uint64_t seed : seeds) {
    CAPTURE(seed);
    const auto errors = errors_per_snr(setup, snrs, seed);
    CHECK(errors[0] == setup.nof_slots);
    CHECK(errors[1] == setup.nof_slots);
    CHECK(errors[snrs.size() - 2] == 0);
    CHECK(errors[snrs.size() - 1] == 0);
    check_non_increasing(errors);
  }
}

bler_setup one_layer_setup(unsigned nof_prb, mcs_table table, unsigned mcs, unsigned nof_slots)
{
  bler_setup setup;
  setup.carrier.nof_prb = nof_prb;
  setup.carrier.bwp_size = nof_prb;
  setup.pdu.rnti = 1;
  setup.pdu.nof_prb = nof_prb;
  setup.pdu.table = table;
  setup.pdu.mcs = mcs;
  // The transmitted port on two receive antennas with independent noise.
  setup.nof_rx_ports = 2;
  setup.channel = {cf_t{1.0F}, cf_t{1.0F}};
  setup.nof_slots = nof_slots;
  return setup;
}

} // namespace

TEST_CASE("PUSCH BLER over AWGN: 16QAM R 0.54, 1 layer, 2 RX")
{
  const auto setup = one_layer_setup(52, mcs_table::qam64, 14, 20);
  // 16QAM at R = 0.54 needs about 7 dB per antenna without combining; two antennas give 3 dB of array gain.
  const auto errors = errors_per_snr(setup, {-2.0, 1.0, 8.0, 12.0}, 8);
  CHECK(errors[0] == 20);
  CHECK(errors[1] >= 10);
  CHECK(errors[2] == 0);
  CHECK(errors[3] == 0);
}

TEST_CASE("PUSCH BLER over AWGN: 256QAM R 0.82 (MCS 24 of the 256QAM table), 1 layer, 2 RX")
{
  // Spectral efficiency 8 x 841 / 1024 = 6.57 bit per RE. Shannon: log2(1 + 2 SNR) >= 6.57 needs a combined SNR of
  // 2^6.57 - 1 = 94 (19.7 dB), 16.7 dB per antenna with the 3 dB of two-antenna combining. At 13 dB per antenna (16 dB
  // combined, capacity 5.4 bit) no code can work; at 17 dB (0.3 dB above the bound) no LDPC code of a few thousand
  // bits with bit-interleaved 256QAM and estimated channels can either, as they need 2 to 4 dB more. The waterfall
  // lies near 20 dB; 25 dB and above must be error-free.
  const auto setup = one_layer_setup(32, mcs_table::qam256, 24, 20);
  REQUIRE(lookup_mcs(mcs_table::qam256, 24)->modulation_order == 8);
  REQUIRE(lookup_mcs(mcs_table::qam256, 24)->target_code_rate_x1024 == 841.0F);
  const std::vector<double> snrs = {13.0, 17.0, 19.5, 20.0, 20.5, 21.0, 25.0, 28.0};
  check_ladder(setup, snrs, {11U, 12U});
}

TEST_CASE("PUSCH BLER over AWGN: 64QAM R 0.70 (MCS 23 of the 64QAM table), 2 layers, 2 RX through a mixing channel")
{
  // The two layers reach both antennas through a unitary 2 x 2 channel, so zero forcing keeps the per-antenna SNR per
  // layer. Spectral efficiency per layer 6 x 719 / 1024 = 4.21 bit: Shannon needs 2^4.21 - 1 = 17.5 (12.4 dB). At 9 dB
  // (capacity 3.2 bit per layer) no code can work, and at 13 dB (0.6 dB above the bound) no practical one; the
  // waterfall lies near 16 dB, so 21 dB and above must be error-free.
  bler_setup setup;
  setup.carrier.nof_prb = 24;
  setup.carrier.bwp_size = 24;
  setup.pdu.rnti = 2;
  setup.pdu.nof_prb = 24;
  setup.pdu.nof_layers = 2;
  setup.pdu.nof_antenna_ports = 2;
  setup.pdu.table = mcs_table::qam64;
  setup.pdu.mcs = 23;
  REQUIRE(lookup_mcs(mcs_table::qam64, 23)->modulation_order == 6);
  REQUIRE(lookup_mcs(mcs_table::qam64, 23)->target_code_rate_x1024 == 719.0F);
  setup.nof_rx_ports = 2;
  const float a = 1.0F / std::sqrt(2.0F);
  setup.channel = {cf_t{a}, std::polar(a, 0.8F), cf_t{a}, std::polar(a, 0.8F + 3.14159265F)};
  setup.nof_slots = 20;
  const std::vector<double> snrs = {9.0, 13.0, 15.5, 16.0, 16.5, 17.0, 21.0, 24.0};
  check_ladder(setup, snrs, {21U, 22U});
}

TEST_CASE("PUSCH BLER over AWGN: pi/2-BPSK R 0.23 (MCS 0 of Table 6.1.4.1-1 with tp-pi2BPSK), DFT-s-OFDM, 2 RX")
{
  // Spectral efficiency 240 / 1024 = 0.234 bit per RE. Shannon, for any input: log2(1 + 2 SNR) >= 0.234 needs a
  // combined SNR of 2^0.234 - 1 = 0.176 (-7.5 dB), -10.5 dB per antenna; pi/2-BPSK, real-valued once its rotation is
  // undone, needs 1/2 log2(1 + 4 SNR) >= 0.234, -10.2 dB per antenna. At -14 dB per antenna (capacity 0.11 bit) no
  // code can work, and at -11 dB (0.8 dB below the bound) none either. The waterfall lies near -7.5 dB per antenna
  // (where QPSK of the same MCS row, R 0.117, has it too), so -5 dB and above must be error-free.
  auto setup = one_layer_setup(24, mcs_table::tp_qam64, 0, 20);
  setup.pdu.transform_precoding = true;
  setup.pdu.tp_pi2_bpsk = true;
  pusch_codeword_params params;
  REQUIRE(compute_pusch_codeword_params(params, setup.pdu, setup.carrier).is_ok());
  REQUIRE(params.modulation == modulation_scheme::pi2_bpsk);
  REQUIRE(params.ulsch.target_code_rate == doctest::Approx(240.0 / 1024));
  const std::vector<double> snrs = {-14.0, -11.0, -8.5, -7.75, -7.5, -7.25, -5.0, -3.0};
  check_ladder(setup, snrs, {31U, 32U});
}
