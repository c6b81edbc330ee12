// Bridges between arfc::Matrix and torch::Tensor, device and thread setup.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>

#include "arfc/core/matrix.h"

namespace arfc {

// [n, d] float32 CPU tensor holding a copy of m.
torch::Tensor to_tensor(const Matrix& m);
// [n, d] float32 CPU tensor over m's own storage, no copy (training reads its rows this way
// instead of holding them twice): valid only while m lives and unchanged, and never written.
torch::Tensor tensor_view(const Matrix& m);
// [n] int64 CPU tensor.
torch::Tensor to_tensor(const Labels& y);
// Any 2-D floating tensor (any device) -> Matrix (copied to CPU float32).
Matrix to_matrix(const torch::Tensor& t);

// "cpu", "cuda", "cuda:1" or "auto" (CUDA when available, else CPU). Unknown -> arfc::Error.
torch::Device parse_device(const std::string& name);

// Sets libtorch's intra-op threads and arfc's own (core/parallel.h, worker_threads): n > 0
// as given, n <= 0 -> all hardware threads. Also keeps OpenBLAS's own thread pool (when
// OpenBLAS is loaded) at one thread, see the .cpp.
void set_threads(int n);

// Inference over rows in blocks: calls fn(begin, end) for [0, block), [block, 2 block), ...
// [.., n). On the CPU with more than one libtorch thread the blocks are shared by that many
// worker threads, each running torch ops single-threaded; with one thread (or on another
// device, which parallelises each block itself) they run in turn here. Autograd is off
// inside fn. A block's result depends only on its rows, not on the thread count. An
// exception stops the remaining blocks; the lowest failing block's is rethrown here
// (core/parallel.h).
void for_each_row_block(int64_t n, int64_t block, torch::Device device,
                        const std::function<void(int64_t begin, int64_t end)>& fn);

// Parameter counts of torch::nn::Linear(in, out) and LayerNorm({d}), for the modules'
// parameter_count() functions (checked against the built modules in the tests).
inline int64_t linear_parameter_count(int64_t in, int64_t out, bool bias = true) { return in * out + (bias ? out : 0); }
inline int64_t layer_norm_parameter_count(int64_t d) { return 2 * d; }

// Seeds torch's CPU (and CUDA when present) generators.
void seed_everything(uint64_t seed);

}  // namespace arfc
