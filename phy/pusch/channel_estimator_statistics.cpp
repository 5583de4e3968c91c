// Statistics of the PUSCH channel estimators, shared by every method: timing offset, frequency offset, noise and
// interference covariance, DM-RS EPRE (see channel_estimator.h).
#include "channel_estimator_impl.h"
#include "channel_estimator_kernels.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <numbers>
#include <numeric>

namespace airan::phy {

namespace {

bool is_finite(cf_t v)
{
  return std::isfinite(v.real()) && std::isfinite(v.imag());
}

/// Most values in one resource block's noise fit (type 1, double symbol) and most model columns (4 layers, degree 1;
/// degree 2 only with up to 2 layers).
constexpr unsigned max_fit_values = 12;
constexpr unsigned max_fit_columns = 8;

/// Orthonormal basis (columns of q, max_fit_values apart) of the model's columns; returns its rank.
unsigned orthonormalise(std::array<std::array<double, max_fit_values>, max_fit_columns>& columns,
                        unsigned nof_columns,
                        unsigned nof_values)
{
  unsigned rank = 0;
  for (unsigned c = 0; c < nof_columns; ++c) {
    std::array<double, max_fit_values> v = columns[c];
    const double initial_norm = std::sqrt(std::inner_product(v.begin(), v.begin() + nof_values, v.begin(), 0.0));
    // Modified Gram-Schmidt against the columns kept so far.
    for (unsigned k = 0; k < rank; ++k) {
      const double dot = std::inner_product(v.begin(), v.begin() + nof_values, columns[k].begin(), 0.0);
      for (unsigned i = 0; i < nof_values; ++i) {
        v[i] -= dot * columns[k][i];
      }
    }
    const double norm = std::sqrt(std::inner_product(v.begin(), v.begin() + nof_values, v.begin(), 0.0));
    if (norm > 1e-9 * initial_norm && norm > 0.0) {
      for (unsigned i = 0; i < nof_values; ++i) {
        columns[rank][i] = v[i] / norm;
      }
      ++rank;
    }
  }
  return rank;
}

} // namespace

void channel_estimator_base::estimate_offsets(channel_estimate& out, const call_setup& s,
                                              const pusch_dmrs_pattern& pattern) noexcept
{
  // Timing: LS values two pilots apart are one CDM pair apart (4 subcarriers, type 1; 6, type 2) and carry the same
  // cover codes, so the cross-terms of the layers of a group cancel over k' and l'; the phase of
  // sum u(i + 2) conj(u(i)) is -2 pi D df tau. Rows whose sum is not finite (corrupt pilots, a port of NaN) are left
  // out, so that they cannot take the estimate, and with it every port's channel, with them.
  cf_t timing{};
  for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
    for (unsigned g = 0; g < s.nof_groups; ++g) {
      for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
        const cf_t* u = u_row(s, d, g, r).data();
        const cf_t c = ce::correlate(u + 2, u, s.nof_pilots - 2);
        timing += is_finite(c) ? c : cf_t{};
      }
    }
  }
  const double distance = pattern.config_type == 1 ? 4.0 : 6.0;
  out.time_offset_s =
      timing == cf_t{} || !is_finite(timing)
          ? 0.0F
          : static_cast<float>(-std::arg(timing) / (2.0 * std::numbers::pi * distance * s.subcarrier_spacing_hz));

  // Frequency: the phase between consecutive occasions, on symbols with the same l' (same w_t); each pair's estimate
  // weighted by |C| dt^2, the inverse of its variance up to a common factor. Rows that are not finite are left out,
  // as for the timing.
  double weighted_sum = 0.0;
  double weight_total = 0.0;
  bool usable = false;
  // Adds the pair of DM-RS symbols (first, second); with_w_t: the symbols are l' = 0 and 1 of one occasion and each
  // group's (common) w_t(1) is taken out.
  auto add_pair = [&](unsigned first, unsigned second, bool with_w_t) {
    cf_t c{};
    for (unsigned g = 0; g < s.nof_groups; ++g) {
      const float sign = with_w_t ? static_cast<float>(pattern.layers[s.groups[g].layers[0]].w_t[1]) : 1.0F;
      for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
        const cf_t row = ce::correlate(u_row(s, second, g, r).data(), u_row(s, first, g, r).data(), s.nof_pilots);
        c += is_finite(row) ? sign * row : cf_t{};
      }
    }
    const double dt = s.symbol_time_s[pattern.symbols[second]] - s.symbol_time_s[pattern.symbols[first]];
    const double weight = std::abs(c) * dt * dt;
    if (weight > 0.0 && std::isfinite(weight)) {
      weighted_sum += weight * std::arg(c) / (2.0 * std::numbers::pi * dt);
      weight_total += weight;
    }
    usable = true;
  };
  if (s.nof_occasions >= 2) {
    for (unsigned o = 0; o + 1 < s.nof_occasions; ++o) {
      for (unsigned k = 0; k < s.occasion_length; ++k) {
        add_pair(o * s.occasion_length + k, (o + 1) * s.occasion_length + k, false);
      }
    }
  } else if (s.occasion_length == 2) {
    // One double-symbol occasion: usable when the layers of each group share w_t(1).
    bool uniform = true;
    for (unsigned g = 0; g < s.nof_groups; ++g) {
      const cdm_group& group = s.groups[g];
      for (unsigned k = 1; k < group.nof_layers; ++k) {
        uniform = uniform && pattern.layers[group.layers[k]].w_t[1] == pattern.layers[group.layers[0]].w_t[1];
      }
    }
    if (uniform) {
      add_pair(0, 1, true);
    }
  }
  if (usable) {
    out.cfo_hz = weight_total > 0.0 ? static_cast<float>(weighted_sum / weight_total) : 0.0F;
  }
}

void channel_estimator_base::accumulate_covariance(channel_estimate& out, const call_setup& s, unsigned nof_rows,
                                                   unsigned row_length, unsigned values_per_prb,
                                                   unsigned dof_per_prb) noexcept
{
  const unsigned nof_rx = s.nof_rx_ports;
  const unsigned group_prb = out.covariance_nof_prb();
  for (unsigned group = 0; group < out.nof_covariance_groups(); ++group) {
    const unsigned first_prb = group * group_prb;
    const unsigned nof_prb = std::min(group_prb, s.nof_prb - first_prb);
    const std::span<cf_t> covariance = out.noise_covariance(group);
    for (unsigned row = 0; row < nof_rows; ++row) {
      for (unsigned r1 = 0; r1 < nof_rx; ++r1) {
        const cf_t* e1 = residual_.data() + (std::size_t{r1} * nof_rows + row) * row_length + first_prb * values_per_prb;
        for (unsigned r2 = r1; r2 < nof_rx; ++r2) {
          const cf_t* e2 =
              residual_.data() + (std::size_t{r2} * nof_rows + row) * row_length + first_prb * values_per_prb;
          covariance[r1 * nof_rx + r2] += ce::correlate(e1, e2, std::size_t{nof_prb} * values_per_prb);
        }
      }
    }
    dof_[group] += nof_prb * dof_per_prb;
  }
}

void channel_estimator_base::estimate_noise_of_group(channel_estimate& out, const call_setup& s, unsigned g,
                                                     const pusch_dmrs_pattern& pattern) noexcept
{
  const cdm_group& group = s.groups[g];
  const unsigned per_prb = s.pilots_per_prb;
  const unsigned length = s.occasion_length;
  const unsigned nof_values = per_prb * length;
  assert(nof_values <= max_fit_values);

  // Model of the LS values of one resource block and occasion (value index k per_prb + i for symbol k, pilot i):
  // per layer, its code w_t(k) w_f(i mod 2) times a polynomial in the pilot's frequency offset from the block centre,
  // of degree 2 when that leaves at least half the values as degrees of freedom, else 1 when it leaves any, else 0.
  const uint16_t* subcarriers = subcarriers_.data() + g * max_pilots_;
  double centre = 0.0;
  for (unsigned i = 0; i < per_prb; ++i) {
    centre += subcarriers[i];
  }
  centre /= per_prb;
  const unsigned nof_layers = group.nof_layers;
  const unsigned degree = nof_values >= 6 * nof_layers ? 2 : nof_values > 2 * nof_layers ? 1 : 0;
  std::array<std::array<double, max_fit_values>, max_fit_columns> q{};
  unsigned nof_columns = 0;
  for (unsigned n = 0; n < nof_layers; ++n) {
    const pusch_dmrs_layer& layer = pattern.layers[group.layers[n]];
    for (unsigned c = 0; c <= degree; ++c) {
      for (unsigned k = 0; k < length; ++k) {
        for (unsigned i = 0; i < per_prb; ++i) {
          const double code = layer.w_t[k] * layer.w_f[i % 2];
          q[nof_columns][k * per_prb + i] = code * std::pow(subcarriers[i] - centre, c);
        }
      }
      ++nof_columns;
    }
  }
  const unsigned rank = orthonormalise(q, nof_columns, nof_values);
  std::array<std::array<float, max_fit_values>, max_fit_columns> basis{};
  for (unsigned c = 0; c < rank; ++c) {
    for (unsigned i = 0; i < nof_values; ++i) {
      basis[c][i] = static_cast<float>(q[c][i]);
    }
  }

  // Residual of the least-squares fit in every resource block: e = u - Q Q^T u.
  for (unsigned o = 0; o < s.nof_occasions; ++o) {
    for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
      std::array<const cf_t*, 2> u{};
      std::array<cf_t*, 2> e{};
      for (unsigned k = 0; k < length; ++k) {
        u[k] = u_row(s, o * length + k, g, r).data();
        e[k] = residual_.data() + (std::size_t{r} * length + k) * s.nof_pilots;
      }
      for (unsigned p = 0; p < s.nof_prb; ++p) {
        std::array<cf_t, max_fit_values> values{};
        for (unsigned k = 0; k < length; ++k) {
          std::copy_n(u[k] + p * per_prb, per_prb, values.begin() + k * per_prb);
        }
        std::array<cf_t, max_fit_values> residual = values;
        for (unsigned c = 0; c < rank; ++c) {
          cf_t projection{};
          for (unsigned i = 0; i < nof_values; ++i) {
            projection += basis[c][i] * values[i];
          }
          for (unsigned i = 0; i < nof_values; ++i) {
            residual[i] -= basis[c][i] * projection;
          }
        }
        for (unsigned k = 0; k < length; ++k) {
          std::copy_n(residual.begin() + k * per_prb, per_prb, e[k] + p * per_prb);
        }
      }
    }
    accumulate_covariance(out, s, length, s.nof_pilots, per_prb, nof_values - rank);
  }
}

void channel_estimator_base::estimate_noise_of_empty_groups(channel_estimate& out, const call_setup& s,
                                                            const_grid_view rx_grid, const pusch_pdu& pdu,
                                                            const pusch_dmrs_pattern& pattern) noexcept
{
  // REs of CDM groups without data that carry no layer: nothing but noise and interference, no model.
  const unsigned count = pusch_allocation_subcarriers(empty_subcarriers_, pdu, s.empty_re_mask);
  const auto per_prb = static_cast<unsigned>(std::popcount(s.empty_re_mask));
  for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
    for (unsigned r = 0; r < s.nof_rx_ports; ++r) {
      const cf_t* y = rx_grid.symbol(r, pattern.symbols[d]).data();
      cf_t* e = residual_.data() + std::size_t{r} * count;
      // Type 1: the one empty group is every other subcarrier of the allocation.
      if (pattern.config_type == 1) {
        ce::strided_multiply(e, y + empty_subcarriers_[0], nullptr, count);
      } else {
        ce::gather_multiply(e, y, empty_subcarriers_.data(), nullptr, count);
      }
    }
    accumulate_covariance(out, s, 1, count, per_prb, per_prb);
  }
}

void channel_estimator_base::estimate_noise(channel_estimate& out, const call_setup& s, const_grid_view rx_grid,
                                            const pusch_pdu& pdu, const pusch_dmrs_pattern& pattern) noexcept
{
  const unsigned nof_rx = s.nof_rx_ports;
  for (unsigned group = 0; group < out.nof_covariance_groups(); ++group) {
    const std::span<cf_t> covariance = out.noise_covariance(group);
    std::fill(covariance.begin(), covariance.end(), cf_t{});
  }
  std::fill_n(dof_.begin(), out.nof_covariance_groups(), 0U);

  // The REs of CDM groups without data and without layers hold only noise and interference: when there are any, they
  // alone give the statistics, free of any channel model. Otherwise the residuals of the fits.
  if (s.empty_re_mask != 0) {
    estimate_noise_of_empty_groups(out, s, rx_grid, pdu, pattern);
  } else {
    for (unsigned g = 0; g < s.nof_groups; ++g) {
      estimate_noise_of_group(out, s, g, pattern);
    }
  }

  // Noise variance per rx port over the whole allocation; each group's covariance normalised by its own degrees of
  // freedom, with the lower triangle filled in.
  const std::span<float> noise = out.noise_variance();
  std::fill(noise.begin(), noise.end(), 0.0F);
  unsigned total_dof = 0;
  for (unsigned group = 0; group < out.nof_covariance_groups(); ++group) {
    const std::span<cf_t> covariance = out.noise_covariance(group);
    for (unsigned r = 0; r < nof_rx; ++r) {
      noise[r] += covariance[r * nof_rx + r].real();
    }
    total_dof += dof_[group];
    const float scale = 1.0F / static_cast<float>(dof_[group]);
    for (unsigned r1 = 0; r1 < nof_rx; ++r1) {
      covariance[r1 * nof_rx + r1] = {covariance[r1 * nof_rx + r1].real() * scale, 0.0F};
      for (unsigned r2 = r1 + 1; r2 < nof_rx; ++r2) {
        covariance[r1 * nof_rx + r2] *= scale;
        covariance[r2 * nof_rx + r1] = std::conj(covariance[r1 * nof_rx + r2]);
      }
    }
  }
  for (unsigned r = 0; r < nof_rx; ++r) {
    noise[r] /= static_cast<float>(total_dof);
  }

  // DM-RS EPRE: mean |y|^2 over the REs of the groups that carry layers.
  const std::span<float> epre = out.dmrs_epre();
  for (unsigned r = 0; r < nof_rx; ++r) {
    double energy = 0.0;
    for (unsigned d = 0; d < pattern.nof_symbols; ++d) {
      for (unsigned g = 0; g < s.nof_groups; ++g) {
        const cf_t* u = u_row(s, d, g, r).data();
        energy += ce::correlate(u, u, s.nof_pilots).real();
      }
    }
    epre[r] = static_cast<float>(energy / (static_cast<double>(s.nof_pilots) * pattern.nof_symbols * s.nof_groups));
  }
}

} // namespace airan::phy
