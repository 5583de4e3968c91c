// airan run: decodes test vectors (files or directories of *.h5), compares with their expectations, prints a
// per-case table and optionally writes JSON; the exit status is non-zero when any case fails or cannot be read.

#include "airan/common/bit_packing.h"
#include "airan/io/testvector.h"
#include "airan/phy/coding/scrambling.h"
#include "airan/phy/pusch/pusch_receiver.h"
#include "airan/phy/ulsch/ulsch_decoder.h"
#include "airan/phy/ulsch/ulsch_encoder.h"
#include "commands.h"
#include "fh_options.h"
#include "run_cases.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

namespace airan::tools {

namespace {

struct run_options {
  std::vector<std::string> paths;
  std::string json_path;
  std::string estimator = "ls";
  fronthaul_run_options fronthaul;
};

unsigned count_bit_errors(std::span<const uint8_t> a, std::span<const uint8_t> b)
{
  unsigned errors = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    errors += static_cast<unsigned>(__builtin_popcount(static_cast<unsigned>(a[i] ^ b[i])));
  }
  return errors + static_cast<unsigned>(8 * (std::max(a.size(), b.size()) - std::min(a.size(), b.size())));
}

/// kind ulsch_coding: the chain must reproduce the coded and scrambled bits and decode them back.
void run_ulsch(case_result& r, const io::ulsch_coding_vector& v)
{
  phy::ulsch_encoder encoder;
  phy::ulsch_decoder decoder(v.config.tbs, 1, phy::ldpc_decoder_config{});
  if (auto s = encoder.validate(v.config); !s) {
    r.error = s.message();
    return;
  }
  if (auto s = decoder.validate(v.config, 0); !s) {
    r.error = s.message();
    return;
  }
  std::vector<uint8_t> tb(v.config.tbs / 8);
  pack_bits(tb, v.tb_bits);
  const auto start = std::chrono::steady_clock::now();
  std::vector<uint8_t> codeword(v.config.nof_coded_bits);
  encoder.encode(codeword, tb, v.config);
  unsigned coded_errors = 0;
  for (std::size_t i = 0; i < codeword.size(); ++i) {
    coded_errors += codeword[i] != v.coded_bits[i] ? 1 : 0;
  }
  const uint32_t c_init = phy::pusch_scrambling_cinit(static_cast<uint16_t>(v.rnti), static_cast<uint16_t>(v.n_id));
  phy::scramble_bits(codeword, c_init);
  for (std::size_t i = 0; i < codeword.size(); ++i) {
    coded_errors += codeword[i] != v.scrambled_bits[i] ? 1 : 0;
  }
  std::vector<int8_t> llrs(v.scrambled_bits.size());
  for (std::size_t i = 0; i < llrs.size(); ++i) {
    llrs[i] = v.scrambled_bits[i] != 0 ? -64 : 64;
  }
  phy::descramble_llrs(llrs, c_init);
  std::vector<uint8_t> decoded(tb.size());
  const auto result = decoder.decode(decoded, llrs, v.config, 0, true);
  r.time_us = std::chrono::duration<float, std::micro>(std::chrono::steady_clock::now() - start).count();
  r.crc_ok = result.tb_crc_ok;
  r.bit_errors = count_bit_errors(decoded, tb) + coded_errors;
  r.ldpc_iterations = result.nof_cbs_decoded == 0 ? 0.0f : static_cast<float>(result.total_iterations) / result.nof_cbs_decoded;
  r.passed = r.crc_ok && r.bit_errors == 0;
}

} // namespace

void run_pusch(case_result& r, const io::pusch_grid_vector& v, phy::channel_estimator_kind estimator,
               phy::const_grid_view grid)
{
  phy::pusch_receiver rx({std::max(v.carrier.bwp_size, 1U), std::max(v.nof_ports, 1U), 4, 1, estimator,
                          phy::equalizer_kind::mmse, {}});
  if (auto s = rx.validate(v.pdu, v.carrier, v.nof_ports); !s) {
    r.error = s.message();
    return;
  }
  if (v.nof_symbols != phy::nof_symbols_per_slot(v.carrier.cp) || v.nof_subcarriers != 12 * v.carrier.bwp_size) {
    r.error = "grid shape does not match the carrier";
    return;
  }
  std::vector<uint8_t> tb(v.tbs / 8);
  pack_bits(tb, v.tb_bits);
  std::vector<uint8_t> decoded(tb.size());
  const auto result = rx.receive(decoded, grid, v.pdu, v.carrier);
  r.crc_ok = result.tb_crc_ok;
  r.bit_errors = count_bit_errors(decoded, tb) + (result.tbs == v.tbs ? 0 : 1);
  r.evm_percent = result.evm_percent;
  r.sinr_db = result.sinr_db;
  r.ldpc_iterations = result.mean_ldpc_iterations;
  r.time_us = result.times.total;
  r.passed = r.crc_ok && r.bit_errors == 0;
}

namespace {

std::vector<std::string> collect(const std::vector<std::string>& paths)
{
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && e.path().extension() == ".h5") {
          found.push_back(e.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  return files;
}

} // namespace

phy::channel_estimator_kind parse_estimator(const std::string& name)
{
  static const std::map<std::string, phy::channel_estimator_kind> estimators = {
      {"ls", phy::channel_estimator_kind::ls_linear},
      {"dft", phy::channel_estimator_kind::dft},
      {"lmmse", phy::channel_estimator_kind::lmmse}};
  const auto estimator = estimators.find(name);
  if (estimator == estimators.end()) {
    throw std::invalid_argument("unknown estimator '" + name + "' (ls, dft, lmmse)");
  }
  return estimator->second;
}

namespace {

int run(const run_options& opt)
{
  const phy::channel_estimator_kind estimator = parse_estimator(opt.estimator);
  if (!opt.fronthaul.input.empty()) {
    if (opt.paths.size() != 1) {
      throw std::invalid_argument("--input takes exactly one pusch_grid test vector");
    }
    return run_fronthaul(opt.paths[0], opt.fronthaul, estimator, opt.json_path);
  }
  const auto files = collect(opt.paths);
  if (files.empty()) {
    throw std::invalid_argument("no test vectors found");
  }
  std::printf("%-40s %-13s %-6s %4s %10s %8s %8s %6s %10s\n", "case", "kind", "result", "CRC", "bit errors", "EVM[%]",
              "SINR[dB]", "iter", "time[us]");
  std::vector<case_result> results;
  unsigned nof_failed = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    case_result r;
    r.name = files[i];
    if (auto s = io::read_testvector_kind(files[i], r.kind); !s) {
      r.error = s.message();
    } else if (r.kind == "ulsch_coding") {
      io::ulsch_coding_vector v;
      if (auto s2 = io::load_ulsch_coding_vector(files[i], v); !s2) {
        r.error = s2.message();
      } else {
        run_ulsch(r, v);
      }
    } else if (r.kind == "pusch_grid") {
      io::pusch_grid_vector v;
      if (auto s2 = io::load_pusch_grid_vector(files[i], v); !s2) {
        r.error = s2.message();
      } else {
        run_pusch(r, v, estimator, {v.grid.data(), v.nof_ports, v.nof_symbols, v.nof_subcarriers});
      }
    } else {
      r.error = files[i] + ": unknown kind '" + r.kind + "'";
    }
    nof_failed += r.passed ? 0 : 1;
    if (!r.error.empty()) {
      std::printf("%-40s %-13s %-6s %s\n", r.name.c_str(), r.kind.c_str(), "ERROR", r.error.c_str());
    } else {
      // EVM and SINR exist only for cases with a radio channel (not for coding-only vectors).
      char evm[16] = "-";
      char sinr[16] = "-";
      if (r.evm_percent >= 0.0f) {
        std::snprintf(evm, sizeof(evm), "%.2f", r.evm_percent);
        std::snprintf(sinr, sizeof(sinr), "%.1f", r.sinr_db);
      }
      std::printf("%-40s %-13s %-6s %4s %10u %8s %8s %6.2f %10.1f\n", r.name.c_str(), r.kind.c_str(),
                  r.passed ? "pass" : "FAIL", r.crc_ok ? "ok" : "bad", r.bit_errors, evm, sinr, r.ldpc_iterations,
                  r.time_us);
    }
    results.push_back(r);
  }
  std::printf("%zu cases, %zu passed, %u failed\n", files.size(), files.size() - nof_failed, nof_failed);

  if (!opt.json_path.empty()) {
    nlohmann::json report = nlohmann::json::array();
    for (const auto& r : results) {
      report.push_back({{"case", r.name}, {"kind", r.kind}, {"passed", r.passed}, {"error", r.error},
                        {"crc_ok", r.crc_ok}, {"bit_errors", r.bit_errors}, {"evm_percent", r.evm_percent},
                        {"sinr_db", r.sinr_db}, {"ldpc_iterations", r.ldpc_iterations}, {"time_us", r.time_us}});
    }
    std::ofstream out(opt.json_path);
    out << report.dump(2) << "\n";
    if (!out) {
      throw std::runtime_error("cannot write " + opt.json_path);
    }
  }
  return nof_failed == 0 ? 0 : 1;
}

} // namespace

void add_run_command(CLI::App& app, int& exit_code)
{
  auto opt = std::make_shared<run_options>();
  auto* cmd = app.add_subcommand("run", "decode test vectors (files or directories) and compare with their expectations");
  cmd->add_option("paths", opt->paths, "test vector files or directories")->required();
  cmd->add_option("--json", opt->json_path, "write the per-case results as JSON to this file");
  cmd->add_option("--estimator", opt->estimator, "PUSCH channel estimator: ls, dft, lmmse")->capture_default_str();
  add_fronthaul_run_options(*cmd, opt->fronthaul);
  cmd->callback([opt, &exit_code] { exit_code = run(*opt); });
}

} // namespace airan::tools
