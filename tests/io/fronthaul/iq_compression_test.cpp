#include "airan/io/fronthaul/iq_compression.h"

#include "fh_test_helpers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

using namespace airan;
using namespace airan::io;
using airan::io::test::bytes_from_bits;
using airan::io::test::read_signed_bits;
using airan::io::test::two_complement_bits;

namespace {

constexpr compression_params bfp(unsigned width)
{
  return {compression_method::block_floating_point, width};
}

constexpr compression_params no_compression{compression_method::none, 16};

/// round(v / 2^e) with halves rounded up, in double precision.
long reference_round(int v, unsigned exponent)
{
  return static_cast<long>(std::floor(v / std::ldexp(1.0, static_cast<int>(exponent)) + 0.5));
}

bool reference_fits(const std::vector<int>& values, unsigned exponent, unsigned width)
{
  const long top = (1L << (width - 1)) - 1;
  return std::all_of(values.begin(), values.end(), [&](int v) {
    const long m = reference_round(v, exponent);
    return m >= -top - 1 && m <= top;
  });
}

/// Smallest exponent that fits, by trying them all; 15 if none does.
unsigned reference_exponent(const std::vector<int>& values, unsigned width)
{
  for (unsigned exponent = 0; exponent != 15; ++exponent) {
    if (reference_fits(values, exponent, width)) {
      return exponent;
    }
  }
  return 15;
}

std::vector<ci16_t> random_prbs(std::mt19937& rng, std::size_t nof_prb)
{
  std::vector<ci16_t>                     iq(nof_prb * nof_subcarriers_per_prb);
  std::uniform_int_distribution<unsigned> magnitude_bits(0, 16);
  for (std::size_t prb = 0; prb != nof_prb; ++prb) {
    // A different dynamic range per PRB, so that every exponent shows up.
    const int                          limit = (1 << magnitude_bits(rng)) - 1;
    std::uniform_int_distribution<int> value(-limit - 1, std::min(limit, 32767));
    for (unsigned k = 0; k != nof_subcarriers_per_prb; ++k) {
      iq[prb * nof_subcarriers_per_prb + k] = {static_cast<int16_t>(value(rng)), static_cast<int16_t>(value(rng))};
    }
  }
  return iq;
}

std::vector<int> prb_values(const std::vector<ci16_t>& iq, std::size_t prb)
{
  std::vector<int> values;
  for (unsigned k = 0; k != nof_subcarriers_per_prb; ++k) {
    values.push_back(iq[prb * nof_subcarriers_per_prb + k].re);
    values.push_back(iq[prb * nof_subcarriers_per_prb + k].im);
  }
  return values;
}

bool same_bits(const std::vector<cf_t>& a, const std::vector<cf_t>& b)
{
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(cf_t)) == 0;
}

} // namespace

TEST_CASE("udCompHdr: udIqWidth in the high nibble (16 coded as 0), udCompMeth in the low nibble")
{
  CHECK(pack_ud_comp_hdr(bfp(9)) == 0x91);
  CHECK(pack_ud_comp_hdr(bfp(14)) == 0xE1);
  CHECK(pack_ud_comp_hdr(bfp(16)) == 0x01);
  CHECK(pack_ud_comp_hdr(no_compression) == 0x00);
  CHECK(unpack_ud_comp_hdr(0x91) == bfp(9));
  CHECK(unpack_ud_comp_hdr(0x01) == bfp(16));
  CHECK(unpack_ud_comp_hdr(0x00) == no_compression);
  CHECK(unpack_ud_comp_hdr(0xC3) == compression_params{compression_method::mu_law, 12});
  for (unsigned byte = 0; byte != 256; ++byte) {
    CHECK(pack_ud_comp_hdr(unpack_ud_comp_hdr(static_cast<uint8_t>(byte))) == byte);
  }
}

TEST_CASE("Compression support and PRB sizes")
{
  for (unsigned width = 1; width <= 16; ++width) {
    CHECK(check_compression(bfp(width)) == fh_error::ok);
    CHECK(compressed_prb_size(bfp(width)) == 1 + 3 * width); // udCompParam + 24 width-bit values
  }
  CHECK(compressed_prb_size(bfp(9)) == 28);
  CHECK(compressed_prb_size(bfp(14)) == 43);
  CHECK(compressed_prb_size(no_compression) == 48);
  CHECK(check_compression(no_compression) == fh_error::ok);
  CHECK(check_compression({compression_method::none, 9}) == fh_error::unsupported_iq_width);
  CHECK(check_compression(bfp(0)) == fh_error::unsupported_iq_width);
  CHECK(check_compression(bfp(17)) == fh_error::unsupported_iq_width);
  CHECK(check_compression({compression_method::mu_law, 8}) == fh_error::unknown_compression_method);
  CHECK(check_compression({static_cast<compression_method>(15), 8}) == fh_error::unknown_compression_method);
  CHECK(validate(bfp(9)).is_ok());
  CHECK_FALSE(validate({compression_method::block_scaling, 8}).is_ok());
}

TEST_CASE("Block floating point exponent: smallest that fits after rounding, at the width boundaries")
{
  // 9 bits: mantissas -256..255.
  CHECK(bfp_exponent(255, -256, 9) == 0);
  CHECK(bfp_exponent(256, 0, 9) == 1);    // 256 / 2 = 128
  CHECK(bfp_exponent(510, 0, 9) == 1);    // 255
  CHECK(bfp_exponent(511, 0, 9) == 2);    // 255.5 rounds to 256 > 255 at e = 1
  CHECK(bfp_exponent(0, -257, 9) == 1);   // -128.5 rounds to -128
  CHECK(bfp_exponent(0, -513, 9) == 1);   // -256.5 rounds to -256: rounding fits where truncation would not
  CHECK(bfp_exponent(0, -514, 9) == 2);   // -257 at e = 1
  CHECK(bfp_exponent(32767, -32768, 9) == 8);
  CHECK(bfp_exponent(0, -32768, 9) == 7);
  CHECK(bfp_exponent(0, 0, 9) == 0);
  // 14 bits: -8192..8191.
  CHECK(bfp_exponent(8191, -8192, 14) == 0);
  CHECK(bfp_exponent(8192, 0, 14) == 1);
  CHECK(bfp_exponent(32767, -32768, 14) == 3);
  // 16 bits always fit; 1 bit (-1..0) needs the largest exponents and saturates beyond 15.
  CHECK(bfp_exponent(32767, -32768, 16) == 0);
  CHECK(bfp_exponent(0, -1, 1) == 0);
  CHECK(bfp_exponent(1, 0, 1) == 2); // 1 / 4 rounds to 0
  CHECK(bfp_exponent(32767, 0, 1) == 15);
}

TEST_CASE("Block floating point decompression of hand-built PRBs")
{
  SUBCASE("8 bits: mantissas are the bytes after udCompParam")
  {
    std::vector<uint8_t> prb = {0xF3, 0x01, 0xFF, 0x7F, 0x80}; // reserved nibble set: ignored; exponent 3
    prb.resize(compressed_prb_size(bfp(8)), 0);
    std::vector<ci16_t> iq(nof_subcarriers_per_prb);
    decompress(iq, prb, bfp(8));
    CHECK(iq[0] == ci16_t{8, -8});
    CHECK(iq[1] == ci16_t{1016, -1024});
    CHECK(iq[2] == ci16_t{0, 0});
    std::vector<cf_t> samples(nof_subcarriers_per_prb);
    decompress(samples, prb, bfp(8), 0.5F);
    CHECK(samples[0] == cf_t{4.0F, -4.0F});
    CHECK(samples[1] == cf_t{508.0F, -512.0F});
  }
  SUBCASE("9 bits: 000000001 111111111 011111111 100000000 ... = 00 FF DF F0 00 ...")
  {
    std::vector<uint8_t> prb = {0x02, 0x00, 0xFF, 0xDF, 0xF0};
    prb.resize(compressed_prb_size(bfp(9)), 0);
    std::vector<ci16_t> iq(nof_subcarriers_per_prb);
    decompress(iq, prb, bfp(9));
    CHECK(iq[0] == ci16_t{4, -4});
    CHECK(iq[1] == ci16_t{1020, -1024});
    for (unsigned k = 2; k != nof_subcarriers_per_prb; ++k) {
      CHECK(iq[k] == ci16_t{0, 0});
    }
    SUBCASE("and the compressor writes exactly these bytes back")
    {
      std::vector<uint8_t> again(prb.size());
      compress(again, iq, bfp(9));
      CHECK(again == prb);
    }
  }
  SUBCASE("14 bits, values in the middle of bytes")
  {
    // I0 = -8192, Q0 = 8191, I1 = -1, Q1 = 5, zeros, I11 = 3, Q11 = -2: 14 bits each.
    const std::vector<uint8_t> mantissas =
        bytes_from_bits("10000000000000 01111111111111 11111111111111 00000000000101"
                        "00000000000000 00000000000000 00000000000000 00000000000000"
                        "00000000000000 00000000000000 00000000000000 00000000000000"
                        "00000000000000 00000000000000 00000000000000 00000000000000"
                        "00000000000000 00000000000000 00000000000000 00000000000000"
                        "00000000000000 00000000000000 00000000000011 11111111111110");
    std::vector<uint8_t>       prb       = {0x01};
    prb.insert(prb.end(), mantissas.begin(), mantissas.end());
    REQUIRE(prb.size() == compressed_prb_size(bfp(14)));
    std::vector<ci16_t> iq(nof_subcarriers_per_prb);
    decompress(iq, prb, bfp(14));
    CHECK(iq[0] == ci16_t{-16384, 16382});
    CHECK(iq[1] == ci16_t{-2, 10});
    CHECK(iq[11] == ci16_t{6, -4});
  }
  SUBCASE("no compression: 16-bit big-endian integers, no udCompParam")
  {
    std::vector<uint8_t> prb = {0x12, 0x34, 0xFE, 0xDC, 0x80, 0x00, 0x7F, 0xFF};
    prb.resize(compressed_prb_size(no_compression), 0);
    std::vector<ci16_t> iq(nof_subcarriers_per_prb);
    decompress(iq, prb, no_compression);
    CHECK(iq[0] == ci16_t{0x1234, -0x124});
    CHECK(iq[1] == ci16_t{-32768, 32767});
    std::vector<uint8_t> again(prb.size());
    compress(again, iq, no_compression);
    CHECK(again == prb);
  }
  SUBCASE("int16 output saturates mantissa 2^e products beyond the int16 range")
  {
    std::vector<uint8_t> prb = {0x0F, 0x7F, 0xFF, 0x80, 0x00, 0x00, 0x01, 0xFF, 0xFF};
    prb.resize(compressed_prb_size(bfp(16)), 0);
    std::vector<ci16_t> iq(nof_subcarriers_per_prb);
    decompress(iq, prb, bfp(16));
    CHECK(iq[0] == ci16_t{32767, -32768});
    CHECK(iq[1] == ci16_t{32767, -32768}); // 1 * 2^15 saturates, -1 * 2^15 is exact
    std::vector<cf_t> samples(nof_subcarriers_per_prb);
    decompress(samples, prb, bfp(16), 1.0F);
    CHECK(samples[0] == cf_t{32767.0F * 32768.0F, -32768.0F * 32768.0F}); // the float output does not saturate
  }
}

TEST_CASE("Block floating point compression: field layout, minimal exponent and error bound for every width")
{
  std::mt19937 rng(11);
  for (unsigned width = 1; width <= 16; ++width) {
    CAPTURE(width);
    const std::size_t         nof_prb   = 40;
    const std::vector<ci16_t> iq        = random_prbs(rng, nof_prb);
    const std::size_t         prb_size  = compressed_prb_size(bfp(width));
    std::vector<uint8_t>      data(nof_prb * prb_size);
    compress(data, iq, bfp(width));
    std::vector<ci16_t> decompressed(iq.size());
    decompress(decompressed, data, bfp(width));
    const long top = (1L << (width - 1)) - 1;
    for (std::size_t prb = 0; prb != nof_prb; ++prb) {
      const std::vector<int> values   = prb_values(iq, prb);
      const unsigned         exponent = data[prb * prb_size] & 0x0F;
      CHECK((data[prb * prb_size] >> 4) == 0); // reserved bits
      CHECK(exponent == reference_exponent(values, width));
      if (width >= 2) {
        CHECK(reference_fits(values, exponent, width)); // the bound below then holds
      }
      const std::vector<int> restored = prb_values(decompressed, prb);
      for (unsigned k = 0; k != nof_values_per_prb; ++k) {
        const long mantissa = std::clamp(reference_round(values[k], exponent), -top - 1, top);
        CHECK(read_signed_bits(data, 8 * (prb * prb_size + 1) + k * width, width) == mantissa);
        CHECK(restored[k] == std::clamp(mantissa * (1L << exponent), -32768L, 32767L)); // m 2^e may reach 32768
        if (width >= 2) {
          // Rounding to the nearest multiple of 2^e: |v - v'| <= 2^e / 2.
          CHECK(2 * std::abs(values[k] - restored[k]) <= (1L << exponent));
        }
      }
    }
  }
}

TEST_CASE("Block floating point: a PRB that exactly fits a width keeps exponent 0 and is exact; one more needs 1")
{
  for (unsigned width : {8U, 9U, 12U, 14U, 16U}) {
    CAPTURE(width);
    const int           top = (1 << (width - 1)) - 1;
    std::vector<ci16_t> iq(nof_subcarriers_per_prb, ci16_t{static_cast<int16_t>(-top - 1), static_cast<int16_t>(top)});
    std::vector<uint8_t> data(compressed_prb_size(bfp(width)));
    compress(data, iq, bfp(width));
    CHECK(data[0] == 0);
    std::vector<ci16_t> restored(iq.size());
    decompress(restored, data, bfp(width));
    CHECK(restored == iq);
    if (width < 16) {
      iq[5].im = static_cast<int16_t>(top + 1);
      compress(data, iq, bfp(width));
      CHECK(data[0] == 1);
      decompress(restored, data, bfp(width));
      CHECK(restored[5].im == top + 1);
      CHECK(restored[0].im == top + 1); // top / 2 rounds up
    }
  }
}

TEST_CASE("Float samples: conversion to the int16 domain, scale and round trip")
{
  std::mt19937                          rng(12);
  std::uniform_real_distribution<float> uniform(-1.0F, 1.0F);
  const float                           scale = 1.0F / 32768.0F;
  for (unsigned width : {8U, 9U, 12U, 14U, 16U}) {
    CAPTURE(width);
    for (const compression_params params : {bfp(width), no_compression}) {
      const std::size_t nof_prb = 33;
      std::vector<cf_t> samples(nof_prb * nof_subcarriers_per_prb);
      for (auto& s : samples) {
        s = {uniform(rng), uniform(rng)};
      }
      samples[3]  = {1.0F, -1.0F};                 // saturates to 32767, exact -32768
      samples[4]  = {2.5F * scale, -2.5F * scale}; // ties to even: 2, -2
      std::vector<ci16_t> expected(samples.size());
      for (std::size_t i = 0; i != samples.size(); ++i) {
        const auto to_int = [&](float x) {
          return static_cast<int16_t>(std::clamp(std::lrint(static_cast<double>(x) * 32768.0), -32768L, 32767L));
        };
        expected[i] = {to_int(samples[i].real()), to_int(samples[i].imag())};
      }
      CHECK(expected[3] == ci16_t{32767, -32768});
      CHECK(expected[4] == ci16_t{2, -2});
      std::vector<uint8_t> from_float(nof_prb * compressed_prb_size(params));
      std::vector<uint8_t> from_int(from_float.size());
      compress(from_float, samples, params, scale);
      compress(from_int, expected, params);
      CHECK(from_float == from_int);

      std::vector<ci16_t> restored_int(samples.size());
      std::vector<cf_t>   restored(samples.size());
      decompress(restored_int, from_float, params);
      decompress(restored, from_float, params, scale);
      const std::size_t prb_size = compressed_prb_size(params);
      for (std::size_t i = 0; i != samples.size(); ++i) {
        const unsigned exponent =
            params.method == compression_method::none ? 0 : from_float[i / nof_subcarriers_per_prb * prb_size] & 0x0F;
        for (const auto& [x, v, v_int] : {std::tuple{restored[i].real(), expected[i].re, restored_int[i].re},
                                          std::tuple{restored[i].imag(), expected[i].im, restored_int[i].im}}) {
          // x / scale = m 2^e exactly (scale is a power of two), within 2^e / 2 of the int16-domain value; the int16
          // output is the same number, saturated (m 2^e may reach 32768).
          const double integer = static_cast<double>(x) * 32768.0;
          CHECK(integer == std::round(integer));
          CHECK(2 * std::abs(integer - v) <= std::ldexp(1.0, static_cast<int>(exponent)));
          CHECK(v_int == std::clamp(integer, -32768.0, 32767.0));
        }
      }
    }
  }
  SUBCASE("any gain")
  {
    const float          gain_scale = 0.001F;
    std::vector<cf_t>    samples(nof_subcarriers_per_prb, cf_t{1.234F, -20.0F});
    std::vector<uint8_t> data(compressed_prb_size(bfp(14)));
    compress(data, samples, bfp(14), gain_scale);
    std::vector<cf_t> restored(samples.size());
    decompress(restored, data, bfp(14), gain_scale);
    // 20 / 0.001 = 20000 needs exponent 2 at 14 bits (10000 > 8191 >= 5000): error at most 2 integer steps.
    CHECK(data[0] == 2);
    CHECK(std::abs(restored[0].real() - samples[0].real()) <= 0.0021F);
    CHECK(std::abs(restored[0].imag() - samples[0].imag()) <= 0.0021F);
  }
}

TEST_CASE("AVX2 and portable kernels give identical bytes and samples")
{
  std::mt19937                            rng(13);
  std::uniform_int_distribution<unsigned> byte(0, 255);
  std::uniform_real_distribution<float>   uniform(-1.5F, 1.5F);
  std::vector<compression_params>         all = {no_compression};
  for (unsigned width = 1; width <= 16; ++width) {
    all.push_back(bfp(width));
  }
  for (const compression_params& params : all) {
    for (std::size_t nof_prb : {1U, 2U, 3U, 5U, 17U, 273U}) {
      CAPTURE(params.iq_width);
      CAPTURE(nof_prb);
      const std::size_t size = nof_prb * compressed_prb_size(params);
      // Arbitrary received bytes: any exponent, reserved bits set.
      std::vector<uint8_t> data(size);
      for (auto& b : data) {
        b = static_cast<uint8_t>(byte(rng));
      }
      std::vector<cf_t> a(nof_prb * nof_subcarriers_per_prb);
      std::vector<cf_t> b(a.size());
      decompress(a, data, params, 1.0F / 32768.0F);
      detail::decompress_generic(b, data, params, 1.0F / 32768.0F);
      CHECK(same_bits(a, b));
      std::vector<ci16_t> c(a.size());
      std::vector<ci16_t> d(a.size());
      decompress(c, data, params);
      detail::decompress_generic(d, data, params);
      CHECK(c == d);

      // Floats including ties, saturation, infinities, NaN and negative zero.
      for (std::size_t i = 0; i != a.size(); ++i) {
        a[i] = {uniform(rng), uniform(rng)};
      }
      a[0] = {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()};
      if (a.size() > 11) {
        a[7]  = {0.5F / 32768.0F, -1.5F / 32768.0F};
        a[11] = {-0.0F, 1e30F};
      }
      std::vector<uint8_t> e(size);
      std::vector<uint8_t> f(size);
      compress(e, a, params, 1.0F / 32768.0F);
      detail::compress_generic(f, a, params, 1.0F / 32768.0F);
      CHECK(e == f);
      const std::vector<ci16_t> iq = random_prbs(rng, nof_prb);
      compress(e, iq, params);
      detail::compress_generic(f, iq, params);
      CHECK(e == f);
    }
  }
}
