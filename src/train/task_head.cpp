#include "arfc/train/task_head.h"

#include "arfc/core/error.h"

namespace arfc {

PrototypeClassifierImpl::PrototypeClassifierImpl(const PrototypeClassifierOptions& o) : options(o) { reset(); }

void PrototypeClassifierImpl::reset() {
  prototypes = register_parameter("prototypes", torch::randn({options.num_classes(), options.max_values()}));
}

torch::Tensor PrototypeClassifierImpl::forward(const torch::Tensor& codes) {
  ARFC_ASSERT(codes.dim() == 2 && codes.size(1) >= 1 && codes.size(1) <= options.max_values(),
              "PrototypeClassifier: codes must be [B, m], 1 <= m <= max_values");
  namespace F = torch::nn::functional;
  auto opts = F::NormalizeFuncOptions().dim(1).eps(1e-8);
  auto p = F::normalize(prototypes.narrow(1, 0, codes.size(1)), opts);
  return options.scale() * torch::matmul(F::normalize(codes, opts), p.t());
}

}  // namespace arfc
