#pragma once
/// MIMO spatial correlation of the fading channels, TS 38.104 Annex G.2.3.1 (uniform linear arrays at the UE and the
/// gNB): R_spat = R_UE (x) R_gNB (Kronecker product), with the per-side matrices of Tables G.2.3.1.1-1 and -2,
///   R_UE[i][j] = alpha^(((i - j) / (N_UE - 1))^2),   R_gNB[i][j] = beta^(((i - j) / (N_gNB - 1))^2)
/// (2 antennas: alpha; 4 antennas: alpha^(1/9), alpha^(4/9), alpha; 8 antennas: beta^(1/49) ..), the levels of Table
/// G.2.3.1.2-1 and the positive-definiteness adjustment R = (R_spat + a I) / (1 + a) of G.2.3.1.2 where the standard
/// applies one. The channels are uplink: the UE transmits (nof_tx = N_UE), the gNB receives (nof_rx = N_gNB).

#include "airan/common/status.h"

#include <cstdint>
#include <vector>

namespace airan::phy {

/// Correlation level of TS 38.104 Table G.2.3.1.2-1.
enum class mimo_correlation : uint8_t { low, medium, high };

/// alpha (UE side) and beta (gNB side) of a level, TS 38.104 Table G.2.3.1.2-1: low 0 and 0, medium 0.9 and 0.3,
/// high 0.9 and 0.9.
struct mimo_correlation_coefficients {
  double alpha = 0.0;
  double beta  = 0.0;
};
mimo_correlation_coefficients mimo_correlation_levels(mimo_correlation level) noexcept;

/// The adjustment a of TS 38.104 G.2.3.1.2: 0.00010 for 2x4 high, 0.00012 for 4x4 high and 4x4 medium, 0 otherwise.
double mimo_correlation_adjustment(mimo_correlation level, unsigned nof_ue_antennas, unsigned nof_gnb_antennas) noexcept;

/// Checks a level for an antenna configuration (N_UE x N_gNB): low for N_UE in {1, 2, 4} and N_gNB in {1, 2, 4, 8};
/// medium and high for the configurations the standard tabulates, 1x2, 1x4, 2x2, 2x4, 4x4 (and 1x1, trivially).
status validate_mimo_correlation(mimo_correlation level, unsigned nof_ue_antennas, unsigned nof_gnb_antennas);

/// The (N_UE N_gNB) x (N_UE N_gNB) matrix R = (R_UE (x) R_gNB + a I) / (1 + a), row-major; row and column
/// ue * N_gNB + gnb belong to the link from UE antenna ue to gNB antenna gnb. Requires
/// validate_mimo_correlation(level, nof_ue_antennas, nof_gnb_antennas) to be ok.
std::vector<double> mimo_correlation_matrix(mimo_correlation level, unsigned nof_ue_antennas, unsigned nof_gnb_antennas);

} // namespace airan::phy
