#include "airan/phy/pusch/pusch_slot_processor.h"

#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_codeword.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace airan::phy {

pusch_slot_processor::pusch_slot_processor(const pusch_slot_processor_config& config)
    : max_nof_pdus_(config.max_nof_pdus), receiver_(config.receiver)
{
  if (config.max_nof_pdus == 0) {
    throw std::invalid_argument("PUSCH slot processor: max_nof_pdus must be positive");
  }
  results_.resize(max_nof_pdus_);
  cb_results_.resize(std::size_t{max_nof_pdus_} * max_nof_code_blocks);
}

status pusch_slot_processor::check(unsigned i, std::span<const std::span<uint8_t>> tb_buffers, const_grid_view grid,
                                   std::span<const pusch_pdu> pdus, const carrier_config& carrier) const
{
  const pusch_pdu& pdu = pdus[i];
  if (grid.nof_symbols != nof_symbols_per_slot(carrier.cp) || grid.nof_subcarriers != 12 * carrier.bwp_size) {
    return status::error("grid of " + std::to_string(grid.nof_symbols) + " symbols x " +
                         std::to_string(grid.nof_subcarriers) + " subcarriers, the slot needs " +
                         std::to_string(nof_symbols_per_slot(carrier.cp)) + " x " +
                         std::to_string(12 * carrier.bwp_size) + " (12 N_BWP^size)");
  }
  if (auto s = receiver_.validate(pdu, carrier, grid.nof_ports); !s) {
    return s;
  }
  if (i >= tb_buffers.size()) {
    return status::error("no transport block buffer (" + std::to_string(tb_buffers.size()) + " buffers for " +
                         std::to_string(pdus.size()) + " PDUs)");
  }
  const unsigned tb_size = pusch_tbs(pdu, carrier) / 8;
  if (tb_buffers[i].size() < tb_size) {
    return status::error("transport block buffer of " + std::to_string(tb_buffers[i].size()) + " bytes, TBS needs " +
                         std::to_string(tb_size));
  }
  for (unsigned j = 0; j < i; ++j) {
    if (results_[j].validation && pdus[j].rnti == pdu.rnti && pdus[j].harq_id == pdu.harq_id) {
      return status::error("same RNTI and HARQ process as PDU " + std::to_string(j));
    }
  }
  return status::ok();
}

pusch_slot_result pusch_slot_processor::process(std::span<const std::span<uint8_t>> tb_buffers, const_grid_view grid,
                                                std::span<const pusch_pdu> pdus,
                                                const carrier_config& carrier) noexcept
{
  pusch_slot_result slot;
  const unsigned nof_pdus = static_cast<unsigned>(std::min<std::size_t>(pdus.size(), max_nof_pdus_));
  slot.nof_dropped = static_cast<unsigned>(pdus.size() - nof_pdus);
  for (unsigned i = 0; i < nof_pdus; ++i) {
    const pusch_pdu& pdu = pdus[i];
    pusch_slot_pdu_result& out = results_[i];
    out = {};
    if (auto s = check(i, tb_buffers, grid, pdus, carrier); !s) {
      out.validation = status::error("PUSCH PDU " + std::to_string(i) + " (RNTI " + std::to_string(pdu.rnti) +
                                     ", HARQ " + std::to_string(pdu.harq_id) + "): " + s.message());
      ++slot.nof_invalid;
      continue;
    }
    const auto tb = tb_buffers[i].first(pusch_tbs(pdu, carrier) / 8);
    const auto cbs = std::span(cb_results_).subspan(std::size_t{i} * max_nof_code_blocks, max_nof_code_blocks);
    out.rx = receiver_.receive(tb, grid, pdu, carrier, cbs);
    out.tb = tb;
    out.cbs = cbs.first(out.rx.nof_cbs);
    ++(out.rx.tb_crc_ok ? slot.nof_crc_ok : slot.nof_crc_failed);
  }
  slot.pdus = std::span<const pusch_slot_pdu_result>(results_).first(nof_pdus);

  ++counters_.nof_slots;
  counters_.nof_pdus += pdus.size();
  counters_.nof_invalid_pdus += slot.nof_invalid;
  counters_.nof_dropped_pdus += slot.nof_dropped;
  counters_.nof_crc_ok += slot.nof_crc_ok;
  counters_.nof_crc_failed += slot.nof_crc_failed;
  counters_.nof_harq_evictions = receiver_.harq_counters().nof_evictions;
  counters_.nof_harq_lost_retransmissions = receiver_.harq_counters().nof_lost_retransmissions;
  return slot;
}

} // namespace airan::phy
