#pragma once
// Derivation of the per-code-block coding parameters of a UL-SCH transmission, shared by encoder and decoder.

#include "airan/phy/coding/rate_matching.h"
#include "airan/phy/coding/segmentation.h"
#include "airan/phy/ulsch/ulsch_config.h"

#include <span>
#include <string>

namespace airan::phy::detail {

/// Segmentation (TS 38.212 6.2.2, 6.2.3) and rate-matching lengths E_r (6.2.5) of a transmission.
inline status plan_ulsch(ldpc_segmentation& segmentation, std::span<unsigned> e_per_cb, const ulsch_config& config,
                         unsigned max_tbs)
{
  if (config.tbs == 0 || config.tbs > max_tbs) {
    return status::error("UL-SCH: TBS " + std::to_string(config.tbs) + " outside 1.." + std::to_string(max_tbs));
  }
  if (!(config.target_code_rate > 0.0f && config.target_code_rate < 1.0f)) {
    return status::error("UL-SCH: target code rate " + std::to_string(config.target_code_rate) + " outside (0, 1)");
  }
  if (config.nof_layers < 1 || config.nof_layers > 4) {
    return status::error("UL-SCH: " + std::to_string(config.nof_layers) + " layers, 1..4 supported");
  }
  const auto graph = select_ldpc_base_graph(config.tbs, config.target_code_rate);
  if (auto s = compute_ldpc_segmentation(segmentation, config.tbs, graph); !s) {
    return s;
  }
  if (segmentation.nof_cbs > e_per_cb.size()) {
    return status::error("UL-SCH: " + std::to_string(segmentation.nof_cbs) + " code blocks exceed the maximum " +
                         std::to_string(e_per_cb.size()));
  }
  const double effective_rate =
      static_cast<double>(config.tbs + segmentation.tb_crc_length) / std::max(config.nof_coded_bits, 1U);
  if (effective_rate > ulsch_max_effective_code_rate) {
    return status::error("UL-SCH: effective code rate " + std::to_string(effective_rate) + " (TBS " +
                         std::to_string(config.tbs) + ", G " + std::to_string(config.nof_coded_bits) +
                         ") exceeds 0.95");
  }
  return compute_cb_rate_match_lengths(e_per_cb.first(segmentation.nof_cbs), config.nof_coded_bits,
                                       segmentation.nof_cbs, config.nof_layers, config.modulation_order);
}

/// Rate-matching parameters of one code block of the planned transmission.
inline ldpc_rate_match_params cb_rate_match_params(const ldpc_segmentation& segmentation, const ulsch_config& config,
                                                   unsigned e)
{
  return {segmentation.graph,
          segmentation.lifting_size,
          segmentation.k_prime,
          compute_ldpc_n_cb(segmentation.graph, segmentation.lifting_size, config.tbs_lbrm, segmentation.nof_cbs),
          config.rv,
          config.modulation_order,
          e};
}

} // namespace airan::phy::detail
