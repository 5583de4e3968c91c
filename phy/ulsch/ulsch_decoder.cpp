#include "airan/phy/ulsch/ulsch_decoder.h"

#include "airan/phy/coding/rate_matching.h"
#include "ulsch_plan.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace airan::phy {

namespace {
constexpr unsigned max_k = 22 * 384;

unsigned nof_cbs_for(unsigned max_tbs)
{
  ldpc_segmentation s{};
  // The most code blocks of any TBS up to max_tbs: base graph 2's segmentation of max_tbs (K_cb = 3840 against
  // BG1's 8448; BG2 is chosen for code rates up to 1/4 at any size, TS 38.212 6.2.2); the bound when invalid.
  return compute_ldpc_segmentation(s, max_tbs, ldpc_base_graph::bg2) ? s.nof_cbs + 1 : max_nof_code_blocks;
}

/// Whether a code block's soft buffer holds anything received: a non-zero LLR outside the filler bits, which rate
/// dematching sets to their known value (TS 38.212 5.3.2: c_k, k = K'..K-1, sit at k - 2 Z_c of the buffer).
bool has_information(std::span<const int8_t> soft, const ldpc_segmentation& s)
{
  const std::size_t filler_begin = std::min<std::size_t>(s.k_prime - 2 * s.lifting_size, soft.size());
  const std::size_t filler_end = std::min<std::size_t>(s.k - 2 * s.lifting_size, soft.size());
  const auto nonzero = [](int8_t llr) { return llr != 0; };
  return std::any_of(soft.begin(), soft.begin() + filler_begin, nonzero) ||
         std::any_of(soft.begin() + filler_end, soft.end(), nonzero);
}

} // namespace

ulsch_decoder::ulsch_decoder(unsigned max_tbs, unsigned nof_harq_processes, const ldpc_decoder_config& ldpc_config,
                             ldpc_decoder::simd simd_level)
    : max_tbs_(std::min(max_tbs, max_transport_block_size)),
      ldpc_config_(ldpc_config),
      decoder_(simd_level),
      harq_(nof_harq_processes, std::min(nof_cbs_for(max_tbs_), max_nof_code_blocks)),
      max_cbs_(std::min(nof_cbs_for(max_tbs_), max_nof_code_blocks)),
      max_cb_bits_(max_k)
{
  cb_bits_.resize(std::size_t{nof_harq_processes} * max_cbs_ * max_cb_bits_);
  cb_crc_ok_.resize(max_cbs_);
  cb_usable_.resize(max_cbs_);
  e_per_cb_.resize(max_cbs_);
}

status ulsch_decoder::validate(const ulsch_config& config, unsigned harq_id) const
{
  if (auto s = harq_.validate_index(harq_id, 0); !s) {
    return s;
  }
  ldpc_segmentation segmentation{};
  std::array<unsigned, max_nof_code_blocks> e{};
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
                                          const ulsch_config& config, unsigned harq_id, bool new_data,
                                          std::span<ulsch_cb_result> cb_results) noexcept
{
  ulsch_decode_result result;
  ldpc_segmentation segmentation{};
  if (!detail::plan_ulsch(segmentation, e_per_cb_, config, max_tbs_) || !harq_.validate_index(harq_id, 0)) {
    return result;
  }
  result.nof_cbs = segmentation.nof_cbs;
  assert(cb_results.empty() || cb_results.size() >= segmentation.nof_cbs);
  std::fill_n(cb_results.begin(), std::min<std::size_t>(cb_results.size(), segmentation.nof_cbs), ulsch_cb_result{});
  const unsigned k = segmentation.k;
  auto process_bits = std::span(cb_bits_).subspan(std::size_t{harq_id} * max_cbs_ * max_cb_bits_,
                                                   std::size_t{segmentation.nof_cbs} * k);
  if (new_data) {
    (void)harq_.reset(harq_id);
  }

  std::fill_n(cb_usable_.begin(), segmentation.nof_cbs, uint8_t{1});
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
    const auto received = soft.first(harq_.cb_valid_length(harq_id, r));
    // Soft bits that are zero but for the fillers (nothing received, e.g. an empty allocation) would decode to the
    // all-zero codeword, whose CRCs (zero initial value, TS 38.212 5.1) pass: such a code block fails instead.
    cb_usable_[r] = has_information(received, segmentation) ? 1 : 0;
    if (cb_usable_[r] == 0) {
      continue;
    }
    const auto decoded = decoder_.decode(cb, received, segmentation.graph, segmentation.lifting_size, ldpc_config_);
    result.total_iterations += decoded.nof_iterations;
    result.max_iterations = std::max(result.max_iterations, decoded.nof_iterations);
    ++result.nof_cbs_decoded;
    if (!cb_results.empty()) {
      cb_results[r].nof_iterations = decoded.nof_iterations;
    }
    // Likewise a decode that did not converge leaves the bits it could not resolve at 0: ending on all zeros (e.g. a
    // redundancy version without the systematic bits, or most of the allocation lost), it says nothing of what was
    // sent. An all-zero block that was sent decodes to a codeword and still passes.
    const auto info = cb.first(segmentation.k_prime);
    if (!decoded.parity_ok && std::none_of(info.begin(), info.end(), [](uint8_t b) { return b != 0; })) {
      cb_usable_[r] = 0;
      continue;
    }
    if (segmentation.nof_cbs > 1 && check_code_block_crc(cb.first(segmentation.k_prime), segmentation)) {
      (void)harq_.set_cb_crc_ok(harq_id, r, true);
    }
  }

  const auto deseg = desegment_transport_block(tb_bytes, process_bits, segmentation,
                                               std::span(cb_crc_ok_).first(segmentation.nof_cbs));
  result.tb_crc_ok = deseg.tb_crc_ok;
  result.nof_cb_crc_ok = 0;
  for (unsigned r = 0; r < segmentation.nof_cbs; ++r) {
    const bool ok = cb_crc_ok_[r] != 0 && cb_usable_[r] != 0;
    result.tb_crc_ok = result.tb_crc_ok && cb_usable_[r] != 0;
    result.nof_cb_crc_ok += ok ? 1 : 0;
    if (!cb_results.empty()) {
      cb_results[r].crc_ok = ok;
    }
  }
  return result;
}

} // namespace airan::phy
