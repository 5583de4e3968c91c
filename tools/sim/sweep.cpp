// Sweeps: HARQ per slot, work items split over shards and threads, counters,
// merging, confidence intervals.

#include "sim/sweep.h"

#include "sim/link_simulator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

namespace airan::sim {

namespace {

/// What happened to one PDU in one slot.
struct block_outcome {
  bool first_ok = false;
  bool delivered = false;
  unsigned nof_transmissions = 0;
};

/// One slot with HARQ: every PDU is retransmitted (next RV, new channel and
/// noise) until delivered or out of transmissions; the receiver combines the
/// transmissions of a PDU in its HARQ process.
void simulate_harq_slot(link_simulator &link, const harq_scenario &harq,
                        double snr_db, uint64_t payload_seed,
                        uint64_t channel_seed, std::span<block_outcome> out) {
  const unsigned nof_pdus = link.nof_pdus();
  link.draw_payloads(payload_seed);
  std::unique_ptr<bool[]> pending(new bool[nof_pdus]);
  std::fill_n(pending.get(), nof_pdus, true);
  std::vector<unsigned> rvs(nof_pdus);
  for (unsigned t = 0; t < harq.max_nof_transmissions; ++t) {
    std::fill(rvs.begin(), rvs.end(), harq.rv_sequence[t]);
    link.transmit({pending.get(), nof_pdus}, rvs, snr_db,
                  derive_seed(channel_seed, {t}));
    bool any_pending = false;
    for (unsigned i = 0; i < nof_pdus; ++i) {
      if (!pending[i]) {
        continue;
      }
      bool delivered = false;
      link.receive(i, rvs[i], t == 0, delivered);
      ++out[i].nof_transmissions;
      if (delivered) {
        pending[i] = false;
        out[i].delivered = true;
        out[i].first_ok = t == 0;
      }
      any_pending = any_pending || pending[i];
    }
    if (!any_pending) {
      break;
    }
  }
}

bool same_snrs(const sweep_result &a, const sweep_result &b) {
  if (a.points.size() != b.points.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.points.size(); ++i) {
    if (a.points[i].snr_db != b.points[i].snr_db) {
      return false;
    }
  }
  return true;
}

} // namespace

sweep_result run_sweep(const scenario &sc, const sweep_config &config,
                       const sweep_progress &progress) {
  const unsigned nof_pdus = static_cast<unsigned>(sc.pdus.size());
  std::vector<uint64_t> items;
  const uint64_t nof_items = uint64_t{config.snrs_db.size()} * config.nof_slots;
  for (uint64_t item = config.shard_index; item < nof_items;
       item += config.nof_shards) {
    items.push_back(item);
  }
  std::vector<block_outcome> outcomes(items.size() * nof_pdus);
  std::vector<unsigned> tbs(nof_pdus);

  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> done{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&](bool record_tbs) {
    try {
      link_simulator link(sc, config.estimator);
      if (record_tbs) {
        for (unsigned i = 0; i < nof_pdus; ++i) {
          tbs[i] = link.tbs(i);
        }
      }
      for (uint64_t k = next++; k < items.size(); k = next++) {
        const uint64_t snr_index = items[k] / config.nof_slots;
        const uint64_t slot = items[k] % config.nof_slots;
        simulate_harq_slot(link, sc.harq, config.snrs_db[snr_index],
                           derive_seed(config.payload_seed, {snr_index, slot}),
                           derive_seed(config.seed, {snr_index, slot}),
                           std::span(outcomes).subspan(k * nof_pdus, nof_pdus));
        ++done;
      }
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      error = std::current_exception();
      next = items.size();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < config.nof_threads; ++t) {
    threads.emplace_back(worker, t == 0);
  }
  while (progress && done < items.size() && !error) {
    progress(done, items.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  for (auto &thread : threads) {
    thread.join();
  }
  if (error) {
    std::rethrow_exception(error);
  }
  if (progress) {
    progress(done, items.size());
  }

  sweep_result result;
  result.scenario_name = sc.name;
  result.estimator = std::string(estimator_name(config.estimator));
  result.channel = channel_description(sc.channel);
  result.seed = config.seed;
  result.payload_seed = config.payload_seed;
  result.nof_slots = config.nof_slots;
  result.max_nof_transmissions = sc.harq.max_nof_transmissions;
  result.nof_shards = config.nof_shards;
  result.shards = {config.shard_index};
  for (double snr : config.snrs_db) {
    result.points.push_back({snr, 0, 0, 0, 0, 0, 0, 0});
  }
  for (std::size_t k = 0; k < items.size(); ++k) {
    sweep_point &point = result.points[items[k] / config.nof_slots];
    ++point.nof_slots;
    for (unsigned i = 0; i < nof_pdus; ++i) {
      const block_outcome &o = outcomes[k * nof_pdus + i];
      ++point.nof_blocks;
      point.first_errors += o.first_ok ? 0 : 1;
      point.residual_errors += o.delivered ? 0 : 1;
      point.nof_transmissions += o.nof_transmissions;
      point.delivered_bits += o.delivered ? tbs[i] : 0;
      point.max_bits += uint64_t{o.nof_transmissions} * tbs[i];
    }
  }
  return result;
}

status merge_sweep_results(std::span<const sweep_result> parts,
                           sweep_result &out) {
  if (parts.empty()) {
    return status::error("nothing to merge");
  }
  sweep_result merged = parts[0];
  for (std::size_t n = 1; n < parts.size(); ++n) {
    const sweep_result &p = parts[n];
    const std::string which = "part " + std::to_string(n + 1) + ": ";
    if (p.scenario_name != merged.scenario_name ||
        p.scenario_digest != merged.scenario_digest) {
      return status::error(which + "another scenario ('" + p.scenario_name +
                           "', digest " + p.scenario_digest + ")");
    }
    if (p.estimator != merged.estimator) {
      return status::error(which + "estimator " + p.estimator +
                           " differs from " + merged.estimator);
    }
    if (p.seed != merged.seed || p.payload_seed != merged.payload_seed) {
      return status::error(which + "different seeds");
    }
    if (p.nof_slots != merged.nof_slots ||
        p.max_nof_transmissions != merged.max_nof_transmissions) {
      return status::error(which +
                           "different slots per point or HARQ transmissions");
    }
    if (!same_snrs(p, merged)) {
      return status::error(which + "different SNR points");
    }
    if (p.nof_shards != merged.nof_shards) {
      return status::error(which + "split into " +
                           std::to_string(p.nof_shards) + " shards, not " +
                           std::to_string(merged.nof_shards));
    }
    for (unsigned s : p.shards) {
      if (std::find(merged.shards.begin(), merged.shards.end(), s) !=
          merged.shards.end()) {
        return status::error(which + "shard " + std::to_string(s) +
                             " given twice");
      }
      merged.shards.push_back(s);
    }
    for (std::size_t i = 0; i < p.points.size(); ++i) {
      sweep_point &m = merged.points[i];
      const sweep_point &q = p.points[i];
      m.nof_slots += q.nof_slots;
      m.nof_blocks += q.nof_blocks;
      m.first_errors += q.first_errors;
      m.residual_errors += q.residual_errors;
      m.nof_transmissions += q.nof_transmissions;
      m.delivered_bits += q.delivered_bits;
      m.max_bits += q.max_bits;
    }
  }
  std::sort(merged.shards.begin(), merged.shards.end());
  out = std::move(merged);
  return status::ok();
}

proportion_interval wilson_interval(uint64_t k, uint64_t n, double z) {
  if (n == 0) {
    return {0.0, 1.0};
  }
  const double nd = static_cast<double>(n);
  const double p = static_cast<double>(k) / nd;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nd)) / (1 + z2 / nd);
  const double half =
      z / (1 + z2 / nd) * std::sqrt(p * (1 - p) / nd + z2 / (4 * nd * nd));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double throughput_fraction(const sweep_point &point) {
  return point.max_bits == 0 ? 0.0
                             : static_cast<double>(point.delivered_bits) /
                                   static_cast<double>(point.max_bits);
}

std::optional<double> snr_at_throughput(std::span<const sweep_point> points,
                                        double fraction) {
  std::vector<sweep_point> sorted(points.begin(), points.end());
  sorted.erase(
      std::remove_if(sorted.begin(), sorted.end(),
                     [](const sweep_point &p) { return p.max_bits == 0; }),
      sorted.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto &a, const auto &b) { return a.snr_db < b.snr_db; });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const double t0 = throughput_fraction(sorted[i - 1]);
    const double t1 = throughput_fraction(sorted[i]);
    if (t0 < fraction && t1 >= fraction) {
      return sorted[i - 1].snr_db +
             (fraction - t0) / (t1 - t0) *
                 (sorted[i].snr_db - sorted[i - 1].snr_db);
    }
  }
  return std::nullopt;
}

std::string text_digest(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(h));
  return hex;
}

std::string_view estimator_name(phy::channel_estimator_kind kind) {
  switch (kind) {
  case phy::channel_estimator_kind::ls_linear:
    return "ls";
  case phy::channel_estimator_kind::dft:
    return "dft";
  case phy::channel_estimator_kind::lmmse:
    return "lmmse";
  }
  return "unknown";
}

status parse_estimator_name(std::string_view name,
                            phy::channel_estimator_kind &kind) {
  for (auto k :
       {phy::channel_estimator_kind::ls_linear,
        phy::channel_estimator_kind::dft, phy::channel_estimator_kind::lmmse}) {
    if (estimator_name(k) == name) {
      kind = k;
      return status::ok();
    }
  }
  return status::error("unknown channel estimator '" + std::string(name) +
                       "' (ls, dft, lmmse)");
}

} // namespace airan::sim
