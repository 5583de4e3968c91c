#pragma once
// RAII owners of a CUDA graph captured from a stream and of its executable instance.

#include "cuda_check.h"

#include <utility>

namespace airan::cuda {

/// The work enqueued on a stream between begin_capture() and end_capture(), instantiated once and launched per slot
/// (the kernels' descriptor pointers stay fixed; the descriptors they point to change between launches).
class graph {
public:
  graph() = default;
  graph(const graph&) = delete;
  graph& operator=(const graph&) = delete;
  graph(graph&& other) noexcept
      : graph_(std::exchange(other.graph_, nullptr)), exec_(std::exchange(other.exec_, nullptr))
  {
  }
  ~graph() { reset(); }

  /// Starts recording the work enqueued on s (thread-local capture mode: other threads may use CUDA meanwhile).
  status begin_capture(cudaStream_t s)
  {
    reset();
    return AIRAN_CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  }

  /// Stops recording and instantiates the graph.
  status end_capture(cudaStream_t s)
  {
    if (auto st = AIRAN_CUDA_CHECK(cudaStreamEndCapture(s, &graph_)); !st) {
      return st;
    }
    return AIRAN_CUDA_CHECK(cudaGraphInstantiate(&exec_, graph_, 0));
  }

  bool ready() const { return exec_ != nullptr; }

  /// Launches the instantiated graph on s.
  status launch(cudaStream_t s) const { return AIRAN_CUDA_CHECK(cudaGraphLaunch(exec_, s)); }

private:
  void reset()
  {
    if (exec_ != nullptr) {
      cudaGraphExecDestroy(std::exchange(exec_, nullptr));
    }
    if (graph_ != nullptr) {
      cudaGraphDestroy(std::exchange(graph_, nullptr));
    }
  }

  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

} // namespace airan::cuda
