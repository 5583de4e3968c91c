#pragma once
/// PUSCH receiver on the CPU: from the received resource grid of a slot to transport blocks (TS 38.211 6.3.1 and
/// 6.4.1.1 inverted, TS 38.212 6.2 decoded). Wiring of the blocks: channel estimation -> MMSE(-IRC) equalization ->
/// [DFT-s-OFDM inverse transform] -> layer demapping -> soft demapping -> descrambling -> UL-SCH decoding.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/coding/ldpc_decoder.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/harq_process_map.h"
#include "airan/phy/pusch/pusch_pdu.h"
#include "airan/phy/ulsch/ulsch_decoder.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace airan::phy {

enum class equalizer_kind : uint8_t { mmse, mmse_irc };

struct pusch_receiver_config {
  unsigned max_nof_prb = 275;
  unsigned max_nof_rx_ports = 4;
  unsigned max_nof_layers = 4;
  /// HARQ soft buffers, shared by all UEs: each holds the soft bits of one (RNTI, HARQ process) until its transport
  /// block passes CRC; when all are held, the least recently used is taken (harq_process_map). Each is sized for
  /// the largest transport block.
  unsigned nof_harq_buffers = 16;
  channel_estimator_kind estimator = channel_estimator_kind::ls_linear;
  equalizer_kind equalizer = equalizer_kind::mmse;
  ldpc_decoder_config ldpc{};
};

/// Processing time of each receiver stage for one PUSCH, microseconds (steady clock, this thread).
struct pusch_stage_times_us {
  float channel_estimation = 0.0f;
  /// Gathering data REs, MMSE(-IRC) equalization, DFT-s-OFDM inverse transform and layer demapping.
  float equalization = 0.0f;
  /// Soft demapping and descrambling.
  float demapping = 0.0f;
  /// EVM and SINR measurements.
  float measurements = 0.0f;
  /// Rate dematching, HARQ combining, LDPC decoding and CRC checks.
  float decoding = 0.0f;
  float total = 0.0f;
};

/// Measurements and decoding results of one PUSCH.
struct pusch_rx_result {
  bool tb_crc_ok = false;
  unsigned tbs = 0;
  unsigned nof_cbs = 0;
  unsigned nof_cb_crc_ok = 0;
  /// LDPC iterations: mean over the code blocks decoded, and the largest.
  float mean_ldpc_iterations = 0.0f;
  unsigned max_ldpc_iterations = 0;
  /// Mean post-equalization SINR over the data REs and layers (dB).
  float sinr_db = 0.0f;
  /// EVM of the equalized data symbols against their nearest constellation points (for pi/2-BPSK, the nearest of the
  /// symbol's own two points) in percent, RMS; 8 consecutive codeword symbols in every 64, so every layer takes part.
  float evm_percent = 0.0f;
  /// Estimates from the DM-RS: timing offset (s), carrier frequency offset (Hz; 0 with a single DM-RS symbol),
  /// mean SNR over ports (dB).
  float time_offset_s = 0.0f;
  float cfo_hz = 0.0f;
  float dmrs_snr_db = 0.0f;
  /// A retransmission (new_data = false) whose HARQ process held no soft bits (evicted, finished or never seen) or,
  /// without validate(), those of another transport block layout: decoded on its own.
  bool harq_retransmission_lost = false;
  pusch_stage_times_us times;
};

/// Intermediate results of the last receive(), valid until the next call: for test-vector references and checks.
struct pusch_rx_intermediates {
  /// Channel estimate of the allocation ([rx][layer][symbol][subcarrier]) with the noise statistics.
  const channel_estimate* estimate = nullptr;
  /// Equalized codeword symbols in codeword order (after layer demapping and DFT-s-OFDM inverse transform).
  std::span<const cf_t> equalized_symbols;
  /// LLRs of the codeword bits after descrambling, as given to the UL-SCH decoder (positive means 0).
  std::span<const int8_t> llrs;
};

class pusch_receiver {
public:
  /// Throws std::invalid_argument, naming the problem, for nof_harq_buffers = 0 or maxima outside 1..275 PRB,
  /// 1..16 receive ports or 1..4 layers.
  explicit pusch_receiver(const pusch_receiver_config& config);
  ~pusch_receiver();
  pusch_receiver(const pusch_receiver&) = delete;
  pusch_receiver& operator=(const pusch_receiver&) = delete;

  /// Checks the PDU against the carrier, the standard, this receiver's maxima and its HARQ state (a retransmission
  /// whose process holds soft bits must carry a transport block of their layout, harq_tb_layout); the message names
  /// the problem.
  status validate(const pusch_pdu& pdu, const carrier_config& carrier, unsigned nof_rx_ports) const;

  /// Decodes one PUSCH from the grid (all receive ports, the BWP's subcarriers, the slot's symbols). tb_bytes
  /// receives TBS/8 bytes. cb_results, when not empty, receives the CRC and LDPC iterations of each code block (at
  /// least pusch_rx_result::nof_cbs entries; max_nof_code_blocks always suffices). The PDU must pass validate().
  pusch_rx_result receive(std::span<uint8_t> tb_bytes, const_grid_view grid, const pusch_pdu& pdu,
                          const carrier_config& carrier, std::span<ulsch_cb_result> cb_results = {}) noexcept;

  /// The intermediates of the last receive() (empty before the first).
  pusch_rx_intermediates intermediates() const noexcept;

  /// Evictions and lost retransmissions of the HARQ soft buffers since creation.
  const harq_process_map_counters& harq_counters() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace airan::phy
