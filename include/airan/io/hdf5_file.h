#pragma once
/// Read access to HDF5 test-vector files (testvectors/FORMAT.md): root attributes and N-D integer and floating-point
/// datasets of the root group.
/// Every failure is a status naming the file and the attribute or dataset; nothing throws. Failed reads leave the
/// outputs as they were.

#include "airan/common/status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace airan::io {

class hdf5_file {
public:
  /// Opens path read-only. On failure out is left closed and the status says why.
  static status open(const std::string& path, hdf5_file& out);

  hdf5_file();
  ~hdf5_file();
  hdf5_file(hdf5_file&&) noexcept;
  hdf5_file& operator=(hdf5_file&&) noexcept;

  const std::string& path() const { return path_; }

  status read_attribute(const std::string& name, uint32_t& value) const;
  status read_attribute(const std::string& name, double& value) const;
  status read_attribute(const std::string& name, std::string& value) const;

  bool has_attribute(const std::string& name) const;
  bool has_dataset(const std::string& name) const;

  // Dataset reads: a dataset of more than max_count values is an error, found from its declared shape before
  // anything is allocated (a corrupt or hostile file cannot make the reader allocate more than the caller expects).

  /// Reads a 1-D dataset of any integer type into bytes; values outside [0, 255] are an error.
  status read_dataset(const std::string& name, std::vector<uint8_t>& values, std::size_t max_count) const;

  /// Reads an integer dataset of any rank >= 1 in row-major (C) order with its shape; values outside [0, 255]
  /// (uint8) or [-128, 127] (int8) are an error.
  status read_dataset(const std::string& name, std::vector<uint8_t>& values, std::vector<std::size_t>& shape,
                      std::size_t max_count) const;
  status read_dataset(const std::string& name, std::vector<int8_t>& values, std::vector<std::size_t>& shape,
                      std::size_t max_count) const;

  /// Reads a floating-point dataset of any rank >= 1 as float32 in row-major (C) order; shape receives its dimensions
  /// (values.size() is their product). Integer or string datasets are an error.
  status read_dataset(const std::string& name, std::vector<float>& values, std::vector<std::size_t>& shape,
                      std::size_t max_count) const;

private:
  struct handle;
  std::unique_ptr<handle> file_;
  std::string path_;
};

} // namespace airan::io
