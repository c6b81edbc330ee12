// Data-parallel training on PyTorch's own c10d: a TCPStore rendezvous at MASTER_ADDR:
// MASTER_PORT and a ProcessGroupGloo (CPU tensors; CUDA gradients go through host memory).
// Built when the gloo headers (Debian: libgloo-dev) are found (ARFC_WITH_GLOO); without
// them a world size above 1 is refused with a message naming the package.
//
// The trainer (train/trainer.h) uses a group of world_size ranks as follows: each step's
// global batch of batch_size rows is cut into world_size x train.micro_batches parts, each
// filled from its own block of the training rows (split_rows); rank r takes its parts and
// holds only their blocks and the validation rows (rank_rows; train_arfc_sharded reads just
// those), batch-level losses (ERGC, SupCon, InfoNCE) see one part, and the gradients
// (weighted by part size) are summed over the ranks before the shared optimiser step. So N
// ranks train the same model as one process with micro_batches = N.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace arfc {

struct DistributedOptions {
  int64_t rank = 0;
  int64_t world_size = 1;
  std::string master_addr = "127.0.0.1";
  int64_t master_port = 29500;
  double timeout_s = 300;  // rendezvous and every collective
};

// RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT from the environment; unset ones keep the
// defaults above; malformed or inconsistent values -> arfc::Error naming the variable.
DistributedOptions distributed_options_from_env();
// Checks rank/world/port ranges (arfc::Error naming the field).
void validate(const DistributedOptions& o);
// True when this build has ProcessGroupGloo.
bool distributed_available();

class ProcessGroup {
 public:
  // Joins the group (blocks until all world_size ranks arrived, or the timeout passed).
  // world_size 1 is a valid group of one (collectives are no-ops).
  static std::shared_ptr<ProcessGroup> create(const DistributedOptions& o);
  ~ProcessGroup();

  int64_t rank() const { return opt_.rank; }
  int64_t world_size() const { return opt_.world_size; }
  // Sums every tensor over the ranks, in place (tensors of one dtype, the same shapes in
  // the same order on every rank; packed into one buffer, one collective per call).
  void all_reduce_sum(const std::vector<torch::Tensor>& tensors);
  void barrier();

 private:
  struct Impl;
  explicit ProcessGroup(const DistributedOptions& o);
  DistributedOptions opt_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arfc
