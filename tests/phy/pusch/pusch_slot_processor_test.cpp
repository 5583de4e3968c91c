// The PUSCH slot processor: several UEs transmitted by the transmitter twin into one 273-PRB grid through flat
// channels, with invalid PDUs among them; per-PDU results, messages and counters.
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_slot_processor.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <doctest/doctest.h>

#include <complex>
#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

constexpr unsigned nof_rx_ports = 4;
constexpr unsigned nof_symbols = 14;

carrier_config slot_carrier()
{
  carrier_config carrier;
  carrier.numerology = 1;
  carrier.cell_id = 321;
  carrier.nof_prb = 273;
  carrier.bwp_size = 273;
  return carrier;
}

pusch_pdu make_pdu(unsigned rnti, unsigned prb_start, unsigned nof_prb, unsigned layers, mcs_table table, unsigned mcs)
{
  pusch_pdu pdu;
  pdu.rnti = rnti;
  pdu.n_id = rnti % 1024;
  pdu.slot = 7;
  pdu.prb_start = prb_start;
  pdu.nof_prb = nof_prb;
  pdu.nof_layers = layers;
  pdu.nof_antenna_ports = layers;
  pdu.table = table;
  pdu.mcs = mcs;
  pdu.dmrs.scrambling_id = {rnti, 1000 + rnti};
  return pdu;
}

/// The slot as received: the sum over UEs of each UE's antenna ports through its own flat channel.
struct slot_grid {
  std::vector<cf_t> data = std::vector<cf_t>(std::size_t{nof_rx_ports} * nof_symbols * 12 * 273);
  const_grid_view view() const { return {data.data(), nof_rx_ports, nof_symbols, 12 * 273}; }

  /// Transmits pdu with a random transport block and adds it to the grid; returns the transport block.
  std::vector<uint8_t> add_ue(pusch_transmitter& tx, const pusch_pdu& pdu, const carrier_config& carrier,
                              std::mt19937& rng)
  {
    std::vector<uint8_t> tb(pusch_tbs(pdu, carrier) / 8);
    for (auto& b : tb) {
      b = static_cast<uint8_t>(rng());
    }
    const std::size_t port_size = std::size_t{nof_symbols} * 12 * 273;
    std::vector<cf_t> ue(pdu.nof_antenna_ports * port_size);
    tx.transmit({ue.data(), pdu.nof_antenna_ports, nof_symbols, 12 * 273}, tb, pdu, carrier);
    std::uniform_real_distribution<float> phase(0.0F, 6.2832F);
    for (unsigned r = 0; r < nof_rx_ports; ++r) {
      for (unsigned p = 0; p < pdu.nof_antenna_ports; ++p) {
        const cf_t g = std::polar(r == p ? 1.0F : 0.4F, phase(rng));
        for (std::size_t n = 0; n < port_size; ++n) {
          data[r * port_size + n] += g * ue[p * port_size + n];
        }
      }
    }
    return tb;
  }
};

bool contains(const status& s, const std::string& text)
{
  return s.message().find(text) != std::string::npos;
}

} // namespace

TEST_CASE("PUSCH slot processor: six UEs decode bit-exactly in one 273-PRB slot beside four invalid PDUs")
{
  const carrier_config carrier = slot_carrier();
  pusch_transmitter tx(273, 4);
  pusch_slot_processor processor({{273, nof_rx_ports, 4, 16, channel_estimator_kind::ls_linear,
                                   equalizer_kind::mmse, {}},
                                  12});
  std::mt19937 rng(77);

  std::vector<pusch_pdu> pdus;
  // 0: 24 PRB, 1 layer, 64QAM table, type 1 DM-RS with one additional position.
  pdus.push_back(make_pdu(0x4601, 0, 24, 1, mcs_table::qam64, 10));
  // 1: 52 PRB, 2 layers, 256QAM table, type 2 DM-RS with two additional positions, HARQ process 3.
  pdus.push_back(make_pdu(0x4602, 24, 52, 2, mcs_table::qam256, 20));
  pdus.back().dmrs.config_type = 2;
  pdus.back().dmrs.additional_position = 2;
  pdus.back().dmrs.nof_cdm_groups_without_data = 3;
  pdus.back().harq_id = 3;
  // 2 (invalid): PRBs 260..279 run past the 273-PRB BWP.
  pdus.push_back(make_pdu(0x4603, 260, 20, 1, mcs_table::qam64, 5));
  // 3: 30 PRB, transform precoding.
  pdus.push_back(make_pdu(0x4604, 76, 30, 1, mcs_table::tp_qam64, 15));
  pdus.back().transform_precoding = true;
  pdus.back().dmrs.n_id_rs = 55;
  // 4: 100 PRB, 4 layers, double-symbol DM-RS.
  pdus.push_back(make_pdu(0x4605, 106, 100, 4, mcs_table::qam64, 22));
  pdus.back().dmrs.max_length = 2;
  // 5 (invalid): MCS 31 is reserved in the 64QAM table.
  pdus.push_back(make_pdu(0x4606, 0, 10, 1, mcs_table::qam64, 31));
  // 6: 34 PRB, 3 layers codebook-precoded on 4 antenna ports, low-SE table, type 2 DM-RS with three additional
  // positions, n_SCID 1.
  pdus.push_back(make_pdu(0x4607, 206, 34, 3, mcs_table::qam64_low_se, 12));
  pdus.back().nof_antenna_ports = 4;
  pdus.back().precoding = pusch_precoding::codebook;
  pdus.back().tpmi = 2;
  pdus.back().dmrs.config_type = 2;
  pdus.back().dmrs.additional_position = 3;
  pdus.back().dmrs.nof_cdm_groups_without_data = 3;
  pdus.back().dmrs.n_scid = 1;
  // 7 (invalid): HARQ process 32 beyond 0..31.
  pdus.push_back(make_pdu(0x4608, 0, 10, 1, mcs_table::qam64, 5));
  pdus.back().harq_id = 32;
  // 8: 32 PRB, 1 layer on 2 antenna ports, mapping type B over symbols 2..11.
  pdus.push_back(make_pdu(0x4609, 240, 32, 1, mcs_table::qam256, 5));
  pdus.back().nof_antenna_ports = 2;
  pdus.back().precoding = pusch_precoding::codebook;
  pdus.back().tpmi = 3;
  pdus.back().mapping = pusch_mapping_type::type_b;
  pdus.back().start_symbol = 2;
  pdus.back().nof_symbols = 10;
  // 9 (invalid): the same UE and HARQ process as PDU 1.
  pdus.push_back(pdus[1]);
  // 10: the same UE as PDU 0 on another HARQ process, in the last PRB of the BWP.
  pdus.push_back(make_pdu(0x4601, 272, 1, 1, mcs_table::qam64, 0));
  pdus.back().harq_id = 1;
  const std::vector<unsigned> valid = {0, 1, 3, 4, 6, 8, 10};

  slot_grid grid;
  std::vector<std::vector<uint8_t>> sent(pdus.size());
  for (unsigned i : valid) {
    REQUIRE(tx.validate(pdus[i], carrier).is_ok());
    sent[i] = grid.add_ue(tx, pdus[i], carrier, rng);
  }
  std::vector<std::vector<uint8_t>> buffers(pdus.size(), std::vector<uint8_t>(160000, 0xee));
  std::vector<std::span<uint8_t>> tb_buffers(buffers.begin(), buffers.end());

  const auto slot = processor.process(tb_buffers, grid.view(), pdus, carrier);
  REQUIRE(slot.pdus.size() == pdus.size());
  for (unsigned i : valid) {
    CAPTURE(i);
    const auto& r = slot.pdus[i];
    CHECK_MESSAGE(r.validation.is_ok(), r.validation.message());
    CHECK(r.rx.tb_crc_ok);
    CHECK(r.rx.tbs == pusch_tbs(pdus[i], carrier));
    CHECK(r.tb.data() == buffers[i].data());
    CHECK(std::vector<uint8_t>(r.tb.begin(), r.tb.end()) == sent[i]);
    REQUIRE(r.cbs.size() == r.rx.nof_cbs);
    CHECK(r.rx.nof_cbs >= 1);
    for (const auto& cb : r.cbs) {
      CHECK(cb.crc_ok);
      CHECK(cb.nof_iterations >= 1);
      CHECK(cb.nof_iterations <= r.rx.max_ldpc_iterations);
    }
    CHECK(r.rx.evm_percent < 1.0F);
    CHECK(r.rx.sinr_db > 30.0F);
  }
  // PDU 4 spans several code blocks (100 PRB, 4 layers, 64QAM).
  CHECK(slot.pdus[4].rx.nof_cbs > 1);

  const auto& beyond_bwp = slot.pdus[2].validation;
  CHECK(contains(beyond_bwp, "PUSCH PDU 2 (RNTI 17923, HARQ 0)"));
  CHECK(contains(beyond_bwp, "PRB allocation [260, +20) not inside the bandwidth part of 273 PRB"));
  CHECK(contains(slot.pdus[5].validation, "PUSCH PDU 5 (RNTI 17926"));
  CHECK(contains(slot.pdus[5].validation, "MCS index 31 is reserved"));
  CHECK(contains(slot.pdus[7].validation, "PUSCH PDU 7 (RNTI 17928, HARQ 32)"));
  CHECK(contains(slot.pdus[7].validation, "HARQ process 32 out of range"));
  CHECK(contains(slot.pdus[9].validation, "PUSCH PDU 9 (RNTI 17922, HARQ 3): same RNTI and HARQ process as PDU 1"));
  for (unsigned i : {2U, 5U, 7U, 9U}) {
    CAPTURE(i);
    CHECK_FALSE(slot.pdus[i].validation.is_ok());
    CHECK(slot.pdus[i].tb.empty());
    CHECK(slot.pdus[i].cbs.empty());
    CHECK_FALSE(slot.pdus[i].rx.tb_crc_ok);
    // The caller's buffer is untouched.
    CHECK(buffers[i][0] == 0xee);
  }
  CHECK(slot.nof_invalid == 4);
  CHECK(slot.nof_crc_ok == valid.size());
  CHECK(slot.nof_crc_failed == 0);
  CHECK(slot.nof_dropped == 0);

  // A second slot, received empty: the valid PDUs fail their CRC, and the counters add up over both slots.
  slot_grid silent;
  const auto failed = processor.process(tb_buffers, silent.view(), pdus, carrier);
  CHECK(failed.nof_invalid == 4);
  CHECK(failed.nof_crc_ok == 0);
  CHECK(failed.nof_crc_failed == valid.size());
  const auto& counters = processor.counters();
  CHECK(counters.nof_slots == 2);
  CHECK(counters.nof_pdus == 2 * pdus.size());
  CHECK(counters.nof_invalid_pdus == 8);
  CHECK(counters.nof_crc_ok == valid.size());
  CHECK(counters.nof_crc_failed == valid.size());
  CHECK(counters.nof_dropped_pdus == 0);
}

TEST_CASE("PUSCH slot processor: missing and short buffers, a wrong grid and too many PDUs")
{
  const carrier_config carrier = slot_carrier();
  pusch_slot_processor processor({{273, nof_rx_ports, 2, 4, channel_estimator_kind::ls_linear,
                                   equalizer_kind::mmse, {}},
                                  2});
  const auto pdu = make_pdu(0x10, 0, 20, 1, mcs_table::qam64, 9);
  const unsigned tb_size = pusch_tbs(pdu, carrier) / 8;
  std::vector<uint8_t> short_buffer(tb_size - 1);
  std::vector<uint8_t> buffer(tb_size);
  slot_grid grid;

  SUBCASE("a buffer shorter than TBS / 8 and a PDU without a buffer")
  {
    const std::vector<std::span<uint8_t>> tb_buffers = {short_buffer};
    auto second = pdu;
    second.rnti = 0x11;
    const std::vector<pusch_pdu> pdus = {pdu, second};
    const auto slot = processor.process(tb_buffers, grid.view(), pdus, carrier);
    REQUIRE(slot.pdus.size() == 2);
    CHECK(contains(slot.pdus[0].validation,
                   "PUSCH PDU 0 (RNTI 16, HARQ 0): transport block buffer of " + std::to_string(tb_size - 1) +
                       " bytes, TBS needs " + std::to_string(tb_size)));
    CHECK(contains(slot.pdus[1].validation, "PUSCH PDU 1 (RNTI 17, HARQ 0): no transport block buffer"));
    CHECK(slot.nof_invalid == 2);
  }
  SUBCASE("a grid narrower than the bandwidth part")
  {
    const std::vector<std::span<uint8_t>> tb_buffers = {buffer};
    const std::vector<pusch_pdu> pdus = {pdu};
    const const_grid_view narrow{grid.data.data(), nof_rx_ports, nof_symbols, 12 * 272};
    const auto slot = processor.process(tb_buffers, narrow, pdus, carrier);
    REQUIRE(slot.pdus.size() == 1);
    CHECK(contains(slot.pdus[0].validation, "grid of 14 symbols x 3264 subcarriers, the slot needs 14 x 3276"));
    CHECK(slot.nof_invalid == 1);
  }
  SUBCASE("more receive ports than the receiver's maximum")
  {
    pusch_slot_processor two_ports({{273, 2, 1, 4, channel_estimator_kind::ls_linear, equalizer_kind::mmse, {}}, 2});
    const std::vector<std::span<uint8_t>> tb_buffers = {buffer};
    const std::vector<pusch_pdu> pdus = {pdu};
    const auto slot = two_ports.process(tb_buffers, grid.view(), pdus, carrier);
    CHECK(contains(slot.pdus[0].validation, "4 receive ports for 1 layers (at most 2 ports)"));
  }
  SUBCASE("PDUs beyond max_nof_pdus are dropped and counted")
  {
    std::vector<uint8_t> b1(tb_size), b2(tb_size), b3(tb_size);
    const std::vector<std::span<uint8_t>> tb_buffers = {b1, b2, b3};
    auto p1 = pdu;
    p1.rnti = 0x20;
    auto p2 = pdu;
    p2.rnti = 0x30;
    const std::vector<pusch_pdu> pdus = {pdu, p1, p2};
    const auto slot = processor.process(tb_buffers, grid.view(), pdus, carrier);
    CHECK(slot.pdus.size() == 2);
    CHECK(slot.nof_dropped == 1);
    CHECK(slot.nof_invalid == 0);
    // An empty grid: both processed PDUs fail their CRC.
    CHECK(slot.nof_crc_failed == 2);
    CHECK(processor.counters().nof_dropped_pdus == 1);
    CHECK(processor.counters().nof_pdus == 3);
  }
}

TEST_CASE("PUSCH slot processor: at least one PDU per slot")
{
  CHECK_THROWS_AS(pusch_slot_processor({{}, 0}), std::invalid_argument);
}
