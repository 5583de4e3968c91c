/// MIMO equaliser: validation and the per-call noise preparation (port weights for MMSE, whitening factors for
/// MMSE-IRC); the per-RE work is in equalizer_kernel.cpp.

#include "airan/phy/pusch/equalizer.h"

#include "equalizer_kernel.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <string>

namespace airan::phy {
namespace {

using detail::equalizer_kernel_args;
using detail::noise_whitening;

constexpr unsigned max_nof_re_limit = 1U << 24;

std::size_t ceil_div(std::size_t a, std::size_t b)
{
  return (a + b - 1) / b;
}

status size_error(const char* what, std::size_t size, std::size_t expected)
{
  return status::error(std::string("equalizer: ") + what + " has " + std::to_string(size) + " entries, expected " +
                       std::to_string(expected));
}

equalizer_kernel_args kernel_args(const equalizer_output& out, const equalizer_input& in)
{
  equalizer_kernel_args args{};
  args.x            = out.x.data();
  args.noise_var    = out.noise_var.data();
  args.y            = in.y.data();
  args.h            = in.h.data();
  args.nof_rx_ports = in.nof_rx_ports;
  args.nof_layers   = in.nof_layers;
  args.nof_re       = in.nof_re;
  return args;
}

using cd_t = std::complex<double>;

/// Inverse Cholesky factor of covariance r (p x p, row-major, lower triangle read) normalised to unit mean
/// diagonal, packed lower triangle into factor (l and m: p * p working entries each); returns the mean diagonal r0 (the noise level left after
/// whitening), or NaN when the covariance has a non-finite entry. Pivots are raised to
/// equalizer_relative_noise_floor (the factor is then that of r / r0 plus the least diagonal loading making it
/// positive definite).
double whitening_factor(cf_t* factor, const cf_t* r, unsigned p, cd_t* l, cd_t* m)
{
  double r0 = 0.0;
  for (unsigned i = 0; i != p; ++i) {
    r0 += r[i * p + i].real();
  }
  r0 = std::max(r0 / p, double{equalizer_noise_floor});
  if (!std::isfinite(static_cast<float>(r0))) {
    return std::numeric_limits<double>::quiet_NaN();
  }

  // R / r0 = L L^H, the strictly lower part of L row-major in l and 1 / L_jj (the diagonal of L^-1) in m.
  // Divisions and square roots are few and done once per column: they dominate the latency.
  const double scale = 1.0 / r0;
  for (unsigned j = 0; j != p; ++j) {
    double pivot = r[j * p + j].real() * scale;
    for (unsigned k = 0; k != j; ++k) {
      pivot -= std::norm(l[j * p + k]);
    }
    pivot              = pivot > double{equalizer_relative_noise_floor} ? pivot : double{equalizer_relative_noise_floor};
    const double inv   = 1.0 / std::sqrt(pivot);
    m[j * p + j]       = inv;
    for (unsigned i = j + 1; i != p; ++i) {
      cd_t s = cd_t(r[i * p + j]) * scale;
      for (unsigned k = 0; k != j; ++k) {
        s -= l[i * p + k] * std::conj(l[j * p + k]);
      }
      l[i * p + j] = s * inv;
    }
  }

  // M = L^-1, lower triangular, row by row: M_ij = -(sum_{j <= k < i} L_ik M_kj) M_ii.
  bool finite = true;
  for (unsigned i = 0; i != p; ++i) {
    for (unsigned j = 0; j != i; ++j) {
      cd_t s = 0.0;
      for (unsigned k = j; k != i; ++k) {
        s += l[i * p + k] * m[k * p + j];
      }
      m[i * p + j] = -s * m[i * p + i].real();
    }
    for (unsigned j = 0; j <= i; ++j) {
      const cf_t f = {static_cast<float>(m[i * p + j].real()), static_cast<float>(m[i * p + j].imag())};
      finite       = finite && std::isfinite(f.real()) && std::isfinite(f.imag());
      factor[i * (i + 1) / 2 + j] = f;
    }
  }
  return finite ? r0 : std::numeric_limits<double>::quiet_NaN();
}

} // namespace

status equalizer::validate(const equalizer_config& config)
{
  if (config.max_nof_rx_ports < 1 || config.max_nof_rx_ports > detail::kernel_max_nof_rx_ports) {
    return status::error("equalizer: max_nof_rx_ports " + std::to_string(config.max_nof_rx_ports) +
                         " outside 1..16");
  }
  if (config.max_nof_layers < 1 || config.max_nof_layers > detail::kernel_max_nof_layers) {
    return status::error("equalizer: max_nof_layers " + std::to_string(config.max_nof_layers) + " outside 1..4");
  }
  if (config.max_nof_re < 1 || config.max_nof_re > max_nof_re_limit) {
    return status::error("equalizer: max_nof_re " + std::to_string(config.max_nof_re) + " outside 1..2^24");
  }
  return status::ok();
}

equalizer::equalizer(const equalizer_config& config) :
  config_(config),
  rx_weight_(config.max_nof_rx_ports),
  group_whitening_(std::size_t{config.max_nof_re} * config.max_nof_rx_ports * (config.max_nof_rx_ports + 1) / 2),
  group_noise_level_(config.max_nof_re),
  cholesky_(2 * config.max_nof_rx_ports * config.max_nof_rx_ports)
{
  assert(validate(config).is_ok());
}

status equalizer::validate_sizes(const equalizer_output& out, const equalizer_input& in) const
{
  if (in.nof_rx_ports < 1 || in.nof_rx_ports > config_.max_nof_rx_ports) {
    return status::error("equalizer: nof_rx_ports " + std::to_string(in.nof_rx_ports) + " outside 1.." +
                         std::to_string(config_.max_nof_rx_ports));
  }
  if (in.nof_layers < 1 || in.nof_layers > config_.max_nof_layers || in.nof_layers > in.nof_rx_ports) {
    return status::error("equalizer: nof_layers " + std::to_string(in.nof_layers) + " outside 1.." +
                         std::to_string(std::min(config_.max_nof_layers, in.nof_rx_ports)) +
                         " (at most max_nof_layers and nof_rx_ports)");
  }
  if (in.nof_re < 1 || in.nof_re > config_.max_nof_re) {
    return status::error("equalizer: nof_re " + std::to_string(in.nof_re) + " outside 1.." +
                         std::to_string(config_.max_nof_re));
  }
  const std::size_t n = in.nof_re;
  if (in.y.size() != in.nof_rx_ports * n) {
    return size_error("y", in.y.size(), in.nof_rx_ports * n);
  }
  if (in.h.size() != in.nof_rx_ports * in.nof_layers * n) {
    return size_error("h", in.h.size(), in.nof_rx_ports * in.nof_layers * n);
  }
  if (out.x.size() != in.nof_layers * n) {
    return size_error("x", out.x.size(), in.nof_layers * n);
  }
  if (out.noise_var.size() != in.nof_layers * n) {
    return size_error("noise_var", out.noise_var.size(), in.nof_layers * n);
  }
  return status::ok();
}

status equalizer::validate_mmse(const equalizer_output& out, const equalizer_input& in,
                                std::span<const float> rx_noise_var) const
{
  if (status s = validate_sizes(out, in); !s) {
    return s;
  }
  if (rx_noise_var.size() != 1 && rx_noise_var.size() != in.nof_rx_ports) {
    return status::error("equalizer: rx_noise_var has " + std::to_string(rx_noise_var.size()) +
                         " entries, expected 1 or nof_rx_ports = " + std::to_string(in.nof_rx_ports));
  }
  return status::ok();
}

status equalizer::validate_mmse_irc(const equalizer_output& out, const equalizer_input& in,
                                    std::span<const cf_t> covariance, unsigned group_nof_re) const
{
  if (status s = validate_sizes(out, in); !s) {
    return s;
  }
  if (group_nof_re < 1) {
    return status::error("equalizer: group_nof_re must be at least 1");
  }
  const std::size_t expected = ceil_div(in.nof_re, group_nof_re) * in.nof_rx_ports * in.nof_rx_ports;
  if (covariance.size() != expected) {
    return size_error("covariance", covariance.size(), expected);
  }
  return status::ok();
}

void equalizer::equalize_mmse(const equalizer_output& out, const equalizer_input& in,
                              std::span<const float> rx_noise_var) noexcept
{
  assert(validate_mmse(out, in, rx_noise_var).is_ok());
  const unsigned p          = in.nof_rx_ports;
  auto           port_noise = [&](unsigned rx) { return rx_noise_var[rx_noise_var.size() == 1 ? 0 : rx]; };

  // Ports with a NaN or +infinite variance carry no information: weight 0. The others are floored relative to
  // their mean and to equalizer_noise_floor, then weighted by r0 / sigma^2 with r0 the mean of the floored values.
  double   sum     = 0.0;
  unsigned nof_use = 0;
  for (unsigned rx = 0; rx != p; ++rx) {
    const float s = port_noise(rx);
    if (s < std::numeric_limits<float>::infinity()) {
      sum += std::max(s, 0.0F);
      ++nof_use;
    }
  }
  const double floor = std::max(equalizer_relative_noise_floor * sum / std::max(nof_use, 1U),
                                double{equalizer_noise_floor});
  double       r0    = 0.0;
  bool         white = nof_use == p;
  for (unsigned rx = 0; rx != p; ++rx) {
    const float s = port_noise(rx);
    if (s < std::numeric_limits<float>::infinity()) {
      r0 += std::max(double{s}, floor);
      white = white && std::max(double{s}, floor) == std::max(double{port_noise(0)}, floor);
    }
  }
  r0 /= std::max(nof_use, 1U);

  equalizer_kernel_args args = kernel_args(out, in);
  if (white) {
    args.whitening   = noise_whitening::none;
    args.noise_level = static_cast<float>(std::max(double{port_noise(0)}, floor));
  } else {
    args.whitening   = noise_whitening::diagonal;
    args.noise_level = nof_use == 0 ? 1.0F : static_cast<float>(r0);
    for (unsigned rx = 0; rx != p; ++rx) {
      const float s   = port_noise(rx);
      rx_weight_[rx] = s < std::numeric_limits<float>::infinity() ? static_cast<float>(r0 / std::max(double{s}, floor))
                                                                  : 0.0F;
    }
    args.rx_weight = rx_weight_.data();
  }
  detail::run_equalizer_kernel(args);
}

void equalizer::equalize_mmse_irc(const equalizer_output& out, const equalizer_input& in,
                                  std::span<const cf_t> covariance, unsigned group_nof_re) noexcept
{
  assert(validate_mmse_irc(out, in, covariance, group_nof_re).is_ok());
  const unsigned    p           = in.nof_rx_ports;
  const std::size_t nof_entries = p * (p + 1) / 2;
  const std::size_t nof_groups  = ceil_div(in.nof_re, group_nof_re);
  for (std::size_t g = 0; g != nof_groups; ++g) {
    cf_t*        factor = group_whitening_.data() + g * nof_entries;
    const double r0     = whitening_factor(factor, covariance.data() + g * p * p, p, cholesky_.data(),
                                              cholesky_.data() + p * p);
    if (std::isnan(r0)) {
      // No information: a null whitened channel with unit noise gives x = 0 and the largest noise variance.
      std::fill_n(factor, nof_entries, cf_t{});
      group_noise_level_[g] = 1.0F;
    } else {
      group_noise_level_[g] = static_cast<float>(r0);
    }
  }

  equalizer_kernel_args args = kernel_args(out, in);
  args.whitening             = noise_whitening::full;
  args.group_whitening       = group_whitening_.data();
  args.group_noise_level     = group_noise_level_.data();
  args.group_nof_re          = group_nof_re;
  detail::run_equalizer_kernel(args);
}

} // namespace airan::phy
