#include "airan/io/ingest/fault_injector.h"

#include "airan/io/fronthaul/app_header.h"
#include "airan/io/fronthaul/ecpri.h"

#include <limits>
#include <numeric>
#include <stdexcept>

namespace airan::io {

namespace {

/// Offset of the radio timing header from the start of the eCPRI PDU.
constexpr std::size_t app_header_offset =
    ecpri_common_header_size + ecpri_transport_size;

} // namespace

status validate(const fault_config &config) {
  for (const double p : {config.drop, config.reorder, config.duplicate,
                         config.corrupt, config.delay}) {
    if (!(p >= 0.0 && p <= 1.0)) {
      return status::error("fault injection: probabilities must lie in [0, 1]");
    }
  }
  if (config.drop + config.reorder + config.duplicate + config.corrupt +
          config.delay >
      1.0) {
    return status::error(
        "fault injection: the probabilities add up to more than 1");
  }
  if (config.delay_ns < 0) {
    return status::error("fault injection: negative delay");
  }
  return status::ok();
}

uint64_t fault_report::corrupted_total() const noexcept {
  return std::accumulate(std::begin(corrupted), std::end(corrupted),
                         uint64_t{0});
}

fh_error expected_error(fault_kind kind) noexcept {
  switch (kind) {
  case fault_kind::corrupt_revision:
    return fh_error::bad_ecpri_revision;
  case fault_kind::corrupt_truncate:
    return fh_error::ecpri_payload_size_mismatch;
  case fault_kind::corrupt_payload_version:
    return fh_error::bad_payload_version;
  case fault_kind::corrupt_symbol:
    return fh_error::symbol_out_of_range;
  default:
    return fh_error::ok;
  }
}

fault_injector::fault_injector(const fault_config &config)
    : config_(config), rng_(config.seed) {
  if (auto s = validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
}

fault_kind fault_injector::draw() noexcept {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  for (const auto &[p, kind] :
       {std::pair{config_.drop, fault_kind::drop},
        std::pair{config_.reorder, fault_kind::reorder},
        std::pair{config_.duplicate, fault_kind::duplicate},
        std::pair{config_.corrupt, fault_kind::corrupt_revision},
        std::pair{config_.delay, fault_kind::delay}}) {
    if (u < p) {
      if (kind == fault_kind::corrupt_revision) {
        constexpr fault_kind corruptions[] = {
            fault_kind::corrupt_revision, fault_kind::corrupt_truncate,
            fault_kind::corrupt_payload_version, fault_kind::corrupt_symbol};
        return corruptions[std::uniform_int_distribution<unsigned>(0, 3)(rng_)];
      }
      return kind;
    }
    u -= p;
  }
  return fault_kind::none;
}

void fault_injector::corrupt(std::vector<uint8_t> &bytes, unsigned ecpri_offset,
                             fault_kind kind) {
  uint8_t *pdu = bytes.data() + ecpri_offset;
  switch (kind) {
  case fault_kind::corrupt_revision:
    pdu[0] = static_cast<uint8_t>(0x20 | (pdu[0] & 0x0F)); // ecpriRevision 2.
    break;
  case fault_kind::corrupt_truncate:
    // Cut inside the IQ data, after the section header: the eCPRI payload size
    // now runs past the end.
    bytes.resize(ecpri_offset + app_header_offset + app_header_size + 4 +
                 (bytes.size() - ecpri_offset - app_header_offset -
                  app_header_size - 4) /
                     2);
    break;
  case fault_kind::corrupt_payload_version:
    pdu[app_header_offset] =
        static_cast<uint8_t>((pdu[app_header_offset] & 0x8F) | 2 << 4);
    break;
  case fault_kind::corrupt_symbol:
    pdu[app_header_offset + 3] = static_cast<uint8_t>(
        (pdu[app_header_offset + 3] & 0xC0) |
        std::uniform_int_distribution<unsigned>(14, 63)(rng_));
    break;
  default:
    break;
  }
  ++report_.corrupted[static_cast<std::size_t>(expected_error(kind))];
}

void fault_injector::schedule(injected_packet packet) {
  ++report_.packets_out;
  const int64_t time = packet.tx_time_ns;
  queue_.emplace(std::pair{time, next_order_++}, std::move(packet));
}

void fault_injector::push(std::span<const uint8_t> packet,
                          unsigned ecpri_offset, unsigned port,
                          int64_t tx_time_ns) {
  ++report_.packets_in;
  injected_packet p{{packet.begin(), packet.end()},
                    tx_time_ns,
                    next_index_++,
                    port,
                    draw(),
                    false};
  // A packet held for reordering goes out right after the next packet of its
  // port sent intact and on time.
  const auto release_held = [&] {
    if (auto held = held_.find(port); held != held_.end()) {
      held->second.tx_time_ns = tx_time_ns;
      ++report_.reordered;
      injected_packet released = std::move(held->second);
      held_.erase(held);
      schedule(std::move(released));
    }
  };
  switch (p.fault) {
  case fault_kind::drop:
    ++report_.dropped;
    return;
  case fault_kind::reorder:
    if (held_.count(port) == 0) {
      held_.emplace(port, std::move(p));
      return;
    }
    // One packet held per port at a time: this one goes out normally.
    p.fault = fault_kind::none;
    break;
  case fault_kind::delay:
    ++report_.delayed;
    p.tx_time_ns += config_.delay_ns;
    break;
  case fault_kind::none:
  case fault_kind::duplicate:
    break;
  default:
    corrupt(p.bytes, ecpri_offset, p.fault);
    break;
  }
  const bool intact =
      p.fault == fault_kind::none || p.fault == fault_kind::duplicate;
  if (p.fault == fault_kind::duplicate) {
    ++report_.duplicated;
    injected_packet copy = p;
    copy.copy = true;
    schedule(std::move(p));
    schedule(std::move(copy));
  } else {
    schedule(std::move(p));
  }
  if (intact) {
    release_held();
  }
}

std::vector<injected_packet> fault_injector::pop_until(int64_t until_ns) {
  std::vector<injected_packet> out;
  while (!queue_.empty() && queue_.begin()->first.first < until_ns) {
    out.push_back(std::move(queue_.begin()->second));
    queue_.erase(queue_.begin());
  }
  return out;
}

std::vector<injected_packet> fault_injector::drain() {
  for (auto &[port, held] : held_) {
    held.fault = fault_kind::none;
    schedule(std::move(held));
  }
  held_.clear();
  return pop_until(std::numeric_limits<int64_t>::max());
}

} // namespace airan::io
