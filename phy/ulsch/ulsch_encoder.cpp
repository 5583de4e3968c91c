#include "airan/phy/ulsch/ulsch_encoder.h"

#include "airan/phy/coding/ldpc_encoder.h"
#include "ulsch_plan.h"

#include <algorithm>
#include <array>

namespace airan::phy {

ulsch_encoder::ulsch_encoder(unsigned max_tbs)
    : max_tbs_(std::min(max_tbs, max_transport_block_size)),
      cb_bits_(std::size_t{max_nof_code_blocks} * ldpc_info_length(ldpc_base_graph::bg1, 384)),
      codeword_d_(ldpc_codeword_length(ldpc_base_graph::bg1, 384))
{
}

status ulsch_encoder::validate(const ulsch_config& config) const
{
  ldpc_segmentation segmentation{};
  std::array<unsigned, max_nof_code_blocks> e{};
  if (auto s = detail::plan_ulsch(segmentation, e, config, max_tbs_); !s) {
    return s;
  }
  for (unsigned r = 0; r < segmentation.nof_cbs; ++r) {
    if (auto s = phy::validate(detail::cb_rate_match_params(segmentation, config, e[r])); !s) {
      return status::error("UL-SCH code block " + std::to_string(r) + ": " + s.message());
    }
  }
  return status::ok();
}

void ulsch_encoder::encode(std::span<uint8_t> codeword, std::span<const uint8_t> tb_bytes,
                           const ulsch_config& config) noexcept
{
  ldpc_segmentation segmentation{};
  if (!detail::plan_ulsch(segmentation, e_per_cb_, config, max_tbs_)) {
    return;
  }
  const unsigned k = segmentation.k;
  segment_transport_block(std::span(cb_bits_).first(std::size_t{segmentation.nof_cbs} * k), tb_bytes, segmentation);

  std::size_t offset = 0;
  for (unsigned r = 0; r < segmentation.nof_cbs; ++r) {
    const auto params = detail::cb_rate_match_params(segmentation, config, e_per_cb_[r]);
    // Only the part of the circular buffer that bit selection reads is encoded (cheaper at high code rates).
    const unsigned nof_needed = std::max(ldpc_rate_match_nof_needed_bits(params),
                                         ldpc_min_codeword_length(segmentation.graph, segmentation.lifting_size));
    auto d = std::span(codeword_d_).first(nof_needed);
    ldpc_encode(d, std::span(cb_bits_).subspan(std::size_t{r} * k, k), segmentation.graph, segmentation.lifting_size);
    ldpc_rate_match(codeword.subspan(offset, params.e), d, params);
    offset += params.e;
  }
}

} // namespace airan::phy
