#pragma once
/// Pseudo-random (Gold) sequence of TS 38.211 5.2.1 and bit-level scrambling (TS 38.211 6.3.1.1, 7.3.1.1).

#include <cstdint>
#include <span>

namespace airan::phy {

/// Pseudo-random sequence of TS 38.211 5.2.1: c(n) = (x1(n + N_C) + x2(n + N_C)) mod 2 with N_C = 1600,
/// x1(n + 31) = (x1(n + 3) + x1(n)) mod 2, x2(n + 31) = (x2(n + 3) + x2(n + 2) + x2(n + 1) + x2(n)) mod 2,
/// x1(0) = 1, x1(n) = 0 for n = 1..30, and x2 initialised by c_init = sum_{i=0}^{30} x2(i) 2^i (c_init < 2^31).
/// Writes c(n), n = 0 .. size-1, one bit per byte.
void generate_gold_sequence(std::span<uint8_t> c_bits, uint32_t c_init) noexcept;

/// PUSCH scrambling initialisation, TS 38.211 6.3.1.1: c_init = n_RNTI 2^15 + n_ID, n_ID in 0..1023.
uint32_t pusch_scrambling_cinit(uint16_t rnti, uint16_t n_id) noexcept;

/// Scrambles unpacked bits in place: b(i) = (b(i) + c(i)) mod 2 with c from generate_gold_sequence() (TS 38.211
/// 6.3.1.1, 7.3.1.1). UCI placeholder bits, if any, are the caller's business. Applying it twice restores the input.
void scramble_bits(std::span<uint8_t> bits, uint32_t c_init) noexcept;

/// Descrambles LLRs in place: the sign of llrs[i] is flipped where c(i) = 1, which undoes scramble_bits() on the
/// bits the LLRs stand for. LLRs are in [-127, 127].
void descramble_llrs(std::span<int8_t> llrs, uint32_t c_init) noexcept;

} // namespace airan::phy
