// airan demo: random transport blocks through UL-SCH encoding, scrambling, modulation, an AWGN channel, soft
// demodulation, descrambling and decoding; prints BLER, throughput and decoder effort per SNR.

#include "airan/common/complex.h"
#include "airan/phy/channel/impairments.h"
#include "airan/phy/coding/mcs_tbs.h"
#include "airan/phy/coding/scrambling.h"
#include "airan/phy/modulation/modulation.h"
#include "airan/phy/ulsch/ulsch_decoder.h"
#include "airan/phy/ulsch/ulsch_encoder.h"
#include "commands.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace airan::tools {

namespace {

struct demo_options {
  unsigned nof_prb = 52;
  unsigned mcs = 20;
  std::string table = "qam256";
  unsigned nof_layers = 1;
  unsigned nof_slots = 200;
  std::vector<double> snrs_db;
  unsigned max_iterations = 6;
  uint64_t seed = 1;
};

/// One slot of 14 symbols with one DMRS symbol (configuration type 1, no data in its CDM groups).
constexpr unsigned nof_symbols = 14;
constexpr unsigned nof_dmrs_re_per_prb = 12;
/// 30 kHz subcarrier spacing: 2000 slots per second.
constexpr double slots_per_second = 2000.0;

void run_demo(const demo_options& opt)
{
  const auto mcs = phy::lookup_mcs(parse_mcs_table(opt.table), opt.mcs);
  if (!mcs) {
    throw std::invalid_argument("MCS " + std::to_string(opt.mcs) + " is reserved or out of range in table " +
                                opt.table);
  }
  const phy::tbs_params tbs_in{
      nof_symbols,           nof_dmrs_re_per_prb, 0, opt.nof_prb, mcs->target_code_rate_x1024 / 1024.0f,
      mcs->modulation_order, opt.nof_layers};
  unsigned tbs = 0;
  if (auto s = phy::compute_tbs(tbs, tbs_in); !s) {
    throw std::invalid_argument(s.message());
  }
  const unsigned nof_re = (nof_symbols * 12 - nof_dmrs_re_per_prb) * opt.nof_prb * opt.nof_layers;
  const phy::ulsch_config config{tbs,
                                 mcs->target_code_rate_x1024 / 1024.0f,
                                 mcs->modulation_order,
                                 opt.nof_layers,
                                 nof_re * mcs->modulation_order,
                                 0,
                                 std::nullopt};

  phy::ulsch_encoder encoder(tbs);
  phy::ulsch_decoder decoder(tbs, 1, {opt.max_iterations, true});
  if (auto s = encoder.validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  if (auto s = decoder.validate(config, 0); !s) {
    throw std::invalid_argument(s.message());
  }

  std::printf("airan demo: %u PRB, %u layer(s), MCS %u (%s, Qm %u, R %.0f/1024), TBS %u bits, G %u bits, %u slots "
              "per SNR, LDPC max %u iterations\n",
              opt.nof_prb, opt.nof_layers, opt.mcs, opt.table.c_str(), mcs->modulation_order,
              mcs->target_code_rate_x1024, tbs, config.nof_coded_bits, opt.nof_slots, opt.max_iterations);
  std::printf("%8s %8s %10s %14s %12s %14s\n", "SNR[dB]", "BLER", "errors", "thr[Mbit/s]", "LDPC iter",
              "decode[us/TB]");

  const uint32_t c_init = phy::pusch_scrambling_cinit(0x4601, 1);
  std::mt19937_64 rng(opt.seed);
  std::vector<uint8_t> tb(tbs / 8);
  std::vector<uint8_t> decoded(tbs / 8);
  std::vector<uint8_t> bits(config.nof_coded_bits);
  std::vector<cf_t> symbols(nof_re);
  std::vector<float> noise_var(nof_re);
  std::vector<int8_t> llrs(config.nof_coded_bits);

  for (double snr_db : opt.snrs_db) {
    const float n0 = static_cast<float>(std::pow(10.0, -snr_db / 10.0));
    std::normal_distribution<float> noise(0.0f, std::sqrt(n0 / 2));
    std::fill(noise_var.begin(), noise_var.end(), n0);
    unsigned nof_errors = 0;
    unsigned long iterations = 0;
    unsigned long nof_cbs = 0;
    std::chrono::nanoseconds decode_time{0};
    for (unsigned slot = 0; slot < opt.nof_slots; ++slot) {
      for (auto& byte : tb) {
        byte = static_cast<uint8_t>(rng());
      }
      encoder.encode(bits, tb, config);
      phy::scramble_bits(bits, c_init);
      phy::modulate(symbols, bits, mcs->modulation);
      for (auto& s : symbols) {
        s += cf_t(noise(rng), noise(rng));
      }
      const auto start = std::chrono::steady_clock::now();
      phy::demodulate_soft(llrs, symbols, noise_var, mcs->modulation);
      phy::descramble_llrs(llrs, c_init);
      const auto result = decoder.decode(decoded, llrs, config, 0, true);
      decode_time += std::chrono::steady_clock::now() - start;
      iterations += result.total_iterations;
      nof_cbs += result.nof_cbs_decoded;
      nof_errors += (!result.tb_crc_ok || decoded != tb) ? 1 : 0;
    }
    const double bler = static_cast<double>(nof_errors) / opt.nof_slots;
    std::printf("%8.1f %8.3f %10u %14.1f %12.2f %14.1f\n", snr_db, bler, nof_errors,
                (1.0 - bler) * tbs * slots_per_second / 1e6, static_cast<double>(iterations) / std::max(nof_cbs, 1UL),
                std::chrono::duration<double, std::micro>(decode_time).count() / opt.nof_slots);
  }
  std::printf("thr: decoded bits per second at 30 kHz subcarrier spacing (2000 slots/s); decode: demapping, "
              "descrambling and UL-SCH decoding on one CPU core\n");
}

} // namespace

phy::mcs_table parse_mcs_table(const std::string& name)
{
  static const std::map<std::string, phy::mcs_table> tables = {{"qam64", phy::mcs_table::qam64},
                                                               {"qam256", phy::mcs_table::qam256},
                                                               {"qam64-low-se", phy::mcs_table::qam64_low_se}};
  const auto it = tables.find(name);
  if (it == tables.end()) {
    throw std::invalid_argument("unknown MCS table '" + name + "' (qam64, qam256, qam64-low-se)");
  }
  return it->second;
}

void add_demo_command(CLI::App& app)
{
  auto opt = std::make_shared<demo_options>();
  auto* cmd = app.add_subcommand("demo", "UL-SCH over AWGN: encode, modulate, add noise, demodulate, decode; BLER "
                                         "and throughput per SNR");
  cmd->add_option("--prb", opt->nof_prb, "allocated PRBs")->check(CLI::Range(1, 275))->capture_default_str();
  cmd->add_option("--mcs", opt->mcs, "MCS index (TS 38.214 6.1.4.1)")->check(CLI::Range(0, 31))->capture_default_str();
  cmd->add_option("--table", opt->table, "MCS table: qam64, qam256, qam64-low-se")->capture_default_str();
  cmd->add_option("--layers", opt->nof_layers, "transmission layers")->check(CLI::Range(1, 4))->capture_default_str();
  cmd->add_option("--slots", opt->nof_slots, "slots per SNR point")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--snr", opt->snrs_db,
                  "SNR points in dB (default: 8 points from 2 dB above the Shannon limit of the MCS)");
  cmd->add_option("--iterations", opt->max_iterations, "LDPC maximum iterations")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--seed", opt->seed, "random seed")->check(unsigned_64bit())->capture_default_str();
  cmd->callback([opt] {
    for (const double snr_db : opt->snrs_db) {
      if (auto s = phy::validate_snr_db(snr_db); !s) {
        throw std::invalid_argument("--snr: " + s.message());
      }
    }
    if (opt->snrs_db.empty()) {
      const auto mcs = phy::lookup_mcs(parse_mcs_table(opt->table), opt->mcs);
      // Shannon SNR of the MCS spectral efficiency; a practical receiver (max-log demapping, 6 min-sum iterations)
      // needs 2 to 4 dB more: the ladder spans that region in 0.5 dB steps.
      const double se = mcs ? mcs->spectral_efficiency : 1.0;
      const double threshold_db = 10.0 * std::log10(std::pow(2.0, se) - 1.0);
      for (int i = 0; i < 8; ++i) {
        opt->snrs_db.push_back(std::round(threshold_db) + 2.0 + 0.5 * i);
      }
    }
    run_demo(*opt);
  });
}

} // namespace airan::tools
