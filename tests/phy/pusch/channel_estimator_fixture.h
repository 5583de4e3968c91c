#pragma once
// Test fixtures of the PUSCH channel estimator tests: transmitted grids, applied channels, true channel values.
#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_precoding.h"
#include "airan/phy/pusch/pusch_transmitter.h"
#include <doctest/doctest.h>
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace airan::phy::chest_test {

using namespace airan;

using cd_t = std::complex<double>;
constexpr double pi = std::numbers::pi;
constexpr std::array<channel_estimator_kind, 3> all_kinds = {
    channel_estimator_kind::ls_linear, channel_estimator_kind::dft, channel_estimator_kind::lmmse};

inline std::string name_of(channel_estimator_kind kind)
{
  return kind == channel_estimator_kind::ls_linear ? "ls_linear" : kind == channel_estimator_kind::dft ? "dft" : "lmmse";
}

inline carrier_config test_carrier()
{
  carrier_config carrier;
  carrier.numerology = 1;
  carrier.cell_id = 17;
  carrier.nof_prb = 106;
  carrier.bwp_start = 4;
  carrier.bwp_size = 100;
  return carrier;
}

/// Single-layer, type 1, single-symbol DM-RS on symbols 2 and 11, two CDM groups without data (beta = sqrt(2)).
inline pusch_pdu test_pdu(unsigned nof_prb)
{
  pusch_pdu pdu;
  pdu.rnti = 0x4321;
  pdu.n_id = 77;
  pdu.slot = 5;
  pdu.prb_start = 3;
  pdu.nof_prb = nof_prb;
  pdu.mcs = 5;
  pdu.dmrs.scrambling_id = {101, 202};
  pdu.dmrs.additional_position = 1;
  pdu.dmrs.nof_cdm_groups_without_data = 2;
  return pdu;
}

/// TS 38.211 5.3.1, normal cyclic prefix: start of the useful part of symbol l of slot n_s in seconds from the slot
/// start; N_u = 2048 kappa 2^-mu, N_CP = 144 kappa 2^-mu, plus 16 kappa for symbols 0 and 7 2^mu of a subframe.
inline double useful_start_s(unsigned numerology, unsigned slot, unsigned l)
{
  const double tc = 1.0 / (480e3 * 4096);
  const double kappa = 64;
  const unsigned per_subframe = 14U << numerology;
  double t = 0;
  for (unsigned i = 0; i <= l; ++i) {
    const unsigned in_subframe = (slot * 14 + i) % per_subframe;
    double cp = 144 * kappa / (1U << numerology);
    if (in_subframe == 0 || in_subframe == 7U << numerology) {
      cp += 16 * kappa;
    }
    t += cp * tc;
    if (i < l) {
      t += 2048 * kappa / (1U << numerology) * tc;
    }
  }
  return t;
}

struct path {
  cd_t gain;
  double delay_s = 0;
};

/// Channel between every tx port and rx port: sum of paths exp(-j 2 pi k df tau) (k the BWP subcarrier), times a
/// frequency offset's phase exp(j 2 pi f t) at the symbol's useful start.
struct test_channel {
  unsigned nof_rx = 1;
  unsigned nof_tx = 1;
  std::vector<std::vector<path>> paths;
  double cfo_hz = 0;

  cd_t at(unsigned rx, unsigned tx, unsigned k, double df, double t) const
  {
    cd_t h = 0;
    for (const path& p : paths[rx * nof_tx + tx]) {
      h += p.gain * std::polar(1.0, -2 * pi * k * df * p.delay_s);
    }
    return h * std::polar(1.0, 2 * pi * cfo_hz * t);
  }
};

inline cd_t complex_gaussian(std::mt19937& rng, double variance)
{
  std::normal_distribution<double> n(0.0, std::sqrt(variance / 2));
  return {n(rng), n(rng)};
}

/// Paths of given delays and powers with random complex gains, independent for every tx-rx pair.
inline test_channel make_channel(unsigned nof_rx, unsigned nof_tx, const std::vector<double>& delays_s,
                          const std::vector<double>& powers, std::mt19937& rng)
{
  test_channel h{nof_rx, nof_tx, {}, 0};
  for (unsigned i = 0; i < nof_rx * nof_tx; ++i) {
    std::vector<path> paths;
    for (std::size_t p = 0; p < delays_s.size(); ++p) {
      paths.push_back({complex_gaussian(rng, powers[p]), delays_s[p]});
    }
    h.paths.push_back(paths);
  }
  return h;
}

inline test_channel flat_channel(unsigned nof_rx, unsigned nof_tx, std::mt19937& rng)
{
  return make_channel(nof_rx, nof_tx, {0.0}, {1.0}, rng);
}

struct test_link {
  carrier_config carrier = test_carrier();
  pusch_pdu pdu;
  pusch_dmrs_pattern pattern;
  precoding_matrix w;
  std::vector<cf_t> tx_grid;
  unsigned nof_rx = 4;

  double df() const { return 15e3 * (1U << carrier.numerology); }
  unsigned grid_size() const { return 14 * 12 * carrier.bwp_size; }
};

/// Validates the PDU and transmits a random transport block.
inline test_link transmit(const pusch_pdu& pdu, unsigned nof_rx, std::mt19937& rng,
                   const carrier_config& carrier = test_carrier())
{
  test_link l;
  l.carrier = carrier;
  l.pdu = pdu;
  l.nof_rx = nof_rx;
  REQUIRE(compute_pusch_dmrs_pattern(l.pattern, pdu, l.carrier).is_ok());
  REQUIRE(get_pusch_precoding_matrix(l.w, pdu).is_ok());
  pusch_transmitter tx(l.carrier.bwp_size, 4);
  const status s = tx.validate(pdu, l.carrier);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  std::vector<uint8_t> tb(pusch_tbs(pdu, l.carrier) / 8);
  std::uniform_int_distribution<int> byte(0, 255);
  for (uint8_t& b : tb) {
    b = static_cast<uint8_t>(byte(rng));
  }
  l.tx_grid.assign(std::size_t{pdu.nof_antenna_ports} * l.grid_size(), cf_t{});
  tx.transmit({l.tx_grid.data(), pdu.nof_antenna_ports, 14, 12 * l.carrier.bwp_size}, tb, pdu, l.carrier);
  return l;
}

/// y = H x + g i + n on every RE of the slot: n white of variance noise_var, i of unit variance independent on every RE
/// with the spatial signature g across rx ports (none when empty).
inline std::vector<cf_t> receive(const test_link& l, const test_channel& h, double noise_var, std::mt19937& rng,
                          const std::vector<cd_t>& interferer = {})
{
  const unsigned nof_sc = 12 * l.carrier.bwp_size;
  std::vector<cf_t> y(std::size_t{l.nof_rx} * l.grid_size());
  std::vector<cd_t> response(std::size_t{l.pdu.nof_antenna_ports} * nof_sc);
  for (unsigned r = 0; r < l.nof_rx; ++r) {
    for (unsigned p = 0; p < l.pdu.nof_antenna_ports; ++p) {
      for (unsigned k = 0; k < nof_sc; ++k) {
        response[p * nof_sc + k] = h.at(r, p, k, l.df(), 0.0);
      }
    }
    for (unsigned sym = 0; sym < 14; ++sym) {
      const cd_t rotation = std::polar(1.0, 2 * pi * h.cfo_hz * useful_start_s(l.carrier.numerology, l.pdu.slot, sym));
      for (unsigned k = 0; k < nof_sc; ++k) {
        cd_t v = 0;
        for (unsigned p = 0; p < l.pdu.nof_antenna_ports; ++p) {
          v += response[p * nof_sc + k] * cd_t(l.tx_grid[(std::size_t{p} * 14 + sym) * nof_sc + k]);
        }
        v = v * rotation + complex_gaussian(rng, noise_var);
        y[(std::size_t{r} * 14 + sym) * nof_sc + k] = cf_t(v);
      }
    }
  }
  if (!interferer.empty()) {
    for (std::size_t i = 0; i < l.grid_size(); ++i) {
      const cd_t value = complex_gaussian(rng, 1.0);
      for (unsigned r = 0; r < l.nof_rx; ++r) {
        y[r * l.grid_size() + i] += cf_t(interferer[r] * value);
      }
    }
  }
  return y;
}

/// Effective channel sum_p H(r, p) W(p, j) at allocation symbol l and allocation subcarrier k.
inline cd_t true_channel(const test_link& l, const test_channel& h, unsigned r, unsigned j, unsigned sym, unsigned k)
{
  const double t = useful_start_s(l.carrier.numerology, l.pdu.slot, l.pdu.start_symbol + sym);
  cd_t sum = 0;
  for (unsigned p = 0; p < l.pdu.nof_antenna_ports; ++p) {
    sum += h.at(r, p, 12 * l.pdu.prb_start + k, l.df(), t) * cd_t(l.w(p, j));
  }
  return sum;
}

struct error_stats {
  double mse = 0;
  double channel_power = 0;
};

/// Where channel_error() looks: one symbol and layer or all (-1), subcarriers k with k % step == offset.
struct error_region {
  int symbol = -1;
  int layer = -1;
  unsigned step = 1;
  unsigned offset = 0;
};

/// Mean squared error of the estimate, and mean channel power, over every rx port and the region.
inline error_stats channel_error(const channel_estimate& est, const test_link& l, const test_channel& h,
                          const error_region& region = {})
{
  error_stats e;
  std::size_t count = 0;
  for (unsigned r = 0; r < est.nof_rx_ports(); ++r) {
    for (unsigned j = 0; j < est.nof_layers(); ++j) {
      for (unsigned sym = 0; sym < est.nof_symbols(); ++sym) {
        if ((region.symbol >= 0 && sym != unsigned(region.symbol)) || (region.layer >= 0 && j != unsigned(region.layer))) {
          continue;
        }
        const auto row = est.channel(r, j, sym);
        for (unsigned k = region.offset; k < row.size(); k += region.step) {
          const cd_t truth = true_channel(l, h, r, j, sym, k);
          e.mse += std::norm(cd_t(row[k]) - truth);
          e.channel_power += std::norm(truth);
          ++count;
        }
      }
    }
  }
  e.mse /= static_cast<double>(count);
  e.channel_power /= static_cast<double>(count);
  return e;
}

inline channel_estimator_config test_config()
{
  channel_estimator_config config;
  config.max_nof_prb = 100;
  config.max_nof_rx_ports = 4;
  return config;
}

/// test_config() with the LS method's smoothing off: raw LS values, linear interpolation in frequency and time.
inline channel_estimator_config raw_ls_config()
{
  channel_estimator_config config = test_config();
  config.ls_smoothing_prb = 0.0F;
  config.dmrs_time = dmrs_time_mode::interpolate;
  return config;
}

/// Replaces symbols 7..13 of every rx port of the received grid y by those of later: a channel that changes between
/// the two halves of the slot (and so between DM-RS symbols 2 and 11).
inline void take_second_half(std::vector<cf_t>& y, const std::vector<cf_t>& later, const test_link& l)
{
  const std::size_t symbol_size = 12 * l.carrier.bwp_size;
  for (unsigned r = 0; r < l.nof_rx; ++r) {
    const std::size_t offset = (std::size_t{r} * 14 + 7) * symbol_size;
    std::copy_n(later.begin() + offset, 7 * symbol_size, y.begin() + offset);
  }
}

/// Runs one estimator on a received grid.
inline void run(channel_estimate& out, channel_estimator& estimator, const test_link& l, const std::vector<cf_t>& y)
{
  const status s = estimator.validate(l.pdu, l.carrier, l.nof_rx);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  estimator.estimate(out, {y.data(), l.nof_rx, 14, 12 * l.carrier.bwp_size}, l.pdu, l.carrier, l.pattern);
}

/// The estimate of one estimator kind.
inline channel_estimate estimate_with(channel_estimator_kind kind, const test_link& l, const std::vector<cf_t>& y,
                               const channel_estimator_config& config = test_config())
{
  auto estimator = make_channel_estimator(kind, config);
  REQUIRE(estimator != nullptr);
  CHECK(estimator->kind() == kind);
  channel_estimate out(config);
  run(out, *estimator, l, y);
  return out;
}

} // namespace airan::phy::chest_test
