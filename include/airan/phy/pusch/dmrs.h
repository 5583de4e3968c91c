#pragma once
/// PUSCH demodulation reference signals: time and frequency pattern (TS 38.211 6.4.1.1.3), sequence (TS 38.211
/// 6.4.1.1.1) and amplitude (TS 38.214 6.2.2). Shared by the transmitter and the receiver's channel estimation.
///
/// Frequency reference: subcarrier indices returned here count from the first subcarrier of the bandwidth part (the
/// resource grid of resource_grid.h). The carrier grid is taken to start at common resource block 0
/// (offsetToCarrier = 0), so the BWP's first subcarrier is subcarrier 12 N_BWP^start of CRB 0, the reference point of
/// the DM-RS sequence when transform precoding is disabled.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <array>
#include <bit>
#include <cstdint>
#include <span>

namespace airan::phy {

/// Most DM-RS symbols in a slot: 4 single-symbol positions or 2 double-symbol positions (Tables 6.4.1.1.3-3/-4).
inline constexpr unsigned pusch_max_dmrs_symbols = 4;
/// Most PUSCH layers (TS 38.211 6.3.1.3: one codeword, up to 4 layers).
inline constexpr unsigned pusch_max_layers = 4;

/// Number of OFDM symbols per slot N_symb^slot: 14 (normal cyclic prefix) or 12 (extended), TS 38.211 4.3.2.
constexpr unsigned nof_symbols_per_slot(cyclic_prefix cp) noexcept
{
  return cp == cyclic_prefix::normal ? 14 : 12;
}

/// DM-RS of one layer j, transmitted on antenna port p_j, TS 38.211 Tables 6.4.1.1.3-1 (type 1), 6.4.1.1.3-2 (type 2).
struct pusch_dmrs_layer {
  /// p_j - 1000.
  unsigned port = 0;
  /// CDM group lambda.
  unsigned cdm_group = 0;
  /// Delta, the subcarrier offset of the CDM group.
  unsigned delta = 0;
  /// w_f(k') for k' = 0, 1 and w_t(l') for l' = 0, 1 (+1 or -1).
  std::array<int8_t, 2> w_f = {1, 1};
  std::array<int8_t, 2> w_t = {1, 1};
  /// Subcarriers 0..11 of every resource block that carry this layer's DM-RS (bit k for subcarrier k).
  uint16_t re_mask = 0;
};

/// Where and how the DM-RS of one PUSCH allocation is transmitted.
struct pusch_dmrs_pattern {
  /// DM-RS symbols (indices in the slot) in increasing order, and l' of each (0, or 0 then 1 for double-symbol DM-RS).
  std::array<uint8_t, pusch_max_dmrs_symbols> symbols{};
  std::array<uint8_t, pusch_max_dmrs_symbols> l_prime{};
  unsigned nof_symbols = 0;
  /// Bit l set when symbol l of the slot carries DM-RS.
  uint16_t symbol_mask = 0;
  /// dmrs-Type: 1 or 2.
  unsigned config_type = 1;
  /// Subcarriers 0..11 of every resource block of a DM-RS symbol that belong to the CDM groups without data: they
  /// carry DM-RS or nothing, never data (bit k for subcarrier k).
  uint16_t no_data_re_mask = 0;
  /// beta_PUSCH^DMRS: DM-RS amplitude relative to data, sqrt of the number of CDM groups without data (TS 38.214
  /// Table 6.2.2-1: 0, -3 and -4.77 dB PUSCH to DM-RS EPRE for 1, 2 and 3 groups).
  float beta = 1.0F;
  /// Per layer j = 0 .. nof_layers - 1.
  std::array<pusch_dmrs_layer, pusch_max_layers> layers{};
  unsigned nof_layers = 1;

  bool is_dmrs_symbol(unsigned l) const { return ((symbol_mask >> l) & 1U) != 0; }
  /// DM-RS values per layer, per resource block and per DM-RS symbol: 6 (type 1) or 4 (type 2).
  unsigned nof_pilots_per_prb() const { return config_type == 1 ? 6 : 4; }
  /// N_DMRS^PRB of TS 38.214 6.1.4.2: DM-RS REs per resource block over the allocation, CDM groups without data
  /// included.
  unsigned nof_dmrs_re_per_prb() const { return nof_symbols * static_cast<unsigned>(std::popcount(no_data_re_mask)); }
  /// Subcarriers 0..11 of every resource block of symbol l that carry data (for a symbol inside the allocation).
  uint16_t data_re_mask(unsigned l) const
  {
    return is_dmrs_symbol(l) ? static_cast<uint16_t>(~no_data_re_mask & 0xfffU) : uint16_t{0xfff};
  }
};

/// Validates the carrier, the allocation, the layers and the DM-RS configuration of a PUSCH PDU and computes its DM-RS
/// pattern (TS 38.211 6.4.1.1.3, TS 38.214 6.1.2.1 and 6.2.2):
/// - symbol positions from Table 6.4.1.1.3-3 (single-symbol) or 6.4.1.1.3-4 (double-symbol DM-RS) without intra-slot
///   frequency hopping: for mapping type A l_0 = dmrs-TypeA-Position and the duration l_d counts from the start of the
///   slot to the end of the allocation; for mapping type B l_0 = 0 relative to the allocation start and l_d is the
///   allocation length; the positions are returned as symbol indices in the slot;
/// - per layer: CDM group, Delta, w_f and w_t of the layer's port from Table 6.4.1.1.3-1 or 6.4.1.1.3-2;
/// - the REs of DM-RS symbols that carry no data (CDM groups without data) and the amplitude beta.
/// Checks, among others: allocation inside the BWP and the slot (Table 6.1.2.1-1 of TS 38.214), ports valid for the
/// configuration type and length and in the CDM groups without data, distinct ports, maxLength 2 only with
/// dmrs-AdditionalPosition 0 or 1, 'pos3' only with dmrs-TypeA-Position 'pos2', transform precoding only with a
/// single layer and configuration type 1. out is written only on success.
status compute_pusch_dmrs_pattern(pusch_dmrs_pattern& out, const pusch_pdu& pdu, const carrier_config& carrier);

/// c_init of the DM-RS sequence without transform precoding, TS 38.211 6.4.1.1.1.1, with lambda-bar = 0 and
/// n-bar_SCID = n_SCID for every CDM group (dmrs-Uplink-r16 not configured):
/// c_init = (2^17 (N_symb^slot n_s,f + l + 1)(2 N_ID^(n_SCID) + 1) + 2 N_ID^(n_SCID) + n_SCID) mod 2^31,
/// l the symbol's index in the slot and N_ID^(n_SCID) = pdu.dmrs.scrambling_id[n_SCID].
uint32_t pusch_dmrs_cinit(const pusch_pdu& pdu, const carrier_config& carrier, unsigned symbol) noexcept;

/// Sequence group u and base sequence number v of the low-PAPR DM-RS with transform precoding, TS 38.211 6.4.1.1.1.2:
/// u = (f_gh + n_ID^RS) mod 30 with n_ID^RS = pdu.dmrs.n_id_rs, and per pdu.dmrs.group_or_sequence_hopping:
/// - neither: f_gh = 0, v = 0;
/// - group: f_gh = (sum_{m=0}^{7} 2^m c(8 (N_symb^slot n_s,f + l) + m)) mod 30, v = 0, c from c_init =
///   floor(n_ID^RS / 30);
/// - sequence: f_gh = 0, v = c(N_symb^slot n_s,f + l) when M_ZC = 6 N_PRB >= 72, else 0, c from c_init = n_ID^RS;
/// with c the sequence of TS 38.211 5.2.1 (initialised at the start of each frame: n_s,f = pdu.slot counts from it)
/// and l the DM-RS symbol's index in the slot, for double-symbol DM-RS that of the first symbol of the pair.
/// Requires a PDU that compute_pusch_dmrs_pattern() accepts for carrier, and l < N_symb^slot.
struct low_papr_group {
  unsigned u = 0;
  unsigned v = 0;
};
low_papr_group pusch_dmrs_low_papr_group(const pusch_pdu& pdu, const carrier_config& carrier, unsigned l) noexcept;

/// The subcarriers (from the BWP start, increasing) of the allocated resource blocks whose position k = 0..11 in the
/// resource block is set in re_mask (bit k), e.g. pattern.data_re_mask(l) for the data REs of symbol l in the order
/// of TS 38.211 6.3.1.6, or pattern.no_data_re_mask for the DM-RS REs. Returns how many were written; requires
/// out.size() >= 12 pdu.nof_prb.
unsigned pusch_allocation_subcarriers(std::span<uint16_t> out, const pusch_pdu& pdu, uint16_t re_mask) noexcept;

/// Number of DM-RS values of one layer on one DM-RS symbol: nof_pilots_per_prb() per allocated resource block.
inline unsigned pusch_dmrs_nof_pilots(const pusch_dmrs_pattern& pattern, const pusch_pdu& pdu)
{
  return pattern.nof_pilots_per_prb() * pdu.nof_prb;
}

/// The subcarriers (from the BWP start, increasing) that carry layer j's DM-RS on every DM-RS symbol, TS 38.211
/// 6.4.1.1.3: k = 4n + 2k' + Delta (type 1) or 6n + k' + Delta (type 2) inside the allocated resource blocks.
/// Requires a pattern from compute_pusch_dmrs_pattern() for pdu, layer < pattern.nof_layers and
/// subcarriers.size() == pusch_dmrs_nof_pilots().
void pusch_dmrs_subcarriers(std::span<uint16_t>       subcarriers,
                            const pusch_dmrs_pattern& pattern,
                            const pusch_pdu&          pdu,
                            unsigned                  layer) noexcept;

/// The DM-RS values of layer j on DM-RS symbol `symbol` (index in the slot), at the subcarriers of
/// pusch_dmrs_subcarriers() in the same order, before precoding: beta w_f(k') w_t(l') r(2n + k') (TS 38.211
/// 6.4.1.1.3) with
/// - transform precoding disabled: r(m) = (1 - 2 c(2m)) / sqrt(2) + j (1 - 2 c(2m + 1)) / sqrt(2) (6.4.1.1.1.1),
///   c initialised with pusch_dmrs_cinit(), m counted from subcarrier 0 of common resource block 0;
/// - transform precoding enabled: r(m) the low-PAPR sequence r^(0,1)_(u,v)(m) of TS 38.211 5.2.2 of length
///   M_sc^PUSCH / 2 with u and v from pusch_dmrs_low_papr_group(), m counted from the allocation start (6.4.1.1.1.2).
/// Requires a pattern from compute_pusch_dmrs_pattern() for pdu and carrier, layer < pattern.nof_layers,
/// pattern.is_dmrs_symbol(symbol) and pilots.size() == pusch_dmrs_nof_pilots().
void generate_pusch_dmrs(std::span<cf_t>           pilots,
                         const pusch_dmrs_pattern& pattern,
                         const pusch_pdu&          pdu,
                         const carrier_config&     carrier,
                         unsigned                  layer,
                         unsigned                  symbol) noexcept;

} // namespace airan::phy
