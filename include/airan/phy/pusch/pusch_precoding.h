#pragma once
/// PUSCH layer mapping (TS 38.211 6.3.1.3) and precoding (TS 38.211 6.3.1.5).

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <array>
#include <cassert>
#include <span>

namespace airan::phy {

/// Layer mapping of one codeword on v = nof_layers layers, TS 38.211 Table 6.3.1.3-1: x^(j)(i) = d(v i + j).
/// The layers are stored one after the other: layers[j * M + i] = x^(j)(i) with M = symbols.size() / v.
/// Requires 1 <= v <= 4, symbols.size() a multiple of v and layers.size() == symbols.size().
void pusch_layer_map(std::span<cf_t> layers, std::span<const cf_t> symbols, unsigned nof_layers) noexcept;

/// Precoding matrix W of TS 38.211 6.3.1.5: [z^(p_0) .. z^(p_(rho-1))]^T = W [y^(0) .. y^(v-1)]^T, with the table's
/// scale factor included.
struct precoding_matrix {
  unsigned nof_ports = 1;
  unsigned nof_layers = 1;
  /// Row-major: coefficient (port, layer) at port * nof_layers + layer.
  std::array<cf_t, 16> coefficients = {cf_t{1.0F}};

  cf_t operator()(unsigned port, unsigned layer) const
  {
    assert(port < nof_ports && layer < nof_layers);
    return coefficients[port * nof_layers + layer];
  }
};

/// Number of TPMI values of the codebook for v layers on P antenna ports, TS 38.211 Tables 6.3.1.5-1 (v = 1, P = 2:
/// 6), 6.3.1.5-2 (v = 1, P = 4, transform precoding: 28), 6.3.1.5-3 (v = 1, P = 4: 28), 6.3.1.5-4 (v = 2, P = 2: 3),
/// 6.3.1.5-5 (v = 2, P = 4: 22), 6.3.1.5-6 (v = 3, P = 4: 7) and 6.3.1.5-7 (v = 4, P = 4: 5); 1 for v = P = 1
/// (W = 1). 0 when there is no codebook (more layers than ports, P not in {1, 2, 4}, several layers with transform
/// precoding).
unsigned pusch_codebook_size(unsigned nof_layers, unsigned nof_ports, bool transform_precoding) noexcept;

/// The codebook matrix W for TPMI `tpmi` (TS 38.211 Tables 6.3.1.5-1 to 6.3.1.5-7).
/// Requires tpmi < pusch_codebook_size(nof_layers, nof_ports, transform_precoding).
precoding_matrix
pusch_codebook_matrix(unsigned nof_layers, unsigned nof_ports, bool transform_precoding, unsigned tpmi) noexcept;

/// W of a PUSCH PDU: the codebook matrix for codebook-based transmission; for non-codebook transmission the identity
/// (layer j on antenna port j; the UE's own precoding is transparent, TS 38.214 6.1.1.2), which needs as many ports
/// as layers. Validates the layers, ports and TPMI; out is written only on success.
status get_pusch_precoding_matrix(precoding_matrix& out, const pusch_pdu& pdu);

} // namespace airan::phy
