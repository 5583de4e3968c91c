// airan ru-emu: an O-RU emulator. Sends the resource grid of a pusch_grid test
// vector as uplink U-plane packets (split 7.2x) or as OFDM-modulated
// time-domain samples (split 8), to a pcap file, a UDP destination or a DPDK
// port, once per slot for --slots slots, with optional fault injection, and
// prints (or writes) a JSON report of what was sent and injected.

#include "airan/io/ingest/fault_injector.h"
#include "airan/io/ingest/uplane_packetizer.h"
#include "airan/io/testvector_generator.h"
#include "commands.h"
#include "fh_endpoints.h"
#include "fh_options.h"
#include "ru_emu_split8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

namespace airan::tools {

namespace {

/// Capture time of the first slot in pcap output (a fixed date keeps the files
/// reproducible): 2024-01-01 UTC.
constexpr int64_t pcap_epoch_ns = 1'704'067'200'000'000'000;

struct ru_emu_options {
  std::string vector_path;
  std::string output;
  std::string eal = default_eal_args;
  std::string framing = "eth"; ///< pcap output: eth (eCPRI over Ethernet) or
                               ///< udp (eCPRI over UDP/IPv4).
  fh_split split = fh_split::split7;
  unsigned scale_exponent = 12; ///< Split 8: samples are v 2^-scale_exponent.
  fh_format_options format;
  unsigned nof_slots = 1;
  unsigned max_pdu_bytes = 1500;
  bool realtime = false;
  io::fault_config faults;
  double delay_us = 0.0;
  std::string report_path;
};

/// Most bytes of packets held in memory before the first is sent.
constexpr uint64_t max_planned_bytes = uint64_t{4} << 30;

/// Refuses a run whose slots, all built before sending, would hold more than
/// max_planned_bytes: planned holds the first slot's packets.
void check_planned_bytes(const std::vector<io::injected_packet>& planned, unsigned nof_slots)
{
  uint64_t slot_bytes = 0;
  for (const io::injected_packet& p : planned) {
    slot_bytes += p.bytes.size();
  }
  if (slot_bytes * nof_slots > max_planned_bytes) {
    throw std::invalid_argument("--slots " + std::to_string(nof_slots) + ": " +
                                std::to_string(slot_bytes * nof_slots >> 20) +
                                " MiB of packets would be built before the first is sent, at most " +
                                std::to_string(max_planned_bytes >> 20) + " MiB");
  }
}

/// Sends packets at their times: waits for each (realtime) and retries what the
/// sink refuses.
class paced_sender {
public:
  paced_sender(io::packet_sink &sink, bool realtime, int64_t first_tx_ns)
      : sink_(sink), realtime_(realtime), first_tx_ns_(first_tx_ns),
        start_(std::chrono::steady_clock::now()) {}

  void send(const std::vector<io::injected_packet> &packets) {
    for (const io::injected_packet &p : packets) {
      if (realtime_) {
        const auto due =
            start_ + std::chrono::nanoseconds(p.tx_time_ns - first_tx_ns_);
        std::this_thread::sleep_until(due);
        max_lag_ = std::max(max_lag_, std::chrono::steady_clock::now() - due);
      }
      const std::span<const uint8_t> bytes(p.bytes);
      while (sink_.send_burst({&bytes, 1}, p.tx_time_ns) == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    }
  }

  /// Realtime: the longest a packet left after its time (the emulator's own
  /// scheduling delay, which a receiver sees as lateness).
  double max_lag_us() const {
    return std::chrono::duration<double, std::micro>(max_lag_).count();
  }

private:
  io::packet_sink &sink_;
  bool realtime_;
  std::chrono::steady_clock::duration max_lag_{};
  int64_t first_tx_ns_;
  std::chrono::steady_clock::time_point start_;
};

nlohmann::json to_json(const io::fault_report &r) {
  nlohmann::json corrupted = nlohmann::json::object();
  for (std::size_t i = 1; i != io::nof_fh_errors; ++i) {
    if (r.corrupted[i] != 0) {
      corrupted[io::to_label(static_cast<io::fh_error>(i))] = r.corrupted[i];
    }
  }
  return {{"packets_in", r.packets_in}, {"packets_out", r.packets_out},
          {"dropped", r.dropped},       {"reordered", r.reordered},
          {"duplicated", r.duplicated}, {"delayed", r.delayed},
          {"corrupted", corrupted}};
}

void ru_emu(const ru_emu_options &opt) {
  io::pusch_vector v;
  if (auto s = io::load_pusch_vector(opt.vector_path, v); !s) {
    throw std::runtime_error(s.message());
  }
  // A time-domain vector is sent as the grid its samples demodulate to.
  std::vector<cf_t> grid_values;
  if (auto s = io::pusch_vector_grid(v, grid_values); !s) {
    throw std::runtime_error(opt.vector_path + ": " + s.message());
  }
  v.grid = std::move(grid_values);
  const endpoint out = parse_endpoint(opt.output);
  if (opt.framing != "eth" && opt.framing != "udp") {
    throw std::invalid_argument("--framing '" + opt.framing +
                                "': expected eth or udp");
  }
  // A DPDK port sends Ethernet frames; UDP sockets send eCPRI PDUs.
  const bool ethernet = out.kind == endpoint::kind_t::dpdk ||
                        (out.kind == endpoint::kind_t::pcap && opt.framing == "eth");

  io::uplane_packetizer_config config;
  config.uplane.nof_carrier_prb = v.nof_subcarriers / 12;
  config.uplane.dynamic_compression = opt.format.ud_comp_hdr;
  config.uplane.static_compression = compression_of(opt.format);
  config.iq_scale = opt.format.iq_scale;
  config.port_eaxc = port_eaxc_of(opt.format, v.nof_ports);
  config.nof_symbols = v.nof_symbols;
  config.framing =
      ethernet ? io::packet_framing::ethernet : io::packet_framing::ecpri;
  config.ethernet = {
      {0x02, 0, 0, 0, 0, 0x02}, {0x02, 0, 0, 0, 0, 0x01}, false, {}};
  // An IPv4 and a UDP header share the MTU with the eCPRI PDU.
  constexpr unsigned ip_udp_header_bytes = 28;
  if (!ethernet && opt.max_pdu_bytes <= ip_udp_header_bytes) {
    throw std::invalid_argument("--mtu " + std::to_string(opt.max_pdu_bytes) +
                                ": no room for the eCPRI PDU after the 28 bytes of IPv4 and UDP headers");
  }
  config.max_pdu_bytes = ethernet ? opt.max_pdu_bytes : opt.max_pdu_bytes - ip_udp_header_bytes;
  io::uplane_packetizer packetizer(config);
  std::unique_ptr<split8_emitter> split8;
  if (opt.split == fh_split::split8) {
    io::split8_packetizer_config c8;
    c8.port_stream = config.port_eaxc;
    c8.scale_exponent = opt.scale_exponent;
    c8.framing = config.framing;
    c8.ethernet = config.ethernet;
    c8.max_pdu_bytes = config.max_pdu_bytes;
    split8 = std::make_unique<split8_emitter>(v, c8);
  }

  io::fault_config faults = opt.faults;
  faults.delay_ns = static_cast<int64_t>(opt.delay_us * 1000.0);
  io::fault_injector injector(faults);

  const std::unique_ptr<io::packet_sink> sink =
      open_sink(out, opt.eal, config.framing);
  const int64_t epoch_ns =
      out.kind == endpoint::kind_t::pcap
          ? pcap_epoch_ns
          : std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();

  // Slot timing (TS 38.211 4.3.2): 2^mu slots per subframe of 1 ms; the
  // vector's slot n_s,f in consecutive frames.
  const unsigned mu = v.carrier.numerology;
  const unsigned slots_per_frame = 10U << mu;
  const unsigned slot_in_frame = v.pdu.slot % slots_per_frame;
  const int64_t slot_ns = 1'000'000 >> mu;
  const int64_t symbol_ns = slot_ns / v.nof_symbols;
  // Every slot is built before the first packet leaves: building (split 8: OFDM modulation) takes longer than a
  // slot on a busy machine, and an RU sends on time.
  std::vector<io::injected_packet> planned;
  const auto plan = [&](std::vector<io::injected_packet> packets) {
    std::move(packets.begin(), packets.end(), std::back_inserter(planned));
  };
  const phy::const_grid_view grid{v.grid.data(), v.nof_ports, v.nof_symbols,
                                  v.nof_subcarriers};
  uint64_t nof_built = 0;
  for (unsigned i = 0; i != opt.nof_slots; ++i) {
    const int64_t slot_start =
        epoch_ns + (int64_t{i} * slots_per_frame + slot_in_frame) * slot_ns;
    if (split8) {
      nof_built += split8->emit(injector, static_cast<uint8_t>(i % 256), slot_start);
    } else {
      const auto packets =
          packetizer.build_slot(grid, static_cast<uint8_t>(i % 256), static_cast<uint8_t>(slot_in_frame >> mu),
                                static_cast<uint8_t>(slot_in_frame % (1U << mu)));
      if (packets.empty()) {
        throw std::runtime_error(opt.vector_path + ": grid does not match the fronthaul configuration");
      }
      for (const io::uplane_tx_packet& p : packets) {
        // A symbol's packets leave once the symbol has been received over the air.
        injector.push(p.bytes, p.ecpri_offset, p.port, slot_start + (p.symbol + 1) * symbol_ns);
      }
      nof_built += packets.size();
    }
    plan(injector.pop_until(slot_start + slot_ns));
    if (i == 0) {
      check_planned_bytes(planned, opt.nof_slots);
    }
  }
  plan(injector.drain());
  paced_sender sender(*sink, opt.realtime, epoch_ns);
  sender.send(planned);

  nlohmann::json report = {{"vector", opt.vector_path},
                            {"output", opt.output},
                            {"split", split8 ? 8 : 7},
                            {"slots", opt.nof_slots},
                            {"packets_built", nof_built},
                            {"seed", opt.faults.seed},
                            {"faults", to_json(injector.report())}};
  if (opt.realtime) {
    report["max_send_lag_us"] = sender.max_lag_us();
  }
  if (split8) {
    report["max_samples_per_packet"] = split8->max_samples_per_packet();
    report["saturated_values"] = split8->nof_saturated();
  } else {
    report["max_prb_per_packet"] = packetizer.max_prb_per_packet();
  }
  if (opt.report_path.empty()) {
    std::cout << report.dump(2) << "\n";
  } else {
    std::ofstream file(opt.report_path);
    file << report.dump(2) << "\n";
    if (!file) {
      throw std::runtime_error("cannot write " + opt.report_path);
    }
  }
}

} // namespace

void add_ru_emu_command(CLI::App &app) {
  auto opt = std::make_shared<ru_emu_options>();
  auto *cmd = app.add_subcommand(
      "ru-emu",
      "O-RU emulator: send a PUSCH vector's grid as U-plane packets");
  cmd->add_option("vector", opt->vector_path,
                  "PUSCH test vector (grid, time-domain or fronthaul input)")
      ->required();
  cmd->add_option("--out", opt->output,
                  "pcap:FILE, udp:HOST:PORT or dpdk:VDEV (e.g. "
                  "dpdk:net_pcap0,tx_pcap=FILE)")
      ->required();
  add_eal_option(*cmd, opt->eal);
  cmd->add_option(
         "--framing", opt->framing,
         "pcap output: eth (eCPRI over Ethernet) or udp (over UDP/IPv4)")
      ->capture_default_str();
  add_split_option(*cmd, opt->split);
  cmd->add_option("--scale-exponent", opt->scale_exponent,
                  "split 8: int16 samples stand for v 2^-E")
      ->capture_default_str();
  add_fh_format_options(*cmd, opt->format);
  cmd->add_option(
         "--slots", opt->nof_slots,
         "slots to send (the grid in consecutive frames; all are built, and held in memory, before the first is sent)")
      ->check(CLI::Range(1U, 1'000'000U))
      ->capture_default_str();
  cmd->add_option("--mtu", opt->max_pdu_bytes,
                  "largest Ethernet payload, bytes")
      ->capture_default_str();
  cmd->add_flag("--realtime", opt->realtime,
                "send at the slots' air times instead of as fast as possible");
  cmd->add_option("--drop", opt->faults.drop,
                  "probability of dropping a packet");
  cmd->add_option("--reorder", opt->faults.reorder,
                  "probability of sending a packet after the next of its eAxC");
  cmd->add_option("--duplicate", opt->faults.duplicate,
                  "probability of sending a packet twice");
  cmd->add_option("--corrupt", opt->faults.corrupt,
                  "probability of damaging a packet");
  cmd->add_option("--delay", opt->faults.delay,
                  "probability of delaying a packet by --delay-us");
  cmd->add_option("--delay-us", opt->delay_us, "delay of a delayed packet, microseconds")->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--seed", opt->faults.seed, "seed of the fault injection")
      ->check(unsigned_64bit())
      ->capture_default_str();
  cmd->add_option("--report", opt->report_path,
                  "write the JSON report to this file instead of stdout");
  cmd->callback([opt] { ru_emu(*opt); });
}

} // namespace airan::tools
