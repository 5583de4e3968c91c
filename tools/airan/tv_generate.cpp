// airan tv generate: writes test vectors (testvectors/FORMAT.md), block-level ones from a seed.

#include "airan/io/testvector_generator.h"
#include "commands.h"

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
  cmd->add_flag("--blocks", opt->blocks, "also write block-level vectors (LDPC, rate dematching, demapping, OFDM, "
                                         "channel estimation)");
  cmd->add_option("--seed", opt->seed, "seed of the block-level vectors")->capture_default_str();
  cmd->callback([opt] { generate(*opt); });
}

} // namespace airan::tools
