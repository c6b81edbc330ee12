#include "arfc/baselines/matryoshka.h"

#include <algorithm>
#include <cmath>

#include "arfc/core/error.h"
#include "learned_checks.h"

namespace arfc {

MatryoshkaImpl::MatryoshkaImpl(const MatryoshkaOptions& options_) : options(options_) { reset(); }

void MatryoshkaImpl::reset() {
  net = register_module("net", AutoEncoder(AutoEncoderOptions(options.input_dim(), options.max_values())
                                               .input_dim_b(options.input_dim_b())
                                               .hidden(options.hidden())
                                               .hidden_layers(options.hidden_layers())
                                               .decoder_hidden(options.decoder_hidden())
                                               .decoder_layers(options.decoder_layers())));
}

torch::Tensor MatryoshkaImpl::encode(const torch::Tensor& x, int64_t n_values, int64_t modality) {
  ARFC_CHECK(n_values >= 1 && n_values <= options.max_values(), "matryoshka.encode: n_values expected in [1, ",
             options.max_values(), "], got ", n_values, ".");
  return net->encode_full(x, modality).narrow(1, 0, n_values);
}

torch::Tensor MatryoshkaImpl::decode(const torch::Tensor& codes, int64_t modality) {
  detail::check_code_input("matryoshka.decode", codes, 1, options.max_values(), modality,
                           num_modalities());
  return net->decode_prefix(codes, modality);
}

}  // namespace arfc
