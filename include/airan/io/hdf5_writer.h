#pragma once
/// Write access to HDF5 test-vector files (testvectors/FORMAT.md): root attributes (uint32, float64, UTF-8 string)
/// and N-D datasets (uint8, int8, float32) of the root group, gzip-compressed (floats with the shuffle filter).
/// Files carry no modification times, so the same content always gives the same bytes.
/// Every failure is a status naming the file and the attribute or dataset; nothing throws.

#include "airan/common/status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace airan::io {

class hdf5_writer {
public:
  /// Creates (or truncates) path. On failure out is left closed and the status says why.
  static status create(const std::string& path, hdf5_writer& out);

  hdf5_writer();
  ~hdf5_writer();
  hdf5_writer(hdf5_writer&&) noexcept;
  hdf5_writer& operator=(hdf5_writer&&) noexcept;

  const std::string& path() const { return path_; }

  status write_attribute(const std::string& name, uint32_t value);
  status write_attribute(const std::string& name, double value);
  status write_attribute(const std::string& name, const std::string& value);
  status write_attribute(const std::string& name, const char* value)
  {
    return write_attribute(name, std::string(value));
  }

  /// Writes values in row-major (C) order as a dataset of the given shape; the product of shape must be
  /// values.size(). Writing a name twice is an error.
  status write_dataset(const std::string& name, std::span<const uint8_t> values, const std::vector<std::size_t>& shape);
  status write_dataset(const std::string& name, std::span<const int8_t> values, const std::vector<std::size_t>& shape);
  status write_dataset(const std::string& name, std::span<const float> values, const std::vector<std::size_t>& shape);

  /// Flushes and closes the file; the status reports a failed flush. The destructor closes silently.
  status close();

private:
  struct handle;
  std::unique_ptr<handle> file_;
  std::string path_;
};

} // namespace airan::io
