// The PUSCH receiver: reference grids of an independent implementation, noise-free loopback through the transmitter
// twin, and PDU validation (BLER over AWGN: pusch_bler_test.cpp).
#include "airan/common/bit_packing.h"
#include "airan/phy/channel/impairments.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/pusch/pusch_transmitter.h"
#include "pusch_vector.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

std::vector<uint8_t> random_tb(unsigned tbs, std::mt19937& rng)
{
  std::vector<uint8_t> tb(tbs / 8);
  for (auto& b : tb) {
    b = static_cast<uint8_t>(rng());
  }
  return tb;
}

/// A carrier of nof_prb PRB, its BWP the whole carrier.
carrier_config carrier_of(unsigned nof_prb)
{
  carrier_config carrier;
  carrier.nof_prb = nof_prb;
  carrier.bwp_size = nof_prb;
  return carrier;
}

/// Transmits one PDU with random data and returns the transport block; grid holds the transmitted slot.
std::vector<uint8_t> transmit(pusch_transmitter& tx, std::vector<cf_t>& grid, const pusch_pdu& pdu,
                              const carrier_config& carrier, std::mt19937& rng)
{
  const auto tb = random_tb(pusch_tbs(pdu, carrier), rng);
  grid.assign(std::size_t{pdu.nof_antenna_ports} * 14 * 12 * carrier.bwp_size, cf_t{});
  tx.transmit({grid.data(), pdu.nof_antenna_ports, 14, 12 * carrier.bwp_size}, tb, pdu, carrier);
  return tb;
}

} // namespace

TEST_CASE("PUSCH receiver: every reference grid decodes bit-exactly with CRC pass")
{
  for (auto estimator : {channel_estimator_kind::ls_linear, channel_estimator_kind::dft, channel_estimator_kind::lmmse}) {
    pusch_receiver rx({40, 4, 4, 2, estimator, equalizer_kind::mmse, {}});
    for (unsigned n = 0; n < test::nof_pusch_cases; ++n) {
      const auto name = test::pusch_case_name(n);
      CAPTURE(name);
      CAPTURE(static_cast<int>(estimator));
      const auto v = test::load_pusch_vector(name);
      const unsigned nof_ports = v.pdu.nof_antenna_ports;
      const status s = rx.validate(v.pdu, v.carrier, nof_ports);
      REQUIRE_MESSAGE(s.is_ok(), s.message());
      std::vector<uint8_t> expected(v.tbs / 8);
      pack_bits(expected, v.tb_bits);
      std::vector<uint8_t> decoded(v.tbs / 8);
      const auto result =
          rx.receive(decoded, {v.grid.data(), nof_ports, 14, 12 * v.carrier.bwp_size}, v.pdu, v.carrier);
      CHECK(result.tb_crc_ok);
      CHECK(result.tbs == v.tbs);
      CHECK(decoded == expected);
      CHECK(result.evm_percent < 1.0f);
    }
  }
}

TEST_CASE("PUSCH receiver: noise-free loopback over layers, DM-RS configurations and transform precoding")
{
  const carrier_config carrier = carrier_of(273);
  pusch_transmitter tx(273, 4);
  pusch_receiver rx({273, 4, 4, 2, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  std::mt19937 rng(3);
  struct loop_case {
    unsigned nof_prb, layers, type, length, additional, cdm_groups;
    mcs_table table;
    unsigned mcs;
    bool tp;
  };
  const loop_case cases[] = {
      {1, 1, 1, 1, 0, 2, mcs_table::qam64, 5, false},      {273, 1, 1, 1, 1, 2, mcs_table::qam256, 27, false},
      {52, 2, 1, 2, 1, 2, mcs_table::qam256, 20, false},   {106, 2, 2, 1, 2, 3, mcs_table::qam64, 16, false},
      {273, 4, 1, 1, 1, 2, mcs_table::qam64, 20, false},   {24, 4, 2, 2, 0, 2, mcs_table::qam64_low_se, 10, false},
      {75, 3, 2, 1, 3, 2, mcs_table::qam64, 12, false},    {270, 1, 1, 1, 1, 2, mcs_table::tp_qam64, 20, true},
      {25, 1, 1, 1, 2, 2, mcs_table::tp_qam64, 5, true},
  };
  for (const auto& c : cases) {
    pusch_pdu pdu;
    pdu.rnti = 0x4601;
    pdu.n_id = 17;
    pdu.slot = 3;
    pdu.prb_start = 273 - c.nof_prb;
    pdu.nof_prb = c.nof_prb;
    pdu.nof_layers = c.layers;
    pdu.nof_antenna_ports = c.layers;
    pdu.transform_precoding = c.tp;
    pdu.dmrs.config_type = c.type;
    pdu.dmrs.max_length = c.length;
    pdu.dmrs.additional_position = c.additional;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.dmrs.scrambling_id = {100, 200};
    pdu.table = c.table;
    pdu.mcs = c.mcs;
    CAPTURE(c.nof_prb);
    CAPTURE(c.layers);
    CAPTURE(c.type);
    CAPTURE(c.tp);
    const status s = rx.validate(pdu, carrier, c.layers);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    std::vector<cf_t> grid;
    const auto tb = transmit(tx, grid, pdu, carrier, rng);
    std::vector<uint8_t> decoded(tb.size());
    const auto result = rx.receive(decoded, {grid.data(), c.layers, 14, 12 * 273}, pdu, carrier);
    CHECK(result.tb_crc_ok);
    CHECK(decoded == tb);
  }
}

TEST_CASE("PUSCH receiver: the EVM covers every layer")
{
  // Two layers straight onto two receive ports; noise only on port 1, 30 dB below its signal. Layer 0 then has no
  // error, layer 1 an EVM of about 1/sqrt(1000) (3.2 %), and both together about 3.2 % / sqrt(2) = 2.2 %: an EVM of
  // layer 0 alone would stay near 0.
  const carrier_config carrier = carrier_of(52);
  pusch_transmitter tx(52, 2);
  pusch_receiver rx({52, 2, 2, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  std::mt19937 rng(31);
  pusch_pdu pdu;
  pdu.nof_prb = 52;
  pdu.nof_layers = 2;
  pdu.nof_antenna_ports = 2;
  pdu.table = mcs_table::qam64;
  pdu.mcs = 16;
  pdu.dmrs.additional_position = 1;
  REQUIRE(rx.validate(pdu, carrier, 2).is_ok());
  std::vector<cf_t> grid;
  const auto tb = transmit(tx, grid, pdu, carrier, rng);
  const std::size_t port_size = std::size_t{14} * 12 * 52;
  const std::span<cf_t> port1(grid.data() + port_size, port_size);
  double power = 0.0;
  for (const cf_t v : port1) {
    power += std::norm(v);
  }
  const auto nof_used = static_cast<double>(std::count_if(port1.begin(), port1.end(), [](cf_t v) { return v != cf_t{}; }));
  awgn_generator(5).add(port1, static_cast<float>(power / nof_used / 1000.0));
  std::vector<uint8_t> decoded(tb.size());
  const auto result = rx.receive(decoded, {grid.data(), 2, 14, 12 * 52}, pdu, carrier);
  CHECK(result.tb_crc_ok);
  CHECK(result.evm_percent > 1.9f);
  CHECK(result.evm_percent < 2.9f);
}

TEST_CASE("PUSCH receiver: the pi/2-BPSK EVM is the distance to the nearest point of the symbol's own phase")
{
  // pi/2-BPSK with transform precoding on one port at 0 dB SNR. Symbol i may only be +-exp(j pi/2 (i mod 2)) (1 +
  // j)/sqrt(2); the nearest of all four QPSK points would be closer to many noisy values and give a much lower EVM.
  const carrier_config carrier = carrier_of(48);
  pusch_transmitter tx(48, 1);
  pusch_receiver rx({48, 1, 1, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  std::mt19937 rng(41);
  pusch_pdu pdu;
  pdu.nof_prb = 48;
  pdu.transform_precoding = true;
  pdu.tp_pi2_bpsk = true;
  pdu.table = mcs_table::tp_qam64;
  pdu.mcs = 0;
  REQUIRE(rx.validate(pdu, carrier, 1).is_ok());
  std::vector<cf_t> grid;
  const auto tb = transmit(tx, grid, pdu, carrier, rng);
  awgn_generator(6).add(grid, 1.0F);
  std::vector<uint8_t> decoded(tb.size());
  const auto result = rx.receive(decoded, {grid.data(), 1, 14, 12 * 48}, pdu, carrier);
  const auto x = rx.intermediates().equalized_symbols;
  REQUIRE(x.size() == 48 * 12 * 12);
  // The receiver's sample: 8 consecutive symbols in every 64.
  double pi2_error = 0.0;
  double qpsk_error = 0.0;
  double count = 0.0;
  const double a = 1.0 / std::sqrt(2.0);
  for (std::size_t first = 0; first < x.size(); first += 64) {
    for (std::size_t i = first; i < std::min(first + 8, x.size()); ++i) {
      const std::complex<double> z(x[i]);
      const std::complex<double> point =
          std::polar(1.0, std::numbers::pi / 2 * static_cast<double>(i % 2)) * std::complex<double>(a, a);
      pi2_error += std::min(std::norm(z - point), std::norm(z + point));
      qpsk_error += std::norm(std::complex<double>(std::abs(z.real()) - a, std::abs(z.imag()) - a));
      ++count;
    }
  }
  const double pi2_evm = 100.0 * std::sqrt(pi2_error / count);
  const double qpsk_evm = 100.0 * std::sqrt(qpsk_error / count);
  CAPTURE(pi2_evm);
  CAPTURE(qpsk_evm);
  CHECK(qpsk_evm < 0.9 * pi2_evm);
  CHECK(result.evm_percent == doctest::Approx(pi2_evm).epsilon(1e-4));
}

TEST_CASE("PUSCH receiver: group or sequence hopping of the transform precoding DM-RS decodes only when the PDU says "
          "so")
{
  const carrier_config carrier = carrier_of(24);
  pusch_transmitter tx(24, 1);
  pusch_receiver rx({24, 1, 1, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  std::mt19937 rng(43);
  for (const auto hopping : {low_papr_hopping::group, low_papr_hopping::sequence}) {
    CAPTURE(static_cast<int>(hopping));
    pusch_pdu pdu;
    pdu.nof_prb = 24;
    pdu.transform_precoding = true;
    pdu.table = mcs_table::tp_qam64;
    pdu.mcs = 10;
    pdu.dmrs.n_id_rs = 211;
    pdu.dmrs.group_or_sequence_hopping = hopping;
    pusch_dmrs_pattern pattern;
    REQUIRE(compute_pusch_dmrs_pattern(pattern, pdu, carrier).is_ok());
    // A slot in which every DM-RS symbol's u or v differs from the values without hopping (u = 211 mod 30, v = 0).
    bool found = false;
    for (pdu.slot = 0; pdu.slot < 20 && !found; ++pdu.slot) {
      found = true;
      for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
        const auto g = pusch_dmrs_low_papr_group(pdu, carrier, pattern.symbols[d] - pattern.l_prime[d]);
        found = found && (g.u != 211 % 30 || g.v != 0);
      }
    }
    --pdu.slot;
    REQUIRE(found);
    CAPTURE(pdu.slot);
    REQUIRE(rx.validate(pdu, carrier, 1).is_ok());
    std::vector<cf_t> grid;
    const auto tb = transmit(tx, grid, pdu, carrier, rng);
    std::vector<uint8_t> decoded(tb.size());
    const const_grid_view view{grid.data(), 1, 14, 12 * 24};
    CHECK(rx.receive(decoded, view, pdu, carrier).tb_crc_ok);
    CHECK(decoded == tb);

    pusch_pdu unaware = pdu;
    unaware.dmrs.group_or_sequence_hopping = low_papr_hopping::neither;
    CHECK_FALSE(rx.receive(decoded, view, unaware, carrier).tb_crc_ok);
  }
}

namespace {

/// Zeroes, on every port and symbol, the subcarriers of PRBs [first, first + count) of the BWP: the receiver sees no
/// signal there, so the coded bits mapped to them arrive as erasures.
void erase_prbs(std::vector<cf_t>& grid, unsigned nof_ports, unsigned bwp_size, unsigned first, unsigned count)
{
  for (unsigned row = 0; row != nof_ports * 14; ++row) {
    std::fill_n(grid.begin() + (std::size_t{row} * bwp_size + first) * 12, 12 * count, cf_t{});
  }
}

} // namespace

TEST_CASE("PUSCH receiver: a retransmission combines with its own UE's soft bits when another UE uses the same "
          "HARQ process")
{
  const carrier_config carrier = carrier_of(52);
  pusch_transmitter tx(52, 1);
  std::mt19937 rng(21);
  pusch_pdu ue_a;
  ue_a.rnti = 0x4601;
  ue_a.n_id = 1;
  ue_a.nof_prb = 52;
  ue_a.table = mcs_table::qam64;
  ue_a.mcs = 20;
  ue_a.harq_id = 3;
  pusch_pdu ue_b = ue_a;
  ue_b.rnti = 0x4602;
  ue_b.n_id = 2;

  // UE A's block in two halves: each transmission carries the same coded bits (RV 0) with the other half of the
  // PRBs erased, so that neither decodes alone and both together are the whole codeword.
  std::vector<cf_t> a_grid;
  const auto a_tb = transmit(tx, a_grid, ue_a, carrier, rng);
  std::vector<cf_t> a_first = a_grid;
  erase_prbs(a_first, 1, 52, 26, 26);
  std::vector<cf_t> a_second = a_grid;
  erase_prbs(a_second, 1, 52, 0, 26);
  std::vector<cf_t> b_grid;
  const auto b_tb = transmit(tx, b_grid, ue_b, carrier, rng);
  const grid_view a_first_view{a_first.data(), 1, 14, 12 * 52};
  const grid_view a_second_view{a_second.data(), 1, 14, 12 * 52};
  const grid_view b_view{b_grid.data(), 1, 14, 12 * 52};
  std::vector<uint8_t> decoded(a_tb.size());

  SUBCASE("each half alone fails")
  {
    pusch_receiver rx({52, 1, 1, 4, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
    CHECK_FALSE(rx.receive(decoded, a_first_view, ue_a, carrier).tb_crc_ok);
    CHECK_FALSE(rx.receive(decoded, a_second_view, ue_a, carrier).tb_crc_ok);
  }
  // UE A's first half, UE B's new data on the same HARQ process, UE A's second half as a retransmission.
  auto interleaved_transmissions = [&](pusch_receiver& rx) {
    CHECK_FALSE(rx.receive(decoded, a_first_view, ue_a, carrier).tb_crc_ok);
    std::vector<uint8_t> b_decoded(b_tb.size());
    CHECK(rx.receive(b_decoded, b_view, ue_b, carrier).tb_crc_ok);
    CHECK(b_decoded == b_tb);
    auto retransmission = ue_a;
    retransmission.new_data = false;
    return rx.receive(decoded, a_second_view, retransmission, carrier);
  };
  SUBCASE("UE A's retransmission combines with its own soft bits")
  {
    pusch_receiver rx({52, 1, 1, 4, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
    const auto result = interleaved_transmissions(rx);
    CHECK(result.tb_crc_ok);
    CHECK_FALSE(result.harq_retransmission_lost);
    CHECK(decoded == a_tb);
    CHECK(rx.harq_counters().nof_evictions == 0);
  }
  // UE A's first half, then a retransmission of another size on the same process.
  pusch_pdu other = ue_a;
  other.new_data = false;
  other.mcs = 10;
  REQUIRE(pusch_tbs(other, carrier) != pusch_tbs(ue_a, carrier));
  SUBCASE("a retransmission of another transport block size is rejected; the soft bits wait for the right one")
  {
    pusch_receiver rx({52, 1, 1, 4, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
    CHECK_FALSE(rx.receive(decoded, a_first_view, ue_a, carrier).tb_crc_ok);
    const std::string message = rx.validate(other, carrier, 1).message();
    CAPTURE(message);
    CHECK(message.find("retransmission of TBS " + std::to_string(pusch_tbs(other, carrier))) != std::string::npos);
    CHECK(message.find("the HARQ process holds the soft bits of TBS " + std::to_string(pusch_tbs(ue_a, carrier))) !=
          std::string::npos);
    // New data of that size is fine: it replaces the process's soft bits.
    CHECK(rx.validate(ue_a, carrier, 1).is_ok());
    auto retransmission = ue_a;
    retransmission.new_data = false;
    CHECK(rx.validate(retransmission, carrier, 1).is_ok());
    const auto result = rx.receive(decoded, a_second_view, retransmission, carrier);
    CHECK(result.tb_crc_ok);
    CHECK(decoded == a_tb);
    CHECK(rx.harq_counters().nof_lost_retransmissions == 0);
  }
  SUBCASE("received without validation, a retransmission of another size is decoded alone and counted as lost")
  {
    pusch_receiver rx({52, 1, 1, 4, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
    CHECK_FALSE(rx.receive(decoded, a_first_view, ue_a, carrier).tb_crc_ok);
    std::vector<uint8_t> other_decoded(pusch_tbs(other, carrier) / 8);
    const auto result = rx.receive(other_decoded, a_second_view, other, carrier);
    CHECK_FALSE(result.tb_crc_ok);
    CHECK(result.harq_retransmission_lost);
    CHECK(rx.harq_counters().nof_lost_retransmissions == 1);
  }
  SUBCASE("one buffer: UE B evicts UE A's soft bits and the loss is reported")
  {
    pusch_receiver rx({52, 1, 1, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
    const auto result = interleaved_transmissions(rx);
    CHECK_FALSE(result.tb_crc_ok);
    CHECK(result.harq_retransmission_lost);
    CHECK(rx.harq_counters().nof_evictions == 1);
    CHECK(rx.harq_counters().nof_lost_retransmissions == 1);
  }
}

TEST_CASE("PUSCH receiver: no HARQ buffers, or maxima out of range, is a configuration error naming the field")
{
  CHECK_THROWS_AS(pusch_receiver({52, 1, 1, 0, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}}),
                  std::invalid_argument);
  CHECK_THROWS_WITH(pusch_receiver({52, 32, 1, 4, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}}),
                    doctest::Contains("max_nof_rx_ports 32 outside 1..16"));
  CHECK_THROWS_WITH(pusch_receiver({276, 4, 1, 4, channel_estimator_kind::lmmse, equalizer_kind::mmse, {}}),
                    doctest::Contains("max_nof_prb 276 outside 1..275"));
  CHECK_THROWS_WITH(pusch_receiver({52, 4, 5, 4, channel_estimator_kind::dft, equalizer_kind::mmse_irc, {}}),
                    doctest::Contains("max_nof_layers 5 outside 1..4"));
  CHECK_NOTHROW(pusch_receiver({1, 16, 4, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}}));
}

TEST_CASE("PUSCH receiver: invalid PDUs are rejected with a message")
{
  const carrier_config carrier = carrier_of(52);
  pusch_receiver rx({52, 2, 2, 1, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}});
  pusch_pdu pdu;
  pdu.nof_prb = 52;
  CHECK(rx.validate(pdu, carrier, 2).is_ok());
  auto bad = pdu;
  bad.nof_prb = 60;
  CHECK_FALSE(rx.validate(bad, carrier, 2).is_ok());
  bad = pdu;
  bad.nof_layers = 2;
  bad.nof_antenna_ports = 2;
  CHECK(rx.validate(bad, carrier, 1).message().find("receive ports") != std::string::npos);
  bad = pdu;
  bad.harq_id = 31;
  CHECK(rx.validate(bad, carrier, 2).is_ok());
  bad.harq_id = 32;
  CHECK(rx.validate(bad, carrier, 2).message().find("HARQ process 32") != std::string::npos);
  carrier_config big = carrier;
  big.nof_prb = 100;
  big.bwp_size = 100;
  CHECK(rx.validate(pdu, big, 2).message().find("maximum") != std::string::npos);
  bad = pdu;
  bad.mcs = 31;
  CHECK_FALSE(rx.validate(bad, carrier, 2).is_ok());
}
