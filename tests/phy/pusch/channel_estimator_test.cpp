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

/// y = H x + n on every RE of the slot, n of variance noise_var.
std::vector<cf_t> receive(const test_link& l, const test_channel& h, double noise_var, std::mt19937& rng)
{
  const unsigned nof_sc = 12 * l.carrier.bwp_size;
  std::vector<cf_t> y(std::size_t{l.nof_rx} * l.grid_size());
  for (unsigned r = 0; r < l.nof_rx; ++r) {
    for (unsigned sym = 0; sym < 14; ++sym) {
      const double t = useful_start_s(l.carrier.numerology, l.pdu.slot, sym);
      for (unsigned k = 0; k < nof_sc; ++k) {
        cd_t v = complex_gaussian(rng, noise_var);
        for (unsigned p = 0; p < l.pdu.nof_antenna_ports; ++p) {
          v += h.at(r, p, k, l.df(), t) * cd_t(l.tx_grid[(std::size_t{p} * 14 + sym) * nof_sc + k]);
        }
        y[(std::size_t{r} * 14 + sym) * nof_sc + k] = cf_t(v);
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

TEST_CASE("Channel estimator: explore")
{
  std::mt19937 rng(2);
  for (double snr_db : {0.0, 10.0, 20.0, 30.0}) {
    const double noise_var = std::pow(10.0, -snr_db / 10);
    pusch_pdu pdu = test_pdu(96);
    const test_link l = transmit(pdu, 4, rng);
    for (int chan = 0; chan < 3; ++chan) {
      const test_channel h = chan == 0 ? flat_channel(4, 1, rng)
                             : chan == 1 ? make_channel(4, 1, {0.0, 100e-9, 200e-9}, {0.5, 0.3, 0.2}, rng)
                                         : make_channel(4, 1, {0.0, 300e-9, 700e-9, 1500e-9}, {0.4, 0.3, 0.2, 0.1}, rng);
      const auto y = receive(l, h, noise_var, rng);
      for (channel_estimator_kind kind : all_kinds) {
        const channel_estimate est = estimate_with(kind, l, y);
        const error_stats e = channel_error(est, l, h);
        MESSAGE("snr " << snr_db << " chan " << chan << " " << name_of(kind) << " mse " << e.mse << " (x sigma2/beta2 "
                       << e.mse / (noise_var / 2) << ") noise " << est.noise_variance()[0] / noise_var << " "
                       << est.noise_variance()[1] / noise_var << " snr " << est.snr_db()[0] << " ta "
                       << est.time_offset_s * 1e9 << " cfo " << est.cfo_hz.value_or(-1));
      }
    }
  }
}
