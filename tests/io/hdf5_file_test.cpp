#include "airan/io/hdf5_file.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using airan::io::hdf5_file;

namespace {
const std::string case0 = std::string(AIRAN_TESTVECTOR_DIR) + "/ulsch/case_0.h5";
}

TEST_CASE("hdf5 file: reads attributes and datasets of a shipped vector")
{
  hdf5_file f;
  REQUIRE(hdf5_file::open(case0, f).is_ok());
  uint32_t tbs = 0;
  CHECK(f.read_attribute("tbs", tbs).is_ok());
  CHECK(tbs == 9992);
  std::string kind;
  CHECK(f.read_attribute("kind", kind).is_ok());
  CHECK(kind == "ulsch_coding");
  std::vector<uint8_t> bits;
  CHECK(f.read_dataset("tb_bits", bits).is_ok());
  CHECK(bits.size() == 9992);
}

TEST_CASE("hdf5 file: missing file, missing dataset, wrong type and corruption give errors naming the problem")
{
  hdf5_file f;
  auto s = hdf5_file::open("/nonexistent/x.h5", f);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("/nonexistent/x.h5") != std::string::npos);

  REQUIRE(hdf5_file::open(case0, f).is_ok());
  std::vector<uint8_t> bits;
  s = f.read_dataset("no_such_dataset", bits);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("no_such_dataset") != std::string::npos);
  uint32_t value = 0;
  s = f.read_attribute("kind", value);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("kind") != std::string::npos);
  CHECK(f.read_attribute("target_code_rate", value).message().find("unsigned") != std::string::npos);

  // A copy with its second half overwritten: opening or reading must fail cleanly, never crash.
  const auto corrupt = std::filesystem::temp_directory_path() / "airan_corrupt_case_0.h5";
  std::filesystem::copy_file(case0, corrupt, std::filesystem::copy_options::overwrite_existing);
  const auto size = std::filesystem::file_size(corrupt);
  {
    std::fstream io(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(size / 2));
    const std::string junk(size - size / 2, '\x5a');
    io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  hdf5_file g;
  if (hdf5_file::open(corrupt.string(), g).is_ok()) {
    std::vector<uint8_t> a;
    std::vector<uint8_t> b;
    std::vector<uint8_t> c;
    const bool all_ok = g.read_dataset("tb_bits", a).is_ok() && g.read_dataset("coded_bits", b).is_ok() &&
                        g.read_dataset("scrambled_bits", c).is_ok();
    CHECK_FALSE(all_ok);
  }
  std::filesystem::remove(corrupt);
}
