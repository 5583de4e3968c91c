#pragma once
/// Transform precoding of the PUSCH (DFT-s-OFDM), TS 38.211 6.3.1.4, and its inverse for the receiver.

#include "airan/common/complex.h"

#include <memory>
#include <span>

namespace airan::phy {

/// True when M_sc^PUSCH = 12 nof_prb is a size allowed with transform precoding, 2^a2 3^a3 5^a5 (TS 38.211
/// 6.3.1.4), i.e. when nof_prb >= 1 has no prime factor other than 2, 3 and 5.
bool is_valid_transform_precoding_size(unsigned nof_prb) noexcept;

/// DFT of one OFDM symbol's M_sc^PUSCH values. Plans every allowed size up to a maximum at creation; precode() and
/// deprecode() neither allocate nor plan. One object per thread.
class transform_precoder {
public:
  /// Prepares every allowed size 12 n, n <= max_nof_prb.
  explicit transform_precoder(unsigned max_nof_prb = 275);
  ~transform_precoder();
  transform_precoder(transform_precoder&&) noexcept;
  transform_precoder& operator=(transform_precoder&&) noexcept;

  /// TS 38.211 6.3.1.4 in place: y(k) = 1/sqrt(M) sum_{i=0}^{M-1} x(i) exp(-j 2 pi i k / M), k = 0 .. M-1, with
  /// M = data.size() = 12 n, is_valid_transform_precoding_size(n) and n <= the maximum given at creation.
  void precode(std::span<cf_t> data) noexcept;

  /// The inverse in place: x(i) = 1/sqrt(M) sum_{k=0}^{M-1} y(k) exp(+j 2 pi i k / M). Same size rules.
  void deprecode(std::span<cf_t> data) noexcept;

private:
  struct plans;
  std::unique_ptr<plans> plans_;
};

} // namespace airan::phy
