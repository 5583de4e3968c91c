#pragma once
// HDF5 helpers shared by the reader and the writer of test-vector files.

#include <hdf5.h>

namespace airan::io::detail {

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
  void reset(hid_t id, herr_t (*close)(hid_t))
  {
    if (id_ >= 0) {
      close_(id_);
    }
    id_ = id;
    close_ = close;
  }

private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Turns off the library's printing of its error stack: airan reports errors itself.
void silence_hdf5_errors();

} // namespace airan::io::detail
