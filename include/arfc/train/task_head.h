// Nested cosine-prototype classifier: one head serves every prefix length. Class c has a
// prototype p_c in R^max_values; a code of m values is scored against the first m values
// of every prototype: logits[b, c] = scale * cos(code[b, :m], p_c[:m]). Because the
// prototypes are nested like the codes, a short code and a long code of the same input
// are judged by the same (truncated) class directions.
//
// codes [B, m] float32 (1 <= m <= max_values) -> logits [B, num_classes].
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace arfc {

struct PrototypeClassifierOptions {
  PrototypeClassifierOptions(int64_t max_values, int64_t num_classes)
      : max_values_(max_values), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, max_values);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(double, scale) = 10.0;  // = 1 / temperature
};

class PrototypeClassifierImpl : public torch::nn::Cloneable<PrototypeClassifierImpl> {
 public:
  explicit PrototypeClassifierImpl(const PrototypeClassifierOptions& o);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& codes);

  PrototypeClassifierOptions options;
  torch::Tensor prototypes;  // [num_classes, max_values]
};
TORCH_MODULE(PrototypeClassifier);

}  // namespace arfc
