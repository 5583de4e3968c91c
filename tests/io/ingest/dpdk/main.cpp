// Runner of the DPDK port tests. EAL is process-wide and starts once per process, so it starts here, before the tests,
// which then attach their virtual devices one by one. A run in which a test skipped and none failed exits with 77,
// which CTest reports as skipped (each CTest entry runs one test case).
#define DOCTEST_CONFIG_IMPLEMENT
#include "dpdk_test_helpers.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>

namespace airan::io::test {

namespace {
unsigned nof_skipped = 0;
} // namespace

void skip_test(const std::string& reason)
{
  ++nof_skipped;
  std::printf("skipped: %s\n", reason.c_str());
}

} // namespace airan::io::test

int main(int argc, char** argv)
{
  doctest::Context context(argc, argv);
  bool             listing = false;
  for (int i = 1; i != argc; ++i) {
    listing = listing || std::strstr(argv[i], "list-test") != nullptr || std::strcmp(argv[i], "-ltc") == 0;
  }
  // Test discovery at build time only lists the tests: no EAL needed.
  std::shared_ptr<airan::io::dpdk_eal> eal;
  if (!listing) {
    if (const airan::status result = airan::io::make_dpdk_eal(airan::io::test::eal_args(), eal); !result) {
      std::fprintf(stderr, "DPDK EAL did not start: %s\n", result.message().c_str());
      return 1;
    }
  }
  const int result = context.run();
  eal.reset();
  if (result == 0 && airan::io::test::nof_skipped != 0) {
    return 77;
  }
  return result;
}
