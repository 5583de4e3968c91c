#pragma once
/// UL-SCH transport channel encoder, TS 38.212 6.2: TB CRC, segmentation, LDPC, rate matching, concatenation.

#include "airan/phy/coding/segmentation.h"
#include "airan/phy/ulsch/ulsch_config.h"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace airan::phy {

class ulsch_encoder {
public:
  /// Allocates the working buffers for transport blocks of up to max_tbs bits.
  explicit ulsch_encoder(unsigned max_tbs = max_transport_block_size);

  /// Checks a configuration against the standard and this encoder's maxima; the message names the problem.
  status validate(const ulsch_config& config) const;

  /// Encodes tb_bytes (A/8 bytes, MSB first) into the G unscrambled bits g_0..g_{G-1} of TS 38.212 6.2.7
  /// (unpacked). config must pass validate(); codeword.size() == G.
  void encode(std::span<uint8_t> codeword, std::span<const uint8_t> tb_bytes, const ulsch_config& config) noexcept;

private:
  unsigned max_tbs_;
  std::vector<uint8_t> cb_bits_;
  std::vector<uint8_t> codeword_d_;
  std::array<unsigned, 153> e_per_cb_{};
};

} // namespace airan::phy
