#include "airan/phy/common/backend.h"

#include <stdexcept>
#include <string>

#ifdef AIRAN_HAVE_CUDA
#include "airan/cuda/device.h"
#endif

namespace airan::phy {

bool cuda_backend_built() noexcept
{
#ifdef AIRAN_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_backend_available() noexcept
{
#ifdef AIRAN_HAVE_CUDA
  return cuda::device_count() > 0;
#else
  return false;
#endif
}

std::optional<backend> resolve_backend(backend requested) noexcept
{
  switch (requested) {
    case backend::cpu:
      return backend::cpu;
    case backend::cuda:
      return cuda_backend_available() ? std::optional(backend::cuda) : std::nullopt;
    case backend::automatic:
      return cuda_backend_available() ? backend::cuda : backend::cpu;
  }
  return std::nullopt;
}

backend require_backend(backend requested, std::string_view block_name)
{
  if (const auto resolved = resolve_backend(requested)) {
    return *resolved;
  }
  throw std::runtime_error(std::string(block_name) + ": CUDA backend requested, but " +
                           (cuda_backend_built() ? "no usable GPU was found" : "this build has no CUDA backend"));
}

std::string_view to_string(backend b) noexcept
{
  switch (b) {
    case backend::cpu:
      return "cpu";
    case backend::cuda:
      return "cuda";
    case backend::automatic:
      return "automatic";
  }
  return "unknown";
}

} // namespace airan::phy
