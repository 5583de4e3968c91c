#include "airan/io/hdf5_file.h"

#include <hdf5.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace airan::io {

namespace {

/// Closes an HDF5 identifier with the matching close function at scope exit.
class scoped_id {
public:
  scoped_id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  scoped_id(const scoped_id&) = delete;
  scoped_id& operator=(const scoped_id&) = delete;
  ~scoped_id()
  {
    if (id_ >= 0) {
      close_(id_);
    }
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void silence_hdf5_errors()
{
  // The library prints its own error stack by default; airan reports errors itself.
  static const bool silenced = [] { return H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0; }();
  (void)silenced;
}

} // namespace

struct hdf5_file::handle {
  hid_t id;
  ~handle() { H5Fclose(id); }
};

hdf5_file::hdf5_file() = default;
hdf5_file::~hdf5_file() = default;
hdf5_file::hdf5_file(hdf5_file&&) noexcept = default;
hdf5_file& hdf5_file::operator=(hdf5_file&&) noexcept = default;

status hdf5_file::open(const std::string& path, hdf5_file& out)
{
  silence_hdf5_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    return status::error(path + ": not a readable HDF5 file");
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    return status::error(path + ": cannot open as HDF5");
  }
  out.file_.reset(new handle{id}); // not make_unique(handle{}): the temporary would close the file
  out.path_ = path;
  return status::ok();
}

bool hdf5_file::has(const std::string& name) const
{
  return file_ && (H5Aexists(file_->id, name.c_str()) > 0 || H5Lexists(file_->id, name.c_str(), H5P_DEFAULT) > 0);
}

status hdf5_file::read_attribute(const std::string& name, uint32_t& value) const
{
  double v = 0;
  if (auto s = read_attribute(name, v); !s) {
    return s;
  }
  if (v < 0 || v > std::numeric_limits<uint32_t>::max() || v != static_cast<double>(static_cast<uint32_t>(v))) {
    return status::error(path_ + ": attribute '" + name + "' is not an unsigned 32-bit integer");
  }
  value = static_cast<uint32_t>(v);
  return status::ok();
}

status hdf5_file::read_attribute(const std::string& name, double& value) const
{
  if (!file_ || H5Aexists(file_->id, name.c_str()) <= 0) {
    return status::error(path_ + ": missing attribute '" + name + "'");
  }
  scoped_id attr(H5Aopen(file_->id, name.c_str(), H5P_DEFAULT), H5Aclose);
  scoped_id type(attr.valid() ? H5Aget_type(attr.get()) : -1, H5Tclose);
  scoped_id space(attr.valid() ? H5Aget_space(attr.get()) : -1, H5Sclose);
  if (!type.valid() || !space.valid()) {
    return status::error(path_ + ": unreadable attribute '" + name + "'");
  }
  const H5T_class_t cls = H5Tget_class(type.get());
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space.get()) != 1) {
    return status::error(path_ + ": attribute '" + name + "' is not a numeric scalar");
  }
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
    return status::error(path_ + ": cannot read attribute '" + name + "'");
  }
  return status::ok();
}

status hdf5_file::read_attribute(const std::string& name, std::string& value) const
{
  if (!file_ || H5Aexists(file_->id, name.c_str()) <= 0) {
    return status::error(path_ + ": missing attribute '" + name + "'");
  }
  scoped_id attr(H5Aopen(file_->id, name.c_str(), H5P_DEFAULT), H5Aclose);
  scoped_id type(attr.valid() ? H5Aget_type(attr.get()) : -1, H5Tclose);
  if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING) {
    return status::error(path_ + ": attribute '" + name + "' is not a string");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    scoped_id mem_type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem_type.get(), H5T_VARIABLE);
    H5Tset_cset(mem_type.get(), H5Tget_cset(type.get()));
    char* text = nullptr;
    if (H5Aread(attr.get(), mem_type.get(), &text) < 0 || text == nullptr) {
      return status::error(path_ + ": cannot read attribute '" + name + "'");
    }
    value = text;
    H5free_memory(text);
    return status::ok();
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string text(size, '\0');
  if (H5Aread(attr.get(), type.get(), text.data()) < 0) {
    return status::error(path_ + ": cannot read attribute '" + name + "'");
  }
  text.resize(std::min(text.find('\0'), text.size()));
  value = text;
  return status::ok();
}

status hdf5_file::read_dataset(const std::string& name, std::vector<uint8_t>& values) const
{
  if (!file_ || H5Lexists(file_->id, name.c_str(), H5P_DEFAULT) <= 0) {
    return status::error(path_ + ": missing dataset '" + name + "'");
  }
  scoped_id set(H5Dopen2(file_->id, name.c_str(), H5P_DEFAULT), H5Dclose);
  scoped_id type(set.valid() ? H5Dget_type(set.get()) : -1, H5Tclose);
  scoped_id space(set.valid() ? H5Dget_space(set.get()) : -1, H5Sclose);
  if (!type.valid() || !space.valid()) {
    return status::error(path_ + ": unreadable dataset '" + name + "'");
  }
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_ndims(space.get()) != 1) {
    return status::error(path_ + ": dataset '" + name + "' is not a 1-D integer array");
  }
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<int64_t> wide(count);
  if (count != 0 && H5Dread(set.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, wide.data()) < 0) {
    return status::error(path_ + ": cannot read dataset '" + name + "' (corrupt data?)");
  }
  if (std::any_of(wide.begin(), wide.end(), [](int64_t v) { return v < 0 || v > 255; })) {
    return status::error(path_ + ": dataset '" + name + "' has values outside 0..255");
  }
  values.assign(wide.begin(), wide.end());
  return status::ok();
}

status hdf5_file::read_dataset(const std::string&        name,
                               std::vector<float>&       values,
                               std::vector<std::size_t>& shape) const
{
  if (!file_ || H5Lexists(file_->id, name.c_str(), H5P_DEFAULT) <= 0) {
    return status::error(path_ + ": missing dataset '" + name + "'");
  }
  scoped_id set(H5Dopen2(file_->id, name.c_str(), H5P_DEFAULT), H5Dclose);
  scoped_id type(set.valid() ? H5Dget_type(set.get()) : -1, H5Tclose);
  scoped_id space(set.valid() ? H5Dget_space(set.get()) : -1, H5Sclose);
  if (!type.valid() || !space.valid()) {
    return status::error(path_ + ": unreadable dataset '" + name + "'");
  }
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (H5Tget_class(type.get()) != H5T_FLOAT || rank < 1) {
    return status::error(path_ + ": dataset '" + name + "' is not a floating-point array");
  }
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) != rank) {
    return status::error(path_ + ": unreadable shape of dataset '" + name + "'");
  }
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<float> data(count);
  if (count != 0 && H5Dread(set.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0) {
    return status::error(path_ + ": cannot read dataset '" + name + "' (corrupt data?)");
  }
  values = std::move(data);
  shape.assign(dims.begin(), dims.end());
  return status::ok();
}

} // namespace airan::io
