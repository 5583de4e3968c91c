#include "airan/io/fronthaul/uplane.h"

#include "airan/io/fronthaul/fh_packet_builder.h"

#include "section_fields.h"

#include <string>

namespace airan::io {

namespace {

/// udCompHdr and the reserved byte of a section with a dynamic compression header.
constexpr std::size_t dynamic_compression_size = 2;

constexpr unsigned max_nof_carrier_prb = 275;

} // namespace

status validate(const uplane_config& config)
{
  if (config.nof_carrier_prb < 1 || config.nof_carrier_prb > max_nof_carrier_prb) {
    return status::error("U-plane configuration: carrier of " + std::to_string(config.nof_carrier_prb) +
                         " PRBs, expected 1.." + std::to_string(max_nof_carrier_prb));
  }
  if (!config.dynamic_compression) {
    return validate(config.static_compression);
  }
  return status::ok();
}

fh_error parse_uplane(std::span<const uint8_t> payload,
                      const uplane_config&     config,
                      app_header&              header,
                      uplane_section_reader&   sections) noexcept
{
  sections = {};
  if (payload.size() < app_header_size) {
    return fh_error::truncated_application_header;
  }
  if (const fh_error error = detail::read_app_header(payload.data(), header); error != fh_error::ok) {
    return error;
  }
  if (payload.size() == app_header_size) {
    return fh_error::truncated_section_header;
  }
  sections = uplane_section_reader(payload.subspan(app_header_size), config);
  return fh_error::ok;
}

fh_error uplane_section_reader::next(uplane_section& section) noexcept
{
  const auto fail = [this](fh_error error) {
    done_ = true;
    return error;
  };
  const std::size_t header_size =
      detail::section_start_size + (config_.dynamic_compression ? dynamic_compression_size : 0);
  if (done_ || remaining_.size() < header_size) {
    return fail(fh_error::truncated_section_header);
  }
  const detail::section_start start = detail::read_section_start(remaining_.data());
  const compression_params    compression =
      config_.dynamic_compression ? unpack_ud_comp_hdr(remaining_[detail::section_start_size])
                                  : config_.static_compression;
  if (const fh_error error = check_compression(compression); error != fh_error::ok) {
    return fail(error);
  }
  const unsigned nof_prb = start.num_prb != 0 ? start.num_prb : config_.nof_carrier_prb;
  if (const fh_error error = detail::check_prb_range(start.start_prb, nof_prb, start.rb, config_.nof_carrier_prb);
      error != fh_error::ok) {
    return fail(error);
  }
  const std::size_t data_size = nof_prb * compressed_prb_size(compression);
  if (remaining_.size() - header_size < data_size) {
    return fail(fh_error::section_overruns_packet);
  }
  section.header  = {start.section_id, start.rb, start.sym_inc, start.start_prb, static_cast<uint16_t>(nof_prb),
                     compression};
  section.iq_data = remaining_.subspan(header_size, data_size);
  remaining_      = remaining_.subspan(header_size + data_size);
  done_           = remaining_.empty();
  return fh_error::ok;
}

fh_error fh_packet_builder::add_uplane_header(const app_header& header) noexcept
{
  if (stage_ != stage::message || message_type_ != ecpri_message_type::iq_data) {
    return fh_error::build_out_of_order;
  }
  if (const fh_error error = detail::check_app_header(header); error != fh_error::ok) {
    return error;
  }
  fh_error error = fh_error::ok;
  uint8_t* p     = reserve(app_header_size, error);
  if (p == nullptr) {
    return error;
  }
  detail::write_app_header(p, header);
  stage_ = stage::uplane;
  return fh_error::ok;
}

fh_error fh_packet_builder::add_uplane_section(const uplane_section_header& section,
                                               const uplane_config&         config,
                                               std::span<uint8_t>&          iq_data) noexcept
{
  if (stage_ != stage::uplane) {
    return fh_error::build_out_of_order;
  }
  if (const fh_error error = check_compression(section.compression); error != fh_error::ok) {
    return error;
  }
  if (section.section_id > 0x0FFF || section.start_prb > 0x03FF ||
      (!config.dynamic_compression && section.compression != config.static_compression)) {
    return fh_error::field_out_of_range;
  }
  if (const fh_error error =
          detail::check_prb_range(section.start_prb, section.nof_prb, section.rb, config.nof_carrier_prb);
      error != fh_error::ok) {
    return error;
  }
  uint8_t num_prb = 0;
  if (const fh_error error =
          detail::encode_num_prb(section.start_prb, section.nof_prb, config.nof_carrier_prb, num_prb);
      error != fh_error::ok) {
    return error;
  }
  const std::size_t header_size =
      detail::section_start_size + (config.dynamic_compression ? dynamic_compression_size : 0);
  const std::size_t data_size = std::size_t{section.nof_prb} * compressed_prb_size(section.compression);
  fh_error          error     = fh_error::ok;
  uint8_t*          p         = reserve(header_size + data_size, error);
  if (p == nullptr) {
    return error;
  }
  detail::write_section_start(p, {section.section_id, section.rb, section.sym_inc, section.start_prb, num_prb});
  if (config.dynamic_compression) {
    p[detail::section_start_size]     = pack_ud_comp_hdr(section.compression);
    p[detail::section_start_size + 1] = 0;
  }
  iq_data = {p + header_size, data_size};
  return fh_error::ok;
}

} // namespace airan::io
