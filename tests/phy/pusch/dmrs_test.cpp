#include "airan/phy/coding/scrambling.h"
#include "airan/phy/common/low_papr_sequence.h"
#include "airan/phy/pusch/dmrs.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

carrier_config test_carrier()
{
  carrier_config carrier;
  carrier.numerology = 1;
  carrier.cell_id = 17;
  carrier.nof_prb = 106;
  carrier.bwp_start = 5;
  carrier.bwp_size = 100;
  return carrier;
}

pusch_pdu test_pdu()
{
  pusch_pdu pdu;
  pdu.slot = 7;
  pdu.prb_start = 3;
  pdu.nof_prb = 10;
  pdu.start_symbol = 0;
  pdu.nof_symbols = 14;
  pdu.nof_layers = 1;
  pdu.nof_antenna_ports = 1;
  pdu.dmrs.ports = {0, 1, 2, 3};
  pdu.dmrs.additional_position = 1;
  pdu.dmrs.nof_cdm_groups_without_data = 2;
  return pdu;
}

pusch_dmrs_pattern pattern_of(const pusch_pdu& pdu, const carrier_config& carrier = test_carrier())
{
  pusch_dmrs_pattern pattern;
  const status s = compute_pusch_dmrs_pattern(pattern, pdu, carrier);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return pattern;
}

std::vector<unsigned> symbols_of(const pusch_dmrs_pattern& pattern)
{
  return {pattern.symbols.begin(), pattern.symbols.begin() + pattern.nof_symbols};
}

/// The error message of compute_pusch_dmrs_pattern, "" when it succeeds.
std::string error_of(const pusch_pdu& pdu, const carrier_config& carrier = test_carrier())
{
  pusch_dmrs_pattern pattern;
  return compute_pusch_dmrs_pattern(pattern, pdu, carrier).message();
}

/// c(0 .. length-1) of TS 38.211 5.2.1, one value at a time.
std::vector<int> gold(std::size_t length, uint32_t c_init)
{
  const std::size_t n_c = 1600;
  std::vector<int> x1(length + n_c + 31, 0);
  std::vector<int> x2(length + n_c + 31, 0);
  x1[0] = 1;
  for (std::size_t i = 0; i < 31; ++i) {
    x2[i] = (c_init >> i) & 1;
  }
  for (std::size_t n = 0; n + 31 < x1.size(); ++n) {
    x1[n + 31] = (x1[n + 3] + x1[n]) % 2;
    x2[n + 31] = (x2[n + 3] + x2[n + 2] + x2[n + 1] + x2[n]) % 2;
  }
  std::vector<int> c(length);
  for (std::size_t n = 0; n < length; ++n) {
    c[n] = (x1[n + n_c] + x2[n + n_c]) % 2;
  }
  return c;
}

} // namespace

TEST_CASE("PUSCH DM-RS pattern: symbol positions of TS 38.211 Tables 6.4.1.1.3-3 and -4")
{
  struct row {
    pusch_mapping_type mapping;
    unsigned start;
    unsigned length;
    unsigned max_length;
    unsigned additional;
    unsigned type_a_position;
    std::vector<unsigned> symbols;
  };
  const auto a = pusch_mapping_type::type_a;
  const auto b = pusch_mapping_type::type_b;
  const row rows[] = {
      {a, 0, 14, 1, 0, 2, {2}},
      {a, 0, 14, 1, 1, 2, {2, 11}},
      {a, 0, 14, 1, 1, 3, {3, 11}},
      {a, 0, 14, 1, 2, 2, {2, 7, 11}},
      {a, 0, 14, 1, 3, 2, {2, 5, 8, 11}},
      {a, 0, 12, 1, 2, 2, {2, 6, 9}},
      {a, 0, 12, 1, 3, 2, {2, 5, 8, 11}},
      {a, 0, 11, 1, 2, 3, {3, 6, 9}},
      {a, 0, 9, 1, 1, 2, {2, 7}},
      {a, 0, 7, 1, 3, 2, {2}},
      {a, 0, 4, 1, 1, 3, {3}},
      {a, 0, 14, 2, 0, 2, {2, 3}},
      {a, 0, 14, 2, 1, 2, {2, 3, 10, 11}},
      {a, 0, 12, 2, 1, 3, {3, 4, 8, 9}},
      {a, 0, 9, 2, 1, 2, {2, 3}},
      {b, 0, 14, 1, 3, 2, {0, 3, 6, 9}},
      {b, 2, 10, 1, 2, 2, {2, 6, 10}},
      {b, 3, 7, 1, 1, 2, {3, 7}},
      {b, 5, 8, 1, 1, 2, {5, 11}},
      {b, 4, 4, 1, 3, 2, {4}},
      {b, 12, 2, 1, 1, 2, {12}},
      {b, 13, 1, 1, 0, 2, {13}},
      {b, 0, 14, 2, 1, 2, {0, 1, 9, 10}},
      {b, 4, 10, 2, 1, 2, {4, 5, 11, 12}},
      {b, 6, 8, 2, 1, 2, {6, 7, 11, 12}},
      {b, 9, 5, 2, 1, 2, {9, 10}},
  };
  for (const row& r : rows) {
    pusch_pdu pdu = test_pdu();
    pdu.mapping = r.mapping;
    pdu.start_symbol = r.start;
    pdu.nof_symbols = r.length;
    pdu.dmrs.max_length = r.max_length;
    pdu.dmrs.additional_position = r.additional;
    pdu.dmrs.type_a_position = r.type_a_position;
    CAPTURE(r.start);
    CAPTURE(r.length);
    CAPTURE(r.max_length);
    CAPTURE(r.additional);
    const auto pattern = pattern_of(pdu);
    CHECK(symbols_of(pattern) == r.symbols);
    uint16_t mask = 0;
    for (unsigned i = 0; i < pattern.nof_symbols; ++i) {
      CHECK(pattern.l_prime[i] == (r.max_length == 2 ? i % 2 : 0));
      mask = static_cast<uint16_t>(mask | (1U << pattern.symbols[i]));
    }
    CHECK(pattern.symbol_mask == mask);
  }
}

TEST_CASE("PUSCH DM-RS pattern: ports, CDM groups, RE masks and amplitude")
{
  pusch_pdu pdu = test_pdu();
  pdu.dmrs.max_length = 2;
  pdu.dmrs.additional_position = 0;
  pdu.nof_layers = 4;
  pdu.nof_antenna_ports = 4;

  SUBCASE("type 1")
  {
    pdu.dmrs.ports = {1, 2, 4, 7};
    const auto p = pattern_of(pdu);
    // Table 6.4.1.1.3-1.
    CHECK(p.layers[0].cdm_group == 0);
    CHECK(p.layers[0].delta == 0);
    CHECK(p.layers[0].w_f == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[0].w_t == std::array<int8_t, 2>{1, 1});
    CHECK(p.layers[1].cdm_group == 1);
    CHECK(p.layers[1].delta == 1);
    CHECK(p.layers[1].w_f == std::array<int8_t, 2>{1, 1});
    CHECK(p.layers[2].w_t == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[3].cdm_group == 1);
    CHECK(p.layers[3].w_f == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[3].w_t == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[0].re_mask == 0b010101010101);
    CHECK(p.layers[1].re_mask == 0b101010101010);
    CHECK(p.no_data_re_mask == 0xfff);
    CHECK(p.data_re_mask(2) == 0);
    CHECK(p.data_re_mask(4) == 0xfff);
    CHECK(p.nof_pilots_per_prb() == 6);
    CHECK(p.nof_dmrs_re_per_prb() == 24);
    CHECK(p.beta == doctest::Approx(std::sqrt(2.0)));
  }
  SUBCASE("type 2")
  {
    pdu.dmrs.config_type = 2;
    pdu.dmrs.nof_cdm_groups_without_data = 3;
    pdu.dmrs.ports = {4, 9, 10, 0};
    const auto p = pattern_of(pdu);
    // Table 6.4.1.1.3-2.
    CHECK(p.layers[0].cdm_group == 2);
    CHECK(p.layers[0].delta == 4);
    CHECK(p.layers[0].w_f == std::array<int8_t, 2>{1, 1});
    CHECK(p.layers[0].w_t == std::array<int8_t, 2>{1, 1});
    CHECK(p.layers[1].cdm_group == 1);
    CHECK(p.layers[1].delta == 2);
    CHECK(p.layers[1].w_f == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[1].w_t == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[2].cdm_group == 2);
    CHECK(p.layers[2].w_t == std::array<int8_t, 2>{1, -1});
    CHECK(p.layers[0].re_mask == 0b110000110000);
    CHECK(p.layers[1].re_mask == 0b001100001100);
    CHECK(p.layers[3].re_mask == 0b000011000011);
    CHECK(p.nof_pilots_per_prb() == 4);
    CHECK(p.nof_dmrs_re_per_prb() == 24);
    CHECK(p.beta == doctest::Approx(std::sqrt(3.0)));
  }
  SUBCASE("CDM groups without data decide the data REs of DM-RS symbols")
  {
    pdu.nof_layers = 1;
    pdu.nof_antenna_ports = 1;
    pdu.dmrs.max_length = 1;
    pdu.dmrs.additional_position = 1;
    pdu.dmrs.nof_cdm_groups_without_data = 1;
    auto p = pattern_of(pdu);
    CHECK(p.data_re_mask(2) == 0b101010101010);
    CHECK(p.nof_dmrs_re_per_prb() == 12);
    CHECK(p.beta == 1.0F);
    pdu.dmrs.config_type = 2;
    pdu.dmrs.nof_cdm_groups_without_data = 2;
    p = pattern_of(pdu);
    CHECK(p.data_re_mask(11) == 0b110000110000);
    CHECK(p.data_re_mask(10) == 0xfff);
    CHECK(p.nof_dmrs_re_per_prb() == 16);
  }
}

TEST_CASE("PUSCH DM-RS pattern: invalid configurations are rejected with a reason")
{
  const auto rejects = [](const pusch_pdu& pdu, const std::string& needle, const carrier_config& carrier) {
    const std::string message = error_of(pdu, carrier);
    CAPTURE(message);
    CHECK_FALSE(message.empty());
    CHECK(message.find(needle) != std::string::npos);
  };
  const carrier_config carrier = test_carrier();
  REQUIRE(error_of(test_pdu()).empty());
  pusch_pdu pdu;

  carrier_config bad = carrier;
  bad.bwp_start = 10;
  rejects(test_pdu(), "bandwidth part", bad);
  // Starts so large that start + size wraps around in 32 bits.
  bad = carrier;
  bad.bwp_start = 0xFFFFFFFFU;
  rejects(test_pdu(), "bandwidth part", bad);
  bad = carrier;
  bad.cp = cyclic_prefix::extended;
  rejects(test_pdu(), "extended cyclic prefix", bad);
  bad = carrier;
  bad.numerology = 4;
  rejects(test_pdu(), "numerology", bad);

  pdu = test_pdu();
  pdu.slot = 20;
  rejects(pdu, "slot", carrier);
  pdu = test_pdu();
  pdu.prb_start = 95;
  rejects(pdu, "PRB allocation", carrier);
  pdu = test_pdu();
  pdu.prb_start = 0U - pdu.nof_prb;
  rejects(pdu, "PRB allocation", carrier);
  pdu = test_pdu();
  pdu.nof_prb = 0;
  rejects(pdu, "PRB allocation", carrier);
  pdu = test_pdu();
  pdu.start_symbol = 0U - pdu.nof_symbols;
  rejects(pdu, "not inside the slot", carrier);
  pdu = test_pdu();
  pdu.start_symbol = 2;
  rejects(pdu, "not inside the slot", carrier);
  pdu.nof_symbols = 12;
  rejects(pdu, "mapping type A needs S = 0", carrier);
  pdu = test_pdu();
  pdu.nof_symbols = 3;
  rejects(pdu, "mapping type A", carrier);
  pdu = test_pdu();
  pdu.nof_layers = 5;
  rejects(pdu, "nof_layers", carrier);

  pdu = test_pdu();
  pdu.dmrs.config_type = 3;
  rejects(pdu, "configuration type", carrier);
  pdu = test_pdu();
  pdu.dmrs.max_length = 3;
  rejects(pdu, "DM-RS length", carrier);
  pdu = test_pdu();
  pdu.dmrs.max_length = 2;
  pdu.dmrs.additional_position = 2;
  rejects(pdu, "dmrs-AdditionalPosition 2", carrier);
  pdu = test_pdu();
  pdu.dmrs.additional_position = 4;
  rejects(pdu, "dmrs-AdditionalPosition 4", carrier);
  pdu = test_pdu();
  pdu.dmrs.type_a_position = 1;
  rejects(pdu, "dmrs-TypeA-Position", carrier);
  pdu = test_pdu();
  pdu.dmrs.type_a_position = 3;
  pdu.dmrs.additional_position = 3;
  rejects(pdu, "pos3 needs", carrier);
  pdu = test_pdu();
  pdu.nof_symbols = 4;
  pdu.dmrs.max_length = 2;
  pdu.dmrs.type_a_position = 3;
  rejects(pdu, "l_d = 4", carrier);
  pdu = test_pdu();
  pdu.dmrs.scrambling_id[1] = 65536;
  rejects(pdu, "scrambling", carrier);
  pdu = test_pdu();
  pdu.dmrs.n_scid = 2;
  rejects(pdu, "n_SCID", carrier);
  pdu = test_pdu();
  pdu.dmrs.nof_cdm_groups_without_data = 3;
  rejects(pdu, "CDM groups without data 3", carrier);
  pdu = test_pdu();
  pdu.dmrs.nof_cdm_groups_without_data = 0;
  rejects(pdu, "CDM groups without data 0", carrier);

  pdu = test_pdu();
  pdu.dmrs.ports = {4, 0, 0, 0};
  rejects(pdu, "port 4", carrier);
  pdu = test_pdu();
  pdu.dmrs.config_type = 2;
  pdu.dmrs.ports = {6, 0, 0, 0};
  rejects(pdu, "port 6", carrier);
  pdu = test_pdu();
  pdu.dmrs.nof_cdm_groups_without_data = 1;
  pdu.dmrs.ports = {2, 0, 0, 0};
  rejects(pdu, "CDM group 1", carrier);
  pdu = test_pdu();
  pdu.nof_layers = 2;
  pdu.dmrs.ports = {1, 1, 0, 0};
  rejects(pdu, "used by layers 0 and 1", carrier);

  pdu = test_pdu();
  pdu.mapping = pusch_mapping_type::type_b;
  pdu.start_symbol = 10;
  pdu.nof_symbols = 4;
  pdu.dmrs.max_length = 2;
  rejects(pdu, "no DM-RS position", carrier);

  pdu = test_pdu();
  pdu.transform_precoding = true;
  pdu.nof_layers = 2;
  rejects(pdu, "single layer", carrier);
  pdu = test_pdu();
  pdu.transform_precoding = true;
  pdu.dmrs.config_type = 2;
  rejects(pdu, "configuration type 1", carrier);
  pdu = test_pdu();
  pdu.transform_precoding = true;
  pdu.dmrs.nof_cdm_groups_without_data = 1;
  rejects(pdu, "2 CDM groups", carrier);
  pdu = test_pdu();
  pdu.transform_precoding = true;
  pdu.dmrs.n_id_rs = 1008;
  rejects(pdu, "n_ID^RS", carrier);
  pdu = test_pdu();
  pdu.transform_precoding = true;
  pdu.dmrs.group_or_sequence_hopping = static_cast<low_papr_hopping>(3);
  rejects(pdu, "group or sequence hopping value 3", carrier);
}

TEST_CASE("PUSCH DM-RS: c_init of TS 38.211 6.4.1.1.1.1")
{
  pusch_pdu pdu = test_pdu();
  carrier_config carrier = test_carrier();
  pdu.slot = 0;
  pdu.dmrs.scrambling_id = {0, 1};
  // 2^17 (14 * 0 + 2 + 1)(2 * 0 + 1) = 393216.
  CHECK(pusch_dmrs_cinit(pdu, carrier, 2) == 393216U);
  // n_SCID = 1 selects N_ID^1 = 1: 2^17 (14 + 0 + 1)(3) + 2 + 1 = 5898243.
  pdu.slot = 1;
  pdu.dmrs.n_scid = 1;
  CHECK(pusch_dmrs_cinit(pdu, carrier, 0) == 5898243U);
  // Extended cyclic prefix: 12 symbols per slot.
  carrier.numerology = 2;
  carrier.cp = cyclic_prefix::extended;
  CHECK(pusch_dmrs_cinit(pdu, carrier, 0) == (uint32_t{1} << 17) * 13 * 3 + 3);
  // The modulo 2^31 with the largest values.
  carrier.numerology = 3;
  carrier.cp = cyclic_prefix::normal;
  pdu.slot = 79;
  pdu.dmrs.scrambling_id = {65535, 65535};
  const uint64_t expected = ((uint64_t{1} << 17) * (14 * 79 + 13 + 1) * (2 * 65535 + 1) + 2 * 65535 + 1) % (1ULL << 31);
  CHECK(pusch_dmrs_cinit(pdu, carrier, 13) == expected);
}

TEST_CASE("PUSCH DM-RS: values and subcarriers equal the formulas of TS 38.211 6.4.1.1.1.1 and 6.4.1.1.3")
{
  const carrier_config carrier = test_carrier();
  for (unsigned config_type : {1U, 2U}) {
    for (unsigned max_length : {1U, 2U}) {
      pusch_pdu pdu = test_pdu();
      pdu.dmrs.config_type = config_type;
      pdu.dmrs.max_length = max_length;
      pdu.dmrs.nof_cdm_groups_without_data = config_type == 1 ? 2 : 3;
      pdu.dmrs.scrambling_id = {1234, 40000};
      pdu.dmrs.n_scid = 1;
      pdu.nof_layers = 4;
      pdu.nof_antenna_ports = 4;
      pdu.dmrs.ports = config_type == 1 ? std::array<unsigned, 4>{0, 3, 5, 6} : std::array<unsigned, 4>{1, 4, 2, 11};
      if (max_length == 1) {
        pdu.dmrs.ports = config_type == 1 ? std::array<unsigned, 4>{0, 1, 2, 3} : std::array<unsigned, 4>{1, 4, 2, 5};
      }
      const auto pattern = pattern_of(pdu, carrier);
      const unsigned nof_pilots = pusch_dmrs_nof_pilots(pattern, pdu);
      REQUIRE(nof_pilots == (config_type == 1 ? 6 : 4) * pdu.nof_prb);
      for (unsigned i = 0; i < pattern.nof_symbols; ++i) {
        const unsigned l = pattern.symbols[i];
        // Plain c_init and r(m) with m counted from CRB 0.
        const uint64_t c_init = ((uint64_t{1} << 17) * (14 * pdu.slot + l + 1) * (2 * 40000 + 1) + 2 * 40000 + 1) %
                                (1ULL << 31);
        const auto c = gold(2 * 12 * (carrier.bwp_start + pdu.prb_start + pdu.nof_prb), static_cast<uint32_t>(c_init));
        for (unsigned j = 0; j < pdu.nof_layers; ++j) {
          CAPTURE(config_type);
          CAPTURE(max_length);
          CAPTURE(l);
          CAPTURE(j);
          std::vector<cf_t> pilots(nof_pilots);
          std::vector<uint16_t> subcarriers(nof_pilots);
          generate_pusch_dmrs(pilots, pattern, pdu, carrier, j, l);
          pusch_dmrs_subcarriers(subcarriers, pattern, pdu, j);
          const unsigned port = pdu.dmrs.ports[j];
          const unsigned delta = config_type == 1 ? (port / 2) % 2 : 2 * ((port / 2) % 3);
          const double w_t = (i % 2 == 1 && max_length == 2 && port >= (config_type == 1 ? 4U : 6U)) ? -1 : 1;
          const double beta = std::sqrt(config_type == 1 ? 2.0 : 3.0);
          // Walk all subcarriers of the allocation; the DM-RS ones must come out in order.
          std::size_t next = 0;
          for (unsigned k = 12 * pdu.prb_start; k < 12 * (pdu.prb_start + pdu.nof_prb); ++k) {
            const unsigned k_crb0 = 12 * carrier.bwp_start + k;
            if (k_crb0 < delta) {
              continue;
            }
            const unsigned period = config_type == 1 ? 4 : 6;
            const unsigned offset = (k_crb0 - delta) % period;
            const bool is_pilot = config_type == 1 ? (offset == 0 || offset == 2) : (offset == 0 || offset == 1);
            if (!is_pilot) {
              continue;
            }
            const unsigned n = (k_crb0 - delta) / period;
            const unsigned k_prime = config_type == 1 ? offset / 2 : offset;
            const double w_f = (k_prime == 1 && port % 2 == 1) ? -1 : 1;
            const unsigned m = 2 * n + k_prime;
            const std::complex<double> r((1 - 2 * c[2 * m]) / std::sqrt(2.0), (1 - 2 * c[2 * m + 1]) / std::sqrt(2.0));
            const std::complex<double> expected = beta * w_f * w_t * r;
            REQUIRE(next < nof_pilots);
            CHECK(subcarriers[next] == k);
            CHECK(std::abs(std::complex<double>(pilots[next]) - expected) < 1e-5);
            ++next;
          }
          CHECK(next == nof_pilots);
        }
      }
    }
  }
}

TEST_CASE("PUSCH DM-RS with transform precoding: the low-PAPR sequence from the allocation start")
{
  const carrier_config carrier = test_carrier();
  for (unsigned nof_prb : {1U, 2U, 5U, 6U, 12U}) {
    pusch_pdu pdu = test_pdu();
    pdu.transform_precoding = true;
    pdu.nof_prb = nof_prb;
    pdu.dmrs.n_id_rs = 95; // u = 95 mod 30 = 5
    pdu.dmrs.ports = {1, 0, 0, 0};
    const auto pattern = pattern_of(pdu, carrier);
    const unsigned nof_pilots = pusch_dmrs_nof_pilots(pattern, pdu);
    std::vector<cf_t> r(6 * nof_prb);
    generate_low_papr_sequence(r, 5, 0, 0.0F);
    std::vector<cf_t> pilots(nof_pilots);
    std::vector<uint16_t> subcarriers(nof_pilots);
    generate_pusch_dmrs(pilots, pattern, pdu, carrier, 0, 11);
    pusch_dmrs_subcarriers(subcarriers, pattern, pdu, 0);
    REQUIRE(nof_pilots == r.size());
    for (unsigned i = 0; i < nof_pilots; ++i) {
      // k = 4n + 2k' + Delta with Delta = 0 for port 1; w_f(1) = -1.
      CHECK(subcarriers[i] == 12 * pdu.prb_start + 2 * i);
      const float w_f = i % 2 == 1 ? -1.0F : 1.0F;
      CHECK(std::abs(pilots[i] - std::sqrt(2.0F) * w_f * r[i]) < 1e-5F);
    }
  }
}

TEST_CASE("PUSCH DM-RS with transform precoding: sequence group and number of TS 38.211 6.4.1.1.1.2, with and without "
          "hopping")
{
  // c(i) of TS 38.211 5.2.1 over a whole frame (generate_gold_sequence is checked against the bit-by-bit LFSRs in
  // scrambling_test.cpp); the sums and indices below are written out from the clause.
  for (const auto cp : {cyclic_prefix::normal, cyclic_prefix::extended}) {
    for (unsigned mu : {0U, 1U, 2U, 3U}) {
      if (cp == cyclic_prefix::extended && mu != 2) {
        continue;
      }
      carrier_config carrier = test_carrier();
      carrier.numerology = mu;
      carrier.cp = cp;
      const unsigned n_symb = nof_symbols_per_slot(cp);
      const unsigned frame_symbols = n_symb * (10U << mu);
      for (unsigned n_id : {0U, 29U, 30U, 95U, 1007U}) {
        std::vector<uint8_t> c_group(8 * frame_symbols);
        std::vector<uint8_t> c_sequence(frame_symbols);
        generate_gold_sequence(c_group, n_id / 30);
        generate_gold_sequence(c_sequence, n_id);
        pusch_pdu pdu = test_pdu();
        pdu.transform_precoding = true;
        pdu.dmrs.n_id_rs = n_id;
        for (unsigned slot = 0; slot < (10U << mu); ++slot) {
          pdu.slot = slot;
          for (unsigned l = 0; l < n_symb; ++l) {
            CAPTURE(mu);
            CAPTURE(n_id);
            CAPTURE(slot);
            CAPTURE(l);
            const unsigned n = n_symb * slot + l;
            pdu.nof_prb = 12; // M_ZC = 72: sequence hopping applies
            pdu.dmrs.group_or_sequence_hopping = low_papr_hopping::neither;
            low_papr_group g = pusch_dmrs_low_papr_group(pdu, carrier, l);
            CHECK(g.u == n_id % 30);
            CHECK(g.v == 0);

            pdu.dmrs.group_or_sequence_hopping = low_papr_hopping::group;
            unsigned f_gh = 0;
            for (unsigned m = 0; m < 8; ++m) {
              f_gh += (1U << m) * c_group[8 * n + m];
            }
            g = pusch_dmrs_low_papr_group(pdu, carrier, l);
            CHECK(g.u == (f_gh % 30 + n_id) % 30);
            CHECK(g.v == 0);

            pdu.dmrs.group_or_sequence_hopping = low_papr_hopping::sequence;
            g = pusch_dmrs_low_papr_group(pdu, carrier, l);
            CHECK(g.u == n_id % 30);
            CHECK(g.v == c_sequence[n]);
            for (unsigned nof_prb : {1U, 10U, 11U}) { // M_ZC = 6, 60, 66 < 72: v = 0
              pdu.nof_prb = nof_prb;
              CHECK(pusch_dmrs_low_papr_group(pdu, carrier, l).v == 0);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("PUSCH DM-RS with transform precoding: group hopping visits most groups, sequence hopping both numbers")
{
  const carrier_config carrier = test_carrier();
  pusch_pdu pdu = test_pdu();
  pdu.transform_precoding = true;
  pdu.nof_prb = 12;
  pdu.dmrs.n_id_rs = 95;
  std::vector<unsigned> group_count(30);
  unsigned v_ones = 0;
  for (unsigned slot = 0; slot < 20; ++slot) {
    pdu.slot = slot;
    for (unsigned l = 0; l < 14; ++l) {
      pdu.dmrs.group_or_sequence_hopping = low_papr_hopping::group;
      ++group_count[pusch_dmrs_low_papr_group(pdu, carrier, l).u];
      pdu.dmrs.group_or_sequence_hopping = low_papr_hopping::sequence;
      v_ones += pusch_dmrs_low_papr_group(pdu, carrier, l).v;
    }
  }
  // 280 symbols of a frame: 9.3 per group on average.
  CHECK(std::count(group_count.begin(), group_count.end(), 0U) <= 2);
  CHECK(*std::max_element(group_count.begin(), group_count.end()) < 30);
  CHECK(v_ones > 100);
  CHECK(v_ones < 180);
}

TEST_CASE("PUSCH DM-RS with transform precoding and hopping: each symbol carries r_(u,v) of its own u and v, both "
          "symbols of a double-symbol DM-RS those of the first")
{
  const carrier_config carrier = test_carrier();
  for (const auto hopping : {low_papr_hopping::group, low_papr_hopping::sequence}) {
    CAPTURE(static_cast<int>(hopping));
    pusch_pdu pdu = test_pdu();
    pdu.transform_precoding = true;
    pdu.nof_prb = 12;
    pdu.dmrs.n_id_rs = 401;
    pdu.dmrs.max_length = 2;
    pdu.dmrs.group_or_sequence_hopping = hopping;
    const auto pattern = pattern_of(pdu, carrier);
    REQUIRE(symbols_of(pattern) == std::vector<unsigned>{2, 3, 10, 11});
    // A slot where a mix-up would show: the pairs differ in u (group hopping) or v (sequence hopping), and the
    // second symbol of a pair has values of its own that differ from the first's.
    const auto differ = [](low_papr_group a, low_papr_group b) { return a.u != b.u || a.v != b.v; };
    bool found = false;
    for (pdu.slot = 0; pdu.slot < 20 && !found; ++pdu.slot) {
      const auto at = [&](unsigned l) { return pusch_dmrs_low_papr_group(pdu, carrier, l); };
      found = differ(at(2), at(10)) && (differ(at(3), at(2)) || differ(at(11), at(10)));
    }
    --pdu.slot;
    REQUIRE(found);
    CAPTURE(pdu.slot);

    const unsigned nof_pilots = pusch_dmrs_nof_pilots(pattern, pdu);
    std::vector<cf_t> pilots(nof_pilots);
    std::vector<cf_t> r(nof_pilots);
    for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
      const unsigned l = pattern.symbols[d];
      CAPTURE(l);
      const auto g = pusch_dmrs_low_papr_group(pdu, carrier, l - pattern.l_prime[d]);
      generate_low_papr_sequence(r, g.u, g.v, 0.0F);
      generate_pusch_dmrs(pilots, pattern, pdu, carrier, 0, l);
      for (unsigned i = 0; i < nof_pilots; ++i) {
        // Port 0: w_f = w_t = 1; beta = sqrt(2) with two CDM groups without data.
        CHECK(std::abs(pilots[i] - std::sqrt(2.0F) * r[i]) < 1e-5F);
      }
    }
  }
}

TEST_CASE("PUSCH allocation subcarriers: masked positions of every allocated resource block, increasing")
{
  pusch_pdu pdu = test_pdu();
  pdu.prb_start = 4;
  pdu.nof_prb = 2;
  std::vector<uint16_t> out(24);
  CHECK(pusch_allocation_subcarriers(out, pdu, 0b100000000011) == 6);
  CHECK(std::vector<uint16_t>(out.begin(), out.begin() + 6) == std::vector<uint16_t>{48, 49, 59, 60, 61, 71});
  CHECK(pusch_allocation_subcarriers(out, pdu, 0xfff) == 24);
  CHECK(out.front() == 48);
  CHECK(out.back() == 71);
  CHECK(pusch_allocation_subcarriers(out, pdu, 0) == 0);
}
