#include "airan/phy/pusch/pusch_transmitter.h"

#include "airan/phy/coding/scrambling.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/pusch/dmrs.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_precoding.h"

#include <cassert>
#include <string>

namespace airan::phy {

namespace {

constexpr unsigned max_symbols_per_slot = 14;

} // namespace

pusch_transmitter::pusch_transmitter(unsigned max_nof_prb, unsigned max_nof_layers)
    : max_nof_prb_(max_nof_prb),
      max_nof_layers_(max_nof_layers),
      transform_precoder_(max_nof_prb),
      codeword_(std::size_t{12} * max_nof_prb * max_symbols_per_slot * max_nof_layers * 8),
      symbols_(std::size_t{12} * max_nof_prb * max_symbols_per_slot * max_nof_layers),
      layers_(symbols_.size()),
      pilots_(std::size_t{6} * max_nof_prb),
      subcarriers_(std::size_t{12} * max_nof_prb)
{
}

status pusch_transmitter::validate(const pusch_pdu& pdu, const carrier_config& carrier) const
{
  if (auto s = validate_pusch_pdu(pdu, carrier); !s) {
    return s;
  }
  if (pdu.nof_prb > max_nof_prb_ || pdu.nof_layers > max_nof_layers_) {
    return status::error("PUSCH transmitter: " + std::to_string(pdu.nof_prb) + " PRB and " +
                         std::to_string(pdu.nof_layers) + " layers exceed this transmitter's maxima of " +
                         std::to_string(max_nof_prb_) + " PRB and " + std::to_string(max_nof_layers_) + " layers");
  }
  pusch_codeword_params params;
  if (auto s = compute_pusch_codeword_params(params, pdu, carrier); !s) {
    return s;
  }
  if (auto s = encoder_.validate(params.ulsch); !s) {
    return status::error("PUSCH transmitter: " + s.message());
  }
  return status::ok();
}

void pusch_transmitter::transmit(grid_view                grid,
                                 std::span<const uint8_t> tb_bytes,
                                 const pusch_pdu&         pdu,
                                 const carrier_config&    carrier) noexcept
{
  // The PDU is validated: these only recompute, they cannot fail.
  pusch_dmrs_pattern pattern;
  pusch_codeword_params params;
  precoding_matrix w;
  [[maybe_unused]] const bool ok = compute_pusch_dmrs_pattern(pattern, pdu, carrier).is_ok() &&
                                   compute_pusch_codeword_params(params, pdu, carrier).is_ok() &&
                                   get_pusch_precoding_matrix(w, pdu).is_ok();
  assert(ok);
  assert(grid.nof_ports == pdu.nof_antenna_ports && grid.nof_symbols == nof_symbols_per_slot(carrier.cp) &&
         grid.nof_subcarriers == 12 * carrier.bwp_size && tb_bytes.size() == params.tbs / 8);

  // TS 38.212 6.2 and TS 38.211 6.3.1.1 to 6.3.1.3.
  const auto codeword = std::span(codeword_).first(params.nof_coded_bits);
  encoder_.encode(codeword, tb_bytes, params.ulsch);
  scramble_bits(codeword, pusch_scrambling_cinit(static_cast<uint16_t>(pdu.rnti), static_cast<uint16_t>(pdu.n_id)));
  const std::size_t nof_symbols = params.nof_re_per_layer * pdu.nof_layers;
  const auto symbols = std::span(symbols_).first(nof_symbols);
  modulate(symbols, codeword, params.modulation);
  const auto layers = std::span(layers_).first(nof_symbols);
  pusch_layer_map(layers, symbols, pdu.nof_layers);

  // TS 38.211 6.3.1.4: one DFT per OFDM symbol (the DM-RS symbols carry no data with transform precoding).
  if (pdu.transform_precoding) {
    const std::size_t m_sc = std::size_t{12} * pdu.nof_prb;
    for (std::size_t offset = 0; offset < params.nof_re_per_layer; offset += m_sc) {
      transform_precoder_.precode(layers.subspan(offset, m_sc));
    }
  }

  // TS 38.211 6.3.1.5 and 6.3.1.6: z = W y on the data REs, frequency first, then time.
  const std::size_t per_layer = params.nof_re_per_layer;
  std::size_t next = 0;
  for (unsigned l = pdu.start_symbol; l < pdu.start_symbol + pdu.nof_symbols; ++l) {
    const unsigned count = pusch_allocation_subcarriers(subcarriers_, pdu, pattern.data_re_mask(l));
    for (unsigned port = 0; port < pdu.nof_antenna_ports; ++port) {
      const auto row = grid.symbol(port, l);
      for (unsigned i = 0; i < count; ++i) {
        cf_t value = 0;
        for (unsigned j = 0; j < pdu.nof_layers; ++j) {
          value += w(port, j) * layers[j * per_layer + next + i];
        }
        row[subcarriers_[i]] = value;
      }
    }
    next += count;
  }

  // TS 38.211 6.4.1.1.3: the DM-RS REs of the CDM groups without data carry the precoded DM-RS of the layers in their
  // group, or zero.
  const unsigned nof_pilots = pusch_dmrs_nof_pilots(pattern, pdu);
  const auto pilots = std::span(pilots_).first(nof_pilots);
  const auto pilot_subcarriers = std::span(subcarriers_).first(nof_pilots);
  for (unsigned i = 0; i < pattern.nof_symbols; ++i) {
    const unsigned l = pattern.symbols[i];
    const unsigned count = pusch_allocation_subcarriers(subcarriers_, pdu, pattern.no_data_re_mask);
    for (unsigned port = 0; port < pdu.nof_antenna_ports; ++port) {
      const auto row = grid.symbol(port, l);
      for (unsigned n = 0; n < count; ++n) {
        row[subcarriers_[n]] = 0;
      }
    }
    for (unsigned j = 0; j < pdu.nof_layers; ++j) {
      generate_pusch_dmrs(pilots, pattern, pdu, carrier, j, l);
      pusch_dmrs_subcarriers(pilot_subcarriers, pattern, pdu, j);
      for (unsigned port = 0; port < pdu.nof_antenna_ports; ++port) {
        const cf_t coefficient = w(port, j);
        if (coefficient == cf_t{}) {
          continue;
        }
        const auto row = grid.symbol(port, l);
        for (unsigned n = 0; n < nof_pilots; ++n) {
          row[pilot_subcarriers[n]] += coefficient * pilots[n];
        }
      }
    }
  }
}

} // namespace airan::phy
