#pragma once
/// MCS tables (TS 38.214 5.1.3.1 and 6.1.4.1), transport block size (TS 38.214 5.1.3.2 and 6.1.4.2) and the TBS of
/// limited-buffer rate matching (TS 38.212 5.4.2.1 and 6.2.5).

#include "airan/common/status.h"
#include "airan/phy/modulation/modulation.h"

#include <cstdint>
#include <optional>
#include <span>

namespace airan::phy {

/// MCS index tables of TS 38.214.
enum class mcs_table : uint8_t {
  qam64,          ///< Table 5.1.3.1-1 (PDSCH; PUSCH without transform precoding, 6.1.4.1).
  qam256,         ///< Table 5.1.3.1-2.
  qam64_low_se,   ///< Table 5.1.3.1-3.
  tp_qam64,       ///< Table 6.1.4.1-1 (PUSCH with transform precoding).
  tp_qam64_low_se ///< Table 6.1.4.1-2 (PUSCH with transform precoding).
};

/// One row of an MCS table.
struct mcs_entry {
  modulation_scheme modulation;
  unsigned          modulation_order;       ///< Q_m.
  float             target_code_rate_x1024; ///< R x 1024 as tabulated (682.5 and 916.5 are not integers).
  float             spectral_efficiency;    ///< As tabulated (4 decimals).
};

/// Number of MCS indices of every table (5-bit field).
constexpr unsigned nof_mcs_indices = 32;

/// Row mcs_index of the table, for an initial transmission. nullopt for reserved rows (only valid for
/// retransmissions, see lookup_mcs_modulation) and for mcs_index >= 32. tp_pi2_bpsk (higher-layer tp-pi2BPSK) selects
/// q = 1 (pi/2-BPSK) instead of q = 2 (QPSK) in the q rows of Tables 6.1.4.1-1 and 6.1.4.1-2; other tables ignore it.
std::optional<mcs_entry> lookup_mcs(mcs_table table, unsigned mcs_index, bool tp_pi2_bpsk = false) noexcept;

/// Modulation of row mcs_index, reserved rows included (a retransmission takes its modulation from the reserved
/// row and its TBS from the initial transmission). nullopt for mcs_index >= 32.
std::optional<modulation_scheme>
lookup_mcs_modulation(mcs_table table, unsigned mcs_index, bool tp_pi2_bpsk = false) noexcept;

/// Inputs of the TBS determination, TS 38.214 5.1.3.2 (PDSCH) and 6.1.4.2 (PUSCH).
struct tbs_params {
  unsigned nof_symbols;         ///< N_symb^sh, OFDM symbols of the allocation in the slot, 1..14.
  unsigned nof_dmrs_re_per_prb; ///< N_DMRS^PRB, DM-RS REs per PRB over the allocation (CDM groups without data
                                ///< included).
  unsigned nof_overhead_re;     ///< N_oh^PRB, higher-layer xOverhead (0, 6, 12 or 18; 0 when not configured).
  unsigned nof_prb;             ///< n_PRB, 1..275.
  float    target_code_rate;    ///< R (e.g. 658 / 1024), 0 < R < 1.
  unsigned modulation_order;    ///< Q_m: 1, 2, 4, 6 or 8.
  unsigned nof_layers;          ///< v: 1..8 (PUSCH uses at most 4, a check for its caller).
  float    scaling = 1.0F;      ///< S of TS 38.214 Table 5.1.3.2-2: 1, 0.5 or 0.25.
};

/// Checks the ranges listed in tbs_params and that the allocation leaves data REs
/// (N'_RE = 12 N_symb - N_DMRS - N_oh > 0, otherwise N_info would be 0).
status validate_tbs_params(const tbs_params& params);

/// Transport block size, TS 38.214 5.1.3.2 (and 6.1.4.2, which uses the same steps):
///   N'_RE = 12 N_symb - N_DMRS - N_oh, N_RE = min(156, N'_RE) n_PRB, N_info = S N_RE R Q_m v;
///   N_info <= 3824: n = max(3, floor(log2 N_info) - 6), N'_info = max(24, 2^n floor(N_info / 2^n)), TBS = the
///   smallest entry of Table 5.1.3.2-1 not less than N'_info;
///   N_info > 3824: n = floor(log2(N_info - 24)) - 5, N'_info = max(3840, 2^n round((N_info - 24) / 2^n)) (ties
///   rounded up), then with C = ceil((N'_info + 24) / 3816) if R <= 1/4, C = ceil((N'_info + 24) / 8424) if
///   N'_info > 8424, else C = 1: TBS = 8 C ceil((N'_info + 24) / (8 C)) - 24.
/// Validates params first (validate_tbs_params); tbs is written only on success.
status compute_tbs(unsigned& tbs, const tbs_params& params);

/// The 93 TBS values of TS 38.214 Table 5.1.3.2-1 (N_info <= 3824), ascending.
std::span<const uint16_t> tbs_table();

/// n_PRB,LBRM of TS 38.212 Table 5.4.2.1-1 for the largest number of PRBs over the BWPs of the carrier:
/// 32 (< 33), 66 (33..66), 107 (67..107), 135 (108..135), 162 (136..162), 217 (163..217), 273 (> 217).
unsigned lbrm_nof_prb(unsigned nof_prb_bwp) noexcept;

/// TBS_LBRM of TS 38.212 5.4.2.1 (DL-SCH) and 6.2.5 (UL-SCH): the TBS of TS 38.214 5.1.3.2 / 6.1.4.2 for
/// min(max_nof_layers, 4) layers, the largest configured modulation order, R = 948/1024 and
/// N_RE = 156 n_PRB,LBRM. Requires max_nof_layers >= 1, max_modulation_order in {2, 4, 6, 8} and nof_prb_lbrm a value
/// of Table 5.4.2.1-1 (see lbrm_nof_prb).
unsigned compute_tbs_lbrm(unsigned max_nof_layers, unsigned max_modulation_order, unsigned nof_prb_lbrm) noexcept;

} // namespace airan::phy
