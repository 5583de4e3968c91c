// airan sweep: BLER and throughput against SNR for a YAML scenario, with HARQ,
// shards and plots; airan sweep merge: combines the JSON results of shards.

#include "sim/sweep.h"
#include "commands.h"
#include "sim/sweep_report.h"

#include "airan/phy/channel/impairments.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

extern char **environ;

namespace airan::tools {

namespace {

struct sweep_options {
  std::string scenario_path;
  std::vector<std::string> snrs;
  unsigned nof_slots = 100;
  std::string estimator = "ls";
  std::optional<uint64_t> seed;
  std::string shard = "0/1";
  unsigned nof_threads = 1;
  std::string json_path;
  std::string csv_path;
  std::string png_path;
  bool quiet = false;
  std::vector<std::string> merge_inputs;
};

std::string read_file(const std::string &path) {
  std::ifstream file(path);
  if (!file) {
    throw std::runtime_error(path + ": cannot open");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_file(const std::string &path, const std::string &text) {
  std::ofstream file(path);
  if (!file || !(file << text)) {
    throw std::runtime_error(path + ": cannot write");
  }
}

/// Most SNR points of one sweep.
constexpr unsigned max_snr_points = 1000;

/// SNR arguments: numbers, or ranges START:STEP:STOP (STOP included when on the
/// grid).
std::vector<double> parse_snrs(const std::vector<std::string> &args) {
  std::vector<double> snrs;
  for (const auto &arg : args) {
    std::vector<double> parts;
    std::stringstream s(arg);
    std::string part;
    while (std::getline(s, part, ':')) {
      char *end = nullptr;
      const double v = std::strtod(part.c_str(), &end);
      if (part.empty() || *end != '\0' || !std::isfinite(v)) {
        throw std::invalid_argument("--snr: '" + arg +
                                    "' is not a number or START:STEP:STOP");
      }
      parts.push_back(v);
    }
    if (parts.size() == 1) {
      snrs.push_back(parts[0]);
    } else if (parts.size() == 3 && parts[1] > 0 && parts[2] >= parts[0]) {
      // Counted in floating point: a tiny step must not wrap an integer.
      const double steps = std::floor((parts[2] - parts[0]) / parts[1] + 1e-9);
      if (!(steps < max_snr_points)) {
        throw std::invalid_argument("--snr: '" + arg + "' gives more than " + std::to_string(max_snr_points) +
                                    " SNR points");
      }
      const auto n = static_cast<unsigned>(steps);
      for (unsigned i = 0; i <= n; ++i) {
        snrs.push_back(std::round((parts[0] + i * parts[1]) * 1e6) / 1e6);
      }
    } else {
      throw std::invalid_argument(
          "--snr: '" + arg +
          "': a range is START:STEP:STOP with STEP > 0, STOP >= START");
    }
  }
  if (snrs.size() > max_snr_points) {
    throw std::invalid_argument("--snr: " + std::to_string(snrs.size()) + " SNR points, at most " +
                                std::to_string(max_snr_points));
  }
  for (double snr : snrs) {
    if (auto st = phy::validate_snr_db(snr); !st) {
      throw std::invalid_argument("--snr: " + st.message());
    }
  }
  return snrs;
}

void parse_shard(const std::string &text, sim::sweep_config &config) {
  unsigned index = 0;
  unsigned count = 0;
  const char* const end = text.data() + text.size();
  // from_chars: no sign, no overflow into a wrapped value.
  const auto first = std::from_chars(text.data(), end, index);
  const bool parsed = first.ec == std::errc{} && first.ptr != end && *first.ptr == '/' && [&] {
    const auto second = std::from_chars(first.ptr + 1, end, count);
    return second.ec == std::errc{} && second.ptr == end;
  }();
  if (!parsed || count == 0 || index >= count) {
    throw std::invalid_argument("--shard: '" + text +
                                "' is not I/N with 0 <= I < N");
  }
  config.shard_index = index;
  config.nof_shards = count;
}

/// Runs tools/scripts/plot_sweep.py (or $AIRAN_PLOT_SCRIPT) on a JSON result
/// with Debian's /usr/bin/python3, where python3-matplotlib lives (or
/// $AIRAN_PYTHON).
void plot(const std::string &json_path, const std::string &png_path) {
  const char *script_env = std::getenv("AIRAN_PLOT_SCRIPT");
  const std::string script =
      script_env != nullptr ? script_env : AIRAN_PLOT_SCRIPT;
  const char *python_env = std::getenv("AIRAN_PYTHON");
  const std::string python =
      python_env != nullptr ? python_env : "/usr/bin/python3";
  std::vector<std::string> args = {python, script, json_path, png_path};
  std::vector<char *> argv;
  for (auto &a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, python.c_str(), nullptr, nullptr, argv.data(),
                   environ) != 0) {
    throw std::runtime_error("--png: cannot start " + python +
                             " (install python3-matplotlib)");
  }
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    throw std::runtime_error("--png: " + script + " failed");
  }
  std::printf("plot: %s\n", png_path.c_str());
}

void print_table(const sim::sweep_result &r) {
  std::printf("%8s %7s %9s %19s %9s %19s %7s %9s\n", "SNR[dB]", "blocks",
              "BLER", "95% CI", "resBLER", "95% CI", "tx/blk", "thr[%max]");
  for (const auto &p : r.points) {
    const auto first = sim::wilson_interval(p.first_errors, p.nof_blocks);
    const auto residual = sim::wilson_interval(p.residual_errors, p.nof_blocks);
    const double blocks =
        p.nof_blocks == 0 ? 1.0 : static_cast<double>(p.nof_blocks);
    std::printf(
        "%8.2f %7llu %9.4f  [%7.4f, %7.4f] %9.4f  [%7.4f, %7.4f] %7.2f %9.1f\n",
        p.snr_db, static_cast<unsigned long long>(p.nof_blocks),
        p.first_errors / blocks, first.low, first.high,
        p.residual_errors / blocks, residual.low, residual.high,
        p.nof_transmissions / blocks, 100.0 * sim::throughput_fraction(p));
  }
  if (const auto snr70 = sim::snr_at_throughput(r.points, 0.7)) {
    std::printf(
        "70%% of maximum throughput at %.2f dB (linear interpolation)\n",
        *snr70);
  } else {
    std::printf(
        "70%% of maximum throughput: not bracketed by the SNR points\n");
  }
}

/// JSON, CSV and PNG outputs of a result.
void write_outputs(const sim::sweep_result &r, const sweep_options &opt) {
  const std::string json = sim::sweep_to_json(r);
  if (!opt.json_path.empty()) {
    write_file(opt.json_path, json);
  }
  if (!opt.csv_path.empty()) {
    write_file(opt.csv_path, sim::sweep_to_csv(r));
  }
  if (!opt.png_path.empty()) {
    std::string json_path = opt.json_path;
    if (json_path.empty()) {
      json_path = (std::filesystem::temp_directory_path() /
                   ("airan_sweep_" + std::to_string(getpid()) + ".json"))
                      .string();
      write_file(json_path, json);
    }
    plot(json_path, opt.png_path);
    if (opt.json_path.empty()) {
      std::filesystem::remove(json_path);
    }
  }
}

void run_sweep_command(const sweep_options &opt) {
  if (opt.scenario_path.empty()) {
    throw std::invalid_argument(
        "sweep: a scenario file is required (or 'sweep merge FILES')");
  }
  const std::string text = read_file(opt.scenario_path);
  sim::scenario sc;
  if (auto s = sim::parse_scenario(text, sc, opt.scenario_path); !s) {
    throw std::invalid_argument(s.message());
  }
  sim::sweep_config config;
  config.snrs_db = opt.snrs.empty() ? sc.snrs_db : parse_snrs(opt.snrs);
  config.nof_slots = opt.nof_slots;
  if (auto s = sim::parse_estimator_name(opt.estimator, config.estimator); !s) {
    throw std::invalid_argument("--estimator: " + s.message());
  }
  config.seed = opt.seed.value_or(sc.seed);
  config.payload_seed = sc.payload_seed;
  parse_shard(opt.shard, config);
  config.nof_threads = opt.nof_threads;

  std::printf("airan sweep: %s (%s), %s, %zu PDU(s), %u RX, estimator %s, %u "
              "slots per point, up to %u "
              "transmissions (RV",
              sc.name.empty() ? opt.scenario_path.c_str() : sc.name.c_str(),
              sc.description.c_str(),
              sim::channel_description(sc.channel).c_str(), sc.pdus.size(),
              sc.nof_rx_ports, opt.estimator.c_str(), config.nof_slots,
              sc.harq.max_nof_transmissions);
  for (unsigned t = 0; t < sc.harq.max_nof_transmissions; ++t) {
    std::printf(" %u", sc.harq.rv_sequence[t]);
  }
  std::printf("), shard %u/%u, seed %llu\n", config.shard_index,
              config.nof_shards, static_cast<unsigned long long>(config.seed));

  const auto start = std::chrono::steady_clock::now();
  const bool show_progress = !opt.quiet;
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last_report = start;
  auto progress = [&](uint64_t done, uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (!show_progress ||
        (done < total &&
         now - last_report < std::chrono::seconds(tty ? 1 : 30))) {
      return;
    }
    last_report = now;
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const double eta = done == 0 ? 0.0
                                 : elapsed * static_cast<double>(total - done) /
                                       static_cast<double>(done);
    std::fprintf(stderr,
                 "%ssweep: %llu/%llu slots (%.0f%%), %.0f s elapsed, about "
                 "%.0f s left%s",
                 tty ? "\r" : "", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total),
                 total == 0 ? 100.0
                            : 100.0 * static_cast<double>(done) /
                                  static_cast<double>(total),
                 elapsed, eta, tty && done < total ? "   " : "\n");
  };
  sim::sweep_result result = sim::run_sweep(sc, config, progress);
  result.scenario_digest = sim::text_digest(text);
  print_table(result);
  write_outputs(result, opt);
}

void run_merge_command(const sweep_options &opt) {
  std::vector<sim::sweep_result> parts;
  for (const auto &path : opt.merge_inputs) {
    sim::sweep_result r;
    if (auto s = sim::sweep_from_json(read_file(path), r); !s) {
      throw std::invalid_argument(path + ": " + s.message());
    }
    parts.push_back(std::move(r));
  }
  sim::sweep_result merged;
  if (auto s = sim::merge_sweep_results(parts, merged); !s) {
    throw std::invalid_argument("sweep merge: " + s.message());
  }
  std::printf("airan sweep merge: %s, %s, estimator %s, shards",
              merged.scenario_name.c_str(), merged.channel.c_str(),
              merged.estimator.c_str());
  for (unsigned s : merged.shards) {
    std::printf(" %u", s);
  }
  std::printf(" of %u%s\n", merged.nof_shards,
              merged.shards.size() == merged.nof_shards ? "" : " (incomplete)");
  print_table(merged);
  write_outputs(merged, opt);
}

void add_output_options(CLI::App *cmd, sweep_options &opt) {
  cmd->add_option("--json", opt.json_path,
                  "write the result as JSON (the input of 'sweep merge')");
  cmd->add_option("--csv", opt.csv_path, "write one CSV line per SNR point");
  cmd->add_option(
      "--png", opt.png_path,
      "plot BLER and throughput with tools/scripts/plot_sweep.py (matplotlib)");
}

} // namespace

void add_sweep_command(CLI::App &app) {
  auto opt = std::make_shared<sweep_options>();
  auto *cmd = app.add_subcommand(
      "sweep",
      "BLER and throughput against SNR for a YAML scenario (HARQ, shards)");
  cmd->add_option("scenario", opt->scenario_path,
                  "scenario file (testvectors/SCENARIO.md)");
  cmd->add_option("--snr", opt->snrs,
                  "SNR points in dB, numbers or START:STEP:STOP ranges "
                  "(default: the scenario's)");
  cmd->add_option("--slots", opt->nof_slots, "slots per SNR point")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  cmd->add_option("--estimator", opt->estimator,
                  "channel estimator: ls, dft, lmmse")
      ->capture_default_str();
  cmd->add_option("--seed", opt->seed, "seed of the channel realisations and noise (default: the scenario's)")
      ->check(unsigned_64bit());
  cmd->add_option("--shard", opt->shard,
                  "run shard I of N (I/N): slot items with index mod N == I")
      ->capture_default_str();
  cmd->add_option("--threads", opt->nof_threads,
                  "worker threads (results do not depend on it)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_flag("--quiet", opt->quiet, "no progress on stderr");
  add_output_options(cmd, *opt);

  auto *merge = cmd->add_subcommand(
      "merge", "combine the JSON results of the shards of one sweep");
  merge
      ->add_option("files", opt->merge_inputs,
                   "JSON results of 'airan sweep --shard I/N --json'")
      ->required();
  add_output_options(merge, *opt);
  merge->callback([opt] { run_merge_command(*opt); });

  cmd->callback([opt, merge] {
    if (merge->parsed()) {
      return;
    }
    run_sweep_command(*opt);
  });
}

} // namespace airan::tools
