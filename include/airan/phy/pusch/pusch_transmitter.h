#pragma once
/// PUSCH transmitter, TS 38.211 6.3.1 and 6.4.1.1: UL-SCH encoding (TS 38.212 6.2), scrambling, modulation, layer
/// mapping, transform precoding, precoding, DM-RS and mapping to the resource grid of every antenna port.

#include "airan/common/status.h"
#include "airan/phy/common/resource_grid.h"
#include "airan/phy/pusch/pusch_pdu.h"
#include "airan/phy/pusch/transform_precoder.h"
#include "airan/phy/ulsch/ulsch_encoder.h"

#include <cstdint>
#include <span>
#include <vector>

namespace airan::phy {

class pusch_transmitter {
public:
  /// Allocates every buffer for allocations of up to max_nof_prb resource blocks and max_nof_layers layers.
  explicit pusch_transmitter(unsigned max_nof_prb = 275, unsigned max_nof_layers = 4);

  /// validate_pusch_pdu() (pusch_codeword.h), this transmitter's maxima and the UL-SCH encoder's checks.
  status validate(const pusch_pdu& pdu, const carrier_config& carrier) const;

  /// Transmits one transport block: writes every resource element of the allocation (allocated symbols x allocated
  /// resource blocks) on every antenna port, data, DM-RS and the zeros of the DM-RS REs that carry neither; the rest of
  /// the grid is left as it is.
  /// - data: TB CRC, segmentation, LDPC, rate matching (ulsch_encoder) into G coded bits, scrambling with
  ///   c_init = n_RNTI 2^15 + n_ID (6.3.1.1), modulation (6.3.1.2), layer mapping (6.3.1.3), transform precoding
  ///   (6.3.1.4), precoding (6.3.1.5), mapping frequency first then time on the REs that are not DM-RS REs of the
  ///   CDM groups without data (6.3.1.6), unit average power per layer before precoding;
  /// - DM-RS: generate_pusch_dmrs() of every layer, precoded with the same W (6.4.1.1.3).
  /// Requires validate(pdu, carrier) ok, tb_bytes.size() == TBS / 8 (pusch_tbs()), and a grid covering the bandwidth
  /// part of the slot: nof_ports = pdu.nof_antenna_ports, nof_symbols = N_symb^slot, nof_subcarriers =
  /// 12 carrier.bwp_size.
  void transmit(grid_view                grid,
                std::span<const uint8_t> tb_bytes,
                const pusch_pdu&         pdu,
                const carrier_config&    carrier) noexcept;

private:
  unsigned max_nof_prb_;
  unsigned max_nof_layers_;
  ulsch_encoder encoder_;
  transform_precoder transform_precoder_;
  std::vector<uint8_t> codeword_;
  std::vector<cf_t> symbols_;
  std::vector<cf_t> layers_;
  std::vector<cf_t> pilots_;
  std::vector<uint16_t> subcarriers_;
};

} // namespace airan::phy
