// airan fh dump: every U-plane section of a pcap capture with its header fields
// and block floating point exponents, as a table or JSON (for comparison with
// other dissectors).

#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/uplane.h"
#include "airan/io/ingest/pcap_io.h"
#include "commands.h"
#include "fh_options.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace airan::tools {

namespace {

struct fh_dump_options {
  std::string input;
  fh_format_options format;
  unsigned nof_carrier_prb = 273;
  bool json = false;
};

/// The udCompParam exponents of a block floating point section, one per PRB.
nlohmann::json exponents_of(const io::uplane_section &section) {
  nlohmann::json exponents = nlohmann::json::array();
  if (section.header.compression.method ==
      io::compression_method::block_floating_point) {
    const std::size_t prb_size =
        io::compressed_prb_size(section.header.compression);
    for (std::size_t i = 0; i < section.iq_data.size(); i += prb_size) {
      exponents.push_back(section.iq_data[i] & 0x0F);
    }
  }
  return exponents;
}

/// The sections of one eCPRI message, or its error.
void dump_message(nlohmann::json &rows, unsigned packet,
                  const io::ecpri_message &message,
                  const io::uplane_config &config) {
  nlohmann::json base = {{"packet", packet},
                         {"eaxc", message.eaxc_id},
                         {"seq", message.seq.sequence_id}};
  if (message.type != io::ecpri_message_type::iq_data) {
    base["cplane"] = true;
    rows.push_back(base);
    return;
  }
  io::app_header header;
  io::uplane_section_reader sections;
  if (const io::fh_error error =
          io::parse_uplane(message.payload, config, header, sections);
      error != io::fh_error::ok) {
    base["error"] = io::to_label(error);
    rows.push_back(base);
    return;
  }
  base["frame"] = header.frame_id;
  base["subframe"] = header.subframe_id;
  base["slot"] = header.slot_id;
  base["symbol"] = header.symbol_id;
  while (!sections.at_end()) {
    io::uplane_section section;
    nlohmann::json row = base;
    if (const io::fh_error error = sections.next(section);
        error != io::fh_error::ok) {
      row["error"] = io::to_label(error);
      rows.push_back(row);
      return;
    }
    row["section_id"] = section.header.section_id;
    row["start_prb"] = section.header.start_prb;
    row["nof_prb"] = section.header.nof_prb;
    row["iq_width"] = section.header.compression.iq_width;
    row["comp_meth"] = static_cast<unsigned>(section.header.compression.method);
    row["exponents"] = exponents_of(section);
    rows.push_back(row);
  }
}

void fh_dump(const fh_dump_options &opt) {
  const endpoint input = parse_endpoint(opt.input);
  if (input.kind != endpoint::kind_t::pcap) {
    throw std::invalid_argument("fh dump reads pcap:FILE");
  }
  io::uplane_config config;
  config.nof_carrier_prb = opt.nof_carrier_prb;
  config.dynamic_compression = opt.format.ud_comp_hdr;
  config.static_compression = compression_of(opt.format);
  if (auto s = io::validate(config); !s) {
    throw std::invalid_argument(s.message());
  }
  io::pcap_source source({input.path, false, opt.format.udp_port});
  std::vector<io::rx_packet> burst(64);
  nlohmann::json rows = nlohmann::json::array();
  unsigned packet = 0;
  while (!source.at_end()) {
    const std::size_t n = source.receive_burst(burst);
    for (std::size_t i = 0; i != n; ++i) {
      ++packet;
      if (burst[i].cut) {
        rows.push_back({{"packet", packet}, {"error", io::to_label(io::fh_error::cut_on_receive)}});
        continue;
      }
      std::span<const uint8_t> pdu = burst[i].bytes;
      if (burst[i].framing == io::packet_framing::ethernet) {
        io::ethernet_header eth;
        if (const io::fh_error error =
                io::parse_ethernet(burst[i].bytes, eth, pdu);
            error != io::fh_error::ok) {
          rows.push_back({{"packet", packet}, {"error", io::to_label(error)}});
          continue;
        }
      }
      io::ecpri_reader messages(pdu);
      while (!messages.at_end()) {
        io::ecpri_message message;
        if (const io::fh_error error = messages.next(message);
            error != io::fh_error::ok) {
          rows.push_back({{"packet", packet}, {"error", io::to_label(error)}});
          break;
        }
        dump_message(rows, packet, message, config);
      }
    }
  }
  if (opt.json) {
    std::cout << rows.dump(1) << "\n";
  } else {
    for (const auto& row : rows) {
      std::cout << row.dump() << "\n";
    }
  }
  if (!source.read_error().empty()) {
    // The rows above are the packets before the damage.
    throw std::runtime_error(input.path + ": " + source.read_error());
  }
}

} // namespace

void add_fh_command(CLI::App &app) {
  auto *fh = app.add_subcommand("fh", "fronthaul tools");
  fh->require_subcommand(1);
  auto opt = std::make_shared<fh_dump_options>();
  auto *dump = fh->add_subcommand(
      "dump", "print the U-plane sections of a pcap capture");
  dump->add_option("input", opt->input, "pcap:FILE")->required();
  add_fh_format_options(*dump, opt->format);
  dump->add_option("--prb", opt->nof_carrier_prb,
                   "carrier PRBs (what numPrbu 0 stands for)")
      ->capture_default_str();
  dump->add_flag("--json", opt->json,
                 "one JSON array instead of one JSON object per line");
  dump->callback([opt] { fh_dump(*opt); });
}

} // namespace airan::tools
