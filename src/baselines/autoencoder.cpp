#include "arfc/baselines/autoencoder.h"

#include <string>

#include "arfc/core/error.h"
#include "learned_checks.h"

namespace arfc {

AutoEncoderImpl::AutoEncoderImpl(const AutoEncoderOptions& options_) : options(options_) {
  ARFC_CHECK(options.input_dim() > 0, "autoencoder: input_dim must be > 0, got ", options.input_dim());
  ARFC_CHECK(options.code_values() >= 1, "autoencoder: code_values must be >= 1, got ",
             options.code_values(), ". Hint: the ratio is too high for this input dimension.");
  ARFC_CHECK(options.hidden() >= 1 && options.hidden_layers() >= 0,
             "autoencoder: hidden must be >= 1 and hidden_layers >= 0, got ", options.hidden(), " and ",
             options.hidden_layers());
  ARFC_CHECK(options.input_dim_b() >= 0, "autoencoder: input_dim_b must be >= 0, got ",
             options.input_dim_b());
  reset();
}

void AutoEncoderImpl::reset() {
  encoders.clear();
  decoders.clear();
  for (int64_t mod = 0; mod < num_modalities(); ++mod) {
    const int64_t dim = modality_dim(mod);
    encoders.push_back(register_module(
        "enc" + std::to_string(mod),
        Mlp(MlpOptions(dim, options.hidden(), options.code_values())
                .hidden_layers(options.hidden_layers())
                .layer_norm(true))));
    decoders.push_back(register_module(
        "dec" + std::to_string(mod),
        DecoderHead(DecoderHeadOptions(options.code_values(), dim)
                        .hidden_dim(options.decoder_hidden())
                        .hidden_layers(options.decoder_layers()))));
  }
}

int64_t AutoEncoderImpl::modality_dim(int64_t modality) const {
  return modality == 0 ? options.input_dim() : options.input_dim_b();
}

torch::Tensor AutoEncoderImpl::encode_full(const torch::Tensor& x, int64_t modality) {
  detail::check_encoder_input("autoencoder.encode", x, modality_dim(modality), modality, num_modalities());
  return encoders[size_t(modality)]->forward(x);
}

torch::Tensor AutoEncoderImpl::decode_prefix(const torch::Tensor& codes, int64_t modality) {
  detail::check_code_input("autoencoder.decode", codes, 1, options.code_values(), modality,
                           num_modalities());
  return decoders[size_t(modality)]->forward(codes);
}

torch::Tensor AutoEncoderImpl::encode(const torch::Tensor& x, int64_t n_values, int64_t modality) {
  ARFC_CHECK(n_values == options.code_values(), "autoencoder.encode: this dedicated model makes ",
             options.code_values(), "-value codes, asked for ", n_values,
             ". Hint: train one autoencoder per code size.");
  return encode_full(x, modality);
}

torch::Tensor AutoEncoderImpl::decode(const torch::Tensor& codes, int64_t modality) {
  const int64_t m = options.code_values();
  detail::check_code_input("autoencoder.decode", codes, m, m, modality, num_modalities());
  return decoders[size_t(modality)]->forward(codes);
}

}  // namespace arfc
