#pragma once
/// CUDA runtime helpers usable from plain C++ (no CUDA headers here).

#include "airan/common/status.h"

#include <cstdint>
#include <span>

/// The CUDA runtime's stream type (cudaStream_t is CUstream_st*), declared here so that public headers need no CUDA
/// header.
struct CUstream_st;

namespace airan::cuda {

/// A CUDA stream (cudaStream_t) as public headers name it.
using stream_handle = CUstream_st*;

/// Number of usable CUDA devices; 0 when there is no GPU or the driver is missing or too old. Never throws.
int device_count() noexcept;

/// Packs bits (one per byte) into bytes, MSB first, on the GPU: the CUDA twin of airan::pack_bits.
/// Host spans; copies in, runs one kernel on its own stream, copies back. Returns an error status on any CUDA
/// failure (named with file and line).
status pack_bits(std::span<uint8_t> bytes, std::span<const uint8_t> bits);

} // namespace airan::cuda
