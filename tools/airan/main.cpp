#include <CLI/CLI.hpp>

int main(int argc, char** argv)
{
  CLI::App app{"airan: GPU-accelerated 5G NR base-station physical layer"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
