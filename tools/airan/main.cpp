#include "commands.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
  CLI::App app{"airan: GPU-accelerated 5G NR base-station physical layer"};
  app.require_subcommand(1);
  int exit_code = 0;
  airan::tools::add_demo_command(app);
  airan::tools::add_run_command(app, exit_code);
  airan::tools::add_tv_command(app);
  airan::tools::add_ru_emu_command(app);
  airan::tools::add_fh_command(app);
  airan::tools::add_sweep_command(app);
  airan::tools::add_bench_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "airan: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}
