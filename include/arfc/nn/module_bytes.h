// Torch modules in the binary container of model files and checkpoints (io/container.h):
// their parameters as torch archive bytes, and a format-independent hash of them.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "arfc/io/container.h"

namespace arfc {

// FNV-1a over every parameter and buffer of `m` (sorted by name: name, shape, float32 data
// on CPU), chained from `h`. Independent of the torch serialisation format.
uint64_t hash_module(const torch::nn::Module& m, uint64_t h = 0xcbf29ce484222325ULL);

// A module's parameters and buffers as torch archive bytes, and back (names and shapes
// must match, and every value read must be finite: otherwise arfc::Error naming `what`
// and, for a non-finite value, the tensor).
std::string module_to_bytes(const torch::nn::Module& m);
void module_from_bytes(torch::nn::Module& m, const std::string& bytes, const std::string& what,
                       torch::Device device = torch::kCPU);

// Every floating-point parameter and buffer of `m` is finite; otherwise arfc::Error naming
// `what` and the tensor. module_from_bytes runs it; training checkpoints run it on resume.
void check_module_finite(const torch::nn::Module& m, const std::string& what);

}  // namespace arfc
