#include "airan/phy/coding/harq_buffer.h"

#include <algorithm>
#include <string>

namespace airan::phy {

harq_buffer_pool::harq_buffer_pool(unsigned nof_processes, unsigned max_cbs_per_tb, unsigned max_cb_length) :
  nof_processes_(nof_processes),
  max_cbs_per_tb_(max_cbs_per_tb),
  max_cb_length_(max_cb_length),
  soft_(std::size_t{nof_processes} * max_cbs_per_tb * max_cb_length),
  valid_length_(std::size_t{nof_processes} * max_cbs_per_tb),
  crc_ok_(std::size_t{nof_processes} * max_cbs_per_tb)
{
}

status harq_buffer_pool::validate_process(unsigned harq_id) const
{
  if (harq_id >= nof_processes_) {
    return status::error("HARQ process " + std::to_string(harq_id) + " out of range (" +
                         std::to_string(nof_processes_) + " processes)");
  }
  return status::ok();
}

status harq_buffer_pool::validate_index(unsigned harq_id, unsigned cb) const
{
  if (status s = validate_process(harq_id); !s) {
    return s;
  }
  if (cb >= max_cbs_per_tb_) {
    return status::error("code block " + std::to_string(cb) + " out of range (" + std::to_string(max_cbs_per_tb_) +
                         " code blocks per transport block)");
  }
  return status::ok();
}

std::span<int8_t> harq_buffer_pool::cb_soft_buffer(unsigned harq_id, unsigned cb) noexcept
{
  if (!in_range(harq_id, cb)) {
    return {};
  }
  return std::span<int8_t>(soft_).subspan(cb_index(harq_id, cb) * max_cb_length_, max_cb_length_);
}

std::span<const int8_t> harq_buffer_pool::cb_soft_buffer(unsigned harq_id, unsigned cb) const noexcept
{
  if (!in_range(harq_id, cb)) {
    return {};
  }
  return std::span<const int8_t>(soft_).subspan(cb_index(harq_id, cb) * max_cb_length_, max_cb_length_);
}

unsigned harq_buffer_pool::cb_valid_length(unsigned harq_id, unsigned cb) const noexcept
{
  return in_range(harq_id, cb) ? valid_length_[cb_index(harq_id, cb)] : 0;
}

status harq_buffer_pool::record_cb_transmission(unsigned harq_id, unsigned cb, unsigned length, bool new_data)
{
  if (status s = validate_index(harq_id, cb); !s) {
    return s;
  }
  if (length > max_cb_length_) {
    return status::error("informed length " + std::to_string(length) + " exceeds the soft buffer length " +
                         std::to_string(max_cb_length_));
  }
  const std::size_t index = cb_index(harq_id, cb);
  valid_length_[index] = new_data ? length : std::max(valid_length_[index], length);
  if (new_data) {
    crc_ok_[index] = 0;
  }
  return status::ok();
}

bool harq_buffer_pool::cb_crc_ok(unsigned harq_id, unsigned cb) const noexcept
{
  return in_range(harq_id, cb) && crc_ok_[cb_index(harq_id, cb)] != 0;
}

status harq_buffer_pool::set_cb_crc_ok(unsigned harq_id, unsigned cb, bool crc_ok)
{
  if (status s = validate_index(harq_id, cb); !s) {
    return s;
  }
  crc_ok_[cb_index(harq_id, cb)] = crc_ok ? 1 : 0;
  return status::ok();
}

status harq_buffer_pool::reset(unsigned harq_id)
{
  if (status s = validate_process(harq_id); !s) {
    return s;
  }
  const std::size_t first = cb_index(harq_id, 0);
  std::fill_n(valid_length_.begin() + first, max_cbs_per_tb_, 0U);
  std::fill_n(crc_ok_.begin() + first, max_cbs_per_tb_, uint8_t{0});
  return status::ok();
}

} // namespace airan::phy
