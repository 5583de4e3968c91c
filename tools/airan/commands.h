#pragma once
// Subcommands of the airan command line: each registers its options on the parent and runs when selected.

#include "airan/phy/coding/mcs_tbs.h"

#include <CLI/CLI.hpp>

#include <string>

namespace airan::tools {

/// `airan demo`: transport blocks through the UL-SCH chain, modulation, AWGN and back; BLER per SNR.
void add_demo_command(CLI::App& app);

/// `airan run`: decodes test vectors and compares them with their expectations; sets exit_code (0: all passed).
void add_run_command(CLI::App& app, int& exit_code);

/// `airan tv generate`: writes test vectors from a scenario and block-level vectors from a seed.
void add_tv_command(CLI::App& app);

/// `airan ru-emu`: O-RU emulator sending a test vector's grid as U-plane packets, with fault injection.
void add_ru_emu_command(CLI::App& app);

/// `airan fh dump`: the U-plane sections of a capture, as a table or JSON.
void add_fh_command(CLI::App& app);

/// `airan sweep`: BLER and throughput against SNR for a YAML scenario, with HARQ; `airan sweep merge` combines shards.
void add_sweep_command(CLI::App& app);

/// `airan bench`: N cells x M slots of the PUSCH slot pipeline; throughput, slot latency percentiles, stage times.
void add_bench_command(CLI::App& app, int& exit_code);

/// Check of a 64-bit unsigned option (a seed): decimal digits only, at most 2^64 - 1. CLI11 would take "-1" as
/// 2^64 - 1 and larger values as 2^64 - 1.
CLI::Validator unsigned_64bit();

/// MCS table named on the command line: qam64, qam256, qam64-low-se; throws std::invalid_argument otherwise.
phy::mcs_table parse_mcs_table(const std::string& name);

} // namespace airan::tools
