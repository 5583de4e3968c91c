// airan tv generate: writes test vectors (testvectors/FORMAT.md): the PUSCH vectors of a scenario, block-level ones
// from a seed.

#include "airan/io/testvector_generator.h"
#include "commands.h"
#include "sim/scenario.h"
#include "sim/scenario_vectors.h"

#include <filesystem>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace airan::tools {

namespace {

struct generate_options {
  std::string scenario_path;
  std::string output_dir;
  bool blocks = false;
  uint64_t seed = 1;
};

void generate(const generate_options& opt)
{
  if (opt.scenario_path.empty() && !opt.blocks) {
    throw std::invalid_argument("give a scenario file, --blocks, or both");
  }
  std::vector<std::string> written;
  if (!opt.scenario_path.empty()) {
    sim::scenario sc;
    if (auto s = sim::load_scenario(opt.scenario_path, sc); !s) {
      throw std::invalid_argument(s.message());
    }
    std::vector<sim::named_vector_spec> specs;
    if (auto s = sim::scenario_vector_specs(sc, specs); !s) {
      throw std::invalid_argument(s.message());
    }
    std::filesystem::create_directories(opt.output_dir);
    for (const auto& named : specs) {
      io::pusch_vector v;
      bool crc_ok = false;
      if (auto s = io::generate_pusch_vector(named.spec, v, crc_ok); !s) {
        throw std::runtime_error(named.file_name + ": " + s.message());
      }
      const std::filesystem::path path = std::filesystem::path(opt.output_dir) / named.file_name;
      if (v.input == io::pusch_input::fronthaul_pcap) {
        // The capture lies beside the vector, under the vector's name.
        v.pcap_file = path.stem().string() + ".pcap";
        if (auto s = io::write_pusch_capture((path.parent_path() / v.pcap_file).string(), v); !s) {
          throw std::runtime_error(s.message());
        }
      }
      if (auto s = io::write_pusch_vector(path.string(), v); !s) {
        throw std::runtime_error(s.message());
      }
      if (!crc_ok) {
        // Vectors below the decoding threshold are written (BLER studies want them) but would fail airan run.
        std::fprintf(stderr, "airan: %s does not decode (CRC failure)\n", path.string().c_str());
      }
      written.push_back(path.string());
    }
  }
  if (opt.blocks) {
    if (auto s = io::generate_block_vectors(opt.output_dir, opt.seed, written); !s) {
      throw std::runtime_error(s.message());
    }
  }
  for (const auto& name : written) {
    std::printf("%s\n", name.c_str());
  }
  std::printf("%zu vectors written\n", written.size());
}

} // namespace

void add_tv_command(CLI::App& app)
{
  auto* tv = app.add_subcommand("tv", "test vectors");
  tv->require_subcommand(1);
  auto opt = std::make_shared<generate_options>();
  auto* cmd = tv->add_subcommand("generate", "write test vectors: PUSCH vectors of a scenario and/or block-level "
                                             "vectors of every kind");
  cmd->add_option("scenario", opt->scenario_path, "scenario YAML file");
  cmd->add_option("-o,--output", opt->output_dir, "output directory")->required();
  cmd->add_flag("--blocks", opt->blocks,
                "also write block-level vectors (LDPC, rate dematching, demapping, OFDM, "
                "channel estimation)");
  cmd->add_option("--seed", opt->seed, "seed of the block-level vectors")
      ->check(unsigned_64bit())
      ->capture_default_str();
  cmd->callback([opt] { generate(*opt); });
}

} // namespace airan::tools
