// Training losses shared by ARC and every learned baseline. All inputs float32 on one
// device; every function returns a scalar tensor (differentiable w.r.t. the codes).
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace arfc {

// ERGC, the Entity Relation Graph Constraint. G = cosine-similarity matrix of `features`
// [B, D], G' = that of `codes` [B, m]; loss = mean over rows i of
// KL(softmax_j(G_ij / tau) || softmax_j(G'_ij / tau)), the diagonal j == i excluded.
// The target graph carries no gradient. B >= 2.
torch::Tensor ergc_loss(const torch::Tensor& features, const torch::Tensor& codes, double tau);

// Crossmodal ERGC over the joint graph of [A; B] (2B entities, within- and cross-modal
// edges). features_a [B, D_a] and features_b [B, D_b] may differ in dimension, so the
// target graph is G_AA = cos(A, A), G_BB = cos(B, B) and, for the cross edges,
// G_AB = G_BA = (G_AA + G_BB) / 2 (pair i vs pair j), with G_AB[i, i] = 1 (a true pair).
// codes_a, codes_b [B, m] share one code space. Diagonal of the 2B x 2B graph excluded.
torch::Tensor ergc_loss_crossmodal(const torch::Tensor& features_a, const torch::Tensor& features_b,
                                   const torch::Tensor& codes_a, const torch::Tensor& codes_b,
                                   double tau);

// Scale-free reconstruction error: mean squared error / mean square of `target`.
// recon, target [B, D].
torch::Tensor reconstruction_loss(const torch::Tensor& recon, const torch::Tensor& target);

// Supervised contrastive loss (Khosla et al.) on L2-normalised codes [B, m] with labels
// [B] int64; anchors without a positive in the batch are skipped (0 if none has one).
torch::Tensor supcon_loss(const torch::Tensor& codes, const torch::Tensor& labels, double tau);

// Symmetric InfoNCE between paired codes codes_a, codes_b [B, m] (row i of a pairs with
// row i of b), cosine similarity / tau, averaged over both directions.
torch::Tensor infonce_loss(const torch::Tensor& codes_a, const torch::Tensor& codes_b, double tau);

}  // namespace arfc
