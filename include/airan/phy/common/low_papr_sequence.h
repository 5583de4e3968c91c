#pragma once
/// Low-PAPR sequences of type 1, TS 38.211 5.2.2 (transform-precoded PUSCH DM-RS, PUCCH, SRS).

#include "airan/common/complex.h"

#include <cstdint>
#include <span>

namespace airan::phy {

/// Number of sequence groups u = 0..29 of TS 38.211 5.2.2.
inline constexpr unsigned nof_low_papr_groups = 30;

/// True when M_ZC is a length m N_sc^RB / 2^delta of TS 38.211 5.2.2 with delta in {0, 1}, i.e. a multiple of 6 up to
/// max_low_papr_length: 6, 12, 18, 24 and 30 are the sequences of 5.2.2.2, 36 and more the Zadoff-Chu based ones of
/// 5.2.2.1.
bool is_valid_low_papr_length(unsigned m_zc) noexcept;

/// Largest M_ZC accepted: 275 resource blocks without comb (delta = 0).
inline constexpr unsigned max_low_papr_length = 275 * 12;

/// phi(0..M_ZC-1) of TS 38.211 Tables 5.2.2.2-1 (M_ZC = 6), -2 (12), -3 (18) and -4 (24) for group u.
/// Requires m_zc in {6, 12, 18, 24} and u < 30.
std::span<const int8_t> low_papr_phi(unsigned m_zc, unsigned u) noexcept;

/// N_ZC of TS 38.211 5.2.2.1: the largest prime number such that N_ZC < M_ZC. Requires m_zc >= 3.
unsigned low_papr_zc_length(unsigned m_zc) noexcept;

/// The low-PAPR sequence r^(alpha,delta)_(u,v)(n) = exp(j alpha n) rbar_(u,v)(n), n = 0 .. M_ZC - 1 with
/// M_ZC = out.size(), TS 38.211 5.2.2:
/// - M_ZC >= 36 (5.2.2.1): rbar_(u,v)(n) = x_q(n mod N_ZC), x_q(m) = exp(-j pi q m (m + 1) / N_ZC),
///   q = floor(qbar + 1/2) + v (-1)^floor(2 qbar), qbar = N_ZC (u + 1) / 31;
/// - M_ZC = 30 (5.2.2.2): rbar_(u,v)(n) = exp(-j pi (u + 1) (n + 1) (n + 2) / 31);
/// - M_ZC in {6, 12, 18, 24} (5.2.2.2): rbar_(u,v)(n) = exp(j phi(n) pi / 4) with phi from Tables 5.2.2.2-1..-4.
/// Requires is_valid_low_papr_length(out.size()), u < 30, v = 0 for M_ZC < 72 and v in {0, 1} otherwise.
void generate_low_papr_sequence(std::span<cf_t> out, unsigned u, unsigned v, float alpha) noexcept;

} // namespace airan::phy
