/// MIMO equaliser: validation and the per-call noise preparation (port weights for MMSE, whitening factors for
/// MMSE-IRC); the per-RE work is in equalizer_kernel_body.h.

#include "airan/phy/pusch/equalizer.h"

#include "equalizer_kernel.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <functional>
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

std::size_t y_port_stride(const equalizer_input& in)
{
  return in.y_port_stride == 0 ? in.nof_re : in.y_port_stride;
}

std::size_t y_symbol_stride(const equalizer_input& in)
{
  return in.y_symbol_stride == 0 ? in.nof_rx_ports * y_port_stride(in) : in.y_symbol_stride;
}

/// Elements of y up to the last one addressed (symbol_index already checked).
std::size_t y_span_end(const equalizer_input& in)
{
  const std::size_t last = in.symbol_index.empty() ? in.nof_symbols - 1 : in.symbol_index.back();
  return last * y_symbol_stride(in) + (in.nof_rx_ports - 1) * y_port_stride(in) + in.nof_re;
}

equalizer_kernel_args
kernel_args(const equalizer_output& out, const equalizer_input& in, std::vector<float>& weights, bool allow_avx2)
{
  equalizer_kernel_args args{};
  args.x            = out.x.data();
  args.noise_var    = out.noise_var.data();
  args.y            = in.y.data();
  args.h            = in.h.data();
  args.nof_rx_ports = in.nof_rx_ports;
  args.nof_layers   = in.nof_layers;
  args.nof_re       = in.nof_re;
  args.nof_symbols  = in.nof_symbols;
  args.y_port_stride   = y_port_stride(in);
  args.y_symbol_stride = y_symbol_stride(in);
  args.h_stride        = in.h_stride == 0 ? in.nof_re : in.h_stride;
  args.symbol_phase = in.symbol_phase.empty() ? nullptr : in.symbol_phase.data();
  args.symbol_index = in.symbol_index.empty() ? nullptr : in.symbol_index.data();
  args.interleaved  = out.interleaved;
  args.weights      = weights.data();
  args.allow_avx2   = allow_avx2;
  return args;
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
  weights_(detail::equalizer_kernel_weights_capacity)
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
  if (in.nof_symbols < 1 || in.nof_symbols > equalizer_max_nof_symbols) {
    return status::error("equalizer: nof_symbols " + std::to_string(in.nof_symbols) + " outside 1.." +
                         std::to_string(equalizer_max_nof_symbols));
  }
  if (!in.symbol_index.empty()) {
    if (in.symbol_index.size() != in.nof_symbols) {
      return size_error("symbol_index", in.symbol_index.size(), in.nof_symbols);
    }
    if (std::adjacent_find(in.symbol_index.begin(), in.symbol_index.end(), std::greater_equal<>()) !=
        in.symbol_index.end()) {
      return status::error("equalizer: symbol_index is not increasing");
    }
    if (in.y_port_stride == 0 && in.y_symbol_stride == 0) {
      return status::error("equalizer: symbol_index needs row distances (y_port_stride, y_symbol_stride)");
    }
  }
  const std::size_t n = in.nof_re;
  for (const std::size_t stride : {in.y_port_stride, in.y_symbol_stride, in.h_stride}) {
    if (stride != 0 && stride < n) {
      return status::error("equalizer: row distance " + std::to_string(stride) + " below nof_re " +
                           std::to_string(n));
    }
  }
  if (in.y_port_stride == 0 && in.y_symbol_stride == 0) {
    if (in.y.size() != in.nof_symbols * in.nof_rx_ports * n) {
      return size_error("y", in.y.size(), in.nof_symbols * in.nof_rx_ports * n);
    }
  } else if (const std::size_t end = y_span_end(in); in.y.size() < end) {
    return size_error("y", in.y.size(), end);
  }
  if (in.h_stride == 0) {
    if (in.h.size() != in.nof_rx_ports * in.nof_layers * n) {
      return size_error("h", in.h.size(), in.nof_rx_ports * in.nof_layers * n);
    }
  } else if (const std::size_t end = (std::size_t{in.nof_rx_ports} * in.nof_layers - 1) * in.h_stride + n;
             in.h.size() < end) {
    return size_error("h", in.h.size(), end);
  }
  if (out.x.size() != in.nof_symbols * in.nof_layers * n) {
    return size_error("x", out.x.size(), in.nof_symbols * in.nof_layers * n);
  }
  if (out.noise_var.size() != in.nof_layers * n) {
    return size_error("noise_var", out.noise_var.size(), in.nof_layers * n);
  }
  if (!in.symbol_phase.empty() && in.symbol_phase.size() != in.nof_symbols) {
    return size_error("symbol_phase", in.symbol_phase.size(), in.nof_symbols);
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

  equalizer_kernel_args args = kernel_args(out, in, weights_, config_.allow_avx2);
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
  detail::run_whitening_kernel(group_whitening_.data(), group_noise_level_.data(), covariance.data(),
                               static_cast<unsigned>(ceil_div(in.nof_re, group_nof_re)), in.nof_rx_ports,
                               config_.allow_avx2);

  equalizer_kernel_args args = kernel_args(out, in, weights_, config_.allow_avx2);
  args.whitening             = noise_whitening::full;
  args.group_whitening       = group_whitening_.data();
  args.group_noise_level     = group_noise_level_.data();
  args.group_nof_re          = group_nof_re;
  detail::run_equalizer_kernel(args);
}

} // namespace airan::phy
