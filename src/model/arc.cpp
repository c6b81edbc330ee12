#include "arfc/model/arc.h"

#include <algorithm>
#include <cmath>

#include "arfc/core/error.h"
#include "arfc/nn/mlp.h"
#include "arfc/nn/pca.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

namespace {
torch::Tensor bounded(const torch::Tensor& z, double bound) { return bound * torch::tanh(z / bound); }

// Sub-module options, shared by the constructor and parameter_count().
TransformerBlockOptions block_options(const ArcOptions& o, bool cross) {
  return TransformerBlockOptions(o.d_model(), o.num_heads()).mlp_ratio(o.mlp_ratio()).cross_attention(cross);
}
DecoderHeadOptions decoder_options(const ArcOptions& o, int64_t D) {
  return DecoderHeadOptions(o.token_width() * o.max_tokens(), D)
      .hidden_dim(o.decoder_hidden())
      .hidden_layers(o.decoder_layers());
}
// The nonlinear base's MLP (the autoencoder baseline's encoder shape: Linear, LayerNorm, GELU).
MlpOptions base_mlp_options(const ArcOptions& o, int64_t D) {
  return MlpOptions(D, o.base_hidden(), o.token_width() * o.max_tokens()).layer_norm(true);
}
TokenCodebooksOptions codebook_options(const ArcOptions& o) {
  return TokenCodebooksOptions(o.discrete_tokens(), o.token_width() * o.max_tokens())
      .mode(o.discrete_mode())
      .beam(o.discrete_beam())
      .greedy_tokens(o.discrete_greedy())
      .lookahead(o.discrete_lookahead())
      .train_beam(o.discrete_train_beam())
      .unit_norm(o.discrete_unit())
      .bits_per_value(o.discrete_bits_per_value())
      .span_unit(o.token_width());
}
}  // namespace

int64_t ArcImpl::parameter_count(const ArcOptions& o) {
  const int64_t d = o.d_model(), S = o.solutions(), C = o.context_chunks(), w = o.token_width();
  const int64_t V = w * o.max_tokens(), M = o.input_dim_b() > 0 ? 2 : 1;
  int64_t n = 0;
  for (int64_t m = 0; m < M; ++m) {
    const int64_t D = m == 0 ? o.input_dim() : o.input_dim_b();
    n += linear_parameter_count((D + C - 1) / C, d) + linear_parameter_count(D, d) +
         DecoderHeadImpl::parameter_count(decoder_options(o, D)) + (o.linear_base() ? linear_parameter_count(D, V) : 0);
    if (o.linear_base() && o.base_hidden() > 0) n += MlpImpl::parameter_count(base_mlp_options(o, D));
  }
  n += (C + 1) * d + M * d;                                                            // chunk_pos, modality_embed
  n += o.context_layers() * TransformerBlockImpl::parameter_count(block_options(o, false));
  n += 3 * S * d;                                                                      // film_gamma, film_beta, starts
  n += linear_parameter_count(w, d) + o.max_tokens() * d;                              // token_embed, token_pos
  n += o.generator_layers() * TransformerBlockImpl::parameter_count(block_options(o, true));
  n += layer_norm_parameter_count(d);                                                  // gen_norm
  if (S > 1) n += TransformerBlockImpl::parameter_count(block_options(o, false));     // fusion
  n += linear_parameter_count(d, w);                                                   // head
  if (o.discrete_tokens() > 0) n += TokenCodebooksImpl::parameter_count(codebook_options(o));
  return n;
}

ArcImpl::ArcImpl(const ArcOptions& o) : options(o) {
  const int64_t d = o.d_model(), S = o.solutions(), C = o.context_chunks();
  ARFC_CHECK(o.input_dim() > 0, "model.input_dim must be > 0, got ", o.input_dim());
  ARFC_CHECK(o.token_width() >= 1, "model.token_width must be >= 1, got ", o.token_width());
  ARFC_CHECK(o.max_tokens() >= 1, "model.max_tokens must be >= 1, got ", o.max_tokens());
  ARFC_CHECK(o.num_heads() >= 1 && d % o.num_heads() == 0, "model.d_model (", d,
             ") must be a positive multiple of model.num_heads (", o.num_heads(), ")");
  ARFC_CHECK(S >= 1, "model.solutions must be >= 1 (1 turns MoS off), got ", S);
  ARFC_CHECK(C >= 1, "model.context_chunks must be >= 1, got ", C);
  ARFC_CHECK(o.token_bound() > 0, "model.token_bound must be > 0, got ", o.token_bound());
  ARFC_CHECK(o.mos_context() == "film" || o.mos_context() == "shared",
             "model.mos_context must be \"film\" or \"shared\", got \"", o.mos_context(), "\"");
  ARFC_CHECK(o.mos_feedback() == "fused" || o.mos_feedback() == "own",
             "model.mos_feedback must be \"fused\" or \"own\", got \"", o.mos_feedback(), "\"");
  ARFC_CHECK(o.base_hidden() >= 0, "model.base_hidden must be >= 0 (0: linear base), got ", o.base_hidden());
  ARFC_CHECK(o.base_hidden() == 0 || o.linear_base(), "model.base_hidden (", o.base_hidden(),
             ") needs model.linear_base: the MLP is added to the linear base");
  ARFC_CHECK(o.base_init() == "pca" || o.base_init() == "balanced" || o.base_init() == "random" ||
                 o.base_init() == "zero",
             "model.base_init must be \"pca\", \"balanced\", \"random\" or \"zero\", got \"", o.base_init(), "\"");
  ARFC_CHECK(!o.linear_base() || o.base_init() != "zero" || o.base_hidden() > 0,
             "model.base_init \"zero\" needs model.base_hidden > 0: the code starts as the nonlinear base alone");
  ARFC_CHECK(o.input_norm() == "row" || o.input_norm() == "set",
             "model.input_norm must be \"row\" or \"set\", got \"", o.input_norm(), "\"");

  for (int64_t m = 0; m < num_modalities(); ++m) {
    const int64_t D = modality_dim(m);
    const int64_t cs = (D + C - 1) / C;
    const std::string sfx = m == 0 ? "" : "_b";
    chunk_embed_.push_back(register_module("chunk_embed" + sfx, torch::nn::Linear(cs, d)));
    global_embed_.push_back(register_module("global_embed" + sfx, torch::nn::Linear(D, d)));
    decoders_.push_back(register_module("decoder" + sfx, DecoderHead(decoder_options(o, D))));
    if (o.linear_base()) base_.push_back(register_module("base" + sfx, torch::nn::Linear(D, max_values())));
    if (o.linear_base() && o.base_hidden() > 0) {
      Mlp mlp(base_mlp_options(o, D));
      {
        torch::NoGradGuard ng;  // output layer zero: the base is PCA until training moves it
        for (auto& p : mlp->net[mlp->net->size() - 1]->parameters()) p.zero_();
      }
      base_mlp_.push_back(register_module("base_mlp" + sfx, mlp));
    }
  }
  chunk_pos_ = register_parameter("chunk_pos", torch::randn({C + 1, d}) * 0.02);
  modality_embed_ = register_parameter("modality_embed", torch::randn({num_modalities(), d}) * 0.02);
  auto block = [&](bool cross) { return TransformerBlock(block_options(o, cross)); };
  for (int64_t i = 0; i < o.context_layers(); ++i)
    context_blocks_.push_back(register_module("context_block" + std::to_string(i), block(false)));
  film_gamma_ = register_parameter("film_gamma", torch::randn({S, d}) * 0.1);
  film_beta_ = register_parameter("film_beta", torch::randn({S, d}) * 0.1);
  starts_ = register_parameter("starts", torch::randn({S, d}) * 0.5);
  token_embed_ = register_module("token_embed", torch::nn::Linear(o.token_width(), d));
  token_pos_ = register_parameter("token_pos", torch::randn({o.max_tokens(), d}) * 0.02);
  for (int64_t i = 0; i < o.generator_layers(); ++i)
    generator_blocks_.push_back(register_module("generator_block" + std::to_string(i), block(true)));
  gen_norm_ = register_module("gen_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
  if (S > 1) fusion_ = register_module("fusion", block(false));
  head_ = register_module("head", torch::nn::Linear(d, o.token_width()));
  if (o.discrete_tokens() > 0)
    codebooks_ = register_module("codebooks", TokenCodebooks(codebook_options(o)));
  if (o.input_norm() == "set") input_scale_ = register_buffer("input_scale", torch::ones({num_modalities()}));
  if (o.linear_base()) {
    // The transformer starts as a small correction of the base.
    torch::NoGradGuard ng;
    head_->weight.mul_(0.1);
    head_->bias.zero_();
  }
}

void ArcImpl::keep_discrete_tokens(int64_t m) {
  ARFC_CHECK(!codebooks_.is_empty() && m >= 1 && m <= options.discrete_tokens(), "keep_discrete_tokens: expected 1 to ",
             options.discrete_tokens(), ", got ", m);
  if (m == options.discrete_tokens()) return;
  TokenCodebooks kept(codebook_options(ArcOptions(options).discrete_tokens(m)));
  kept->to(codebooks_->codebooks.device());
  {
    torch::NoGradGuard ng;
    kept->codebooks.copy_(codebooks_->codebooks.narrow(0, 0, m));
    if (kept->target_norm.defined()) kept->target_norm.copy_(codebooks_->target_norm);
  }
  codebooks_ = replace_module("codebooks", kept);
  options.discrete_tokens(m);
}

torch::Tensor ArcImpl::normalize_rows(const torch::Tensor& x) {
  return x / (x.pow(2).mean(1, true) + 1e-6).sqrt();
}

torch::Tensor ArcImpl::normalize(const torch::Tensor& x, int64_t modality) const {
  // Raw feature scales vary by orders of magnitude between backbones; the model sees them
  // at RMS about 1 either way.
  if (!input_scale_.defined()) return normalize_rows(x);
  return x / input_scale_[modality];
}

void ArcImpl::fit_input_scale(const std::vector<torch::Tensor>& train,
                              const std::function<void(torch::Tensor&)>& sum_over_parts) {
  if (!input_scale_.defined()) return;
  ARFC_CHECK(int64_t(train.size()) == num_modalities(), "fit_input_scale: expected training features for ",
             num_modalities(), " modalities, got ", train.size());
  torch::NoGradGuard ng;
  for (int64_t m = 0; m < num_modalities(); ++m) {
    check_input(train[size_t(m)], m);
    const auto& x = train[size_t(m)];
    auto sums = torch::zeros({2}, x.options().dtype(torch::kFloat64));  // (sum of squares, count)
    for (int64_t i = 0; i < x.size(0); i += 4096)  // float64 a block at a time
      sums[0] += x.narrow(0, i, std::min<int64_t>(4096, x.size(0) - i)).to(torch::kFloat64).pow(2).sum();
    sums[1] = double(x.numel());
    if (sum_over_parts) sum_over_parts(sums);
    const double n = sums[1].item<double>(), rms = std::sqrt(sums[0].item<double>() / std::max(n, 1.0));
    ARFC_CHECK(std::isfinite(rms) && rms > 0, "model.input_norm \"set\": the training features",
               (m ? " of the second modality" : ""), " have RMS ", rms,
               " (expected finite and > 0). Hint: check the features, or use model.input_norm \"row\".");
    input_scale_[m].fill_(rms);
  }
}

void ArcImpl::check_stored_scales(const std::string& what) const {
  torch::NoGradGuard ng;
  auto positive = [&](const char* name, const torch::Tensor& t) {
    ARFC_CHECK(!t.defined() || (t > 0).all().item<bool>(), what, ": the stored tensor '", name,
               "' must hold scales > 0, got ", t.min().item<double>(), ". Hint: the file is corrupt or was edited.");
  };
  positive("input_scale", input_scale_);
  if (!codebooks_.is_empty()) positive("codebooks.target_norm", codebooks_->target_norm);
}

void ArcImpl::init_linear_base(const std::vector<torch::Tensor>& train) {
  init_linear_base(train, [](const std::vector<torch::Tensor>& xs, const RowMap& map) { return fit_pca(xs, map); });
}

void ArcImpl::init_linear_base(const std::vector<torch::Tensor>& train, const PcaFit& pca) {
  if (!options.linear_base()) return;
  ARFC_CHECK(int64_t(train.size()) == num_modalities(), "init_linear_base: expected training features for ",
             num_modalities(), " modalities, got ", train.size());
  if (options.base_init() == "random") return;
  torch::NoGradGuard ng;
  if (options.base_init() == "zero") {
    for (auto& b : base_) {
      b->weight.zero_();
      b->bias.zero_();
    }
    // The MLP's output layer, zero at construction, starts random instead (a zero code has
    // no direction for the cosine losses to move).
    for (auto& mlp : base_mlp_) mlp->net[mlp->net->size() - 1]->as<torch::nn::Linear>()->reset_parameters();
    return;
  }
  const int64_t V = max_values();
  auto set_from = [&](const PcaBasis& p, int64_t m) {
    const int64_t D = modality_dim(m), k = std::min(V, D);
    auto w = torch::zeros({V, D}, torch::kFloat64);
    w.narrow(0, 0, k).copy_(p.components.to(torch::kCPU).narrow(1, 0, k).t());
    if (options.base_init() == "balanced") {
      // Value j's variance lambda_j becomes lambda_j * m / (lambda_j + m): capped near the
      // mean eigenvalue m for the top components, about unchanged for the small ones.
      auto lam = p.eigenvalues.to(torch::kCPU).narrow(0, 0, k).clamp_min(0);
      const double mean = p.eigenvalues.to(torch::kCPU).clamp_min(0).mean().item<double>();
      if (mean > 0) w.narrow(0, 0, k).mul_((mean / (lam + mean)).sqrt().unsqueeze(1));
    }
    auto b = -w.mv(p.mean.to(torch::kCPU));
    base_[size_t(m)]->weight.copy_(w.to(base_[size_t(m)]->weight.options()));
    base_[size_t(m)]->bias.copy_(b.to(base_[size_t(m)]->bias.options()));
  };
  bool same_dim = true;
  for (int64_t m = 0; m < num_modalities(); ++m) {
    check_input(train[size_t(m)], m);
    same_dim = same_dim && modality_dim(m) == modality_dim(0);
  }
  // When the modalities share one PCA, part m of it is modality m's rows.
  const RowMap normalized = [this](const torch::Tensor& b, size_t m) {
    return normalize(b.to(torch::kFloat32), int64_t(m));
  };
  if (same_dim) {
    PcaBasis p = pca(train, normalized);
    for (int64_t m = 0; m < num_modalities(); ++m) set_from(p, m);
  } else {
    for (int64_t m = 0; m < num_modalities(); ++m)
      set_from(pca({train[size_t(m)]}, [&](const torch::Tensor& b, size_t) { return normalized(b, size_t(m)); }), m);
  }
}

torch::Tensor ArcImpl::base_tokens(const torch::Tensor& xn, int64_t modality) {
  if (!options.linear_base()) return {};
  auto b = base_[size_t(modality)](xn);
  if (!base_mlp_.empty()) b = b + base_mlp_[size_t(modality)]->forward(xn);
  return b.view({xn.size(0), options.max_tokens(), options.token_width()});
}

int64_t ArcImpl::modality_dim(int64_t modality) const {
  return modality == 0 ? options.input_dim() : options.input_dim_b();
}

void ArcImpl::check_input(const torch::Tensor& x, int64_t modality) const {
  ARFC_CHECK(modality >= 0 && modality < num_modalities(), "modality must be in [0, ",
             num_modalities() - 1, "], got ", modality,
             num_modalities() == 1 ? ". Hint: this model has one modality." : "");
  ARFC_CHECK(x.dim() == 2 && x.size(1) == modality_dim(modality), "input features: expected [N, ",
             modality_dim(modality), "], got ", x.sizes(),
             ". Hint: the model was trained on features of dimension ", modality_dim(modality), ".");
}

torch::Tensor ArcImpl::context(const torch::Tensor& x, int64_t modality) {
  return context_of_normalized(normalize(x, modality), modality);
}

torch::Tensor ArcImpl::context_of_normalized(const torch::Tensor& xn, int64_t modality) {
  const int64_t B = xn.size(0), C = options.context_chunks(), S = options.solutions(), d = options.d_model();
  const int64_t cs = chunk_embed_[modality]->options.in_features();
  auto padded = torch::constant_pad_nd(xn, {0, C * cs - xn.size(1)}).view({B, C, cs});
  auto tokens = torch::cat({global_embed_[modality](xn).unsqueeze(1), chunk_embed_[modality](padded)}, 1);
  tokens = tokens + chunk_pos_.unsqueeze(0) + modality_embed_[modality].view({1, 1, d});
  for (auto& b : context_blocks_) tokens = b(tokens);
  if (S == 1) return tokens;
  auto views = tokens.unsqueeze(1).expand({B, S, C + 1, d});
  if (options.mos_context() == "film")
    views = views * (1 + film_gamma_.view({1, S, 1, d})) + film_beta_.view({1, S, 1, d});
  return views.reshape({B * S, C + 1, d});
}

torch::Tensor ArcImpl::step_input(const torch::Tensor& prev_fed, int64_t t, int64_t B, int64_t modality) {
  const int64_t S = options.solutions(), d = options.d_model();
  torch::Tensor in;
  if (t == 0) {
    in = starts_.unsqueeze(0).expand({B, S, d}).reshape({B * S, d});
  } else {
    in = token_embed_(prev_fed);  // fused feedback: one token for the S solutions, embedded once
    if (in.size(0) != B * S) in = in.unsqueeze(1).expand({B, S, d}).reshape({B * S, d});
  }
  return (in + token_pos_[t] + modality_embed_[modality]).unsqueeze(1);  // [B*S, 1, d]
}

std::pair<torch::Tensor, torch::Tensor> ArcImpl::emit(const torch::Tensor& h, int64_t B, const torch::Tensor& base_t) {
  const int64_t S = options.solutions(), d = options.d_model(), w = options.token_width();
  const double bound = options.token_bound();
  if (S == 1) {
    auto z = bounded(head_(h), bound);
    if (base_t.defined()) z = z + base_t;
    return {z, z};
  }
  // Cross-solution attention over the S candidates at this position.
  auto fused = fusion_(h.view({B, S, d}));            // [B, S, d]
  auto z = bounded(head_(fused.mean(1)), bound);      // [B, w]
  if (base_t.defined()) z = z + base_t;
  torch::Tensor fed;
  if (options.mos_feedback() == "own") {
    auto own = bounded(head_(fused), bound);          // [B, S, w]
    if (base_t.defined()) own = own + base_t.unsqueeze(1);
    fed = own.reshape({B * S, w});
  } else
    fed = z;
  return {z, fed};
}

std::pair<torch::Tensor, torch::Tensor> ArcImpl::start_generation(const torch::Tensor& x, int64_t n_tokens,
                                                                  int64_t modality) {
  check_input(x, modality);
  ARFC_CHECK(n_tokens >= 1 && n_tokens <= options.max_tokens(), "token count must be in [1, ",
             options.max_tokens(), "], got ", n_tokens);
  const auto xn = normalize(x, modality);  // once, for the context and the base
  return {context_of_normalized(xn, modality), base_tokens(xn, modality)};
}

torch::Tensor ArcImpl::generate(const torch::Tensor& x, int64_t n_tokens, int64_t modality) {
  const int64_t B = x.size(0);
  if (options.base_only()) {
    check_input(x, modality);
    return base_tokens(normalize(x, modality), modality).narrow(1, 0, n_tokens);
  }
  auto [ctx, base] = start_generation(x, n_tokens, modality);
  std::vector<BlockCache> caches(generator_blocks_.size());
  for (size_t l = 0; l < generator_blocks_.size(); ++l) generator_blocks_[l]->prepare_context(ctx, caches[l], n_tokens);
  std::vector<torch::Tensor> out;
  torch::Tensor fed;
  for (int64_t t = 0; t < n_tokens; ++t) {
    auto h = step_input(fed, t, B, modality);
    for (size_t l = 0; l < generator_blocks_.size(); ++l) h = generator_blocks_[l]->forward_step(h, caches[l]);
    auto zf = emit(gen_norm_(h).squeeze(1), B, base.defined() ? base.select(1, t) : base);
    out.push_back(zf.first);
    fed = zf.second;
  }
  return torch::stack(out, 1);  // [B, n_tokens, w]
}

torch::Tensor ArcImpl::generate_uncached(const torch::Tensor& x, int64_t n_tokens, int64_t modality) {
  const int64_t B = x.size(0);
  auto [ctx, base] = start_generation(x, n_tokens, modality);
  std::vector<torch::Tensor> inputs, out;
  torch::Tensor fed;
  for (int64_t t = 0; t < n_tokens; ++t) {
    inputs.push_back(step_input(fed, t, B, modality));
    auto h = torch::cat(inputs, 1);  // [B*S, t+1, d]
    auto mask = causal_mask(t + 1, x.device());
    for (auto& b : generator_blocks_) h = b(h, mask, ctx);
    auto zf = emit(gen_norm_(h.select(1, t)), B, base.defined() ? base.select(1, t) : base);
    out.push_back(zf.first);
    fed = zf.second;
  }
  return torch::stack(out, 1);
}

torch::Tensor ArcImpl::encode(const torch::Tensor& x, int64_t n_values, int64_t modality) {
  ARFC_CHECK(n_values >= 1 && n_values <= max_values(), "code length must be in [1, ", max_values(),
             "] values, got ", n_values, ". Hint: this model emits at most ", options.max_tokens(),
             " tokens of ", options.token_width(), " values.");
  ARFC_CHECK(n_values % granularity() == 0, "code length ", n_values, " is not a multiple of the token width ",
             granularity(), ". Hint: this model was trained with whole-token codes (value_level = false).");
  const int64_t w = options.token_width();
  const int64_t n_tokens = (n_values + w - 1) / w;
  auto tokens = generate(x, n_tokens, modality);
  return tokens.reshape({x.size(0), n_tokens * w}).narrow(1, 0, n_values);
}

torch::Tensor ArcImpl::base_code(const torch::Tensor& x, int64_t modality) {
  ARFC_CHECK(options.linear_base(), "this model has no base code (model.linear_base is false). Hint: encode "
             "with the transformer (the default).");
  check_input(x, modality);
  return base_tokens(normalize(x, modality), modality).reshape({x.size(0), max_values()});
}

torch::Tensor ArcImpl::decode(const torch::Tensor& codes, int64_t modality) {
  ARFC_CHECK(modality >= 0 && modality < num_modalities(), "modality must be in [0, ", num_modalities() - 1,
             "], got ", modality);
  return decoders_[modality](codes);
}

}  // namespace arfc
