#include "airan/phy/ulsch/ulsch_decoder.h"

#include "airan/phy/coding/rate_matching.h"
#include "ulsch_plan.h"

#include <algorithm>
#include <array>

namespace airan::phy {

namespace {
constexpr unsigned max_k = 22 * 384;

unsigned nof_cbs_for(unsigned max_tbs)
{
  ldpc_segmentation s{};
  // The BG1 segmentation of the largest TBS has the most code blocks; fall back to the bound when invalid.
  return compute_ldpc_segmentation(s, max_tbs, ldpc_base_graph::bg1) ? s.nof_cbs + 1 : detail::max_ulsch_nof_cbs;
}
} // namespace

ulsch_decoder::ulsch_decoder(unsigned max_tbs, unsigned nof_harq_processes, const ldpc_decoder_config& ldpc_config,
                             ldpc_decoder::simd simd_level)
    : max_tbs_(std::min(max_tbs, max_transport_block_size)),
      ldpc_config_(ldpc_config),
      decoder_(simd_level),
      harq_(nof_harq_processes, std::min(nof_cbs_for(max_tbs_), detail::max_ulsch_nof_cbs)),
      max_cbs_(std::min(nof_cbs_for(max_tbs_), detail::max_ulsch_nof_cbs)),
      max_cb_bits_(max_k)
{
  cb_bits_.resize(std::size_t{nof_harq_processes} * max_cbs_ * max_cb_bits_);
  cb_crc_ok_.resize(max_cbs_);
  e_per_cb_.resize(max_cbs_);
}

status ulsch_decoder::validate(const ulsch_config& config, unsigned harq_id) const
{
  if (auto s = harq_.validate_index(harq_id, 0); !s) {
    return s;
  }
  ldpc_segmentation segmentation{};
  std::array<unsigned, detail::max_ulsch_nof_cbs> e{};
  if (auto s = detail::plan_ulsch(segmentation, std::span(e).first(max_cbs_), config, max_tbs_); !s) {
    return s;
  }
  for (unsigned r = 0; r < segmentation.nof_cbs; ++r) {
    const auto params = detail::cb_rate_match_params(segmentation, config, e[r]);
    if (auto s = phy::validate(params); !s) {
      return status::error("UL-SCH code block " + std::to_string(r) + ": " + s.message());
    }
  }
  return ldpc_decoder::validate(segmentation.graph, segmentation.lifting_size,
                                ldpc_codeword_length(segmentation.graph, segmentation.lifting_size), ldpc_config_);
}

ulsch_decode_result ulsch_decoder::decode(std::span<uint8_t> tb_bytes, std::span<const int8_t> llrs,
                                          const ulsch_config& config, unsigned harq_id, bool new_data) noexcept
{
  ulsch_decode_result result;
  ldpc_segmentation segmentation{};
  if (!detail::plan_ulsch(segmentation, e_per_cb_, config, max_tbs_) || !harq_.validate_index(harq_id, 0)) {
    return result;
  }
  result.nof_cbs = segmentation.nof_cbs;
  const unsigned k = segmentation.k;
  auto process_bits = std::span(cb_bits_).subspan(std::size_t{harq_id} * max_cbs_ * max_cb_bits_,
                                                   std::size_t{segmentation.nof_cbs} * k);
  if (new_data) {
    (void)harq_.reset(harq_id);
  }

  std::size_t offset = 0;
  for (unsigned r = 0; r < segmentation.nof_cbs; ++r) {
    const auto params = detail::cb_rate_match_params(segmentation, config, e_per_cb_[r]);
    const auto cb_llrs = llrs.subspan(offset, params.e);
    offset += params.e;
    // A code block that passed its CRC in an earlier transmission keeps its bits; no need to combine or decode.
    if (harq_.cb_crc_ok(harq_id, r)) {
      continue;
    }
    auto soft = harq_.cb_soft_buffer(harq_id, r);
    const bool first = harq_.cb_valid_length(harq_id, r) == 0;
    const unsigned length = ldpc_rate_dematch(soft, cb_llrs, params, first);
    (void)harq_.record_cb_transmission(harq_id, r, length, first);

    auto cb = process_bits.subspan(std::size_t{r} * k, k);
    const auto decoded = decoder_.decode(cb, soft.first(harq_.cb_valid_length(harq_id, r)), segmentation.graph,
                                         segmentation.lifting_size, ldpc_config_);
    result.total_iterations += decoded.nof_iterations;
    result.max_iterations = std::max(result.max_iterations, decoded.nof_iterations);
    ++result.nof_cbs_decoded;
    if (segmentation.nof_cbs > 1 && check_code_block_crc(cb.first(segmentation.k_prime), segmentation)) {
      (void)harq_.set_cb_crc_ok(harq_id, r, true);
    }
  }

  const auto deseg = desegment_transport_block(tb_bytes, process_bits, segmentation,
                                               std::span(cb_crc_ok_).first(segmentation.nof_cbs));
  result.tb_crc_ok = deseg.tb_crc_ok;
  result.nof_cb_crc_ok = deseg.nof_cb_crc_ok;
  return result;
}

} // namespace airan::phy
