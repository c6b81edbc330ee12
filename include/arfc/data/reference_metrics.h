// Reference numbers recorded in a feature set's meta.json (uncompressed features).
// Small and self-contained on purpose; the evaluation protocol lives in arfc/eval.
// All tensors are float32 on CPU; features are compared by cosine similarity.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "arfc/core/matrix.h"

namespace arfc {

// logits: [N, C], labels: [N] -> fraction of rows whose argmax equals the label.
double top1_accuracy(const torch::Tensor& logits, const torch::Tensor& labels);

// Open-set retrieval: each row of feats [N, D] queries all other rows; Recall@k is the
// fraction of queries with at least one same-label item among their k nearest.
std::vector<double> recall_at_k_labels(const torch::Tensor& feats, const torch::Tensor& labels,
                                       const std::vector<int64_t>& ks);

// Paired retrieval: query row i of q [N, D] must find row i of g [N, D] among its k nearest.
std::vector<double> recall_at_k_pairs(const torch::Tensor& q, const torch::Tensor& g,
                                      const std::vector<int64_t>& ks);

}  // namespace arfc
