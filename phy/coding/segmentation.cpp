#include "airan/phy/coding/segmentation.h"

#include "airan/phy/coding/crc.h"
#include "bit_packing.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace airan::phy {

namespace {

/// TS 38.212 6.2.1 / 7.2.1: above this transport block size the CRC is CRC24A, otherwise CRC16.
constexpr unsigned max_tbs_with_crc16 = 3824;

/// Length of the code block CRC24B, TS 38.212 5.2.2.
constexpr unsigned cb_crc24b_length = 24;

crc_type tb_crc_type(const ldpc_segmentation& segmentation)
{
  return segmentation.tb_crc_length == 24 ? crc_type::crc24a : crc_type::crc16;
}

/// Transport block bits carried by each code block (K' - L).
unsigned nof_tb_bits_per_cb(const ldpc_segmentation& segmentation)
{
  return segmentation.k_prime - segmentation.cb_crc_length;
}

/// Writes the L parity bits of value to bits[0 .. L-1], p_0 (the MSB) first.
void write_parity_bits(uint8_t* bits, uint32_t value, unsigned nof_bits)
{
  for (unsigned j = 0; j != nof_bits; ++j) {
    bits[j] = static_cast<uint8_t>((value >> (nof_bits - 1 - j)) & 1);
  }
}

/// The transport block followed by its CRC (b_0 .. b_{B-1} of TS 38.212 6.2.1) as a read-only packed bit stream.
class tb_with_crc_reader {
public:
  tb_with_crc_reader(std::span<const uint8_t> tb_bytes, uint32_t crc, unsigned crc_length) :
    tb_bytes_(tb_bytes), crc_left_aligned_(crc << (32 - crc_length))
  {
  }

  /// Writes stream bits [pos, pos + n) unpacked to bits.
  void unpack(uint8_t* bits, size_t pos, size_t n) const
  {
    auto one_bit = [&] {
      *bits++ = static_cast<uint8_t>((byte(pos / 8) >> (7 - pos % 8)) & 1);
      ++pos;
      --n;
    };
    while (n != 0 && pos % 8 != 0) {
      one_bit();
    }
    for (; n >= 16; n -= 16, pos += 16, bits += 16) {
      detail::unpack_two_bytes_msb_first(bits, byte(pos / 8), byte(pos / 8 + 1));
    }
    if (n >= 8) {
      detail::unpack_byte_msb_first(bits, byte(pos / 8));
      n -= 8;
      pos += 8;
      bits += 8;
    }
    while (n != 0) {
      one_bit();
    }
  }

private:
  uint8_t byte(size_t index) const
  {
    if (index < tb_bytes_.size()) {
      return tb_bytes_[index];
    }
    return static_cast<uint8_t>(crc_left_aligned_ >> (24 - 8 * (index - tb_bytes_.size())));
  }

  std::span<const uint8_t> tb_bytes_;
  /// The CRC parity bits, p_0 in bit 31.
  uint32_t crc_left_aligned_;
};

/// Packs unpacked bits, appended one code block at a time, into the transport block bytes followed by its CRC.
class tb_with_crc_writer {
public:
  explicit tb_with_crc_writer(std::span<uint8_t> tb_bytes) : tb_bytes_(tb_bytes) {}

  void append(const uint8_t* bits, size_t n)
  {
    if (nof_pending_ == 0 && nof_written_ < tb_bytes_.size()) {
      // Byte aligned: the whole bytes that belong to the transport block are packed straight into it.
      const size_t direct = std::min(n / 8, tb_bytes_.size() - nof_written_);
      detail::pack_bytes(tb_bytes_.data() + nof_written_, bits, direct);
      nof_written_ += direct;
      bits += 8 * direct;
      n -= 8 * direct;
    }
    // pending_ holds nof_pending_ (< 8) bits not yet written; whole bytes leave from its top.
    for (; n >= 8; n -= 8, bits += 8) {
      pending_ = (pending_ << 8) | detail::pack_byte_msb_first(bits);
      write_byte(static_cast<uint8_t>(pending_ >> nof_pending_));
      pending_ &= (1U << nof_pending_) - 1;
    }
    for (; n != 0; --n, ++bits) {
      pending_ = (pending_ << 1) | *bits;
      if (++nof_pending_ == 8) {
        write_byte(static_cast<uint8_t>(pending_));
        pending_ = 0;
        nof_pending_ = 0;
      }
    }
  }

  /// The received transport block CRC, once all B bits have been appended.
  uint32_t crc() const { return crc_; }

private:
  void write_byte(uint8_t value)
  {
    if (nof_written_ < tb_bytes_.size()) {
      tb_bytes_[nof_written_] = value;
    } else {
      crc_ = (crc_ << 8) | value;
    }
    ++nof_written_;
  }

  std::span<uint8_t> tb_bytes_;
  uint32_t crc_ = 0;
  size_t nof_written_ = 0;
  uint32_t pending_ = 0;
  unsigned nof_pending_ = 0;
};

} // namespace

ldpc_base_graph select_ldpc_base_graph(unsigned tbs, float code_rate) noexcept
{
  if (tbs <= 292 || (tbs <= 3824 && code_rate <= 0.67F) || code_rate <= 0.25F) {
    return ldpc_base_graph::bg2;
  }
  return ldpc_base_graph::bg1;
}

status compute_ldpc_segmentation(ldpc_segmentation& out, unsigned tbs, ldpc_base_graph graph)
{
  if (graph != ldpc_base_graph::bg1 && graph != ldpc_base_graph::bg2) {
    return status::error("LDPC base graph must be BG1 or BG2");
  }
  if (tbs == 0) {
    return status::error("transport block size must be positive");
  }
  if (tbs % 8 != 0) {
    return status::error("transport block size " + std::to_string(tbs) + " is not a multiple of 8 bits");
  }
  if (tbs > max_transport_block_size) {
    return status::error("transport block size " + std::to_string(tbs) + " exceeds the maximum of " +
                         std::to_string(max_transport_block_size) + " bits");
  }

  ldpc_segmentation s{};
  s.graph = graph;
  s.tbs = tbs;
  s.tb_crc_length = tbs > max_tbs_with_crc16 ? 24 : 16;

  // TS 38.212 5.2.2: maximum code block size K_cb and number of code blocks C.
  const bool is_bg1 = graph == ldpc_base_graph::bg1;
  const unsigned max_cb_size = is_bg1 ? 8448 : 3840;
  const unsigned b = tbs + s.tb_crc_length;
  unsigned b_prime = b;
  if (b <= max_cb_size) {
    s.nof_cbs = 1;
    s.cb_crc_length = 0;
  } else {
    s.cb_crc_length = cb_crc24b_length;
    s.nof_cbs = (b + max_cb_size - s.cb_crc_length - 1) / (max_cb_size - s.cb_crc_length);
    b_prime = b + s.nof_cbs * s.cb_crc_length;
  }
  if (b_prime % s.nof_cbs != 0) {
    return status::error("transport block size " + std::to_string(tbs) + " cannot be segmented into " +
                         std::to_string(s.nof_cbs) + " equal code blocks for base graph " +
                         (is_bg1 ? "1" : "2") + " (B' = " + std::to_string(b_prime) + " is not a multiple of C)");
  }
  s.k_prime = b_prime / s.nof_cbs;

  // Number of systematic base graph columns K_b.
  unsigned k_b = 22;
  if (!is_bg1) {
    k_b = b > 640 ? 10 : b > 560 ? 9 : b > 192 ? 8 : 6;
  }
  auto sizes = ldpc_lifting_sizes();
  auto z = std::find_if(sizes.begin(), sizes.end(), [&](uint16_t size) { return k_b * size >= s.k_prime; });
  // K' <= K_b * 384 for every K_b above (K' <= K_cb, and B <= 192, 560, 640 for K_b = 6, 8, 9): Z_c exists.
  assert(z != sizes.end());
  s.lifting_size = *z;
  s.k = ldpc_info_length(graph, s.lifting_size);
  s.nof_filler_bits = s.k - s.k_prime;
  out = s;
  return status::ok();
}

void segment_transport_block(std::span<uint8_t> cb_bits,
                             std::span<const uint8_t> tb_bytes,
                             const ldpc_segmentation& segmentation) noexcept
{
  const ldpc_segmentation& s = segmentation;
  assert(tb_bytes.size() == s.tbs / 8);
  assert(cb_bits.size() == size_t{s.nof_cbs} * s.k);

  const tb_with_crc_reader stream(tb_bytes, crc_compute_bytes(tb_crc_type(s), tb_bytes), s.tb_crc_length);
  const unsigned nof_data_bits = nof_tb_bits_per_cb(s);
  for (unsigned r = 0; r != s.nof_cbs; ++r) {
    uint8_t* cb = cb_bits.data() + size_t{r} * s.k;
    stream.unpack(cb, size_t{r} * nof_data_bits, nof_data_bits);
    if (s.nof_cbs > 1) {
      uint32_t parity = crc_compute_bits(crc_type::crc24b, {cb, nof_data_bits});
      write_parity_bits(cb + nof_data_bits, parity, s.cb_crc_length);
    }
    std::fill(cb + s.k_prime, cb + s.k, uint8_t{0});
  }
}

tb_desegmentation_result desegment_transport_block(std::span<uint8_t> tb_bytes,
                                                   std::span<const uint8_t> cb_bits,
                                                   const ldpc_segmentation& segmentation,
                                                   std::span<uint8_t> cb_crc_ok) noexcept
{
  const ldpc_segmentation& s = segmentation;
  assert(tb_bytes.size() == s.tbs / 8);
  assert(cb_bits.size() == size_t{s.nof_cbs} * s.k);
  assert(cb_crc_ok.size() == s.nof_cbs);

  tb_with_crc_writer stream(tb_bytes);
  const unsigned nof_data_bits = nof_tb_bits_per_cb(s);
  unsigned nof_cb_crc_ok = 0;
  for (unsigned r = 0; r != s.nof_cbs; ++r) {
    const uint8_t* cb = cb_bits.data() + size_t{r} * s.k;
    if (s.nof_cbs > 1) {
      bool ok = check_code_block_crc({cb, s.k_prime}, s);
      cb_crc_ok[r] = ok ? 1 : 0;
      nof_cb_crc_ok += ok ? 1 : 0;
    }
    stream.append(cb, nof_data_bits);
  }

  const bool tb_crc_ok = crc_compute_bytes(tb_crc_type(s), tb_bytes) == stream.crc();
  if (s.nof_cbs == 1) {
    cb_crc_ok[0] = tb_crc_ok ? 1 : 0;
    nof_cb_crc_ok = tb_crc_ok ? 1 : 0;
  }
  return {tb_crc_ok, nof_cb_crc_ok};
}

bool check_code_block_crc(std::span<const uint8_t> cb_bits_k_prime, const ldpc_segmentation& segmentation) noexcept
{
  assert(cb_bits_k_prime.size() == segmentation.k_prime);
  // With a zero initial register, the remainder of the data followed by its parity bits is zero.
  crc_type type = segmentation.nof_cbs > 1 ? crc_type::crc24b : tb_crc_type(segmentation);
  return crc_compute_bits(type, cb_bits_k_prime) == 0;
}

} // namespace airan::phy
