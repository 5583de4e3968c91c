#include "airan/phy/pusch/dmrs.h"

#include <string>

namespace airan::phy {

namespace {

/// Additional DM-RS positions after l_0 (0 ends the list) of one cell of Tables 6.4.1.1.3-3 / 6.4.1.1.3-4.
using additional_positions = std::array<uint8_t, 3>;
/// Rows l_d = 1..14 (index l_d - 1), columns dmrs-AdditionalPosition pos0..pos3. Rows below a table's smallest
/// duration are "-" in the standard and never read (see min_duration).
using position_table = std::array<std::array<additional_positions, 4>, 14>;

/// TS 38.211 Table 6.4.1.1.3-3, single-symbol DM-RS, PUSCH mapping type A (l_d = 4..14).
constexpr position_table single_type_a = {{
    {}, {}, {}, // l_d = 1..3: -
    {{{}, {}, {}, {}}}, // 4
    {{{}, {}, {}, {}}}, // 5
    {{{}, {}, {}, {}}}, // 6
    {{{}, {}, {}, {}}}, // 7
    {{{}, {7}, {7}, {7}}}, // 8
    {{{}, {7}, {7}, {7}}}, // 9
    {{{}, {9}, {6, 9}, {6, 9}}}, // 10
    {{{}, {9}, {6, 9}, {6, 9}}}, // 11
    {{{}, {9}, {6, 9}, {5, 8, 11}}}, // 12
    {{{}, {11}, {7, 11}, {5, 8, 11}}}, // 13
    {{{}, {11}, {7, 11}, {5, 8, 11}}}, // 14
}};

/// TS 38.211 Table 6.4.1.1.3-3, single-symbol DM-RS, PUSCH mapping type B (l_d = 1..14).
constexpr position_table single_type_b = {{
    {{{}, {}, {}, {}}}, // l_d = 1
    {{{}, {}, {}, {}}}, // 2
    {{{}, {}, {}, {}}}, // 3
    {{{}, {}, {}, {}}}, // 4
    {{{}, {4}, {4}, {4}}}, // 5
    {{{}, {4}, {4}, {4}}}, // 6
    {{{}, {4}, {4}, {4}}}, // 7
    {{{}, {6}, {3, 6}, {3, 6}}}, // 8
    {{{}, {6}, {3, 6}, {3, 6}}}, // 9
    {{{}, {8}, {4, 8}, {3, 6, 9}}}, // 10
    {{{}, {8}, {4, 8}, {3, 6, 9}}}, // 11
    {{{}, {10}, {5, 10}, {3, 6, 9}}}, // 12
    {{{}, {10}, {5, 10}, {3, 6, 9}}}, // 13
    {{{}, {10}, {5, 10}, {3, 6, 9}}}, // 14
}};

/// TS 38.211 Table 6.4.1.1.3-4, double-symbol DM-RS, PUSCH mapping type A (l_d = 4..14; pos0 and pos1 only).
constexpr position_table double_type_a = {{
    {}, {}, {}, // l_d = 1..3: -
    {{{}, {}, {}, {}}}, // 4
    {{{}, {}, {}, {}}}, // 5
    {{{}, {}, {}, {}}}, // 6
    {{{}, {}, {}, {}}}, // 7
    {{{}, {}, {}, {}}}, // 8
    {{{}, {}, {}, {}}}, // 9
    {{{}, {8}, {}, {}}}, // 10
    {{{}, {8}, {}, {}}}, // 11
    {{{}, {8}, {}, {}}}, // 12
    {{{}, {10}, {}, {}}}, // 13
    {{{}, {10}, {}, {}}}, // 14
}};

/// TS 38.211 Table 6.4.1.1.3-4, double-symbol DM-RS, PUSCH mapping type B (l_d = 5..14; pos0 and pos1 only).
constexpr position_table double_type_b = {{
    {}, {}, {}, {}, // l_d = 1..4: -
    {{{}, {}, {}, {}}}, // 5
    {{{}, {}, {}, {}}}, // 6
    {{{}, {}, {}, {}}}, // 7
    {{{}, {5}, {}, {}}}, // 8
    {{{}, {5}, {}, {}}}, // 9
    {{{}, {7}, {}, {}}}, // 10
    {{{}, {7}, {}, {}}}, // 11
    {{{}, {9}, {}, {}}}, // 12
    {{{}, {9}, {}, {}}}, // 13
    {{{}, {9}, {}, {}}}, // 14
}};

/// Smallest duration l_d with an entry in the tables above.
unsigned min_duration(unsigned max_length, pusch_mapping_type mapping)
{
  if (mapping == pusch_mapping_type::type_a) {
    return 4;
  }
  return max_length == 1 ? 1 : 5;
}

/// CDM group lambda of a port, Tables 6.4.1.1.3-1 (type 1: ports 0..7) and 6.4.1.1.3-2 (type 2: ports 0..11).
unsigned cdm_group_of(unsigned config_type, unsigned port)
{
  return config_type == 1 ? (port / 2) % 2 : (port / 2) % 3;
}

/// Subcarriers 0..11 of a resource block occupied by CDM group lambda: k = 4n + 2k' + Delta (type 1, Delta = lambda)
/// or 6n + k' + Delta (type 2, Delta = 2 lambda).
uint16_t cdm_group_re_mask(unsigned config_type, unsigned cdm_group)
{
  const unsigned mask = config_type == 1 ? 0x555U << cdm_group : 0x0c3U << (2 * cdm_group);
  return static_cast<uint16_t>(mask);
}

status error(const std::string& message)
{
  return status::error("PUSCH: " + message);
}

status validate_carrier(const carrier_config& carrier)
{
  if (carrier.numerology > 3) {
    return error("numerology " + std::to_string(carrier.numerology) + " outside 0..3");
  }
  if (carrier.cp == cyclic_prefix::extended && carrier.numerology != 2) {
    return error("extended cyclic prefix needs numerology 2 (TS 38.211 4.2)");
  }
  if (carrier.cell_id > 1007) {
    return error("cell_id " + std::to_string(carrier.cell_id) + " outside 0..1007");
  }
  if (carrier.nof_prb < 1 || carrier.nof_prb > 275) {
    return error("carrier nof_prb " + std::to_string(carrier.nof_prb) + " outside 1..275");
  }
  if (carrier.bwp_size < 1 || carrier.bwp_size > carrier.nof_prb ||
      carrier.bwp_start > carrier.nof_prb - carrier.bwp_size) {
    return error("bandwidth part [" + std::to_string(carrier.bwp_start) + ", +" + std::to_string(carrier.bwp_size) +
                 ") not inside the carrier's " + std::to_string(carrier.nof_prb) + " PRB");
  }
  return status::ok();
}

status validate_allocation(const pusch_pdu& pdu, const carrier_config& carrier)
{
  if (pdu.slot >= 10U << carrier.numerology) {
    return error("slot " + std::to_string(pdu.slot) + " outside 0.." + std::to_string((10U << carrier.numerology) - 1));
  }
  if (pdu.nof_prb < 1 || pdu.nof_prb > carrier.bwp_size || pdu.prb_start > carrier.bwp_size - pdu.nof_prb) {
    return error("PRB allocation [" + std::to_string(pdu.prb_start) + ", +" + std::to_string(pdu.nof_prb) +
                 ") not inside the bandwidth part of " + std::to_string(carrier.bwp_size) + " PRB");
  }
  const unsigned nof_slot_symbols = nof_symbols_per_slot(carrier.cp);
  if (pdu.nof_symbols < 1 || pdu.nof_symbols > nof_slot_symbols ||
      pdu.start_symbol > nof_slot_symbols - pdu.nof_symbols) {
    return error("symbol allocation S = " + std::to_string(pdu.start_symbol) + ", L = " +
                 std::to_string(pdu.nof_symbols) + " not inside the slot of " + std::to_string(nof_slot_symbols) +
                 " symbols");
  }
  if (pdu.mapping == pusch_mapping_type::type_a && (pdu.start_symbol != 0 || pdu.nof_symbols < 4)) {
    return error("mapping type A needs S = 0 and L >= 4 (TS 38.214 Table 6.1.2.1-1), got S = " +
                 std::to_string(pdu.start_symbol) + ", L = " + std::to_string(pdu.nof_symbols));
  }
  if (pdu.nof_layers < 1 || pdu.nof_layers > pusch_max_layers) {
    return error("nof_layers " + std::to_string(pdu.nof_layers) + " outside 1..4");
  }
  return status::ok();
}

status validate_dmrs_config(const pusch_pdu& pdu)
{
  const pusch_dmrs_config& dmrs = pdu.dmrs;
  if (dmrs.config_type != 1 && dmrs.config_type != 2) {
    return error("DM-RS configuration type " + std::to_string(dmrs.config_type) + " is not 1 or 2");
  }
  if (dmrs.max_length != 1 && dmrs.max_length != 2) {
    return error("DM-RS length " + std::to_string(dmrs.max_length) + " is not 1 or 2");
  }
  if (dmrs.additional_position > 3 || (dmrs.max_length == 2 && dmrs.additional_position > 1)) {
    return error("dmrs-AdditionalPosition " + std::to_string(dmrs.additional_position) + " not supported with " +
                 (dmrs.max_length == 1 ? "single" : "double") + "-symbol DM-RS (0..3 single, 0..1 double)");
  }
  if (dmrs.type_a_position != 2 && dmrs.type_a_position != 3) {
    return error("dmrs-TypeA-Position " + std::to_string(dmrs.type_a_position) + " is not 2 or 3");
  }
  if (pdu.mapping == pusch_mapping_type::type_a && dmrs.additional_position == 3 && dmrs.type_a_position != 2) {
    return error("dmrs-AdditionalPosition pos3 needs dmrs-TypeA-Position pos2 (TS 38.211 6.4.1.1.3)");
  }
  if (pdu.mapping == pusch_mapping_type::type_a && dmrs.max_length == 2 && pdu.nof_symbols == 4 &&
      dmrs.type_a_position != 2) {
    return error("double-symbol DM-RS with l_d = 4 needs dmrs-TypeA-Position pos2 (TS 38.211 6.4.1.1.3)");
  }
  if (dmrs.scrambling_id[0] > 65535 || dmrs.scrambling_id[1] > 65535) {
    return error("DM-RS scrambling identities must be in 0..65535");
  }
  if (dmrs.n_scid > 1) {
    return error("n_SCID " + std::to_string(dmrs.n_scid) + " is not 0 or 1");
  }
  const unsigned nof_groups = dmrs.config_type == 1 ? 2 : 3;
  if (dmrs.nof_cdm_groups_without_data < 1 || dmrs.nof_cdm_groups_without_data > nof_groups) {
    return error("number of CDM groups without data " + std::to_string(dmrs.nof_cdm_groups_without_data) +
                 " outside 1.." + std::to_string(nof_groups) + " for configuration type " +
                 std::to_string(dmrs.config_type));
  }
  const unsigned nof_ports = (dmrs.config_type == 1 ? 4 : 6) * dmrs.max_length;
  for (unsigned j = 0; j < pdu.nof_layers; ++j) {
    const unsigned port = dmrs.ports[j];
    if (port >= nof_ports) {
      return error("DM-RS port " + std::to_string(port) + " of layer " + std::to_string(j) + " not in 0.." +
                   std::to_string(nof_ports - 1) + " for configuration type " + std::to_string(dmrs.config_type) +
                   " with length " + std::to_string(dmrs.max_length) + " (TS 38.211 Table 6.4.1.1.3-5)");
    }
    if (cdm_group_of(dmrs.config_type, port) >= dmrs.nof_cdm_groups_without_data) {
      return error("DM-RS port " + std::to_string(port) + " is in CDM group " +
                   std::to_string(cdm_group_of(dmrs.config_type, port)) + ", not among the " +
                   std::to_string(dmrs.nof_cdm_groups_without_data) + " CDM groups without data");
    }
    for (unsigned i = 0; i < j; ++i) {
      if (dmrs.ports[i] == port) {
        return error("DM-RS port " + std::to_string(port) + " used by layers " + std::to_string(i) + " and " +
                     std::to_string(j));
      }
    }
  }
  if (pdu.transform_precoding) {
    if (pdu.nof_layers != 1 || dmrs.config_type != 1) {
      return error("transform precoding needs a single layer and DM-RS configuration type 1 (TS 38.211 6.3.1.4, "
                   "6.4.1.1.3)");
    }
    if (dmrs.nof_cdm_groups_without_data != 2) {
      return error("transform precoding needs 2 CDM groups without data (TS 38.212 Tables 7.3.1.1.2-6, -7)");
    }
    if (dmrs.n_id_rs > 1007) {
      return error("n_ID^RS " + std::to_string(dmrs.n_id_rs) + " outside 0..1007");
    }
  }
  if (dmrs.group_or_sequence_hopping > low_papr_hopping::sequence) {
    return error("group or sequence hopping value " +
                 std::to_string(static_cast<unsigned>(dmrs.group_or_sequence_hopping)) +
                 " is none of neither, group, sequence");
  }
  return status::ok();
}

} // namespace

status compute_pusch_dmrs_pattern(pusch_dmrs_pattern& out, const pusch_pdu& pdu, const carrier_config& carrier)
{
  if (auto s = validate_carrier(carrier); !s) {
    return s;
  }
  if (auto s = validate_allocation(pdu, carrier); !s) {
    return s;
  }
  if (auto s = validate_dmrs_config(pdu); !s) {
    return s;
  }
  const pusch_dmrs_config& dmrs = pdu.dmrs;
  const bool type_a = pdu.mapping == pusch_mapping_type::type_a;

  // TS 38.211 6.4.1.1.3: l_d and l_0 per mapping type; positions of type B count from the allocation start.
  const unsigned duration = type_a ? pdu.start_symbol + pdu.nof_symbols : pdu.nof_symbols;
  if (duration < min_duration(dmrs.max_length, pdu.mapping)) {
    return error("no DM-RS position for duration l_d = " + std::to_string(duration) + " with mapping type " +
                 (type_a ? "A" : "B") + " and " + (dmrs.max_length == 1 ? "single" : "double") +
                 "-symbol DM-RS (TS 38.211 Tables 6.4.1.1.3-3, -4)");
  }
  const position_table& table = dmrs.max_length == 1 ? (type_a ? single_type_a : single_type_b)
                                                     : (type_a ? double_type_a : double_type_b);
  const unsigned origin = type_a ? 0 : pdu.start_symbol;
  std::array<unsigned, 4> positions{type_a ? dmrs.type_a_position : 0};
  unsigned nof_positions = 1;
  for (uint8_t p : table[duration - 1][dmrs.additional_position]) {
    if (p != 0) {
      positions[nof_positions++] = p;
    }
  }

  pusch_dmrs_pattern pattern;
  for (unsigned i = 0; i < nof_positions; ++i) {
    for (unsigned l_prime = 0; l_prime < dmrs.max_length; ++l_prime) {
      const unsigned l = origin + positions[i] + l_prime;
      if (l < pdu.start_symbol || l >= pdu.start_symbol + pdu.nof_symbols) {
        return error("DM-RS symbol " + std::to_string(l) + " outside the allocated symbols " +
                     std::to_string(pdu.start_symbol) + ".." +
                     std::to_string(pdu.start_symbol + pdu.nof_symbols - 1));
      }
      pattern.symbols[pattern.nof_symbols] = static_cast<uint8_t>(l);
      pattern.l_prime[pattern.nof_symbols] = static_cast<uint8_t>(l_prime);
      ++pattern.nof_symbols;
      pattern.symbol_mask = static_cast<uint16_t>(pattern.symbol_mask | (1U << l));
    }
  }

  pattern.config_type = dmrs.config_type;
  for (unsigned g = 0; g < dmrs.nof_cdm_groups_without_data; ++g) {
    pattern.no_data_re_mask = static_cast<uint16_t>(pattern.no_data_re_mask | cdm_group_re_mask(dmrs.config_type, g));
  }
  // TS 38.214 Table 6.2.2-1: PUSCH EPRE to DM-RS EPRE 0, -3, -4.77 dB for 1, 2, 3 CDM groups without data.
  constexpr std::array<float, 3> beta = {1.0F, 1.41421356F, 1.73205081F};
  pattern.beta = beta[dmrs.nof_cdm_groups_without_data - 1];

  pattern.nof_layers = pdu.nof_layers;
  for (unsigned j = 0; j < pdu.nof_layers; ++j) {
    pusch_dmrs_layer& layer = pattern.layers[j];
    const unsigned port = dmrs.ports[j];
    layer.port = port;
    layer.cdm_group = cdm_group_of(dmrs.config_type, port);
    layer.delta = dmrs.config_type == 1 ? layer.cdm_group : 2 * layer.cdm_group;
    // Tables 6.4.1.1.3-1 and -2: w_f(1) = -1 for odd ports; w_t(1) = -1 for the ports of the second symbol pair
    // (type 1: 4..7, type 2: 6..11).
    layer.w_f = {1, static_cast<int8_t>(port % 2 == 0 ? 1 : -1)};
    layer.w_t = {1, static_cast<int8_t>(port < (dmrs.config_type == 1 ? 4U : 6U) ? 1 : -1)};
    layer.re_mask = cdm_group_re_mask(dmrs.config_type, layer.cdm_group);
  }
  out = pattern;
  return status::ok();
}

} // namespace airan::phy
