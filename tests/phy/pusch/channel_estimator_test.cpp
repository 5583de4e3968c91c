// PUSCH channel estimation: grids built by the PUSCH transmitter, passed through channels applied here (flat, multipath
// with known delays, pure delay, frequency offset, coloured interference, AWGN of known variance), and the estimates
// compared with the true effective channel and with the statistics of the channel and noise that were applied.
#include "airan/phy/pusch/channel_estimator.h"
#include "airan/phy/pusch/pusch_codeword.h"
#include "airan/phy/pusch/pusch_precoding.h"
#include "airan/phy/pusch/pusch_transmitter.h"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace airan;
using namespace airan::phy;

namespace {

using cd_t = std::complex<double>;
constexpr double pi = std::numbers::pi;
constexpr std::array<channel_estimator_kind, 3> all_kinds = {
    channel_estimator_kind::ls_linear, channel_estimator_kind::dft, channel_estimator_kind::lmmse};

std::string name_of(channel_estimator_kind kind)
{
  return kind == channel_estimator_kind::ls_linear ? "ls_linear" : kind == channel_estimator_kind::dft ? "dft" : "lmmse";
}

carrier_config test_carrier()
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
pusch_pdu test_pdu(unsigned nof_prb)
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
double useful_start_s(unsigned numerology, unsigned slot, unsigned l)
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

cd_t complex_gaussian(std::mt19937& rng, double variance)
{
  std::normal_distribution<double> n(0.0, std::sqrt(variance / 2));
  return {n(rng), n(rng)};
}

/// Paths of given delays and powers with random complex gains, independent for every tx-rx pair.
test_channel make_channel(unsigned nof_rx, unsigned nof_tx, const std::vector<double>& delays_s,
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

test_channel flat_channel(unsigned nof_rx, unsigned nof_tx, std::mt19937& rng)
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
test_link transmit(const pusch_pdu& pdu, unsigned nof_rx, std::mt19937& rng)
{
  test_link l;
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
std::vector<cf_t> receive(const test_link& l, const test_channel& h, double noise_var, std::mt19937& rng,
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
cd_t true_channel(const test_link& l, const test_channel& h, unsigned r, unsigned j, unsigned sym, unsigned k)
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

/// Mean squared error of the estimate over every rx port, layer, symbol and subcarrier of the allocation (or the
/// given symbol and the subcarriers k with k % step == offset).
error_stats channel_error(const channel_estimate& est, const test_link& l, const test_channel& h, int only_symbol = -1,
                          unsigned step = 1, unsigned offset = 0)
{
  error_stats e;
  std::size_t count = 0;
  for (unsigned r = 0; r < est.nof_rx_ports(); ++r) {
    for (unsigned j = 0; j < est.nof_layers(); ++j) {
      for (unsigned sym = 0; sym < est.nof_symbols(); ++sym) {
        if (only_symbol >= 0 && sym != static_cast<unsigned>(only_symbol)) {
          continue;
        }
        const auto row = est.channel(r, j, sym);
        for (unsigned k = offset; k < row.size(); k += step) {
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

channel_estimator_config test_config()
{
  channel_estimator_config config;
  config.max_nof_prb = 100;
  config.max_nof_rx_ports = 4;
  return config;
}

/// Runs one estimator on a received grid.
void run(channel_estimate& out, channel_estimator& estimator, const test_link& l, const std::vector<cf_t>& y)
{
  const status s = estimator.validate(l.pdu, l.carrier, l.nof_rx);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  estimator.estimate(out, {y.data(), l.nof_rx, 14, 12 * l.carrier.bwp_size}, l.pdu, l.carrier, l.pattern);
}

/// The estimate of one estimator kind.
channel_estimate estimate_with(channel_estimator_kind kind, const test_link& l, const std::vector<cf_t>& y,
                               const channel_estimator_config& config = test_config())
{
  auto estimator = make_channel_estimator(kind, config);
  REQUIRE(estimator != nullptr);
  CHECK(estimator->kind() == kind);
  channel_estimate out(config);
  run(out, *estimator, l, y);
  return out;
}

} // namespace

TEST_CASE("Channel estimator: a noise-free flat channel is estimated to float precision by every method")
{
  std::mt19937 rng(1);
  struct dmrs_case {
    const char* name;
    unsigned config_type;
    unsigned max_length;
    unsigned additional_position;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    unsigned cdm_groups;
    bool transform_precoding;
  };
  const std::vector<dmrs_case> cases = {
      {"type 1, one layer, 2 symbols", 1, 1, 1, 1, {0, 0, 0, 0}, 2, false},
      {"type 1, one layer on port 1, 1 CDM group", 1, 1, 0, 1, {1, 0, 0, 0}, 1, false},
      {"type 2, one layer, 3 symbols", 2, 1, 2, 1, {0, 0, 0, 0}, 3, false},
      {"type 1, double symbol, port 5", 1, 2, 1, 1, {5, 0, 0, 0}, 2, false},
      {"transform precoding", 1, 1, 1, 1, {0, 0, 0, 0}, 2, true},
      {"type 1, 2 layers in one CDM group", 1, 1, 1, 2, {0, 1, 0, 0}, 2, false},
      {"type 1, 4 layers, double symbol, one CDM group", 1, 2, 0, 4, {0, 1, 4, 5}, 2, false},
      {"type 2, 4 layers, double symbol, one CDM group", 2, 2, 1, 4, {0, 1, 6, 7}, 3, false},
      {"type 2, 4 layers over 2 CDM groups", 2, 1, 1, 4, {0, 1, 2, 3}, 2, false},
  };
  for (const dmrs_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(48);
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.additional_position = c.additional_position;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    pdu.transform_precoding = c.transform_precoding;
    if (c.transform_precoding) {
      pdu.table = mcs_table::tp_qam64;
    }
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, c.nof_layers, rng);
    const auto y = receive(l, h, 0.0, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const std::string method = name_of(kind);
      CAPTURE(method);
      const channel_estimate est = estimate_with(kind, l, y);
      const error_stats e = channel_error(est, l, h);
      // LMMSE: the design SNR is capped at 60 dB (the filter's bias on a noise-free channel stays around -75 dB).
      CHECK(e.mse / e.channel_power < (kind == channel_estimator_kind::lmmse ? 1e-7 : 1e-10));
      CHECK(std::abs(est.time_offset_s) < 1e-12);
      for (unsigned r = 0; r < 4; ++r) {
        CHECK(est.noise_variance()[r] < 1e-10);
        CHECK(est.snr_db()[r] > 60);
      }
    }
  }
}


TEST_CASE("Channel estimator: LS error is the noise of one DM-RS RE at the pilots and half of it between them")
{
  // One DM-RS symbol (l = 2), flat channel: the LS value of a pilot has noise variance sigma^2 / beta^2, the mean of
  // two neighbours half of that; every symbol of the slot gets the same estimate.
  std::mt19937 rng(3);
  pusch_pdu pdu = test_pdu(96);
  pdu.dmrs.additional_position = 0;
  const double noise_var = 0.1;
  const double per_pilot = noise_var / 2; // beta^2 = 2: two CDM groups without data
  double pilots = 0;
  double between = 0;
  for (unsigned trial = 0; trial < 3; ++trial) {
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, 1, rng);
    const channel_estimate est = estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, noise_var, rng));
    REQUIRE(est.nof_symbols() == 14);
    REQUIRE(est.nof_subcarriers() == 12 * 96);
    REQUIRE(!est.cfo_hz.has_value());
    // Port 0, Delta = 0: the pilots are the even subcarriers of the allocation (it starts on an even one).
    pilots += channel_error(est, l, h, 2, 2, 0).mse / 3;
    between += channel_error(est, l, h, 2, 2, 1).mse / 3;
    // The last subcarrier is held from the last pilot; the others are midpoints. The same estimate on every symbol.
    for (unsigned sym = 0; sym < 14; ++sym) {
      for (unsigned r = 0; r < 4; ++r) {
        CHECK(est.channel(r, 0, sym)[100] == est.channel(r, 0, 2)[100]);
      }
    }
  }
  const double hold = 1.0 / 576; // share of the odd subcarriers that are held (one per allocation), error sigma^2/beta^2
  CHECK(pilots == doctest::Approx(per_pilot).epsilon(0.06));
  CHECK(between == doctest::Approx(per_pilot * (0.5 * (1 - hold) + hold)).epsilon(0.06));
}

TEST_CASE("Channel estimator: DFT and LMMSE are far better than LS at low SNR on a short-delay channel")
{
  std::mt19937 rng(4);
  const pusch_pdu pdu = test_pdu(96);
  for (double snr_db : {0.0, 10.0}) {
    CAPTURE(snr_db);
    const double noise_var = std::pow(10.0, -snr_db / 10);
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = make_channel(4, 1, {0.0, 150e-9}, {0.7, 0.3}, rng);
    const auto y = receive(l, h, noise_var, rng);
    const double ls = channel_error(estimate_with(channel_estimator_kind::ls_linear, l, y), l, h).mse;
    const double dft = channel_error(estimate_with(channel_estimator_kind::dft, l, y), l, h).mse;
    const double lmmse = channel_error(estimate_with(channel_estimator_kind::lmmse, l, y), l, h).mse;
    channel_estimator_config exponential = test_config();
    exponential.lmmse_profile = power_delay_profile::exponential;
    exponential.lmmse_delay_spread_s = 100e-9F;
    const double lmmse_exponential =
        channel_error(estimate_with(channel_estimator_kind::lmmse, l, y, exponential), l, h).mse;
    // LS: below the error of one pilot (time and frequency interpolation average some noise).
    CHECK(ls < noise_var / 2);
    CHECK(ls > 0.4 * noise_var / 2);
    CHECK(dft < 0.1 * ls);
    CHECK(lmmse < 0.2 * ls);
    CHECK(lmmse_exponential < 0.2 * ls);
  }
}

TEST_CASE("Channel estimator: LMMSE error at the pilots follows the Wiener filter's theory for a matched profile")
{
  // Many paths with delays uniform over sqrt(12) x 300 ns: the frequency correlation the uniform profile assumes.
  // Interior pilots of the DM-RS symbol (one DM-RS symbol): the window of 16 values centred on the pilot, so the error
  // is P (1 - r^T (R + s^2 / P I)^-1 r) with R, r from sin(pi f T) / (pi f T) at the pilot distances.
  std::mt19937 rng(5);
  pusch_pdu pdu = test_pdu(96);
  pdu.dmrs.additional_position = 0;
  const double noise_var = 0.1;
  const double spread_s = 300e-9;
  const double width_s = std::sqrt(12.0) * spread_s;
  constexpr unsigned length = 16;
  auto rho = [&](double f) {
    const double x = pi * f * width_s;
    return std::abs(x) < 1e-12 ? 1.0 : std::sin(x) / x;
  };
  auto wiener_error = [&](double power, double df) {
    // Solve (R + n I) a = r by plain Gaussian elimination; r for the value at window position length / 2.
    std::vector<std::vector<double>> a(length, std::vector<double>(length + 1));
    for (unsigned i = 0; i < length; ++i) {
      for (unsigned j = 0; j < length; ++j) {
        a[i][j] = rho(2.0 * (double(i) - double(j)) * df) + (i == j ? noise_var / 2 / power : 0.0);
      }
      a[i][length] = rho(2.0 * (double(length / 2) - double(i)) * df);
    }
    for (unsigned c = 0; c < length; ++c) {
      for (unsigned i = c + 1; i < length; ++i) {
        const double f = a[i][c] / a[c][c];
        for (unsigned j = c; j <= length; ++j) {
          a[i][j] -= f * a[c][j];
        }
      }
    }
    std::vector<double> x(length);
    double explained = 0;
    for (unsigned i = length; i-- > 0;) {
      double sum = a[i][length];
      for (unsigned j = i + 1; j < length; ++j) {
        sum -= a[i][j] * x[j];
      }
      x[i] = sum / a[i][i];
    }
    for (unsigned i = 0; i < length; ++i) {
      explained += x[i] * rho(2.0 * (double(length / 2) - double(i)) * df);
    }
    return power * (1 - explained);
  };

  std::uniform_real_distribution<double> delay(-width_s / 2, width_s / 2);
  double measured = 0;
  double theory = 0;
  for (unsigned trial = 0; trial < 4; ++trial) {
    const test_link l = transmit(pdu, 4, rng);
    std::vector<double> delays(64);
    for (double& d : delays) {
      d = delay(rng);
    }
    const test_channel h = make_channel(4, 1, delays, std::vector<double>(64, 1.0 / 64), rng);
    const channel_estimate est = estimate_with(channel_estimator_kind::lmmse, l, receive(l, h, noise_var, rng));
    for (unsigned r = 0; r < 4; ++r) {
      double power = 0;
      for (unsigned k = 0; k < 12 * 96; ++k) {
        power += std::norm(true_channel(l, h, r, 0, 2, k)) / (12 * 96);
      }
      // Pilots 16 .. 575 - 16: whole windows.
      for (unsigned m = length; m + length < 6 * 96; ++m) {
        measured += std::norm(cd_t(est.channel(r, 0, 2)[2 * m]) - true_channel(l, h, r, 0, 2, 2 * m));
        theory += wiener_error(power, l.df());
      }
    }
  }
  CHECK(measured == doctest::Approx(theory).epsilon(0.15));
}

TEST_CASE("Channel estimator: noise variance, SNR and DM-RS EPRE match what was applied")
{
  struct noise_case {
    const char* name;
    unsigned config_type;
    unsigned max_length;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    unsigned cdm_groups;
    std::vector<double> delays_s;
    std::vector<double> powers;
    double snr_db;
  };
  const std::vector<noise_case> cases = {
      {"empty CDM group, flat", 1, 1, 1, {0, 0, 0, 0}, 2, {0.0}, {1.0}, 10},
      {"fit of one layer, multipath", 1, 1, 1, {0, 0, 0, 0}, 1, {0.0, 200e-9, 600e-9}, {0.5, 0.3, 0.2}, 20},
      {"fit of two layers with w_f", 1, 1, 2, {0, 1, 0, 0}, 1, {0.0, 100e-9}, {0.7, 0.3}, 10},
      {"fit of four layers, type 2, double symbol", 2, 2, 4, {0, 1, 6, 7}, 1, {0.0}, {1.0}, 10},
      {"fit of four layers in two groups", 1, 1, 4, {0, 1, 2, 3}, 2, {0.0, 100e-9}, {0.7, 0.3}, 15},
      {"type 2, one layer, empty groups", 2, 1, 1, {0, 0, 0, 0}, 3, {0.0, 300e-9}, {0.6, 0.4}, 5},
  };
  std::mt19937 rng(6);
  for (const noise_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(64);
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    const double noise_var = std::pow(10.0, -c.snr_db / 10);
    double ratio = 0;
    for (unsigned trial = 0; trial < 3; ++trial) {
      const test_link l = transmit(pdu, 4, rng);
      const test_channel h = make_channel(4, c.nof_layers, c.delays_s, c.powers, rng);
      const channel_estimate est = estimate_with(channel_estimator_kind::dft, l, receive(l, h, noise_var, rng));
      for (unsigned r = 0; r < 4; ++r) {
        ratio += est.noise_variance()[r] / noise_var / 12;
        // SNR of a data RE: the layers' channel power over the noise.
        double power = 0;
        for (unsigned j = 0; j < c.nof_layers; ++j) {
          for (unsigned k = 0; k < 12 * 64; ++k) {
            power += std::norm(true_channel(l, h, r, j, 2, k)) / (12 * 64);
          }
        }
        // Within 1 dB (26 %) plus 0.1 in linear terms, so that weak ports (noisy in dB) are judged fairly.
        const double snr = std::pow(10.0, est.snr_db()[r] / 10);
        CHECK(std::abs(snr - power / noise_var) < 0.26 * power / noise_var + 0.1);
        if (c.nof_layers == 1) {
          // Mean |y|^2 over the DM-RS REs: beta^2 |H|^2 + sigma^2.
          const double beta2 = c.cdm_groups;
          CHECK(est.dmrs_epre()[r] == doctest::Approx(beta2 * power + noise_var).epsilon(0.1));
        }
      }
    }
    CHECK(ratio == doctest::Approx(1.0).epsilon(0.1));
  }
}

TEST_CASE("Channel estimator: the timing offset of a pure delay is found within a fraction of a sample")
{
  // A sample of a 4096-point FFT at 30 kHz is 8.14 ns; 20 dB SNR.
  std::mt19937 rng(7);
  const pusch_pdu pdu = test_pdu(96);
  for (double delay_s : {0.37e-6, -1.23e-6, 2.5e-9}) {
    CAPTURE(delay_s);
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = make_channel(4, 1, {delay_s}, {1.0}, rng);
    const double noise_var = 0.01;
    const auto y = receive(l, h, noise_var, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const std::string method = name_of(kind);
      CAPTURE(method);
      const channel_estimate est = estimate_with(kind, l, y);
      CHECK(std::abs(est.time_offset_s - delay_s) < 1e-9);
      // The estimate follows the delay's phase ramp: LS error at the pilots of a DM-RS symbol as for a flat channel.
      const double pilots = channel_error(est, l, h, 2, 2, 0).mse;
      CHECK(pilots < (kind == channel_estimator_kind::ls_linear ? 1.1 : 0.3) * noise_var / 2);
    }
  }
}

TEST_CASE("Channel estimator: the frequency offset is found from the phase between DM-RS symbols")
{
  std::mt19937 rng(8);
  const double noise_var = 0.01;
  struct cfo_case {
    const char* name;
    unsigned max_length;
    unsigned additional_position;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    double cfo_hz;
    double tolerance;
  };
  const std::vector<cfo_case> cases = {
      {"symbols 2 and 11", 1, 1, 1, {0, 0, 0, 0}, 150, 0.03},
      {"symbols 2 and 11, negative", 1, 1, 1, {0, 0, 0, 0}, -400, 0.03},
      {"symbols 2, 7 and 11", 1, 2, 2, {0, 1, 0, 0}, 250, 0.03},
      {"one double-symbol occasion, same w_t", 2, 0, 2, {0, 1, 0, 0}, 1000, 0.05},
      {"two double-symbol occasions, w_t mixed", 2, 1, 2, {0, 4, 0, 0}, 300, 0.03},
  };
  for (const cfo_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(96);
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.additional_position = c.additional_position;
    pdu.dmrs.ports = c.ports;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    const test_link l = transmit(pdu, 4, rng);
    test_channel h = flat_channel(4, c.nof_layers, rng);
    std::mt19937 noise_rng(9);
    const channel_estimate still = estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, noise_var, noise_rng));
    h.cfo_hz = c.cfo_hz;
    noise_rng.seed(9);
    const channel_estimate moving = estimate_with(channel_estimator_kind::ls_linear, l, receive(l, h, noise_var, noise_rng));
    REQUIRE(moving.cfo_hz.has_value());
    CHECK(std::abs(*moving.cfo_hz - c.cfo_hz) < c.tolerance * std::abs(c.cfo_hz));
    // The rotation is put back on every symbol: the error stays that of the channel without offset.
    h.cfo_hz = 0;
    const double reference = channel_error(still, l, h).mse;
    h.cfo_hz = c.cfo_hz;
    CHECK(channel_error(moving, l, h).mse < 1.2 * reference);
  }

  SUBCASE("no estimate without two usable DM-RS symbols")
  {
    for (unsigned max_length : {1U, 2U}) {
      pusch_pdu pdu = test_pdu(24);
      pdu.dmrs.max_length = max_length;
      pdu.dmrs.additional_position = 0;
      // Double symbol: ports 0 and 4 share CDM group 0 with different w_t.
      pdu.dmrs.ports = {0, 4, 0, 0};
      pdu.nof_layers = max_length;
      pdu.nof_antenna_ports = max_length;
      const test_link l = transmit(pdu, 2, rng);
      const channel_estimate est =
          estimate_with(channel_estimator_kind::ls_linear, l, receive(l, flat_channel(2, max_length, rng), 0.01, rng));
      CHECK(!est.cfo_hz.has_value());
    }
  }
}

TEST_CASE("Channel estimator: layers sharing a CDM group are separated by their cover codes")
{
  struct cdm_case {
    const char* name;
    unsigned config_type;
    unsigned max_length;
    unsigned nof_layers;
    std::array<unsigned, 4> ports;
    unsigned cdm_groups;
  };
  const std::vector<cdm_case> cases = {
      {"type 1, 2 layers, w_f", 1, 1, 2, {0, 1, 0, 0}, 1},
      {"type 1, 4 layers, 2 groups", 1, 1, 4, {0, 1, 2, 3}, 2},
      {"type 1, double symbol, 4 layers, w_f and w_t", 1, 2, 4, {0, 1, 4, 5}, 1},
      {"type 1, double symbol, 2 layers, w_t", 1, 2, 2, {2, 6, 0, 0}, 2},
      {"type 2, 2 layers, w_f", 2, 1, 2, {2, 3, 0, 0}, 2},
      {"type 2, 4 layers, 2 groups", 2, 1, 4, {0, 1, 2, 3}, 2},
      {"type 2, double symbol, 4 layers, w_f and w_t", 2, 2, 4, {4, 5, 10, 11}, 3},
  };
  std::mt19937 rng(10);
  const double noise_var = 0.01;
  for (const cdm_case& c : cases) {
    const std::string name = c.name;
    CAPTURE(name);
    pusch_pdu pdu = test_pdu(48);
    pdu.dmrs.config_type = c.config_type;
    pdu.dmrs.max_length = c.max_length;
    pdu.dmrs.ports = c.ports;
    pdu.dmrs.nof_cdm_groups_without_data = c.cdm_groups;
    pdu.nof_layers = c.nof_layers;
    pdu.nof_antenna_ports = c.nof_layers;
    const test_link l = transmit(pdu, 4, rng);
    // Independent channels per layer with a little frequency selectivity: any leak of one layer into another would
    // show as an error of the order of the channel power (about 1), far above the noise.
    const test_channel h = make_channel(4, c.nof_layers, {0.0, 100e-9}, {0.8, 0.2}, rng);
    const auto y = receive(l, h, noise_var, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const std::string method = name_of(kind);
      CAPTURE(method);
      const channel_estimate est = estimate_with(kind, l, y);
      for (unsigned j = 0; j < c.nof_layers; ++j) {
        CAPTURE(j);
        double mse = 0;
        double count = 0;
        for (unsigned r = 0; r < 4; ++r) {
          for (unsigned sym = 0; sym < 14; ++sym) {
            for (unsigned k = 0; k < 12 * 48; ++k) {
              mse += std::norm(cd_t(est.channel(r, j, sym)[k]) - true_channel(l, h, r, j, sym, k));
              ++count;
            }
          }
        }
        // Despreading and interpolation average the noise: below half the noise of one DM-RS RE, sigma^2 / beta^2.
        CHECK(mse / count < 0.5 * noise_var / c.cdm_groups);
      }
    }
  }
}

TEST_CASE("Channel estimator: the channel estimated is the precoded one, H W")
{
  std::mt19937 rng(11);
  struct precoding_case {
    unsigned nof_ports;
    unsigned nof_layers;
    unsigned tpmi;
  };
  for (const precoding_case& c : {precoding_case{2, 1, 3}, precoding_case{4, 2, 9}, precoding_case{4, 1, 20}}) {
    CAPTURE(c.nof_ports);
    CAPTURE(c.tpmi);
    pusch_pdu pdu = test_pdu(24);
    pdu.precoding = pusch_precoding::codebook;
    pdu.nof_antenna_ports = c.nof_ports;
    pdu.nof_layers = c.nof_layers;
    pdu.tpmi = c.tpmi;
    const test_link l = transmit(pdu, 4, rng);
    const test_channel h = flat_channel(4, c.nof_ports, rng);
    for (channel_estimator_kind kind : all_kinds) {
      const error_stats e = channel_error(estimate_with(kind, l, receive(l, h, 0.0, rng)), l, h);
      CHECK(e.mse / e.channel_power < 1e-7);
    }
  }
}

TEST_CASE("Channel estimator: noise-plus-interference covariance of a spatially coloured interferer")
{
  std::mt19937 rng(12);
  const double noise_var = 0.05;
  std::vector<cd_t> signature(4);
  for (cd_t& g : signature) {
    g = complex_gaussian(rng, 0.5);
  }
  // R = sigma^2 I + g g^H.
  auto relative_error = [&](std::span<const cf_t> estimate) {
    double error = 0;
    double norm = 0;
    for (unsigned a = 0; a < 4; ++a) {
      for (unsigned b = 0; b < 4; ++b) {
        const cd_t truth = signature[a] * std::conj(signature[b]) + (a == b ? noise_var : 0.0);
        error += std::norm(cd_t(estimate[a * 4 + b]) - truth);
        norm += std::norm(truth);
        // Hermitian.
        CHECK(estimate[a * 4 + b] == std::conj(estimate[b * 4 + a]));
      }
    }
    return std::sqrt(error / norm);
  };
  for (unsigned cdm_groups : {1U, 2U}) {
    CAPTURE(cdm_groups);
    pusch_pdu pdu = test_pdu(96);
    pdu.dmrs.nof_cdm_groups_without_data = cdm_groups;
    const test_link l = transmit(pdu, 4, rng);
    const auto y = receive(l, make_channel(4, 1, {0.0, 100e-9}, {0.8, 0.2}, rng), noise_var, rng, signature);

    const channel_estimate whole = estimate_with(channel_estimator_kind::ls_linear, l, y);
    REQUIRE(whole.nof_covariance_groups() == 1);
    CHECK(relative_error(whole.noise_covariance(0)) < 0.1);
    for (unsigned r = 0; r < 4; ++r) {
      CHECK(whole.noise_variance()[r] == doctest::Approx(std::norm(signature[r]) + noise_var).epsilon(0.1));
    }

    channel_estimator_config config = test_config();
    config.covariance_nof_prb = 10;
    const channel_estimate grouped = estimate_with(channel_estimator_kind::ls_linear, l, y, config);
    REQUIRE(grouped.nof_covariance_groups() == 10);
    REQUIRE(grouped.covariance_nof_prb() == 10);
    for (unsigned g = 0; g < 10; ++g) {
      CHECK(relative_error(grouped.noise_covariance(g)) < 0.4);
    }
  }
}

TEST_CASE("Channel estimator: invalid configurations and PDUs are rejected")
{
  auto config_error = [](auto change) {
    channel_estimator_config config;
    change(config);
    CHECK(make_channel_estimator(channel_estimator_kind::dft, config) == nullptr);
    return validate_channel_estimator_config(config).message();
  };
  CHECK(validate_channel_estimator_config(channel_estimator_config{}).is_ok());
  CHECK(config_error([](auto& c) { c.max_nof_prb = 0; }).find("max_nof_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_prb = 276; }).find("max_nof_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_rx_ports = 0; }).find("max_nof_rx_ports") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_rx_ports = 17; }).find("max_nof_rx_ports") != std::string::npos);
  CHECK(config_error([](auto& c) { c.max_nof_layers = 5; }).find("max_nof_layers") != std::string::npos);
  CHECK(config_error([](auto& c) { c.covariance_nof_prb = 276; }).find("covariance_nof_prb") != std::string::npos);
  CHECK(config_error([](auto& c) { c.dft_max_delay_s = -1e-6F; }).find("dft_max_delay_s") != std::string::npos);
  CHECK(config_error([](auto& c) { c.dft_threshold = -1.0F; }).find("dft_threshold") != std::string::npos);
  CHECK(config_error([](auto& c) { c.lmmse_delay_spread_s = std::nanf(""); }).find("lmmse_delay_spread_s") !=
        std::string::npos);
  CHECK(config_error([](auto& c) { c.lmmse_filter_length = 0; }).find("lmmse_filter_length") != std::string::npos);

  channel_estimator_config config;
  config.max_nof_prb = 50;
  config.max_nof_rx_ports = 4;
  config.max_nof_layers = 2;
  const auto estimator = make_channel_estimator(channel_estimator_kind::ls_linear, config);
  REQUIRE(estimator != nullptr);
  const carrier_config carrier = test_carrier();
  const pusch_pdu valid = test_pdu(50);
  CHECK(estimator->validate(valid, carrier, 4).is_ok());
  CHECK(estimator->validate(valid, carrier, 0).message().find("receive ports") != std::string::npos);
  CHECK(estimator->validate(valid, carrier, 5).message().find("receive ports") != std::string::npos);
  pusch_pdu pdu = test_pdu(51);
  CHECK(estimator->validate(pdu, carrier, 4).message().find("PRB above") != std::string::npos);
  pdu = valid;
  pdu.nof_layers = 4;
  pdu.nof_antenna_ports = 4;
  CHECK(estimator->validate(pdu, carrier, 4).message().find("layers above") != std::string::npos);
  pdu = valid;
  pdu.dmrs.ports = {2, 0, 0, 0};
  pdu.dmrs.nof_cdm_groups_without_data = 1;
  CHECK(estimator->validate(pdu, carrier, 4).message().find("CDM group") != std::string::npos);
  pdu = valid;
  pdu.prb_start = 60;
  CHECK(estimator->validate(pdu, carrier, 4).message().find("bandwidth part") != std::string::npos);
}
