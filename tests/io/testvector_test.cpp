#include "airan/io/testvector.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace airan;

TEST_CASE("test-vector readers: kinds are checked and damaged files give errors naming the problem")
{
  const std::string dir = AIRAN_TESTVECTOR_DIR;
  std::string kind;
  REQUIRE(io::read_testvector_kind(dir + "/pusch/case_00.h5", kind).is_ok());
  CHECK(kind == "pusch_grid");

  io::pusch_vector pusch;
  const auto wrong = io::load_pusch_vector(dir + "/ulsch/case_0.h5", pusch);
  CHECK(wrong.message().find("kind 'ulsch_coding', expected 'pusch_grid'") != std::string::npos);
  io::ulsch_coding_vector ulsch;
  CHECK(io::load_ulsch_coding_vector(dir + "/ulsch/case_0.h5", ulsch).is_ok());
  CHECK(ulsch.tb_bits.size() == ulsch.config.tbs);

  // Every truncation of a vector fails cleanly.
  const auto copy = std::filesystem::temp_directory_path() / "airan_truncated.h5";
  const auto size = std::filesystem::file_size(dir + "/pusch/case_00.h5");
  for (std::uintmax_t keep : {std::uintmax_t{0}, std::uintmax_t{100}, size / 4, size / 2, size - 100}) {
    std::filesystem::copy_file(dir + "/pusch/case_00.h5", copy, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(copy, keep);
    CAPTURE(keep);
    CHECK_FALSE(io::load_pusch_vector(copy.string(), pusch).is_ok());
  }
  std::filesystem::remove(copy);
}
