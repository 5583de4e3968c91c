// Split 8 time-domain IQ messages: header parser and builder, sample conversion.

#include "airan/io/fronthaul/split8.h"

#include "airan/io/fronthaul/fh_packet_builder.h"
#include "byte_order.h"

#include <cmath>

namespace airan::io {

namespace {

constexpr unsigned max_subframe_id = 9;

int16_t to_int16(float x, float inverse_scale, std::size_t& nof_saturated) noexcept
{
  const float v = std::nearbyint(x * inverse_scale);
  if (!(v == v)) {
    return 0;
  }
  if (v > 32767.0F || v < -32768.0F) {
    ++nof_saturated;
    return v > 0.0F ? int16_t{32767} : int16_t{-32768};
  }
  return static_cast<int16_t>(v);
}

} // namespace

float split8_scale(unsigned scale_exponent) noexcept
{
  return std::ldexp(1.0F, -static_cast<int>(scale_exponent));
}

fh_error parse_split8(std::span<const uint8_t> payload, split8_header& header,
                      std::span<const uint8_t>& samples) noexcept
{
  if (payload.size() < split8_header_size) {
    return fh_error::truncated_application_header;
  }
  const uint8_t* p = payload.data();
  if (p[0] != split8_version) {
    return fh_error::bad_split8_version;
  }
  if ((p[1] & 0x0F) != static_cast<uint8_t>(split8_sample_format::int16_iq)) {
    return fh_error::unsupported_sample_format;
  }
  if (p[3] > max_subframe_id) {
    return fh_error::subframe_out_of_range;
  }
  if (p[5] > split8_max_scale_exponent) {
    return fh_error::scale_out_of_range;
  }
  header.direction = (p[1] & 0x80) != 0 ? data_direction::downlink : data_direction::uplink;
  header.format = split8_sample_format::int16_iq;
  header.frame_id = p[2];
  header.subframe_id = p[3];
  header.slot_id = p[4];
  header.scale_exponent = p[5];
  header.sample_offset = uint32_t{detail::load_be16(p + 6)} << 16 | detail::load_be16(p + 8);
  header.nof_samples = detail::load_be16(p + 10);
  if (header.nof_samples == 0) {
    return fh_error::no_samples;
  }
  const std::size_t size = std::size_t{header.nof_samples} * split8_sample_size;
  if (payload.size() - split8_header_size < size) {
    return fh_error::samples_overrun_packet;
  }
  if (payload.size() - split8_header_size > size) {
    return fh_error::trailing_bytes;
  }
  samples = payload.subspan(split8_header_size, size);
  return fh_error::ok;
}

void split8_read_samples(std::span<cf_t> out, std::span<const uint8_t> samples, float scale) noexcept
{
  const uint8_t* p = samples.data();
  for (cf_t& x : out) {
    x = {static_cast<int16_t>(detail::load_be16(p)) * scale, static_cast<int16_t>(detail::load_be16(p + 2)) * scale};
    p += split8_sample_size;
  }
}

std::size_t split8_write_samples(std::span<uint8_t> out, std::span<const cf_t> in, float scale) noexcept
{
  const float inverse_scale = 1.0F / scale;
  std::size_t nof_saturated = 0;
  uint8_t* p = out.data();
  for (const cf_t& x : in) {
    detail::store_be16(p, static_cast<uint16_t>(to_int16(x.real(), inverse_scale, nof_saturated)));
    detail::store_be16(p + 2, static_cast<uint16_t>(to_int16(x.imag(), inverse_scale, nof_saturated)));
    p += split8_sample_size;
  }
  return nof_saturated;
}

fh_error fh_packet_builder::add_split8_block(const split8_header& header, std::span<uint8_t>& samples) noexcept
{
  if (stage_ != stage::message || message_type_ != ecpri_message_type::iq_data) {
    return fh_error::build_out_of_order;
  }
  if (header.subframe_id > max_subframe_id || header.scale_exponent > split8_max_scale_exponent ||
      header.format != split8_sample_format::int16_iq) {
    return fh_error::field_out_of_range;
  }
  if (header.nof_samples == 0) {
    return fh_error::no_samples;
  }
  const std::size_t size = std::size_t{header.nof_samples} * split8_sample_size;
  fh_error error = fh_error::ok;
  uint8_t* p = reserve(split8_header_size + size, error);
  if (p == nullptr) {
    return error;
  }
  p[0] = split8_version;
  p[1] = static_cast<uint8_t>((header.direction == data_direction::downlink ? 0x80 : 0) |
                              static_cast<uint8_t>(header.format));
  p[2] = header.frame_id;
  p[3] = header.subframe_id;
  p[4] = header.slot_id;
  p[5] = header.scale_exponent;
  detail::store_be16(p + 6, header.sample_offset >> 16);
  detail::store_be16(p + 8, header.sample_offset & 0xFFFF);
  detail::store_be16(p + 10, header.nof_samples);
  samples = {p + split8_header_size, size};
  stage_ = stage::split8;
  return fh_error::ok;
}

} // namespace airan::io
