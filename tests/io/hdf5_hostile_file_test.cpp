// HDF5 reader against crafted files: attributes holding several strings and datasets declaring more values than
// any vector holds give an error naming the item, before anything is read or allocated.
#include "airan/io/hdf5_file.h"
#include "airan/io/testvector.h"

#include <doctest/doctest.h>

#include <hdf5.h>

#include <filesystem>

#include <unistd.h>

using namespace airan;
using airan::io::hdf5_file;

namespace {

std::string temp_path(const std::string& name)
{
  const std::string prefix = "airan_hdf5_hostile_" + std::to_string(getpid()) + "_";
  return (std::filesystem::temp_directory_path() / (prefix + name)).string();
}

/// A 1-D dataset declaring `count` values of `type`, chunked and never written: the file stays small.
void add_unwritten_dataset(hid_t file, const char* name, hid_t type, hsize_t count)
{
  const hsize_t chunk = 4096;
  const hid_t space = H5Screate_simple(1, &count, nullptr);
  const hid_t props = H5Pcreate(H5P_DATASET_CREATE);
  REQUIRE(H5Pset_chunk(props, 1, &chunk) >= 0);
  const hid_t set = H5Dcreate2(file, name, type, space, H5P_DEFAULT, props, H5P_DEFAULT);
  REQUIRE(set >= 0);
  H5Dclose(set);
  H5Pclose(props);
  H5Sclose(space);
}

/// Attribute `name` holding three strings: variable-length ones, or fixed ones of 8 characters.
void add_string_array_attribute(hid_t file, const char* name, bool variable)
{
  const hsize_t count = 3;
  const hid_t space = H5Screate_simple(1, &count, nullptr);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, variable ? H5T_VARIABLE : 8);
  const hid_t attr = H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(attr >= 0);
  const char* texts[3] = {"pusch_grid", "pusch_grid", "pusch_grid"};
  const char fixed[3][8] = {"a", "b", "c"};
  REQUIRE(H5Awrite(attr, type, variable ? static_cast<const void*>(texts) : static_cast<const void*>(fixed)) >= 0);
  H5Aclose(attr);
  H5Tclose(type);
  H5Sclose(space);
}

} // namespace

TEST_CASE("hdf5 file: string attributes of several elements and oversized datasets are errors")
{
  const std::string path = temp_path("crafted.h5");
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(file >= 0);
    const uint32_t version = 1;
    const hid_t scalar = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(file, "schema_version", H5T_NATIVE_UINT32, scalar, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(H5Awrite(attr, H5T_NATIVE_UINT32, &version) >= 0);
    H5Aclose(attr);
    H5Sclose(scalar);
    add_string_array_attribute(file, "kind", true);
    add_string_array_attribute(file, "fixed", false);
    add_unwritten_dataset(file, "bits", H5T_NATIVE_UINT8, hsize_t{1} << 36);
    add_unwritten_dataset(file, "floats", H5T_NATIVE_FLOAT, hsize_t{1} << 36);
    H5Fclose(file);
  }
  hdf5_file f;
  REQUIRE(hdf5_file::open(path, f).is_ok());

  std::string text = "unchanged";
  auto s = f.read_attribute("kind", text);
  CHECK(s.message().find("attribute 'kind' is not a single string") != std::string::npos);
  s = f.read_attribute("fixed", text);
  CHECK(s.message().find("attribute 'fixed' is not a single string") != std::string::npos);
  CHECK(text == "unchanged");

  std::vector<uint8_t> bits = {7};
  std::vector<float> floats = {1.0F};
  std::vector<std::size_t> shape = {1};
  s = f.read_dataset("bits", bits, shape, 1000);
  CHECK(s.message().find("dataset 'bits' has shape [68719476736] (68719476736 values), more than the 1000 expected") !=
        std::string::npos);
  s = f.read_dataset("floats", floats, shape, 1000);
  CHECK(
      s.message().find("dataset 'floats' has shape [68719476736] (68719476736 values), more than the 1000 expected") !=
      std::string::npos);
  CHECK(bits == std::vector<uint8_t>{7});
  CHECK(floats == std::vector<float>{1.0F});
  CHECK(shape == std::vector<std::size_t>{1});

  // Every loader reads the kind first.
  std::string kind;
  s = io::read_testvector_kind(path, kind);
  CHECK(s.message().find("attribute 'kind' is not a single string") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("hdf5 file: a PUSCH vector whose transport block declares 2^36 bits is rejected before it is read")
{
  const std::string path = temp_path("huge_tb.h5");
  std::filesystem::copy_file(std::string(AIRAN_TESTVECTOR_DIR) + "/pusch/case_00.h5", path,
                             std::filesystem::copy_options::overwrite_existing);
  {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    REQUIRE(H5Ldelete(file, "tb_bits", H5P_DEFAULT) >= 0);
    add_unwritten_dataset(file, "tb_bits", H5T_NATIVE_UINT8, hsize_t{1} << 36);
    H5Fclose(file);
  }
  io::pusch_vector v;
  const status s = io::load_pusch_vector(path, v);
  CAPTURE(s.message());
  CHECK(s.message().find("dataset 'tb_bits' has shape [68719476736] (68719476736 values), more than the") !=
        std::string::npos);
  std::filesystem::remove(path);
}
