#include "airan/phy/common/low_papr_sequence.h"
#include "airan/phy/coding/scrambling.h"
#include "airan/phy/pusch/dmrs.h"

#include <cassert>

namespace airan::phy {

namespace {

/// Largest common resource block end: the carrier grid (at most 275 PRB) starts at CRB 0.
constexpr unsigned max_crb_end = 275;

/// Position of pilot i of a layer inside its resource block (k = 4n + 2k' + Delta or 6n + k' + Delta).
unsigned pilot_subcarrier_in_prb(unsigned config_type, unsigned delta, unsigned i)
{
  return config_type == 1 ? 2 * (i % 6) + delta : 6 * ((i % 4) / 2) + (i % 2) + delta;
}

} // namespace

uint32_t pusch_dmrs_cinit(const pusch_pdu& pdu, const carrier_config& carrier, unsigned symbol) noexcept
{
  const uint64_t n_scid = pdu.dmrs.n_scid;
  const uint64_t n_id = pdu.dmrs.scrambling_id[n_scid];
  const uint64_t symbol_count = uint64_t{nof_symbols_per_slot(carrier.cp)} * pdu.slot + symbol + 1;
  return static_cast<uint32_t>(((symbol_count * (2 * n_id + 1) << 17) + 2 * n_id + n_scid) % (uint64_t{1} << 31));
}

low_papr_group pusch_dmrs_low_papr_group(const pusch_pdu& pdu, const carrier_config& carrier, unsigned l) noexcept
{
  const unsigned n_id = pdu.dmrs.n_id_rs;
  // N_symb^slot n_s,f + l: at most 14 * 80 - 1 (n_s,f < 10 * 2^mu, mu <= 3).
  constexpr unsigned max_symbol_count = 14 * 80;
  const unsigned symbol_count = nof_symbols_per_slot(carrier.cp) * pdu.slot + l;
  assert(symbol_count < max_symbol_count);
  low_papr_group group{n_id % nof_low_papr_groups, 0};
  if (pdu.dmrs.group_or_sequence_hopping == low_papr_hopping::group) {
    // Only the first 8 (N_symb^slot n_s,f + l + 1) values are written and read: no need to clear the rest.
    std::array<uint8_t, 8 * max_symbol_count> c;
    generate_gold_sequence(std::span(c).first(8 * (symbol_count + 1)), n_id / nof_low_papr_groups);
    unsigned f_gh = 0;
    for (unsigned m = 0; m < 8; ++m) {
      f_gh += static_cast<unsigned>(c[8 * symbol_count + m]) << m;
    }
    group.u = (f_gh + n_id) % nof_low_papr_groups;
  } else if (pdu.dmrs.group_or_sequence_hopping == low_papr_hopping::sequence && 6 * pdu.nof_prb >= 72) {
    std::array<uint8_t, max_symbol_count> c;
    generate_gold_sequence(std::span(c).first(symbol_count + 1), n_id);
    group.v = c[symbol_count];
  }
  return group;
}

unsigned pusch_allocation_subcarriers(std::span<uint16_t> out, const pusch_pdu& pdu, uint16_t re_mask) noexcept
{
  assert(out.size() >= std::size_t{12} * pdu.nof_prb);
  unsigned count = 0;
  for (unsigned prb = pdu.prb_start; prb < pdu.prb_start + pdu.nof_prb; ++prb) {
    for (unsigned k = 0; k < 12; ++k) {
      if (((re_mask >> k) & 1U) != 0) {
        out[count++] = static_cast<uint16_t>(12 * prb + k);
      }
    }
  }
  return count;
}

void pusch_dmrs_subcarriers(std::span<uint16_t>       subcarriers,
                            const pusch_dmrs_pattern& pattern,
                            const pusch_pdu&          pdu,
                            unsigned                  layer) noexcept
{
  assert(layer < pattern.nof_layers && subcarriers.size() == pusch_dmrs_nof_pilots(pattern, pdu));
  const unsigned per_prb = pattern.nof_pilots_per_prb();
  const unsigned delta = pattern.layers[layer].delta;
  for (unsigned i = 0; i < subcarriers.size(); ++i) {
    subcarriers[i] = static_cast<uint16_t>(12 * (pdu.prb_start + i / per_prb) +
                                           pilot_subcarrier_in_prb(pattern.config_type, delta, i));
  }
}

void generate_pusch_dmrs(std::span<cf_t>           pilots,
                         const pusch_dmrs_pattern& pattern,
                         const pusch_pdu&          pdu,
                         const carrier_config&     carrier,
                         unsigned                  layer,
                         unsigned                  symbol) noexcept
{
  assert(layer < pattern.nof_layers && pattern.is_dmrs_symbol(symbol) &&
         pilots.size() == pusch_dmrs_nof_pilots(pattern, pdu));
  unsigned l_prime = 0;
  for (unsigned i = 0; i < pattern.nof_symbols; ++i) {
    l_prime = pattern.symbols[i] == symbol ? pattern.l_prime[i] : l_prime;
  }
  const pusch_dmrs_layer& dmrs = pattern.layers[layer];
  const float scale = pattern.beta * dmrs.w_t[l_prime];
  const std::array<float, 2> weight = {scale * dmrs.w_f[0], scale * dmrs.w_f[1]};
  const auto nof_pilots = static_cast<unsigned>(pilots.size());

  if (pdu.transform_precoding) {
    // TS 38.211 6.4.1.1.1.2: r(m) = r^(0,1)_(u,v)(m), m = 0 .. M_sc / 2 - 1 from the allocation start; both symbols
    // of a double-symbol DM-RS take u and v of the first.
    const low_papr_group group = pusch_dmrs_low_papr_group(pdu, carrier, symbol - l_prime);
    generate_low_papr_sequence(pilots, group.u, group.v, 0.0F);
    for (unsigned i = 0; i < nof_pilots; ++i) {
      pilots[i] *= weight[i % 2];
    }
    return;
  }

  // TS 38.211 6.4.1.1.1.1: r(m) from c(2m), c(2m + 1) with m counted from subcarrier 0 of CRB 0.
  const unsigned first = pattern.nof_pilots_per_prb() * (carrier.bwp_start + pdu.prb_start);
  std::array<uint8_t, 2 * 6 * max_crb_end> c{};
  assert(2 * (first + nof_pilots) <= c.size());
  const auto bits = std::span(c).first(2 * (first + nof_pilots));
  generate_gold_sequence(bits, pusch_dmrs_cinit(pdu, carrier, symbol));
  // (1 - 2 c) amplitude: no branch on the pseudo-random bits.
  constexpr float amplitude = 0.70710678F;
  for (unsigned i = 0; i < nof_pilots; ++i) {
    const unsigned m = first + i;
    const float re = amplitude * static_cast<float>(1 - 2 * c[2 * m]);
    const float im = amplitude * static_cast<float>(1 - 2 * c[2 * m + 1]);
    pilots[i] = cf_t(re * weight[i % 2], im * weight[i % 2]);
  }
}

} // namespace airan::phy
