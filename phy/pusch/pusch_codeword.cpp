#include "airan/phy/pusch/pusch_codeword.h"

#include "airan/phy/coding/mcs_tbs.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_precoding.h"
#include "airan/phy/pusch/transform_precoder.h"

#include <bit>
#include <string>

namespace airan::phy {

namespace {

bool table_allowed(mcs_table table, bool transform_precoding)
{
  switch (table) {
    case mcs_table::qam256:
      return true;
    case mcs_table::qam64:
    case mcs_table::qam64_low_se:
      return !transform_precoding;
    case mcs_table::tp_qam64:
    case mcs_table::tp_qam64_low_se:
      return transform_precoding;
  }
  return false;
}

} // namespace

status compute_pusch_codeword_params(pusch_codeword_params& out, const pusch_pdu& pdu, const carrier_config& carrier)
{
  pusch_dmrs_pattern pattern;
  if (auto s = compute_pusch_dmrs_pattern(pattern, pdu, carrier); !s) {
    return s;
  }
  if (!table_allowed(pdu.table, pdu.transform_precoding)) {
    return status::error(std::string("PUSCH: MCS table not used ") +
                         (pdu.transform_precoding ? "with" : "without") + " transform precoding (TS 38.214 6.1.4.1)");
  }
  const auto mcs = lookup_mcs(pdu.table, pdu.mcs, pdu.tp_pi2_bpsk);
  if (!mcs) {
    return status::error("PUSCH: MCS index " + std::to_string(pdu.mcs) +
                         " is reserved or outside 0..31 (initial transmissions only)");
  }
  if (pdu.rv > 3) {
    return status::error("PUSCH: redundancy version " + std::to_string(pdu.rv) + " outside 0..3");
  }
  if (pdu.tbs_lbrm && *pdu.tbs_lbrm == 0) {
    return status::error("PUSCH: TBS_LBRM must be positive");
  }

  unsigned nof_re_per_prb = 0;
  for (unsigned l = pdu.start_symbol; l < pdu.start_symbol + pdu.nof_symbols; ++l) {
    nof_re_per_prb += static_cast<unsigned>(std::popcount(pattern.data_re_mask(l)));
  }
  const float rate = mcs->target_code_rate_x1024 / 1024.0F;
  tbs_params tbs_in{};
  tbs_in.nof_symbols = pdu.nof_symbols;
  tbs_in.nof_dmrs_re_per_prb = pattern.nof_dmrs_re_per_prb();
  tbs_in.nof_overhead_re = 0;
  tbs_in.nof_prb = pdu.nof_prb;
  tbs_in.target_code_rate = rate;
  tbs_in.modulation_order = mcs->modulation_order;
  tbs_in.nof_layers = pdu.nof_layers;
  unsigned tbs = 0;
  if (auto s = compute_tbs(tbs, tbs_in); !s) {
    return status::error("PUSCH TBS: " + s.message());
  }

  pusch_codeword_params params;
  params.modulation = mcs->modulation;
  params.nof_re_per_layer = nof_re_per_prb * pdu.nof_prb;
  params.nof_coded_bits = params.nof_re_per_layer * mcs->modulation_order * pdu.nof_layers;
  params.tbs = tbs;
  params.ulsch = {tbs, rate, mcs->modulation_order, pdu.nof_layers, params.nof_coded_bits, pdu.rv, pdu.tbs_lbrm};
  out = params;
  return status::ok();
}

status validate_pusch_pdu(const pusch_pdu& pdu, const carrier_config& carrier)
{
  pusch_codeword_params params;
  if (auto s = compute_pusch_codeword_params(params, pdu, carrier); !s) {
    return s;
  }
  if (pdu.rnti > 65535) {
    return status::error("PUSCH: RNTI " + std::to_string(pdu.rnti) + " outside 0..65535");
  }
  if (pdu.n_id > 1023) {
    return status::error("PUSCH: data scrambling identity n_ID " + std::to_string(pdu.n_id) + " outside 0..1023");
  }
  precoding_matrix w;
  if (auto s = get_pusch_precoding_matrix(w, pdu); !s) {
    return s;
  }
  if (pdu.transform_precoding && !is_valid_transform_precoding_size(pdu.nof_prb)) {
    return status::error("PUSCH: " + std::to_string(pdu.nof_prb) +
                         " PRB is not a transform precoding size 2^a 3^b 5^c (TS 38.211 6.3.1.4)");
  }
  return status::ok();
}

unsigned pusch_tbs(const pusch_pdu& pdu, const carrier_config& carrier)
{
  pusch_codeword_params params;
  return compute_pusch_codeword_params(params, pdu, carrier) ? params.tbs : 0;
}

unsigned pusch_nof_coded_bits(const pusch_pdu& pdu, const carrier_config& carrier)
{
  pusch_codeword_params params;
  return compute_pusch_codeword_params(params, pdu, carrier) ? params.nof_coded_bits : 0;
}

} // namespace airan::phy
