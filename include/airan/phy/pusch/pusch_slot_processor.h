#pragma once
/// All PUSCH PDUs of one uplink slot of one cell, decoded from one received resource grid (the UL_TTI.request of a
/// slot): each PDU is validated on its own; an invalid one gets its message and is counted, the others still decode.

#include "airan/common/status.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/pusch_pdu.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/ulsch/ulsch_decoder.h"

#include <cstdint>
#include <span>
#include <vector>

namespace airan::phy {

struct pusch_slot_processor_config {
  /// Maxima of the receiver that decodes the PDUs one after the other.
  pusch_receiver_config receiver{};
  /// Most PDUs per slot; results for this many are allocated at creation.
  unsigned max_nof_pdus = 16;
};

/// Outcome of one PDU of the slot.
struct pusch_slot_pdu_result {
  /// ok when the PDU was decoded; otherwise why it was not, as "PUSCH PDU <index> (RNTI <rnti>, HARQ <id>): <problem>".
  status validation;
  /// Decoding results and measurements: TB CRC, TBS, code block counts, LDPC iterations, SINR, EVM, timing offset,
  /// CFO and stage times (all zero when the PDU is invalid).
  pusch_rx_result rx;
  /// The transport block: the first TBS / 8 bytes of the caller's buffer of this PDU (empty when invalid).
  std::span<const uint8_t> tb;
  /// CRC and LDPC iterations of each code block, rx.nof_cbs entries (empty when invalid).
  std::span<const ulsch_cb_result> cbs;
};

/// Summary of one slot; pdus holds one result per PDU processed, in the order of the PDU list.
struct pusch_slot_result {
  std::span<const pusch_slot_pdu_result> pdus;
  unsigned nof_invalid = 0;
  unsigned nof_crc_ok = 0;
  unsigned nof_crc_failed = 0;
  /// PDUs beyond pusch_slot_processor_config::max_nof_pdus: neither processed nor given a result.
  unsigned nof_dropped = 0;
};

/// Counts since creation.
struct pusch_slot_counters {
  uint64_t nof_slots = 0;
  uint64_t nof_pdus = 0;
  uint64_t nof_invalid_pdus = 0;
  uint64_t nof_dropped_pdus = 0;
  uint64_t nof_crc_ok = 0;
  uint64_t nof_crc_failed = 0;
  /// HARQ soft buffers taken from unfinished processes, and retransmissions decoded without their earlier soft bits
  /// (harq_process_map_counters).
  uint64_t nof_harq_evictions = 0;
  uint64_t nof_harq_lost_retransmissions = 0;
};

/// Decodes the PUSCH PDUs of a slot with one pusch_receiver. A PDU is rejected, with a message naming its index, RNTI
/// and HARQ process and the problem, when:
/// - it has no transport block buffer, or a buffer shorter than TBS / 8 bytes;
/// - the grid does not hold the slot's symbols (N_symb^slot of the carrier's cyclic prefix) and the bandwidth
///   part's 12 N_BWP^size subcarriers;
/// - pusch_receiver::validate() fails (carrier, allocation inside the BWP, DM-RS, MCS, HARQ process, maxima);
/// - an earlier decoded PDU of the slot has the same RNTI and HARQ process (one UE sends one transport block per
///   HARQ process and slot).
/// Allocations that overlap in time and frequency are accepted: MU-MIMO shares resource blocks between UEs on
/// different DM-RS ports.
///
/// HARQ soft buffers belong to the receiver and are kept per UE and process (RNTI, HARQ process): a retransmission
/// (new_data = false) combines with the earlier transmissions of its own UE and process, whatever other UEs send
/// meanwhile (pusch_receiver_config::nof_harq_buffers, harq_process_map).
class pusch_slot_processor {
public:
  /// Allocates the receiver and the per-PDU results. Throws std::invalid_argument for max_nof_pdus = 0.
  explicit pusch_slot_processor(const pusch_slot_processor_config& config);

  /// Decodes the slot. tb_buffers[i] receives the transport block of pdus[i]; grid holds every receive port, the
  /// slot's symbols and the bandwidth part's subcarriers. The result views stay valid until the next call. No memory
  /// is allocated except for the messages of invalid PDUs.
  pusch_slot_result process(std::span<const std::span<uint8_t>> tb_buffers, const_grid_view grid,
                            std::span<const pusch_pdu> pdus, const carrier_config& carrier) noexcept;

  const pusch_slot_counters& counters() const noexcept { return counters_; }

private:
  /// Why PDU i cannot be decoded, or ok.
  status check(unsigned i, std::span<const std::span<uint8_t>> tb_buffers, const_grid_view grid,
               std::span<const pusch_pdu> pdus, const carrier_config& carrier) const;

  unsigned max_nof_pdus_;
  pusch_receiver receiver_;
  std::vector<pusch_slot_pdu_result> results_;
  /// max_nof_code_blocks entries per PDU.
  std::vector<ulsch_cb_result> cb_results_;
  pusch_slot_counters counters_;
};

} // namespace airan::phy
