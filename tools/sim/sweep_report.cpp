// JSON and CSV of sweep results.

#include "sim/sweep_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace airan::sim {

namespace {

constexpr double reference_throughput_fraction = 0.7;

nlohmann::json point_to_json(const sweep_point &p) {
  const auto first = wilson_interval(p.first_errors, p.nof_blocks);
  const auto residual = wilson_interval(p.residual_errors, p.nof_blocks);
  const double blocks =
      p.nof_blocks == 0 ? 1.0 : static_cast<double>(p.nof_blocks);
  return {{"snr_db", p.snr_db},
          {"slots", p.nof_slots},
          {"blocks", p.nof_blocks},
          {"first_errors", p.first_errors},
          {"residual_errors", p.residual_errors},
          {"transmissions", p.nof_transmissions},
          {"delivered_bits", p.delivered_bits},
          {"max_bits", p.max_bits},
          {"bler", static_cast<double>(p.first_errors) / blocks},
          {"bler_ci95", {first.low, first.high}},
          {"residual_bler", static_cast<double>(p.residual_errors) / blocks},
          {"residual_bler_ci95", {residual.low, residual.high}},
          {"throughput_fraction", throughput_fraction(p)}};
}

} // namespace

std::string sweep_to_json(const sweep_result &r) {
  nlohmann::json j;
  j["scenario"] = r.scenario_name;
  j["scenario_digest"] = r.scenario_digest;
  j["channel"] = r.channel;
  j["estimator"] = r.estimator;
  j["seed"] = r.seed;
  j["payload_seed"] = r.payload_seed;
  j["slots_per_point"] = r.nof_slots;
  j["max_transmissions"] = r.max_nof_transmissions;
  j["nof_shards"] = r.nof_shards;
  j["shards"] = r.shards;
  j["confidence_interval"] = "Wilson score, 95 %";
  j["points"] = nlohmann::json::array();
  for (const auto &p : r.points) {
    j["points"].push_back(point_to_json(p));
  }
  const auto snr70 = snr_at_throughput(r.points, reference_throughput_fraction);
  j["snr_db_at_70pct_throughput"] =
      snr70 ? nlohmann::json(*snr70) : nlohmann::json(nullptr);
  return j.dump(2) + "\n";
}

status sweep_from_json(std::string_view text, sweep_result &out) {
  std::string field;
  try {
    const auto j = nlohmann::json::parse(text);
    sweep_result r;
    auto get = [&](const nlohmann::json &obj, const char *key, auto &value) {
      field = key;
      const nlohmann::json& v = obj.at(key);
      if constexpr (std::is_unsigned_v<std::remove_reference_t<decltype(value)>>) {
        // get_to() would wrap a negative number.
        if (!v.is_number_unsigned()) {
          throw std::invalid_argument("not a count: " + v.dump());
        }
      }
      v.get_to(value);
    };
    get(j, "scenario", r.scenario_name);
    get(j, "scenario_digest", r.scenario_digest);
    get(j, "channel", r.channel);
    get(j, "estimator", r.estimator);
    get(j, "seed", r.seed);
    get(j, "payload_seed", r.payload_seed);
    get(j, "slots_per_point", r.nof_slots);
    get(j, "max_transmissions", r.max_nof_transmissions);
    get(j, "nof_shards", r.nof_shards);
    get(j, "shards", r.shards);
    field = "points";
    for (const auto &jp : j.at("points")) {
      sweep_point p;
      get(jp, "snr_db", p.snr_db);
      get(jp, "slots", p.nof_slots);
      get(jp, "blocks", p.nof_blocks);
      get(jp, "first_errors", p.first_errors);
      get(jp, "residual_errors", p.residual_errors);
      get(jp, "transmissions", p.nof_transmissions);
      get(jp, "delivered_bits", p.delivered_bits);
      get(jp, "max_bits", p.max_bits);
      if (p.first_errors > p.nof_blocks || p.residual_errors > p.first_errors || p.delivered_bits > p.max_bits) {
        throw std::invalid_argument("point at " + std::to_string(p.snr_db) +
                                    " dB: errors beyond its blocks or bits beyond its maximum");
      }
      r.points.push_back(p);
    }
    field = "shards";
    std::vector<unsigned> shards = r.shards;
    std::sort(shards.begin(), shards.end());
    if (r.nof_shards == 0 || shards.empty() || shards.back() >= r.nof_shards ||
        std::adjacent_find(shards.begin(), shards.end()) != shards.end()) {
      throw std::invalid_argument("expected distinct shards below nof_shards " + std::to_string(r.nof_shards));
    }
    out = std::move(r);
    return status::ok();
  } catch (const nlohmann::json::exception &e) {
    return status::error("not a sweep result (field '" + field +
                         "'): " + e.what());
  } catch (const std::invalid_argument& e) {
    return status::error("not a sweep result (field '" + field + "'): " + e.what());
  }
}

std::string sweep_to_csv(const sweep_result &r) {
  std::ostringstream s;
  s << "snr_db,slots,blocks,first_errors,bler,bler_ci95_low,bler_ci95_high,"
       "residual_errors,residual_bler,"
       "residual_bler_ci95_low,residual_bler_ci95_high,transmissions_per_block,"
       "throughput_fraction\n";
  char line[512];
  for (const auto &p : r.points) {
    const auto first = wilson_interval(p.first_errors, p.nof_blocks);
    const auto residual = wilson_interval(p.residual_errors, p.nof_blocks);
    const double blocks =
        p.nof_blocks == 0 ? 1.0 : static_cast<double>(p.nof_blocks);
    std::snprintf(
        line, sizeof(line),
        "%g,%llu,%llu,%llu,%.6f,%.6f,%.6f,%llu,%.6f,%.6f,%.6f,%.4f,%.6f\n",
        p.snr_db, static_cast<unsigned long long>(p.nof_slots),
        static_cast<unsigned long long>(p.nof_blocks),
        static_cast<unsigned long long>(p.first_errors),
        p.first_errors / blocks, first.low, first.high,
        static_cast<unsigned long long>(p.residual_errors),
        p.residual_errors / blocks, residual.low, residual.high,
        p.nof_transmissions / blocks, throughput_fraction(p));
    s << line;
  }
  return s.str();
}

} // namespace airan::sim
