// airan bench: throughput and slot latency of the PUSCH slot pipeline for N cells x M slots of one profile; prints a
// summary and writes the report as JSON.

#include "commands.h"
#include "sim/slot_bench.h"
#include "sim/sweep.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

namespace airan::tools {

namespace {

struct bench_options {
  sim::slot_bench_config config;
  std::string table = "qam256";
  std::string estimator = "ls";
  std::string backend = "cpu";
  std::string json_path;
};

phy::backend parse_backend(const std::string& name)
{
  static const std::map<std::string, phy::backend> backends = {
      {"cpu", phy::backend::cpu}, {"cuda", phy::backend::cuda}, {"automatic", phy::backend::automatic}};
  const auto it = backends.find(name);
  if (it == backends.end()) {
    throw std::invalid_argument("--backend: unknown backend '" + name + "' (cpu, cuda, automatic)");
  }
  return it->second;
}

nlohmann::ordered_json to_json(const sim::slot_bench_report& r, const bench_options& opt)
{
  const auto& c = r.config;
  nlohmann::ordered_json stages = nlohmann::ordered_json::object();
  for (const auto& s : r.stages) {
    stages[s.stage] = s.where;
  }
  nlohmann::ordered_json stage_times = nlohmann::ordered_json::object();
  for (const auto& [name, us] : r.stage_mean_us) {
    stage_times[name] = us;
  }
  return {
      {"profile",
       {{"cells", c.nof_cells},
        {"slots", c.nof_slots},
        {"warmup_slots", c.nof_warmup_slots},
        {"numerology", c.numerology},
        {"prb", c.nof_prb},
        {"rx_ports", c.nof_rx_ports},
        {"layers", c.nof_layers},
        {"mcs_table", opt.table},
        {"mcs", c.mcs},
        {"estimator", opt.estimator},
        {"snr_db", c.snr_db},
        {"ldpc_max_iterations", c.ldpc_max_iterations},
        {"threads", std::min(c.nof_threads, c.nof_cells)},
        {"seed", c.seed},
        {"tbs_bits", r.tbs_bits},
        {"code_blocks", r.nof_code_blocks},
        {"slot_duration_us", r.slot_duration_us}}},
      {"backend",
       {{"requested", opt.backend},
        {"used", std::string(phy::to_string(r.backend_used))},
        {"note", r.backend_note},
        {"stages", stages}}},
      {"hardware_threads", std::thread::hardware_concurrency()},
      {"cell_slots", r.nof_cell_slots},
      {"crc_ok", r.nof_crc_ok},
      {"crc_failures", r.nof_crc_failures},
      {"payload_mismatches", r.nof_payload_mismatches},
      {"mean_ldpc_iterations", r.mean_ldpc_iterations},
      {"wall_s", r.wall_s},
      {"decoded_gbit_per_s", r.decoded_gbit_per_s},
      {"slot_latency_us",
       {{"mean", r.slot_latency.mean},
        {"p50", r.slot_latency.p50},
        {"p99", r.slot_latency.p99},
        {"p99.9", r.slot_latency.p999},
        {"max", r.slot_latency.max}}},
      {"stage_mean_us", stage_times},
      {"cells_sustainable",
       {{"per_thread_mean_latency", r.cells_per_thread_mean},
        {"per_thread_p99_latency", r.cells_per_thread_p99},
        {"all_threads_measured", r.cells_sustained_total}}},
  };
}

void print_report(const sim::slot_bench_report& r, const bench_options& opt)
{
  const auto& c = r.config;
  std::printf("airan bench: %u cell(s) x %u slot(s) (+%u warm-up), %u PRB, mu %u, %u RX, %u layer(s), %s MCS %u "
              "(TBS %u bits, %u code blocks), estimator %s, SNR %.1f dB, %u thread(s)\n",
              c.nof_cells, c.nof_slots, c.nof_warmup_slots, c.nof_prb, c.numerology, c.nof_rx_ports, c.nof_layers,
              opt.table.c_str(), c.mcs, r.tbs_bits, r.nof_code_blocks, opt.estimator.c_str(), c.snr_db,
              std::min(c.nof_threads, c.nof_cells));
  std::printf("backend: requested %s, used %s (%s)\n", opt.backend.c_str(),
              std::string(to_string(r.backend_used)).c_str(), r.backend_note.c_str());
  std::printf("stages:");
  for (const auto& s : r.stages) {
    std::printf(" %s=%s", s.stage.c_str(), s.where.c_str());
  }
  std::printf("\n");
  std::printf("decoded %.3f Gbit/s over %.3f s wall; CRC ok %llu, CRC failures %llu, payload mismatches %llu; "
              "LDPC %.2f iterations per code block\n",
              r.decoded_gbit_per_s, r.wall_s, static_cast<unsigned long long>(r.nof_crc_ok),
              static_cast<unsigned long long>(r.nof_crc_failures),
              static_cast<unsigned long long>(r.nof_payload_mismatches), r.mean_ldpc_iterations);
  std::printf("slot latency [us]: mean %.1f  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", r.slot_latency.mean,
              r.slot_latency.p50, r.slot_latency.p99, r.slot_latency.p999, r.slot_latency.max);
  std::printf("stage mean [us]:");
  for (const auto& [name, us] : r.stage_mean_us) {
    std::printf(" %s %.1f", name.c_str(), us);
  }
  std::printf("\n");
  std::printf("cells within the %.0f us slot: %.2f per thread (mean latency), %.2f per thread (p99), %.2f with all "
              "threads (measured)\n",
              r.slot_duration_us, r.cells_per_thread_mean, r.cells_per_thread_p99, r.cells_sustained_total);
}

} // namespace

void add_bench_command(CLI::App& app, int& exit_code)
{
  auto opt = std::make_shared<bench_options>();
  auto& c = opt->config;
  auto* cmd = app.add_subcommand("bench", "PUSCH slot pipeline benchmark: N cells x M slots of a profile (default 100 "
                                          "MHz, 30 kHz, 273 PRB, 4 RX, 2 layers, 256QAM MCS 27)");
  cmd->add_option("--cells", c.nof_cells, "cells, each with its own slot")->capture_default_str();
  cmd->add_option("--slots", c.nof_slots, "timed slots per cell")->capture_default_str();
  cmd->add_option("--warmup", c.nof_warmup_slots, "untimed slots per cell first")->capture_default_str();
  cmd->add_option("--numerology", c.numerology, "mu: subcarrier spacing 15 * 2^mu kHz")->capture_default_str();
  cmd->add_option("--prb", c.nof_prb, "allocated PRBs (the whole carrier)")->capture_default_str();
  cmd->add_option("--rx", c.nof_rx_ports, "receive ports")->capture_default_str();
  cmd->add_option("--layers", c.nof_layers, "layers")->capture_default_str();
  cmd->add_option("--mcs", c.mcs, "MCS index (TS 38.214 6.1.4.1)")->capture_default_str();
  cmd->add_option("--table", opt->table, "MCS table: qam64, qam256, qam64-low-se")->capture_default_str();
  cmd->add_option("--estimator", opt->estimator, "channel estimator: ls, dft, lmmse")->capture_default_str();
  cmd->add_option("--snr", c.snr_db, "per-RE SNR at each receive port, dB")->capture_default_str();
  cmd->add_option("--iterations", c.ldpc_max_iterations, "LDPC maximum iterations")->capture_default_str();
  cmd->add_option("--backend", opt->backend, "cpu, cuda or automatic")->capture_default_str();
  cmd->add_option("--threads", c.nof_threads, "worker threads (cells are spread over them)")->capture_default_str();
  cmd->add_option("--seed", c.seed, "seed of payloads, channels and noise")
      ->check(unsigned_64bit())
      ->capture_default_str();
  cmd->add_option("--json", opt->json_path, "write the report as JSON to this file");
  cmd->callback([opt, &exit_code] {
    opt->config.table = parse_mcs_table(opt->table);
    if (auto s = sim::parse_estimator_name(opt->estimator, opt->config.estimator); !s) {
      throw std::invalid_argument("--estimator: " + s.message());
    }
    opt->config.backend = parse_backend(opt->backend);
    const sim::slot_bench_report report = sim::run_slot_bench(opt->config);
    print_report(report, *opt);
    if (!opt->json_path.empty()) {
      std::ofstream file(opt->json_path);
      if (!file || !(file << to_json(report, *opt).dump(2) << "\n")) {
        throw std::runtime_error(opt->json_path + ": cannot write");
      }
    }
    // Every slot of the profile must decode: a CRC failure or a wrong payload is an error of the run.
    exit_code = (report.nof_crc_failures != 0 || report.nof_payload_mismatches != 0) ? 1 : exit_code;
  });
}

} // namespace airan::tools
