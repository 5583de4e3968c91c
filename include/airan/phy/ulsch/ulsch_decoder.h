#pragma once
/// UL-SCH transport channel decoder, the inverse of TS 38.212 6.2: rate dematching with HARQ soft combining, LDPC
/// decoding, code block and transport block CRC.

#include "airan/phy/coding/harq_buffer.h"
#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/coding/segmentation.h"
#include "airan/phy/ulsch/ulsch_config.h"

#include <cstdint>
#include <span>
#include <vector>

namespace airan::phy {

struct ulsch_decode_result {
  bool tb_crc_ok = false;
  unsigned nof_cbs = 0;
  /// Code blocks whose CRC passed (this transmission or, with HARQ, an earlier one).
  unsigned nof_cb_crc_ok = 0;
  /// LDPC iterations summed over the code blocks decoded in this call, and the largest.
  unsigned total_iterations = 0;
  unsigned max_iterations = 0;
  /// Code blocks decoded in this call (those already correct in an earlier transmission are skipped).
  unsigned nof_cbs_decoded = 0;
};

/// Outcome of one code block of a transmission.
struct ulsch_cb_result {
  /// The code block CRC24B matches (TS 38.212 5.2.2; with a single code block, the transport block CRC), in this
  /// transmission or, with HARQ, an earlier one.
  bool crc_ok = false;
  /// LDPC iterations spent on it in this call; 0 when it was already correct from an earlier transmission.
  unsigned nof_iterations = 0;
};

class ulsch_decoder {
public:
  /// Allocates HARQ soft buffers for nof_harq_processes processes and transport blocks of up to max_tbs bits.
  ulsch_decoder(unsigned max_tbs, unsigned nof_harq_processes, const ldpc_decoder_config& ldpc_config,
                ldpc_decoder::simd simd_level = ldpc_decoder::simd::automatic);

  status validate(const ulsch_config& config, unsigned harq_id) const;

  /// Decodes one transmission of a transport block. llrs: the G descrambled LLRs (positive = bit 0);
  /// tb_bytes receives A/8 bytes. new_data: first transmission (clears the HARQ process), else the soft bits are
  /// combined with the earlier transmissions of harq_id. A code block whose (combined) soft bits are all zero carries
  /// nothing and fails without decoding. config must pass validate(). cb_results, when not empty,
  /// receives one entry per code block (its size must be at least the number of code blocks C).
  ulsch_decode_result decode(std::span<uint8_t> tb_bytes, std::span<const int8_t> llrs, const ulsch_config& config,
                             unsigned harq_id, bool new_data, std::span<ulsch_cb_result> cb_results = {}) noexcept;

  const ldpc_decoder& ldpc() const { return decoder_; }

private:
  unsigned max_tbs_;
  ldpc_decoder_config ldpc_config_;
  ldpc_decoder decoder_;
  harq_buffer_pool harq_;
  /// Decoded systematic bits per HARQ process (C_max x K_max), kept so that correct code blocks need no redecoding.
  std::vector<uint8_t> cb_bits_;
  std::vector<uint8_t> cb_crc_ok_;
  /// Per code block of the current call: 0 when its decision says nothing of what was sent (soft bits all zero, or an
  /// unconverged decode ending on all zeros): counted as failed whatever its CRC.
  std::vector<uint8_t> cb_usable_;
  std::vector<unsigned> e_per_cb_;
  unsigned max_cbs_;
  unsigned max_cb_bits_;
};

} // namespace airan::phy
