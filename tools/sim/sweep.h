#pragma once
/// BLER and throughput sweeps over SNR with HARQ (TS 38.104 8.2.1: throughput
/// as a fraction of the maximum, up to 4 transmissions with RV 0, 2, 3, 1),
/// deterministic and shardable: the slots of all SNR points form one list of
/// work items (item = snr_index * nof_slots + slot), shard i of N takes the
/// items with item mod N == i, and every random number of an item comes from
/// seeds derived from (seed, snr index, slot index[, transmission]). The
/// counters of a point are integers, so merged shards equal an unsharded run
/// exactly.

#include "sim/scenario.h"

#include "airan/common/status.h"
#include "airan/phy/pusch/channel_estimator.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace airan::sim {

struct sweep_config {
  std::vector<double> snrs_db;
  unsigned nof_slots = 100;
  phy::channel_estimator_kind estimator =
      phy::channel_estimator_kind::ls_linear;
  /// Seeds of the channel realisations and noise, and of the transport block
  /// contents.
  uint64_t seed = 1;
  uint64_t payload_seed = 1;
  unsigned shard_index = 0;
  unsigned nof_shards = 1;
  /// Worker threads, each with its own transmitter, channel and receiver;
  /// results do not depend on it.
  unsigned nof_threads = 1;
};

/// Counters of one SNR point (over the slots this run or shard simulated).
struct sweep_point {
  double snr_db = 0.0;
  uint64_t nof_slots = 0;
  /// Transport blocks offered: slots x PDUs.
  uint64_t nof_blocks = 0;
  /// Blocks not delivered by their first transmission, and not delivered after
  /// the last one.
  uint64_t first_errors = 0;
  uint64_t residual_errors = 0;
  /// Transmissions made (initial and retransmissions).
  uint64_t nof_transmissions = 0;
  /// Bits of the delivered blocks, and the most that the slots used could have
  /// delivered: every transmission, initial or retransmission, occupies a slot
  /// that could have carried a new block of TBS bits (TS 38.104 8.2.1:
  /// throughput as a fraction of the maximum throughput of the FRC).
  uint64_t delivered_bits = 0;
  uint64_t max_bits = 0;
};

struct sweep_result {
  /// What was swept: results merge only when all of these agree.
  std::string scenario_name;
  /// Digest of the scenario file's text (FNV-1a 64, hexadecimal).
  std::string scenario_digest;
  std::string estimator;
  std::string channel;
  uint64_t seed = 0;
  uint64_t payload_seed = 0;
  unsigned nof_slots = 0;
  unsigned max_nof_transmissions = 0;
  unsigned nof_shards = 1;
  /// The shards this result holds (sorted; all of 0 .. nof_shards - 1 once
  /// complete).
  std::vector<unsigned> shards;
  std::vector<sweep_point> points;
};

/// Called now and then from the calling thread with the slots done and the
/// total of this shard.
using sweep_progress = std::function<void(uint64_t done, uint64_t total)>;

/// Runs the shard of the sweep. Requires a scenario from parse_scenario() and a
/// config with at least one SNR, nof_slots >= 1, shard_index < nof_shards,
/// nof_threads >= 1.
sweep_result run_sweep(const scenario &sc, const sweep_config &config,
                       const sweep_progress &progress = {});

/// Combines shards of one sweep: same scenario, estimator, seeds, slots, SNR
/// points, HARQ and number of shards, disjoint shard sets. The counters add up.
/// The message names the first mismatch.
status merge_sweep_results(std::span<const sweep_result> parts,
                           sweep_result &out);

/// Confidence interval of a proportion.
struct proportion_interval {
  double low = 0.0;
  double high = 1.0;
};

/// Wilson score interval (E. B. Wilson, 1927) of k successes in n trials at the
/// normal quantile z (1.96: 95 %); the whole [0, 1] when n = 0.
proportion_interval wilson_interval(uint64_t k, uint64_t n,
                                    double z = 1.959963984540054);

/// delivered_bits / max_bits: the fraction of the maximum throughput (0 before
/// any transmission).
double throughput_fraction(const sweep_point &point);

/// The lowest SNR at which the throughput fraction reaches `fraction`, linearly
/// interpolated between the two points (in SNR order) around the first crossing
/// from below; nullopt when no point reaches it or the lowest point is already
/// above it (no bracket).
std::optional<double> snr_at_throughput(std::span<const sweep_point> points,
                                        double fraction);

/// FNV-1a 64 of a text, as 16 hexadecimal digits.
std::string text_digest(std::string_view text);

std::string_view estimator_name(phy::channel_estimator_kind kind);
status parse_estimator_name(std::string_view name,
                            phy::channel_estimator_kind &kind);

} // namespace airan::sim
