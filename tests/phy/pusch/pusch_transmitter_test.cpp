// The PUSCH transmitter against testvectors/pusch/ (reference grids of an independent implementation), plus
// transform precoding round trips and parameter validation.
#include "airan/common/bit_packing.h"
#include "airan/phy/coding/scrambling.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_transmitter.h"
#include "airan/phy/ulsch/ulsch_encoder.h"

#include "pusch_vector.h"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

using namespace airan;
using namespace airan::phy;
using airan::phy::test::pusch_vector;

namespace {

/// A transmitted grid, zero outside what the transmitter writes.
std::vector<cf_t> transmit(pusch_transmitter& tx, const pusch_pdu& pdu, const carrier_config& carrier,
                           std::span<const uint8_t> tb_bits)
{
  std::vector<uint8_t> tb(tb_bits.size() / 8);
  pack_bits(tb, tb_bits);
  const unsigned nof_symbols = nof_symbols_per_slot(carrier.cp);
  std::vector<cf_t> data(std::size_t{pdu.nof_antenna_ports} * nof_symbols * 12 * carrier.bwp_size);
  tx.transmit({data.data(), pdu.nof_antenna_ports, nof_symbols, 12 * carrier.bwp_size}, tb, pdu, carrier);
  return data;
}

pusch_pdu tp_pdu(unsigned nof_prb)
{
  pusch_pdu pdu;
  pdu.rnti = 0x4601;
  pdu.n_id = 500;
  pdu.slot = 3;
  pdu.prb_start = 2;
  pdu.nof_prb = nof_prb;
  pdu.transform_precoding = true;
  pdu.table = mcs_table::tp_qam64;
  pdu.mcs = 10;
  pdu.dmrs.additional_position = 2;
  pdu.dmrs.nof_cdm_groups_without_data = 2;
  pdu.dmrs.n_id_rs = 33;
  pdu.dmrs.scrambling_id = {7, 7};
  return pdu;
}

carrier_config small_carrier()
{
  carrier_config carrier;
  carrier.cell_id = 33;
  carrier.nof_prb = 52;
  carrier.bwp_start = 1;
  carrier.bwp_size = 50;
  return carrier;
}

/// pi/2-BPSK symbols of the bits, written out from TS 38.211 5.1.2: d(i) = exp(j pi/2 (i mod 2)) / sqrt(2) [(1 -
/// 2 b(i)) + j (1 - 2 b(i))].
std::vector<cf_t> pi2_bpsk_symbols(std::span<const uint8_t> bits)
{
  std::vector<cf_t> d;
  for (std::size_t i = 0; i < bits.size(); ++i) {
    const double a = (1.0 - 2.0 * bits[i]) / std::sqrt(2.0);
    d.emplace_back(std::polar(1.0, std::numbers::pi / 2 * static_cast<double>(i % 2)) * std::complex<double>(a, a));
  }
  return d;
}

} // namespace

TEST_CASE("PUSCH transmitter: every reference grid is reproduced within 1e-5 (max |diff| / max |ref|)")
{
  pusch_transmitter tx(40, 4);
  for (unsigned n = 0; n < 42; ++n) {
    const std::string name = (n < 10 ? "case_0" : "case_") + std::to_string(n);
    CAPTURE(name);
    const pusch_vector v = test::load_pusch_vector(name);
    const status s = tx.validate(v.pdu, v.carrier);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    CHECK(pusch_tbs(v.pdu, v.carrier) == v.tbs);
    REQUIRE(v.tb_bits.size() == v.tbs);

    REQUIRE(v.nof_ports == v.pdu.nof_antenna_ports);
    REQUIRE(v.nof_symbols == 14);
    REQUIRE(v.nof_subcarriers == 12 * v.carrier.bwp_size);
    const auto grid = transmit(tx, v.pdu, v.carrier, v.tb_bits);
    double max_ref = 0;
    double max_diff = 0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const std::complex<double> ref(v.grid[i]);
      max_ref = std::max(max_ref, std::abs(ref));
      max_diff = std::max(max_diff, std::abs(std::complex<double>(grid[i]) - ref));
    }
    CHECK(max_ref > 0.5);
    CHECK(max_diff / max_ref < 1e-5);
  }
}

TEST_CASE("PUSCH transmitter: codeword sizes of a reference case worked out by hand")
{
  // case_00: 40 PRB, 14 symbols, DM-RS type 1 on symbols 2 and 11 with one CDM group without data, MCS 14 of
  // Table 5.1.3.1-1 (Q_m = 4, R = 553/1024), one layer.
  const pusch_vector v = test::load_pusch_vector("case_00");
  pusch_codeword_params params;
  REQUIRE(compute_pusch_codeword_params(params, v.pdu, v.carrier).is_ok());
  // 12 REs x 12 symbols + 6 REs x 2 DM-RS symbols per PRB.
  CHECK(params.nof_re_per_layer == 40 * (12 * 12 + 6 * 2));
  CHECK(params.nof_coded_bits == 6240 * 4);
  CHECK(pusch_nof_coded_bits(v.pdu, v.carrier) == 24960);
  // N'_RE = 168 - 12 = 156, N_info = 6240 * 553/1024 * 4 = 13479, n = 8, N'_info = 13568, C = 2,
  // TBS = 16 ceil(13592 / 16) - 24 = 13576.
  CHECK(params.tbs == 13576);
  CHECK(params.modulation == modulation_scheme::qam16);
  CHECK(params.ulsch.nof_coded_bits == 24960);
  CHECK(params.ulsch.modulation_order == 4);
  CHECK(params.ulsch.target_code_rate == doctest::Approx(553.0 / 1024));
}

TEST_CASE("PUSCH transmitter: codeword sizes with tp-pi2BPSK worked out by hand")
{
  // 5 PRB, DM-RS on symbols 2, 7 and 11 without data, so 11 data symbols: N'_RE = 168 - 36 = 132, N_RE = 660.
  // MCS 0 of Table 6.1.4.1-1: Q_m = q, R = 240/q / 1024, either way N_info = 660 x 240/1024 = 154.7, n = 3,
  // N'_info = 8 floor(154.7 / 8) = 152, a TBS of Table 5.1.3.2-1. G = 660 Q_m.
  pusch_pdu pdu = tp_pdu(5);
  pdu.mcs = 0;
  for (const bool pi2 : {true, false}) {
    CAPTURE(pi2);
    pdu.tp_pi2_bpsk = pi2;
    pusch_codeword_params params;
    REQUIRE(compute_pusch_codeword_params(params, pdu, small_carrier()).is_ok());
    CHECK(params.modulation == (pi2 ? modulation_scheme::pi2_bpsk : modulation_scheme::qpsk));
    CHECK(params.nof_re_per_layer == 660);
    CHECK(params.nof_coded_bits == (pi2 ? 660 : 1320));
    CHECK(params.tbs == 152);
    CHECK(params.ulsch.target_code_rate == doctest::Approx((pi2 ? 240.0 : 120.0) / 1024));
  }
  // Without transform precoding the tables have no q rows: the flag changes nothing.
  pdu.tp_pi2_bpsk = true;
  pdu.transform_precoding = false;
  pdu.table = mcs_table::qam64;
  pusch_codeword_params params;
  REQUIRE(compute_pusch_codeword_params(params, pdu, small_carrier()).is_ok());
  CHECK(params.modulation == modulation_scheme::qpsk);
}

TEST_CASE("PUSCH transmitter: transform precoding, undone by a plain inverse DFT, gives the modulated codeword")
{
  const carrier_config carrier = small_carrier();
  pusch_transmitter tx(50, 1);
  // MCS 10 of Table 6.1.4.1-1 (16QAM), and MCS 1 with tp-pi2BPSK (pi/2-BPSK, whose expected symbols the test writes
  // out from the standard's formula).
  const std::pair<unsigned, bool> cases[] = {{1, false}, {3, false}, {5, false}, {9, false}, {1, true}, {6, true}};
  for (const auto& [nof_prb, pi2] : cases) {
    CAPTURE(nof_prb);
    CAPTURE(pi2);
    pusch_pdu pdu = tp_pdu(nof_prb);
    pdu.tp_pi2_bpsk = pi2;
    pdu.mcs = pi2 ? 1 : 10;
    const status s = tx.validate(pdu, carrier);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    pusch_codeword_params params;
    REQUIRE(compute_pusch_codeword_params(params, pdu, carrier).is_ok());
    std::vector<uint8_t> tb_bits(params.tbs);
    for (std::size_t i = 0; i < tb_bits.size(); ++i) {
      tb_bits[i] = static_cast<uint8_t>((i * 7 + i / 3) % 5 == 0);
    }
    const auto grid = transmit(tx, pdu, carrier, tb_bits);
    pusch_dmrs_pattern pattern;
    REQUIRE(compute_pusch_dmrs_pattern(pattern, pdu, carrier).is_ok());

    // The expected data symbols: encoded, scrambled and modulated transport block.
    std::vector<uint8_t> tb(params.tbs / 8);
    pack_bits(tb, tb_bits);
    std::vector<uint8_t> codeword(params.nof_coded_bits);
    ulsch_encoder encoder;
    REQUIRE(encoder.validate(params.ulsch).is_ok());
    encoder.encode(codeword, tb, params.ulsch);
    scramble_bits(codeword, pusch_scrambling_cinit(static_cast<uint16_t>(pdu.rnti), static_cast<uint16_t>(pdu.n_id)));
    REQUIRE(params.modulation == (pi2 ? modulation_scheme::pi2_bpsk : modulation_scheme::qam16));
    std::vector<cf_t> expected(params.nof_re_per_layer);
    if (pi2) {
      expected = pi2_bpsk_symbols(codeword);
    } else {
      modulate(expected, codeword, params.modulation);
    }

    // Data symbols: the plain inverse DFT of each OFDM symbol of the allocation, in time order.
    const unsigned m = 12 * nof_prb;
    std::size_t next = 0;
    for (unsigned l = 0; l < 14; ++l) {
      if (pattern.is_dmrs_symbol(l)) {
        continue;
      }
      for (unsigned i = 0; i < m; ++i) {
        std::complex<double> x = 0;
        for (unsigned k = 0; k < m; ++k) {
          const double angle = 2 * std::numbers::pi * i * k / m;
          x += std::complex<double>(grid[l * 600 + 12 * pdu.prb_start + k]) * std::polar(1.0, angle);
        }
        x /= std::sqrt(static_cast<double>(m));
        REQUIRE(next < expected.size());
        CHECK(std::abs(x - std::complex<double>(expected[next])) < 1e-5);
        ++next;
      }
    }
    CHECK(next == expected.size());
    // DM-RS symbols hold the DM-RS on the even subcarriers (port 0, Delta = 0) and zeros on the odd ones.
    for (unsigned i = 0; i < pattern.nof_symbols; ++i) {
      const unsigned l = pattern.symbols[i];
      std::vector<cf_t> pilots(6 * nof_prb);
      generate_pusch_dmrs(pilots, pattern, pdu, carrier, 0, l);
      for (unsigned k = 0; k < m; ++k) {
        const cf_t value = grid[l * 600 + 12 * pdu.prb_start + k];
        CHECK(std::abs(value - (k % 2 == 0 ? pilots[k / 2] : cf_t{})) < 1e-6F);
      }
    }
    // Outside the allocation the grid is untouched.
    CHECK(grid[12 * pdu.prb_start - 1] == cf_t{});
    CHECK(grid[12 * (pdu.prb_start + nof_prb)] == cf_t{});
  }
}

TEST_CASE("PUSCH transmitter: invalid PDUs are rejected")
{
  const carrier_config carrier = small_carrier();
  pusch_transmitter tx(25, 2);
  const auto rejects = [&](const pusch_pdu& pdu, const std::string& needle) {
    const status s = tx.validate(pdu, carrier);
    CAPTURE(s.message());
    CHECK_FALSE(s.is_ok());
    CHECK(s.message().find(needle) != std::string::npos);
  };
  pusch_pdu good;
  good.nof_prb = 20;
  good.rnti = 1;
  good.n_id = 1;
  good.mcs = 5;
  REQUIRE(tx.validate(good, carrier).is_ok());

  pusch_pdu pdu = good;
  pdu.nof_prb = 30;
  rejects(pdu, "maxima");
  pdu = good;
  pdu.nof_layers = 4;
  pdu.nof_antenna_ports = 4;
  pdu.dmrs.ports = {0, 1, 2, 3};
  rejects(pdu, "maxima");
  pdu = good;
  pdu.rnti = 70000;
  rejects(pdu, "RNTI");
  pdu = good;
  pdu.n_id = 1024;
  rejects(pdu, "n_ID");
  pdu = good;
  pdu.mcs = 29;
  rejects(pdu, "reserved");
  pdu = good;
  pdu.rv = 4;
  rejects(pdu, "redundancy version");
  pdu = good;
  pdu.table = mcs_table::tp_qam64;
  rejects(pdu, "MCS table");
  pdu = good;
  pdu.nof_antenna_ports = 2;
  rejects(pdu, "one antenna port per layer");
  pdu = good;
  pdu.precoding = pusch_precoding::codebook;
  pdu.nof_antenna_ports = 2;
  pdu.tpmi = 6;
  rejects(pdu, "TPMI 6");
  pdu = good;
  pdu.precoding = pusch_precoding::codebook;
  pdu.nof_antenna_ports = 3;
  rejects(pdu, "no codebook");
  pdu = tp_pdu(7);
  rejects(pdu, "transform precoding size");
  pdu = tp_pdu(6);
  pdu.table = mcs_table::qam64;
  rejects(pdu, "MCS table");
  pdu = good;
  pdu.tbs_lbrm = 0U;
  rejects(pdu, "TBS_LBRM");
  pdu = good;
  // MCS 28 (64QAM, R = 948/1024) on 1 PRB x 4 symbols, one of them DM-RS: G = 36 x 6 = 216 coded bits, TBS 192,
  // effective code rate (192 + 16) / 216 = 0.96 > 0.95.
  pdu.mcs = 28;
  pdu.nof_prb = 1;
  pdu.nof_symbols = 4;
  pdu.dmrs.additional_position = 0;
  rejects(pdu, "effective code rate");
  pdu = good;
  pdu.dmrs.ports = {6, 0, 0, 0};
  rejects(pdu, "DM-RS port 6");
}
