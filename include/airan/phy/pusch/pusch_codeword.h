#pragma once
/// Sizes of the UL-SCH codeword carried by one PUSCH allocation, the same for the transmitter and the receiver: data
/// resource elements, coded bits G (TS 38.212 6.2.7), transport block size (TS 38.214 6.1.4.2) and the UL-SCH
/// configuration of the encoder and decoder.

#include "airan/common/status.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/pusch/pusch_pdu.h"
#include "airan/phy/ulsch/ulsch_config.h"

namespace airan::phy {

struct pusch_codeword_params {
  /// Modulation of the MCS row (TS 38.214 6.1.4.1; in the transform precoding tables q = 1, pi/2-BPSK, with
  /// pusch_pdu::tp_pi2_bpsk, else q = 2).
  modulation_scheme modulation = modulation_scheme::qpsk;
  /// Resource elements of the allocation that carry data, per layer (and per antenna port): every allocated RE except
  /// those of the CDM groups without data on the DM-RS symbols (TS 38.211 6.3.1.6).
  unsigned nof_re_per_layer = 0;
  /// G = nof_re_per_layer Q_m v.
  unsigned nof_coded_bits = 0;
  /// Transport block size of TS 38.214 6.1.4.2 with N_oh^PRB = 0 and N_DMRS^PRB from the DM-RS pattern.
  unsigned tbs = 0;
  /// UL-SCH configuration: tbs, R, Q_m, v, G, rv and TBS_LBRM of the PDU.
  ulsch_config ulsch{};
};

/// Validates what the codeword sizes depend on (carrier, allocation, DM-RS via compute_pusch_dmrs_pattern(), MCS
/// table and index, redundancy version, TBS_LBRM) and computes them. out is written only on success.
/// MCS tables: qam64, qam256 or qam64_low_se without transform precoding; tp_qam64, tp_qam64_low_se or qam256 with
/// it (TS 38.214 6.1.4.1). Reserved MCS rows (retransmissions that take the TBS of the initial transmission) are
/// rejected.
status compute_pusch_codeword_params(pusch_codeword_params& out, const pusch_pdu& pdu, const carrier_config& carrier);

/// Everything compute_pusch_codeword_params() checks, plus n_RNTI (0..65535), data n_ID (0..1023), the precoding
/// (get_pusch_precoding_matrix) and the transform precoding size (is_valid_transform_precoding_size).
status validate_pusch_pdu(const pusch_pdu& pdu, const carrier_config& carrier);

/// Transport block size in bits of compute_pusch_codeword_params(); 0 when the PDU is not valid.
unsigned pusch_tbs(const pusch_pdu& pdu, const carrier_config& carrier);

/// G of compute_pusch_codeword_params(); 0 when the PDU is not valid.
unsigned pusch_nof_coded_bits(const pusch_pdu& pdu, const carrier_config& carrier);

} // namespace airan::phy
