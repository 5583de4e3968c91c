#pragma once
/// Carrier and PUSCH allocation parameters of one slot (TS 38.211 4, 5.3, 6.3.1, 6.4.1.1; TS 38.214 6.1).

#include "airan/common/status.h"
#include "airan/phy/coding/mcs_tbs.h"

#include <array>
#include <cstdint>
#include <optional>

namespace airan::phy {

enum class cyclic_prefix : uint8_t { normal, extended };

/// One carrier / bandwidth part, TS 38.211 4.2, 4.4.
struct carrier_config {
  /// mu: subcarrier spacing 15 * 2^mu kHz, 0..3 (extended cyclic prefix only with mu = 2).
  unsigned numerology = 1;
  cyclic_prefix cp = cyclic_prefix::normal;
  /// N_ID^cell, 0..1007.
  unsigned cell_id = 0;
  /// N_grid^size of the carrier in PRB, 1..275; the grid the receiver sees.
  unsigned nof_prb = 273;
  /// N_BWP^start relative to the carrier grid and N_BWP^size, in PRB.
  unsigned bwp_start = 0;
  unsigned bwp_size = 273;
  /// Carrier centre frequency f_0 in Hz for the upconversion phase term of TS 38.211 5.4 (0: no compensation).
  double center_frequency_hz = 0.0;
};

enum class pusch_mapping_type : uint8_t { type_a, type_b };
enum class pusch_precoding : uint8_t { non_codebook, codebook };

/// Hopping of the low-PAPR DM-RS sequence with transform precoding, TS 38.211 6.4.1.1.1.2: the sequence group u, or
/// the base sequence number v, changes from one DM-RS symbol to the next. Set by groupHoppingEnabledTransformPrecoding
/// (PUSCH-ConfigCommon) and sequenceGroupHopping / sequenceHopping (DMRS-UplinkConfig, TS 38.331); the UE is not
/// expected to handle both at once.
enum class low_papr_hopping : uint8_t { neither, group, sequence };

/// DM-RS for PUSCH, TS 38.211 6.4.1.1 and TS 38.214 6.2.2.
struct pusch_dmrs_config {
  /// dmrs-Type: configuration type 1 or 2 (Tables 6.4.1.1.3-1, 6.4.1.1.3-2).
  unsigned config_type = 1;
  /// maxLength: 1 (single-symbol) or 2 (double-symbol DM-RS).
  unsigned max_length = 1;
  /// dmrs-AdditionalPosition 0..3 (Table 6.4.1.1.3-3).
  unsigned additional_position = 1;
  /// dmrs-TypeA-Position l_0 for mapping type A: 2 or 3.
  unsigned type_a_position = 2;
  /// N_ID^0 and N_ID^1 (scramblingID0/1), 0..65535; n_SCID selects one.
  std::array<unsigned, 2> scrambling_id = {0, 0};
  /// n_SCID, 0 or 1.
  unsigned n_scid = 0;
  /// Number of CDM groups without data, 1..3 (TS 38.212 7.3.1.1.2, TS 38.214 Table 6.2.2-1: DM-RS power offset).
  unsigned nof_cdm_groups_without_data = 2;
  /// Antenna ports p_0..p_{v-1} - 1000 used by the layers, one per layer (0..7 type 1, 0..11 type 2).
  std::array<unsigned, 4> ports = {0, 1, 2, 3};
  /// With transform precoding: n_ID^RS for the low-PAPR sequence group (TS 38.211 6.4.1.1.1.2), 0..1007.
  unsigned n_id_rs = 0;
  /// With transform precoding: group or sequence hopping of the low-PAPR sequence; no effect without.
  low_papr_hopping group_or_sequence_hopping = low_papr_hopping::neither;
};

/// One PUSCH allocation of a slot: everything needed to build (TX) or decode (RX) it.
struct pusch_pdu {
  /// C-RNTI n_RNTI, 0..65535 (data scrambling, TS 38.211 6.3.1.1).
  unsigned rnti = 0;
  /// Data scrambling identity n_ID, 0..1023 (TS 38.211 6.3.1.1).
  unsigned n_id = 0;
  /// Slot number n_s,f within the frame, 0 .. 10 * 2^mu - 1.
  unsigned slot = 0;
  /// Allocation in the BWP: first PRB and number of PRB (contiguous, resource allocation type 1).
  unsigned prb_start = 0;
  unsigned nof_prb = 1;
  /// Symbols S .. S + L - 1 of the slot (TS 38.214 6.1.2.1).
  unsigned start_symbol = 0;
  unsigned nof_symbols = 14;
  pusch_mapping_type mapping = pusch_mapping_type::type_a;
  /// Number of layers v, 1..4, and of antenna ports P at the UE (P = v for non-codebook).
  unsigned nof_layers = 1;
  unsigned nof_antenna_ports = 1;
  pusch_precoding precoding = pusch_precoding::non_codebook;
  /// TPMI index of TS 38.211 Tables 6.3.1.5-1 .. 6.3.1.5-7 (codebook precoding).
  unsigned tpmi = 0;
  /// Transform precoding (DFT-s-OFDM, TS 38.211 6.3.1.4): single layer only.
  bool transform_precoding = false;
  /// Higher-layer tp-pi2BPSK: with transform precoding, the q rows of MCS Tables 6.1.4.1-1 and 6.1.4.1-2 (TS 38.214)
  /// use pi/2-BPSK (q = 1) instead of QPSK (q = 2). Without transform precoding, or with another table, it has no
  /// effect. The DM-RS stay those of TS 38.211 6.4.1.1.1.2 without dmrs-UplinkTransformPrecoding-r16.
  bool tp_pi2_bpsk = false;
  pusch_dmrs_config dmrs;
  /// MCS table and index (TS 38.214 6.1.4.1), redundancy version, new data indicator, HARQ process.
  mcs_table table = mcs_table::qam64;
  unsigned mcs = 0;
  unsigned rv = 0;
  bool new_data = true;
  unsigned harq_id = 0;
  /// TBS_LBRM for limited buffer rate matching, or none.
  std::optional<unsigned> tbs_lbrm;
};

} // namespace airan::phy
