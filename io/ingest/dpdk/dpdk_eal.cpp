// The process-wide DPDK EAL: started once, shared by every port, cleaned up with the last holder.

#include "dpdk_resources.h"

#include <rte_eal.h>
#include <rte_errno.h>

#include <mutex>

namespace airan::io {

namespace {

struct eal_registry {
  std::mutex              mutex;
  std::weak_ptr<dpdk_eal> live;
  bool                    ever_started = false;
};

eal_registry& registry()
{
  static eal_registry instance;
  return instance;
}

std::string joined(const std::vector<std::string>& args)
{
  std::string text;
  for (const std::string& arg : args) {
    text += (text.empty() ? "" : " ") + arg;
  }
  return text;
}

} // namespace

std::string dpdk_error(const std::string& what, int error_number)
{
  return what + ": " + rte_strerror(error_number) + " (" + std::to_string(error_number) + ")";
}

dpdk_eal::dpdk_eal(std::vector<std::string> args) : args_(std::move(args))
{
  argv_storage_.reserve(args_.size() + 1);
  argv_storage_.emplace_back("airan");
  argv_storage_.insert(argv_storage_.end(), args_.begin(), args_.end());
  for (std::string& arg : argv_storage_) {
    argv_.push_back(arg.data());
  }
  argv_.push_back(nullptr);
}

dpdk_eal::~dpdk_eal()
{
  if (initialised_) {
    rte_eal_cleanup();
  }
}

status dpdk_eal::init()
{
  const int argc = static_cast<int>(argv_.size()) - 1;
  // rte_eal_init may permute the pointers (getopt) and keeps argv[0]: both live as long as this object.
  const int nof_parsed = rte_eal_init(argc, argv_.data());
  if (nof_parsed < 0) {
    return status::error(dpdk_error("rte_eal_init failed with arguments '" + joined(args_) + "'", rte_errno));
  }
  initialised_ = true;
  if (nof_parsed != argc - 1) {
    // EAL moves the arguments it did not take behind the ones it parsed.
    std::string message = argv_[nof_parsed + 1];
    message += " is not an EAL option (arguments '" + joined(args_) + "')";
    return status::error(message);
  }
  return status::ok();
}

status make_dpdk_eal(const std::vector<std::string>& args, std::shared_ptr<dpdk_eal>& out)
{
  eal_registry&          reg = registry();
  const std::scoped_lock lock(reg.mutex);
  if (std::shared_ptr<dpdk_eal> live = reg.live.lock()) {
    if (!args.empty() && args != live->args()) {
      return status::error("DPDK EAL already runs with arguments '" + joined(live->args()) +
                           "'; it is process-wide and cannot be restarted with '" + joined(args) + "'");
    }
    out = std::move(live);
    return status::ok();
  }
  if (reg.ever_started) {
    return status::error("DPDK EAL was already started and cleaned up in this process; it cannot start again");
  }
  if (args.empty()) {
    return status::error("DPDK EAL is not running and no EAL arguments were given");
  }
  reg.ever_started = true;
  auto eal         = std::make_shared<dpdk_eal>(args);
  if (status result = eal->init(); !result) {
    return result;
  }
  reg.live = eal;
  out      = std::move(eal);
  return status::ok();
}

} // namespace airan::io
