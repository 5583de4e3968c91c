#pragma once
/// Choice of the processing backend of a block: the CPU reference or the CUDA twin.

#include <optional>
#include <string_view>

namespace airan::phy {

/// Backend of a block, passed to its factory (create_*).
enum class backend {
  cpu,       ///< The CPU reference implementation.
  cuda,      ///< The CUDA implementation; the factory fails when the build or the machine has none.
  automatic, ///< cuda when the build has the CUDA backend and a GPU is usable, otherwise cpu.
};

/// True when this build contains the CUDA backend (configured with a CUDA compiler).
bool cuda_backend_built() noexcept;

/// True when the CUDA backend is built and at least one GPU is usable.
bool cuda_backend_available() noexcept;

/// The backend a factory uses for requested: cpu or cuda; nullopt when cuda is requested but not available.
std::optional<backend> resolve_backend(backend requested) noexcept;

/// For factories, at creation: the resolved backend, or std::runtime_error naming the block and why cuda is not
/// available (no CUDA in this build, or no usable GPU).
backend require_backend(backend requested, std::string_view block_name);

/// "cpu", "cuda" or "automatic".
std::string_view to_string(backend b) noexcept;

} // namespace airan::phy
