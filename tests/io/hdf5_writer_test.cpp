// HDF5 writer: what it writes the reader reads back equal; bad requests name the item; same content, same bytes.
#include "airan/io/hdf5_file.h"
#include "airan/io/hdf5_writer.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

using namespace airan;
using airan::io::hdf5_file;
using airan::io::hdf5_writer;

namespace {

/// More values than any dataset read here holds.
constexpr std::size_t max_values = std::size_t{1} << 24;

std::string temp_path(const std::string& name)
{
  // The process id keeps test processes running in parallel apart.
  const std::string prefix = "airan_hdf5_writer_" + std::to_string(getpid()) + "_";
  return (std::filesystem::temp_directory_path() / (prefix + name)).string();
}

std::string file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// One file with every attribute and dataset type.
void write_sample(const std::string& path)
{
  hdf5_writer w;
  REQUIRE(hdf5_writer::create(path, w).is_ok());
  CHECK(w.write_attribute("count", uint32_t{4000000000U}).is_ok());
  CHECK(w.write_attribute("rate", 0.123456789012345).is_ok());
  CHECK(w.write_attribute("name", std::string("extended")).is_ok());
  const std::vector<uint8_t> bytes = {0, 1, 255, 7, 8, 9};
  const std::vector<int8_t> llrs = {-128, -127, 0, 1, 126, 127, 5, -5};
  const std::vector<float> floats = {1.5F, -2.25F, 1e-30F, 3.0e30F, 0.0F, -0.0F};
  CHECK(w.write_dataset("bytes", bytes, {2, 3}).is_ok());
  CHECK(w.write_dataset("llrs", llrs, {2, 2, 2}).is_ok());
  CHECK(w.write_dataset("floats", floats, {6}).is_ok());
  CHECK(w.write_dataset("empty", std::span<const float>(), {0, 2}).is_ok());
  CHECK(w.close().is_ok());
}

} // namespace

TEST_CASE("hdf5 writer: attributes and N-D datasets round-trip through the reader")
{
  const std::string path = temp_path("round_trip.h5");
  write_sample(path);
  hdf5_file f;
  REQUIRE(hdf5_file::open(path, f).is_ok());
  uint32_t count = 0;
  double rate = 0;
  std::string name;
  CHECK(f.read_attribute("count", count).is_ok());
  CHECK(count == 4000000000U);
  CHECK(f.read_attribute("rate", rate).is_ok());
  CHECK(rate == 0.123456789012345);
  CHECK(f.read_attribute("name", name).is_ok());
  CHECK(name == "extended");
  CHECK(f.has_attribute("rate"));
  CHECK_FALSE(f.has_attribute("floats"));
  CHECK(f.has_dataset("floats"));
  CHECK_FALSE(f.has_dataset("rate"));

  std::vector<uint8_t> bytes;
  std::vector<int8_t> llrs;
  std::vector<float> floats;
  std::vector<std::size_t> shape;
  REQUIRE(f.read_dataset("bytes", bytes, shape, max_values).is_ok());
  CHECK(bytes == std::vector<uint8_t>{0, 1, 255, 7, 8, 9});
  CHECK(shape == std::vector<std::size_t>{2, 3});
  REQUIRE(f.read_dataset("llrs", llrs, shape, max_values).is_ok());
  CHECK(llrs == std::vector<int8_t>{-128, -127, 0, 1, 126, 127, 5, -5});
  CHECK(shape == std::vector<std::size_t>{2, 2, 2});
  REQUIRE(f.read_dataset("floats", floats, shape, 6).is_ok());
  CHECK(floats == std::vector<float>{1.5F, -2.25F, 1e-30F, 3.0e30F, 0.0F, -0.0F});
  CHECK(shape == std::vector<std::size_t>{6});
  // One value more than the caller expects is an error, and the outputs stay as they were.
  auto over = f.read_dataset("floats", floats, shape, 5);
  CHECK(over.message().find("dataset 'floats' has shape [6] (6 values), more than the 5 expected") !=
        std::string::npos);
  over = f.read_dataset("bytes", bytes, shape, 5);
  CHECK(over.message().find("dataset 'bytes' has shape [2][3] (6 values), more than the 5 expected") !=
        std::string::npos);
  CHECK(floats.size() == 6);
  CHECK(shape == std::vector<std::size_t>{6});
  REQUIRE(f.read_dataset("empty", floats, shape, max_values).is_ok());
  CHECK(floats.empty());
  CHECK(shape == std::vector<std::size_t>{0, 2});

  // The readers check ranges and types: uint8 values above 127 are not int8, int8 is not float.
  auto s = f.read_dataset("bytes", llrs, shape, max_values);
  CHECK(s.message().find("dataset 'bytes' has values outside -128..127") != std::string::npos);
  s = f.read_dataset("llrs", floats, shape, max_values);
  CHECK(s.message().find("dataset 'llrs' is not a floating-point array") != std::string::npos);
  s = f.read_dataset("llrs", bytes, max_values);
  CHECK(s.message().find("dataset 'llrs' has values outside 0..255") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("hdf5 writer: the same content gives the same bytes")
{
  const std::string a = temp_path("same_a.h5");
  const std::string b = temp_path("same_b.h5");
  write_sample(a);
  write_sample(b);
  const std::string bytes_a = file_bytes(a);
  CHECK_FALSE(bytes_a.empty());
  CHECK(bytes_a == file_bytes(b));
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST_CASE("hdf5 writer: bad requests fail with the file and the item named")
{
  hdf5_writer w;
  auto s = hdf5_writer::create("/nonexistent_dir/x.h5", w);
  CHECK(s.message().find("/nonexistent_dir/x.h5") != std::string::npos);
  s = w.write_attribute("kind", std::string("x"));
  CHECK(s.message().find("attribute 'kind'") != std::string::npos);

  const std::string path = temp_path("bad.h5");
  REQUIRE(hdf5_writer::create(path, w).is_ok());
  const std::vector<float> values(6, 1.0F);
  s = w.write_dataset("grid", values, {4, 2});
  CHECK(s.message().find("dataset 'grid': shape does not match the 6 values given") != std::string::npos);
  s = w.write_dataset("grid", values, {});
  CHECK_FALSE(s.is_ok());
  CHECK(w.write_dataset("grid", values, {3, 2}).is_ok());
  s = w.write_dataset("grid", values, {6});
  CHECK(s.message().find("dataset 'grid' written twice") != std::string::npos);
  CHECK(w.write_attribute("tbs", uint32_t{8}).is_ok());
  s = w.write_attribute("tbs", uint32_t{9});
  CHECK(s.message().find("attribute 'tbs' written twice") != std::string::npos);
  CHECK(w.close().is_ok());
  CHECK_FALSE(w.close().is_ok());
  std::filesystem::remove(path);
}
