// ARC: the Arbitrary Ratio Compressor, with Mixture of Solutions (MoS) and a decoder head.
// docs/DESIGN.md describes the model as built, its defaults and the measurements behind them.
//
//   x [B, D] --context encoder--> ctx [B, C+1, d_model]      (C chunks + 1 global token)
//   S solutions, each with its own start embedding and its own view of the context
//   (FiLM: ctx * (1 + gamma_s) + beta_s), generated as one batch of B*S sequences by a
//   causal transformer with a KV cache (one new position per step, also in training).
//   At each position t the S hidden states are fused by cross-solution attention into the
//   emitted token z_t = base_t(x) + bound * tanh(head(fused) / bound) in R^w, where the
//   optional linear base (model.linear_base) is a learned linear map of x, initialised to
//   the leading principal directions of the training features (init_linear_base), so that
//   training starts from PCA codes and the transformer learns the correction (plus, with
//   model.base_hidden, a zero-initialised MLP of x: a nonlinear base). The base
//   does not depend on earlier tokens, so it cannot destabilise the fed-back loop.
//   Fusion at t only sees
//   position t of each solution (whose causal history covers positions < t), so every
//   prefix of the token sequence is itself the shorter code (the prefix property).
//
// All tensors float32 on the module's device. A code of n values is the first n values of
// the flattened tokens [z_1 .. z_K] (K = ceil(n / w)).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "arfc/model/decoder_head.h"
#include "arfc/model/prefix_encoder.h"
#include "arfc/model/token_codebooks.h"
#include "arfc/nn/mlp.h"
#include "arfc/nn/pca.h"
#include "arfc/nn/transformer.h"

namespace arfc {

// Largest model a config may describe: 2^28 parameters (1 GiB of float32 weights).
constexpr int64_t kMaxArcParameters = int64_t(1) << 28;

struct ArcOptions {
  ArcOptions(int64_t input_dim) : input_dim_(input_dim) {}
  TORCH_ARG(int64_t, input_dim);          // D (modality 0)
  TORCH_ARG(int64_t, input_dim_b) = 0;    // D of modality 1 (crossmodal); 0 = one modality
  TORCH_ARG(int64_t, token_width) = 16;   // w
  TORCH_ARG(int64_t, max_tokens) = 16;    // K_max
  TORCH_ARG(int64_t, d_model) = 64;
  TORCH_ARG(int64_t, num_heads) = 4;
  TORCH_ARG(double, mlp_ratio) = 2.0;
  TORCH_ARG(int64_t, context_chunks) = 16;  // C: x is split into C chunks (zero-padded)
  TORCH_ARG(int64_t, context_layers) = 1;
  TORCH_ARG(int64_t, generator_layers) = 2;
  // S; 1 = MoS off, the default: S = 2 measured level with S = 1 wherever it was compared
  // (twoview over three seeds, open-set and cls over one), at about twice the training and
  // generation cost (docs/RESULTS.md, "Does MoS earn its place?"). S >= 2 turns MoS on.
  TORCH_ARG(int64_t, solutions) = 1;
  // "film": each solution sees its own affine view of the context; "shared": starts only.
  TORCH_ARG(std::string, mos_context) = "film";
  // "fused": every solution is fed back the fused token; "own": each solution is fed back
  // its own candidate token (candidate = head applied to its own hidden state).
  TORCH_ARG(std::string, mos_feedback) = "fused";
  TORCH_ARG(double, token_bound) = 3.0;     // |z| < token_bound (scaled tanh)
  TORCH_ARG(bool, value_level) = false;     // codes may end part-way through a token
  // Linear base per modality (D -> K_max * w) added to the emitted tokens. Off in this
  // struct so that model files written before it existed load unchanged; the training
  // defaults (default_arfc_config) turn it on.
  TORCH_ARG(bool, linear_base) = false;
  // Ablation "base only": the code is the linear base alone (needs linear_base); the
  // transformer is not used. Answers "what does the transformer add over its own base?".
  TORCH_ARG(bool, base_only) = false;
  // Nonlinear base: hidden units of an MLP (D -> base_hidden -> K_max * w; Linear, LayerNorm,
  // GELU, Linear) added to the linear base, its output layer zero-initialised so that
  // training still starts from PCA codes. 0 (files written before the key existed): the
  // base is linear. Needs linear_base.
  TORCH_ARG(int64_t, base_hidden) = 0;
  // How init_linear_base starts the linear base: "pca" (code value j = projection on
  // principal direction j), "balanced" (the same directions, each scaled by
  // sqrt(m / (lambda_j + m)), m = the mean eigenvalue: the top components' variance is
  // capped near m, the small ones keep theirs), "random" (libtorch's default Linear
  // initialisation; init_linear_base leaves the base as constructed) or "zero" (weights
  // and bias zero, the nonlinear base's output layer random: the code starts as the
  // nonlinear base alone, needs base_hidden). Training only: the
  // trained weights are what the file holds. Absent in files = "pca".
  TORCH_ARG(std::string, base_init) = "pca";
  // What every part of the model sees of x: "row" (each row divided by its own RMS; files
  // written before the key existed) or "set" (each modality divided by one scale, the RMS
  // of its training features, fitted by fit_input_scale and stored as the buffer
  // input_scale [M]). Both make the model blind to a backbone's overall feature scale;
  // "row" also removes each row's norm, which costs the int4 codes of open-set retrieval
  // features 0.5-1 point (docs/DESIGN.md, "Row normalisation and int4").
  TORCH_ARG(std::string, input_norm) = "row";
  // Discrete tokens (model/token_codebooks.h): up to discrete_tokens one-byte tokens,
  // codebooks in the code space fitted after the continuous ARC is trained. 0 = none
  // (model files written before discrete tokens existed); the training defaults turn it on.
  TORCH_ARG(int64_t, discrete_tokens) = 0;
  TORCH_ARG(std::string, discrete_mode) = "residual";  // "residual" (closed loop) or "per_token"
  // Training keeps discrete tokens for larger budgets only where they measure better than
  // int8 values of the same bytes (ArfcModel::fit_codebooks); false keeps discrete_tokens.
  TORCH_ARG(bool, discrete_select) = true;
  // Closed-loop tokens: candidates kept per row by the encoder's beam search over all the
  // model's discrete tokens (1 = greedy, as files written before the key existed); the
  // first discrete_greedy tokens stay greedy (model/token_codebooks.h).
  TORCH_ARG(int64_t, discrete_beam) = 1;
  TORCH_ARG(int64_t, discrete_greedy) = 4;
  // Codebook fit: candidates the training codes keep between levels (token_codebooks.h,
  // train_beam); 1 (files written before the key existed) fits on greedy residuals.
  TORCH_ARG(int64_t, discrete_train_beam) = 1;
  // Beam search: token j is decided once the beam is discrete_lookahead tokens past it, so a
  // code of n tokens costs n + lookahead steps; 0 (files written before the key existed):
  // decided after all the model's tokens.
  TORCH_ARG(int64_t, discrete_lookahead) = 0;
  // Tokens quantise each code scaled to the training codes' RMS norm (its direction: search
  // is by cosine); false (files written before the key existed) quantises the code as is.
  TORCH_ARG(bool, discrete_unit) = false;
  // Codebook m spans the first whole tokens of the code, about 8 (m + 1) / b values for
  // b = discrete_bits_per_value, and is zero beyond (token_codebooks.h, bits_per_value);
  // 0 (files written before the key existed): every codebook spans the whole code.
  TORCH_ARG(int64_t, discrete_bits_per_value) = 0;
  TORCH_ARG(int64_t, decoder_hidden) = 512;
  TORCH_ARG(int64_t, decoder_layers) = 1;
};

class ArcImpl : public PrefixEncoderImpl {
 public:
  explicit ArcImpl(const ArcOptions& o);
  // Number of parameters ArcImpl(o) has (weights and codebooks), computed without building
  // it: model files are untrusted, so their configs are sized before anything is allocated.
  static int64_t parameter_count(const ArcOptions& o);

  int64_t input_dim() const override { return options.input_dim(); }
  int64_t max_values() const override { return options.token_width() * options.max_tokens(); }
  int64_t granularity() const override { return options.value_level() ? 1 : options.token_width(); }
  int64_t num_modalities() const { return options.input_dim_b() > 0 ? 2 : 1; }
  int64_t modality_dim(int64_t modality) const;

  // x [B, D_modality] -> [B, n_values]: generates ceil(n_values / w) tokens and cuts.
  torch::Tensor encode(const torch::Tensor& x, int64_t n_values, int64_t modality = 0) override;
  // codes [B, m] -> [B, D_modality].
  torch::Tensor decode(const torch::Tensor& codes, int64_t modality = 0) override;

  // x [B, D_modality] -> [B, max_values] the base code alone (linear base plus base MLP of
  // the normalised rows, normalize()), which the transformer's tokens correct: what generate() emits
  // with base_only. arfc::Error for a model without a base (linear_base false).
  torch::Tensor base_code(const torch::Tensor& x, int64_t modality = 0);
  // x [B, D_modality] -> tokens [B, n_tokens, w] with the KV cache (training and inference).
  torch::Tensor generate(const torch::Tensor& x, int64_t n_tokens, int64_t modality = 0);
  // Same result without the cache: step t re-runs the whole prefix with a causal mask.
  // O(K^2) work; kept as the reference that tests compare generate() against.
  torch::Tensor generate_uncached(const torch::Tensor& x, int64_t n_tokens, int64_t modality = 0);
  // x [B, D_modality] -> context [B*S, C+1, d_model] (already per-solution views).
  torch::Tensor context(const torch::Tensor& x, int64_t modality);

  // x [N, D] -> x / RMS of each row: what the model sees with input_norm "row".
  static torch::Tensor normalize_rows(const torch::Tensor& x);
  // x [N, D_modality] -> the normalised rows every part of the model sees (input_norm).
  torch::Tensor normalize(const torch::Tensor& x, int64_t modality) const;
  // With input_norm "set": sets modality m's scale to the RMS of every value of train[m]
  // ([N_m, D_m], any device); `sum_over_parts` sums a float64 tensor over data-parallel
  // parts in place (unset: one part), as fit_pca_of_parts. arfc::Error when a modality's
  // features are all zero or not finite. No-op with "row". Call before init_linear_base.
  void fit_input_scale(const std::vector<torch::Tensor>& train,
                       const std::function<void(torch::Tensor&)>& sum_over_parts = nullptr);
  // Sets the linear base to PCA of the training features: train[m] is [N_m, D_m] for each
  // modality m (on any device). When all modalities share D, one PCA of their union serves
  // all (so the two modalities start in one aligned space); otherwise one PCA each. Code
  // value j starts as the projection on principal direction j (zero beyond D). No-op when
  // linear_base is off. `pca` fits one basis to the rows of its tensors, each block through
  // the row map it is given (the normalisation: the normalised rows are never all held at
  // once), as fit_pca does (the default; a data-parallel rank passes one over every rank's
  // rows: nn/pca.h, fit_pca_of_parts).
  using PcaFit = std::function<PcaBasis(const std::vector<torch::Tensor>&, const RowMap&)>;
  void init_linear_base(const std::vector<torch::Tensor>& train, const PcaFit& pca);
  void init_linear_base(const std::vector<torch::Tensor>& train);

  // After weights were read from a file: arfc::Error (naming `what`) when a stored scale
  // that must be positive is not (input_scale, codebooks.target_norm).
  void check_stored_scales(const std::string& what) const;

  // Undefined (null module) when options.discrete_tokens == 0.
  TokenCodebooks codebooks() const { return codebooks_; }
  // Keeps the first m (1 <= m <= discrete_tokens) discrete tokens' codebooks.
  void keep_discrete_tokens(int64_t m);

  ArcOptions options;

 private:
  void check_input(const torch::Tensor& x, int64_t modality) const;
  // context() of rows already normalised by normalize().
  torch::Tensor context_of_normalized(const torch::Tensor& xn, int64_t modality);
  torch::Tensor step_input(const torch::Tensor& prev_tokens, int64_t t, int64_t B, int64_t modality);
  // h [B*S, d], base_t [B, w] or undefined -> (emitted tokens [B, w], fed-back tokens: [B*S, w]
  // with mos_feedback "own", else [B, w], the emitted token every solution is fed)
  std::pair<torch::Tensor, torch::Tensor> emit(const torch::Tensor& h, int64_t B, const torch::Tensor& base_t);
  // Checks x and n_tokens -> (context [B*S, C+1, d], base tokens [B, K_max, w] or undefined).
  std::pair<torch::Tensor, torch::Tensor> start_generation(const torch::Tensor& x, int64_t n_tokens, int64_t modality);
  // xn [B, D_modality] (normalised) -> [B, K_max, w] base tokens, or undefined when off.
  torch::Tensor base_tokens(const torch::Tensor& xn, int64_t modality);

  int64_t chunk_size_ = 0;
  std::vector<torch::nn::Linear> chunk_embed_, global_embed_;  // per modality
  torch::Tensor chunk_pos_;      // [C+1, d]
  torch::Tensor modality_embed_; // [M, d]
  std::vector<TransformerBlock> context_blocks_;
  torch::Tensor film_gamma_, film_beta_;  // [S, d]
  torch::Tensor starts_;                  // [S, d]
  torch::nn::Linear token_embed_{nullptr};  // w -> d
  torch::Tensor token_pos_;               // [K_max, d]
  std::vector<TransformerBlock> generator_blocks_;
  torch::nn::LayerNorm gen_norm_{nullptr};
  TransformerBlock fusion_{nullptr};      // cross-solution attention over S (when S > 1)
  torch::nn::Linear head_{nullptr};       // d -> w
  std::vector<DecoderHead> decoders_;     // per modality
  std::vector<torch::nn::Linear> base_;   // per modality, D -> K_max * w (linear_base)
  std::vector<Mlp> base_mlp_;             // per modality, D -> h -> K_max * w (base_hidden)
  TokenCodebooks codebooks_{nullptr};     // discrete tokens (shared by the modalities)
  torch::Tensor input_scale_;             // [M] with input_norm "set" (fit_input_scale)
};
TORCH_MODULE(Arc);

}  // namespace arfc
