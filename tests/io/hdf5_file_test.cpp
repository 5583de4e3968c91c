#include "airan/io/hdf5_file.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

using airan::io::hdf5_file;

namespace {

/// More values than any dataset read here holds.
constexpr std::size_t max_values = std::size_t{1} << 24;
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
  CHECK(f.read_dataset("tb_bits", bits, max_values).is_ok());
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
  s = f.read_dataset("no_such_dataset", bits, max_values);
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
    const bool all_ok = g.read_dataset("tb_bits", a, max_values).is_ok() &&
                        g.read_dataset("coded_bits", b, max_values).is_ok() &&
                        g.read_dataset("scrambled_bits", c, max_values).is_ok();
    CHECK_FALSE(all_ok);
  }
  std::filesystem::remove(corrupt);
}

TEST_CASE("hdf5 file: reads N-D floating-point datasets with their shape")
{
  const std::string pusch = std::string(AIRAN_TESTVECTOR_DIR) + "/pusch/case_10.h5";
  hdf5_file f;
  REQUIRE(hdf5_file::open(pusch, f).is_ok());
  std::vector<float> values;
  std::vector<std::size_t> shape;
  REQUIRE(f.read_dataset("grid", values, shape, max_values).is_ok());
  CHECK(shape == std::vector<std::size_t>{2, 14, 480, 2});
  CHECK(values.size() == 2 * 14 * 480 * 2);
  // 16QAM data and DM-RS of amplitude 1 (one CDM group without data), no precoding: every real and imaginary part is
  // at most 3 / sqrt(10).
  for (float x : values) {
    CHECK(std::abs(x) <= 3.0F / std::sqrt(10.0F) + 1e-6F);
  }
}

TEST_CASE("hdf5 file: floating-point reader errors name the dataset and the problem")
{
  hdf5_file f;
  REQUIRE(hdf5_file::open(case0, f).is_ok());
  std::vector<float> values = {1.0F};
  std::vector<std::size_t> shape = {1};
  auto s = f.read_dataset("no_such_dataset", values, shape, max_values);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("missing dataset 'no_such_dataset'") != std::string::npos);
  s = f.read_dataset("tb_bits", values, shape, max_values);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("'tb_bits' is not a floating-point array") != std::string::npos);
  // Failed reads leave the outputs as they were.
  CHECK(values == std::vector<float>{1.0F});
  CHECK(shape == std::vector<std::size_t>{1});

  // The integer reader refuses a floating-point dataset.
  const std::string pusch = std::string(AIRAN_TESTVECTOR_DIR) + "/pusch/case_00.h5";
  REQUIRE(hdf5_file::open(pusch, f).is_ok());
  std::vector<uint8_t> bytes;
  s = f.read_dataset("grid", bytes, max_values);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("'grid' is not an integer array") != std::string::npos);

  // A copy with its second half overwritten: the grid cannot be read back, and nothing crashes.
  const auto corrupt = std::filesystem::temp_directory_path() / "airan_corrupt_pusch_case_00.h5";
  std::filesystem::copy_file(pusch, corrupt, std::filesystem::copy_options::overwrite_existing);
  const auto size = std::filesystem::file_size(corrupt);
  {
    std::fstream io(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(size / 2));
    const std::string junk(size - size / 2, '\x5a');
    io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  hdf5_file g;
  if (hdf5_file::open(corrupt.string(), g).is_ok()) {
    CHECK_FALSE(g.read_dataset("grid", values, shape, max_values).is_ok());
  }
  std::filesystem::remove(corrupt);
}
