#include "airan/io/hdf5_writer.h"

#include "hdf5_detail.h"

#include <functional>
#include <numeric>

namespace airan::io {

using detail::scoped_id;

struct hdf5_writer::handle {
  hid_t id;
  ~handle()
  {
    if (id >= 0) {
      H5Fclose(id);
    }
  }
};

hdf5_writer::hdf5_writer() = default;
hdf5_writer::~hdf5_writer() = default;
hdf5_writer::hdf5_writer(hdf5_writer&&) noexcept = default;
hdf5_writer& hdf5_writer::operator=(hdf5_writer&&) noexcept = default;

status hdf5_writer::create(const std::string& path, hdf5_writer& out)
{
  detail::silence_hdf5_errors();
  // No modification times in object headers, the root group's included: same content, same bytes.
  scoped_id creation(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  H5Pset_obj_track_times(creation.get(), 0);
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), H5P_DEFAULT);
  if (id < 0) {
    return status::error(path + ": cannot create HDF5 file");
  }
  out.file_.reset(new handle{id}); // not make_unique(handle{}): the temporary would close the file
  out.path_ = path;
  return status::ok();
}

namespace {

/// Writes a scalar attribute of the file type `file_type` from memory of type `mem_type`.
status write_scalar(hid_t file, const std::string& path, const std::string& name, hid_t file_type, hid_t mem_type,
                    const void* value)
{
  if (file < 0) {
    return status::error(path + ": file not open for writing attribute '" + name + "'");
  }
  if (H5Aexists(file, name.c_str()) > 0) {
    return status::error(path + ": attribute '" + name + "' written twice");
  }
  scoped_id space(H5Screate(H5S_SCALAR), H5Sclose);
  scoped_id attr(H5Acreate2(file, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), mem_type, value) < 0) {
    return status::error(path + ": cannot write attribute '" + name + "'");
  }
  return status::ok();
}

status write_array(hid_t file, const std::string& path, const std::string& name, const std::vector<std::size_t>& shape,
                   std::size_t count, hid_t file_type, hid_t mem_type, const void* data)
{
  if (file < 0) {
    return status::error(path + ": file not open for writing dataset '" + name + "'");
  }
  const std::size_t product = std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
  if (shape.empty() || product != count) {
    return status::error(path + ": dataset '" + name + "': shape does not match the " + std::to_string(count) +
                         " values given");
  }
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) > 0) {
    return status::error(path + ": dataset '" + name + "' written twice");
  }
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  scoped_id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  scoped_id properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(properties.get(), 0);
  if (count != 0) {
    // One chunk holds the whole dataset: vectors are read whole.
    H5Pset_chunk(properties.get(), static_cast<int>(dims.size()), dims.data());
    if (H5Tget_class(file_type) == H5T_FLOAT) {
      H5Pset_shuffle(properties.get());
    }
    H5Pset_deflate(properties.get(), 6);
  }
  scoped_id set(H5Dcreate2(file, name.c_str(), file_type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                H5Dclose);
  if (!set.valid() || (count != 0 && H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)) {
    return status::error(path + ": cannot write dataset '" + name + "'");
  }
  return status::ok();
}

} // namespace

status hdf5_writer::write_attribute(const std::string& name, uint32_t value)
{
  return write_scalar(file_ ? file_->id : -1, path_, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, &value);
}

status hdf5_writer::write_attribute(const std::string& name, double value)
{
  return write_scalar(file_ ? file_->id : -1, path_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

status hdf5_writer::write_attribute(const std::string& name, const std::string& value)
{
  // Variable-length UTF-8, as h5py writes Python strings.
  scoped_id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  const char* text = value.c_str();
  return write_scalar(file_ ? file_->id : -1, path_, name, type.get(), type.get(), &text);
}

status hdf5_writer::write_dataset(const std::string& name, std::span<const uint8_t> values,
                                  const std::vector<std::size_t>& shape)
{
  return write_array(file_ ? file_->id : -1, path_, name, shape, values.size(), H5T_STD_U8LE, H5T_NATIVE_UINT8,
                     values.data());
}

status hdf5_writer::write_dataset(const std::string& name, std::span<const int8_t> values,
                                  const std::vector<std::size_t>& shape)
{
  return write_array(file_ ? file_->id : -1, path_, name, shape, values.size(), H5T_STD_I8LE, H5T_NATIVE_INT8,
                     values.data());
}

status hdf5_writer::write_dataset(const std::string& name, std::span<const float> values,
                                  const std::vector<std::size_t>& shape)
{
  return write_array(file_ ? file_->id : -1, path_, name, shape, values.size(), H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                     values.data());
}

status hdf5_writer::close()
{
  if (!file_) {
    return status::error(path_ + ": not open");
  }
  const hid_t id = file_->id;
  file_->id = -1;
  file_.reset();
  if (H5Fclose(id) < 0) {
    return status::error(path_ + ": cannot flush and close the file");
  }
  return status::ok();
}

} // namespace airan::io
