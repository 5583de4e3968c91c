#include "airan/io/hdf5_file.h"

#include "hdf5_detail.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace airan::io {

namespace {

using detail::scoped_id;

/// An open attribute or dataset with its datatype and dataspace, closed at scope exit.
struct hdf5_item {
  scoped_id object{-1, H5Oclose};
  scoped_id type{-1, H5Tclose};
  scoped_id space{-1, H5Sclose};
};

enum class item_kind { attribute, dataset };

/// Opens the attribute or dataset `name` of the root group; the message names what is missing or unreadable.
status open_item(hid_t file, const std::string& path, const std::string& name, item_kind kind, hdf5_item& item)
{
  const bool attribute = kind == item_kind::attribute;
  const char* what = attribute ? "attribute" : "dataset";
  const bool exists = file >= 0 && (attribute ? H5Aexists(file, name.c_str()) > 0
                                              : H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0);
  if (!exists) {
    return status::error(path + ": missing " + what + " '" + name + "'");
  }
  if (attribute) {
    item.object.reset(H5Aopen(file, name.c_str(), H5P_DEFAULT), H5Aclose);
    item.type.reset(item.object.valid() ? H5Aget_type(item.object.get()) : -1, H5Tclose);
    item.space.reset(item.object.valid() ? H5Aget_space(item.object.get()) : -1, H5Sclose);
  } else {
    item.object.reset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
    item.type.reset(item.object.valid() ? H5Dget_type(item.object.get()) : -1, H5Tclose);
    item.space.reset(item.object.valid() ? H5Dget_space(item.object.get()) : -1, H5Sclose);
  }
  if (!item.type.valid() || !item.space.valid()) {
    return status::error(path + ": unreadable " + what + " '" + name + "'");
  }
  return status::ok();
}

} // namespace

void detail::silence_hdf5_errors()
{
  static const bool silenced = [] { return H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0; }();
  (void)silenced;
}

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
  detail::silence_hdf5_errors();
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
  hdf5_item attr;
  if (auto s = open_item(file_ ? file_->id : -1, path_, name, item_kind::attribute, attr); !s) {
    return s;
  }
  const H5T_class_t cls = H5Tget_class(attr.type.get());
  if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(attr.space.get()) != 1) {
    return status::error(path_ + ": attribute '" + name + "' is not a numeric scalar");
  }
  if (H5Aread(attr.object.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
    return status::error(path_ + ": cannot read attribute '" + name + "'");
  }
  return status::ok();
}

status hdf5_file::read_attribute(const std::string& name, std::string& value) const
{
  hdf5_item item;
  if (auto s = open_item(file_ ? file_->id : -1, path_, name, item_kind::attribute, item); !s) {
    return s;
  }
  const scoped_id& attr = item.object;
  const scoped_id& type = item.type;
  // One string only: H5Aread writes every element of the attribute into the buffer given.
  if (H5Tget_class(type.get()) != H5T_STRING || H5Sget_simple_extent_npoints(item.space.get()) != 1) {
    return status::error(path_ + ": attribute '" + name + "' is not a single string");
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

namespace {

/// The dimensions and value count of an open dataset of rank >= 1, at most max_count values.
status dataset_extent(const std::string& path, const std::string& name, const hdf5_item& item, std::size_t max_count,
                      std::vector<std::size_t>& shape, std::size_t& count)
{
  const int rank = H5Sget_simple_extent_ndims(item.space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank < 1 || H5Sget_simple_extent_dims(item.space.get(), dims.data(), nullptr) != rank) {
    return status::error(path + ": unreadable shape of dataset '" + name + "'");
  }
  const hssize_t points = H5Sget_simple_extent_npoints(item.space.get());
  if (points < 0 || static_cast<uint64_t>(points) > max_count) {
    std::string text;
    for (hsize_t d : dims) {
      // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "[" + std::string.
      text += '[';
      text += std::to_string(d);
      text += ']';
    }
    return status::error(path + ": dataset '" + name + "' has shape " + text + " (" + std::to_string(points) +
                         " values), more than the " + std::to_string(max_count) + " expected");
  }
  shape.assign(dims.begin(), dims.end());
  count = static_cast<std::size_t>(points);
  return status::ok();
}

/// Reads an integer dataset of any rank >= 1 into int64 with its shape; values are left as they were on failure.
status read_integers(hid_t file, const std::string& path, const std::string& name, std::size_t max_count,
                     std::vector<int64_t>& values, std::vector<std::size_t>& shape)
{
  hdf5_item item;
  if (auto s = open_item(file, path, name, item_kind::dataset, item); !s) {
    return s;
  }
  if (H5Tget_class(item.type.get()) != H5T_INTEGER) {
    return status::error(path + ": dataset '" + name + "' is not an integer array");
  }
  std::vector<std::size_t> dims;
  std::size_t count = 0;
  if (auto s = dataset_extent(path, name, item, max_count, dims, count); !s) {
    return s;
  }
  std::vector<int64_t> wide(count);
  if (count != 0 && H5Dread(item.object.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, wide.data()) < 0) {
    return status::error(path + ": cannot read dataset '" + name + "' (corrupt data?)");
  }
  values = std::move(wide);
  shape = std::move(dims);
  return status::ok();
}

/// Reads an integer dataset into T, every value within [lo, hi].
template <typename T>
status read_narrow(hid_t file, const std::string& path, const std::string& name, std::size_t max_count,
                   std::vector<T>& values, std::vector<std::size_t>& shape, int64_t lo, int64_t hi)
{
  std::vector<int64_t> wide;
  std::vector<std::size_t> dims;
  if (auto s = read_integers(file, path, name, max_count, wide, dims); !s) {
    return s;
  }
  if (std::any_of(wide.begin(), wide.end(), [lo, hi](int64_t v) { return v < lo || v > hi; })) {
    return status::error(path + ": dataset '" + name + "' has values outside " + std::to_string(lo) + ".." +
                         std::to_string(hi));
  }
  values.assign(wide.begin(), wide.end());
  shape = std::move(dims);
  return status::ok();
}

} // namespace

bool hdf5_file::has_attribute(const std::string& name) const
{
  return file_ && H5Aexists(file_->id, name.c_str()) > 0;
}

bool hdf5_file::has_dataset(const std::string& name) const
{
  return file_ && H5Lexists(file_->id, name.c_str(), H5P_DEFAULT) > 0;
}

status hdf5_file::read_dataset(const std::string& name, std::vector<uint8_t>& values, std::size_t max_count) const
{
  std::vector<uint8_t> bytes;
  std::vector<std::size_t> shape;
  if (auto s = read_dataset(name, bytes, shape, max_count); !s) {
    return s;
  }
  if (shape.size() != 1) {
    return status::error(path_ + ": dataset '" + name + "' is not a 1-D integer array");
  }
  values = std::move(bytes);
  return status::ok();
}

status hdf5_file::read_dataset(const std::string& name, std::vector<uint8_t>& values, std::vector<std::size_t>& shape,
                               std::size_t max_count) const
{
  return read_narrow(file_ ? file_->id : -1, path_, name, max_count, values, shape, 0, 255);
}

status hdf5_file::read_dataset(const std::string& name, std::vector<int8_t>& values, std::vector<std::size_t>& shape,
                               std::size_t max_count) const
{
  return read_narrow(file_ ? file_->id : -1, path_, name, max_count, values, shape, -128, 127);
}

status hdf5_file::read_dataset(const std::string& name, std::vector<float>& values, std::vector<std::size_t>& shape,
                               std::size_t max_count) const
{
  hdf5_item item;
  if (auto s = open_item(file_ ? file_->id : -1, path_, name, item_kind::dataset, item); !s) {
    return s;
  }
  if (H5Tget_class(item.type.get()) != H5T_FLOAT) {
    return status::error(path_ + ": dataset '" + name + "' is not a floating-point array");
  }
  std::vector<std::size_t> dims;
  std::size_t count = 0;
  if (auto s = dataset_extent(path_, name, item, max_count, dims, count); !s) {
    return s;
  }
  std::vector<float> data(count);
  if (count != 0 && H5Dread(item.object.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0) {
    return status::error(path_ + ": cannot read dataset '" + name + "' (corrupt data?)");
  }
  values = std::move(data);
  shape = std::move(dims);
  return status::ok();
}

} // namespace airan::io
