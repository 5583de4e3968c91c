// airan run: checks test vectors (files or directories of *.h5) of every kind against their expectations, prints a
// per-case table and optionally writes JSON; the exit status is non-zero when any case fails or cannot be read.

#include "airan/phy/pusch/channel_estimator.h"
#include "commands.h"
#include "fh_options.h"
#include "run_cases.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace airan::tools {

namespace {

struct run_options {
  std::vector<std::string> paths;
  std::string json_path;
  std::string estimator = "ls";
  fronthaul_run_options fronthaul;
};

/// A progress bar on stderr, drawn only when stderr is a terminal and there is more than one case.
class progress_bar {
public:
  explicit progress_bar(std::size_t total) : total_(total), enabled_(total > 1 && isatty(fileno(stderr)) != 0) {}
  ~progress_bar()
  {
    if (enabled_) {
      std::fprintf(stderr, "\r%*s\r", width + 32, "");
    }
  }
  void show(std::size_t done, unsigned nof_failed)
  {
    if (!enabled_) {
      return;
    }
    const std::size_t filled = done * width / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu, %u failed", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total_, nof_failed);
    std::fflush(stderr);
  }

private:
  static constexpr int width = 40;
  std::size_t total_;
  bool enabled_;
};

std::string format_checks(const case_result& r)
{
  std::string text;
  for (const auto& c : r.checks) {
    char item[96];
    std::snprintf(item, sizeof(item), "%s%s %.1e%s%.0e", text.empty() ? "" : " ", c.name.c_str(), c.error,
                  c.passed() ? "<=" : ">", c.tolerance);
    text += item;
  }
  return text;
}

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

int run(const run_options& opt)
{
  const phy::channel_estimator_kind estimator = parse_estimator(opt.estimator);
  if (!opt.fronthaul.input.empty()) {
    if (opt.paths.size() != 1) {
      throw std::invalid_argument("--input takes exactly one PUSCH test vector");
    }
    return run_fronthaul(opt.paths[0], opt.fronthaul, estimator, opt.json_path);
  }
  const auto files = collect(opt.paths);
  if (files.empty()) {
    throw std::invalid_argument("no test vectors found");
  }
  std::printf("%-48s %-17s %-6s %4s %10s %8s %8s %6s %10s  %s\n", "case", "kind", "result", "CRC", "errors", "EVM[%]",
              "SINR[dB]", "iter", "time[us]", "max rel. error vs tolerance");
  std::vector<case_result> results;
  unsigned nof_failed = 0;
  progress_bar progress(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    progress.show(i, nof_failed);
    case_result r;
    run_case(r, files[i], estimator);
    if (!r.error.empty()) {
      r.passed = false;
    }
    nof_failed += r.passed ? 0 : 1;
    if (!r.error.empty()) {
      std::printf("%-48s %-17s %-6s %s\n", r.name.c_str(), r.kind.c_str(), "ERROR", r.error.c_str());
    } else {
      // CRC, EVM and SINR exist only for cases that decode a transport block over a radio channel.
      char evm[16] = "-";
      char sinr[16] = "-";
      if (r.evm_percent >= 0.0f) {
        std::snprintf(evm, sizeof(evm), "%.2f", r.evm_percent);
        std::snprintf(sinr, sizeof(sinr), "%.1f", r.sinr_db);
      }
      const char* crc = r.has_crc ? (r.crc_ok ? "ok" : "bad") : "-";
      std::printf("%-48s %-17s %-6s %4s %10u %8s %8s %6.2f %10.1f  %s\n", r.name.c_str(), r.kind.c_str(),
                  r.passed ? "pass" : "FAIL", crc, r.bit_errors, evm, sinr, r.ldpc_iterations, r.time_us,
                  format_checks(r).c_str());
    }
    results.push_back(r);
  }
  progress.show(files.size(), nof_failed);
  std::printf("%zu cases, %zu passed, %u failed\n", files.size(), files.size() - nof_failed, nof_failed);

  if (!opt.json_path.empty()) {
    nlohmann::json report = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json checks = nlohmann::json::array();
      for (const auto& c : r.checks) {
        checks.push_back(
            {{"name", c.name}, {"max_relative_error", c.error}, {"tolerance", c.tolerance}, {"passed", c.passed()}});
      }
      report.push_back({{"case", r.name},
                        {"kind", r.kind},
                        {"passed", r.passed},
                        {"error", r.error},
                        {"crc_ok", r.crc_ok},
                        {"bit_errors", r.bit_errors},
                        {"evm_percent", r.evm_percent},
                        {"sinr_db", r.sinr_db},
                        {"ldpc_iterations", r.ldpc_iterations},
                        {"time_us", r.time_us},
                        {"checks", checks}});
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
  auto* cmd =
      app.add_subcommand("run", "decode test vectors (files or directories) and compare with their expectations");
  cmd->add_option("paths", opt->paths, "test vector files or directories")->required();
  cmd->add_option("--json", opt->json_path, "write the per-case results as JSON to this file");
  cmd->add_option("--estimator", opt->estimator, "PUSCH channel estimator: ls, dft, lmmse")->capture_default_str();
  add_fronthaul_run_options(*cmd, opt->fronthaul);
  cmd->callback([opt, &exit_code] { exit_code = run(*opt); });
}

} // namespace airan::tools
