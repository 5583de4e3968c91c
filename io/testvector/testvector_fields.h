#pragma once
// Helpers shared by the test-vector readers and writers: first-error keeping attribute access, complex datasets,
// shape checks and the PUSCH configuration attributes common to several kinds.

#include "airan/common/complex.h"
#include "airan/common/status.h"
#include "airan/io/hdf5_file.h"
#include "airan/io/hdf5_writer.h"
#include "airan/io/testvector.h"
#include "airan/phy/pusch/pusch_pdu.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace airan::io::detail {

/// Keeps the first error of a sequence of reads or writes, so that a loader can read everything and check once.
class first_error {
public:
  void keep(status s)
  {
    if (error_.is_ok() && !s.is_ok()) {
      error_ = std::move(s);
    }
  }
  bool ok() const { return error_.is_ok(); }
  const status& get() const { return error_; }

private:
  status error_;
};

/// Attribute and dataset reads that keep the first error.
class field_reader : public first_error {
public:
  explicit field_reader(const hdf5_file& f) : f_(f) {}
  const hdf5_file& file() const { return f_; }
  const std::string& path() const { return f_.path(); }

  uint32_t u32(const std::string& name);
  double f64(const std::string& name);
  std::string text(const std::string& name);
  /// A string attribute that must be one of choices; returns its index (0 on error).
  unsigned choice(const std::string& name, std::initializer_list<const char*> choices);

  /// 1-D uint8 bits of exactly `count` values 0/1.
  std::vector<uint8_t> bits(const std::string& name, std::size_t count);
  /// Datasets of the exact shape given; complex ones with the trailing 2 (not part of `shape`).
  std::vector<int8_t> int8s(const std::string& name, const std::vector<std::size_t>& shape);
  std::vector<float> floats(const std::string& name, const std::vector<std::size_t>& shape);
  std::vector<cf_t> complexes(const std::string& name, const std::vector<std::size_t>& shape);
  /// A complex dataset of any shape within `max_shape` (the same rank), its shape returned in shape.
  std::vector<cf_t> complexes_within(const std::string& name, const std::vector<std::size_t>& max_shape,
                                     std::vector<std::size_t>& shape);
  /// An optional reference: dataset `name` of the shape given and attribute `name`_tolerance; none when the dataset
  /// is absent.
  std::optional<tv_reference<cf_t>> complex_reference(const std::string& name, const std::vector<std::size_t>& shape);
  std::optional<tv_reference<int8_t>> int8_reference(const std::string& name, const std::vector<std::size_t>& shape);

private:
  /// A dataset of exactly `expected` shape, read as T (int8_t or float); empty with the error kept otherwise.
  template <typename T>
  std::vector<T> shaped(const std::string& name, const std::vector<std::size_t>& expected);

  const hdf5_file& f_;
};

/// Attribute and dataset writes that keep the first error.
class field_writer : public first_error {
public:
  explicit field_writer(hdf5_writer& w) : w_(w) {}

  void u32(const std::string& name, uint32_t value) { keep(w_.write_attribute(name, value)); }
  void f64(const std::string& name, double value) { keep(w_.write_attribute(name, value)); }
  void text(const std::string& name, const std::string& value) { keep(w_.write_attribute(name, value)); }
  /// A 1-D uint8 dataset (bits, port numbers).
  void u8s(const std::string& name, std::span<const uint8_t> values)
  {
    keep(w_.write_dataset(name, values, {values.size()}));
  }
  void int8s(const std::string& name, std::span<const int8_t> values, const std::vector<std::size_t>& shape)
  {
    keep(w_.write_dataset(name, values, shape));
  }
  void floats(const std::string& name, std::span<const float> values, const std::vector<std::size_t>& shape)
  {
    keep(w_.write_dataset(name, values, shape));
  }
  /// Complex values as float32 with a trailing dimension 2 (real, imaginary) appended to shape.
  void complexes(const std::string& name, std::span<const cf_t> values, std::vector<std::size_t> shape);
  void complex_reference(const std::string& name, const std::optional<tv_reference<cf_t>>& ref);
  void int8_reference(const std::string& name, const std::optional<tv_reference<int8_t>>& ref);

private:
  hdf5_writer& w_;
};

/// Opens a vector for reading and checks its schema version and kind.
status open_vector(const std::string& path, hdf5_file& f, std::initializer_list<const char*> kinds, std::string& kind);

/// Creates a vector: schema_version, kind and source.
status create_vector(const std::string& path, hdf5_writer& w, const std::string& kind, const std::string& source);

/// Finishes a write: the first error of the fields, else the status of closing the file.
status finish_vector(hdf5_writer& w, const first_error& fields);

/// The carrier and PUSCH PDU attributes of FORMAT.md (cell_id .. rv), shared by the PUSCH and channel estimator
/// kinds; dmrs_ports is a dataset.
void read_pusch_config(field_reader& r, phy::carrier_config& carrier, phy::pusch_pdu& pdu);
void write_pusch_config(field_writer& w, const phy::carrier_config& carrier, const phy::pusch_pdu& pdu);

} // namespace airan::io::detail
