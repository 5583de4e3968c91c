// libFuzzer target: arbitrary bytes through the fronthaul parsers (Ethernet, eCPRI, U-plane, C-plane, split 8
// time-domain IQ) and the IQ decompression of every section found; IQ data messages go through both the U-plane and
// the split 8 parser. The first two bytes choose the configuration:
//   byte 0, bit 0: Ethernet frame (1) or UDP payload (0); bit 1: dynamic U-plane compression headers;
//           bits 2-5: static compression, block floating point of that mantissa width, 0 for none (16 bits);
//   byte 1: carrier PRBs, 0 standing for 273.
// Besides the sanitizers, the target traps when a parser hands out a span outside the input, returns an error
// outside the enumeration, or when the AVX2 and portable decompression disagree.

#include "airan/io/fronthaul/cplane.h"
#include "airan/io/fronthaul/ecpri.h"
#include "airan/io/fronthaul/iq_compression.h"
#include "airan/io/fronthaul/split8.h"
#include "airan/io/fronthaul/uplane.h"

#include <cstring>
#include <span>
#include <vector>

using namespace airan;
using namespace airan::io;

namespace {

void require(bool condition)
{
  if (!condition) {
    __builtin_trap();
  }
}

/// A parser's result: ok or a known error with a description.
bool succeeded(fh_error error)
{
  require(static_cast<std::size_t>(error) < nof_fh_errors && to_string(error) != nullptr);
  return error == fh_error::ok;
}

void require_inside(std::span<const uint8_t> part, std::span<const uint8_t> whole)
{
  require(part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size()));
}

void decompress_both_ways(const uplane_section& section)
{
  constexpr std::size_t max_samples = 275 * nof_subcarriers_per_prb;
  static std::vector<cf_t>   samples(max_samples);
  static std::vector<cf_t>   samples_generic(max_samples);
  static std::vector<ci16_t> integers(max_samples);
  static std::vector<ci16_t> integers_generic(max_samples);
  const std::size_t          nof_samples = std::size_t{section.header.nof_prb} * nof_subcarriers_per_prb;
  require(nof_samples <= max_samples);
  const compression_params& params = section.header.compression;
  decompress(std::span(samples).first(nof_samples), section.iq_data, params, 1.0F / 32768.0F);
  detail::decompress_generic(std::span(samples_generic).first(nof_samples), section.iq_data, params, 1.0F / 32768.0F);
  require(std::memcmp(samples.data(), samples_generic.data(), nof_samples * sizeof(cf_t)) == 0);
  decompress(std::span(integers).first(nof_samples), section.iq_data, params);
  detail::decompress_generic(std::span(integers_generic).first(nof_samples), section.iq_data, params);
  require(std::memcmp(integers.data(), integers_generic.data(), nof_samples * sizeof(ci16_t)) == 0);
}

void parse_uplane_message(std::span<const uint8_t> payload, const uplane_config& config, std::span<const uint8_t> input)
{
  app_header            header;
  uplane_section_reader sections;
  if (!succeeded(parse_uplane(payload, config, header, sections))) {
    return;
  }
  while (!sections.at_end()) {
    uplane_section section;
    if (!succeeded(sections.next(section))) {
      return;
    }
    require_inside(section.iq_data, input);
    require(section.iq_data.size() == section.header.nof_prb * compressed_prb_size(section.header.compression));
    require(section.header.nof_prb >= 1 && section.header.start_prb < config.nof_carrier_prb);
    decompress_both_ways(section);
  }
}

void parse_split8_message(std::span<const uint8_t> payload, std::span<const uint8_t> input)
{
  split8_header            header;
  std::span<const uint8_t> samples;
  if (!succeeded(parse_split8(payload, header, samples))) {
    return;
  }
  require_inside(samples, input);
  require(header.nof_samples >= 1 && samples.size() == header.nof_samples * split8_sample_size);
  require(header.subframe_id <= 9 && header.scale_exponent <= split8_max_scale_exponent);
  static std::vector<cf_t> converted(0xFFFF);
  split8_read_samples(std::span(converted).first(header.nof_samples), samples, split8_scale(header.scale_exponent));
}

void parse_cplane_message(std::span<const uint8_t> payload, unsigned nof_carrier_prb, std::span<const uint8_t> input)
{
  cplane_header         header;
  cplane_section_reader sections;
  if (!succeeded(parse_cplane(payload, nof_carrier_prb, header, sections))) {
    return;
  }
  while (!sections.at_end()) {
    cplane_section section;
    if (!succeeded(sections.next(section))) {
      return;
    }
    require_inside(section.extensions, input);
    require(section.nof_unknown_extensions <= section.nof_extensions);
    require(section.nof_extensions * 4 <= section.extensions.size());
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size)
{
  if (size < 2) {
    return 0;
  }
  const bool     ethernet = (data[0] & 1) != 0;
  const unsigned width    = (data[0] >> 2) & 0x0F;
  uplane_config  config;
  config.nof_carrier_prb     = data[1] == 0 ? 273 : data[1];
  config.dynamic_compression = (data[0] & 2) != 0;
  config.static_compression  = width == 0 ? compression_params{compression_method::none, 16}
                                          : compression_params{compression_method::block_floating_point, width};
  const std::span<const uint8_t> input(data + 2, size - 2);

  std::span<const uint8_t> pdu = input;
  if (ethernet) {
    ethernet_header header;
    if (!succeeded(parse_ethernet(input, header, pdu))) {
      return 0;
    }
    require_inside(pdu, input);
  }
  ecpri_reader messages(pdu);
  while (!messages.at_end()) {
    ecpri_message message;
    if (!succeeded(messages.next(message))) {
      break;
    }
    require_inside(message.payload, input);
    if (message.type == ecpri_message_type::iq_data) {
      parse_uplane_message(message.payload, config, input);
      parse_split8_message(message.payload, input);
    } else {
      parse_cplane_message(message.payload, config.nof_carrier_prb, input);
    }
  }
  return 0;
}
