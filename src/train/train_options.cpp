// JSON <-> TrainOptions / LossOptions, with validation that names the field.
#include <algorithm>
#include <set>

#include "arfc/core/error.h"
#include "arfc/io/json_keys.h"
#include "arfc/train/trainer.h"

namespace arfc {

namespace {

using nlohmann::json;

using detail::check_keys;

template <typename T>
void read(const json& j, const std::string& where, const char* key, T& out) {
  if (!j.contains(key)) return;
  const json& v = j.at(key);
  try {
    if constexpr (std::is_same_v<T, bool>) {
      ARFC_CHECK(v.is_boolean(), "bool");
    } else if constexpr (std::is_integral_v<T>) {
      ARFC_CHECK(v.is_number_integer() || v.is_number_unsigned(), "integer");
    } else if constexpr (std::is_floating_point_v<T>) {
      ARFC_CHECK(v.is_number(), "number");
    } else if constexpr (std::is_same_v<T, std::string>) {
      ARFC_CHECK(v.is_string(), "string");
    }
    out = v.get<T>();
  } catch (const std::exception& e) {
    ARFC_THROW(where, ".", key, ": expected a ", e.what(), ", got ", detail::json_excerpt(v));
  }
}

}  // namespace

json to_json(const TrainOptions& o) {
  json j{{"epochs", o.epochs},
         {"batch_size", o.batch_size},
         {"lr", o.lr},
         {"weight_decay", o.weight_decay},
         {"warmup_frac", o.warmup_frac},
         {"min_lr_frac", o.min_lr_frac},
         {"clip_norm", o.clip_norm},
         {"val_frac", o.val_frac},
         {"max_val_rows", o.max_val_rows},
         {"seed", o.seed},
         {"device", o.device},
         {"prefix_mode", o.prefix_mode},
         {"beta_a", o.beta_a},
         {"beta_b", o.beta_b},
         {"prefixes_per_batch", o.prefixes_per_batch},
         {"include_full", o.include_full},
         {"progressive", o.progressive},
         {"fixed_tokens", o.fixed_tokens},
         {"prefix_weighting", o.prefix_weighting}};
  // Written only when not the default, so configs (and fingerprints) of models trained
  // before the option existed are unchanged.
  if (o.prefix_gradient != "all") j["prefix_gradient"] = o.prefix_gradient;
  if (o.prefix_gradient_scale != 0.0) j["prefix_gradient_scale"] = o.prefix_gradient_scale;
  if (o.micro_batches != 1) j["micro_batches"] = o.micro_batches;
  if (o.base_lr_scale != 1.0) j["base_lr_scale"] = o.base_lr_scale;
  if (!o.int4_select) j["int4_select"] = false;
  if (o.code_source != "trial") j["code_source"] = o.code_source;
  // Written only when tuning is on: configs from before the keys existed stay as they were.
  if (o.codebook_epochs > 0) {
    j["codebook_epochs"] = o.codebook_epochs;
    j["codebook_lr"] = o.codebook_lr;
    j["codebook_tokens"] = o.codebook_tokens;
  }
  // Written only when on, as above.
  if (o.st_epochs > 0) {
    j["st_epochs"] = o.st_epochs;
    j["st_weight"] = o.st_weight;
    j["st_tokens"] = o.st_tokens;
  }
  return j;
}

json to_json(const LossOptions& o) {
  json j{{"task_weight", o.task_weight}, {"task_tau", o.task_tau},       {"proto_scale", o.proto_scale},
         {"ergc_weight", o.ergc_weight}, {"ergc_tau", o.ergc_tau},       {"recon_weight", o.recon_weight},
         {"recon_detach", o.recon_detach}};
  // Written only when on: configs from before the key existed stay as they were.
  if (o.quant_noise > 0) j["quant_noise"] = o.quant_noise;
  return j;
}

TrainOptions train_options_from_json(const json& j, const std::string& where) {
  TrainOptions o;
  check_keys(j, where, {"epochs", "batch_size", "lr", "weight_decay", "warmup_frac", "min_lr_frac", "clip_norm",
                        "val_frac", "max_val_rows", "seed", "device", "prefix_mode", "beta_a", "beta_b",
                        "prefixes_per_batch", "include_full", "progressive", "fixed_tokens", "prefix_weighting",
                        "prefix_gradient", "prefix_gradient_scale", "micro_batches", "base_lr_scale",
                        "codebook_epochs", "codebook_lr", "codebook_tokens", "st_epochs", "st_weight", "st_tokens",
                        "int4_select", "code_source", "source_select"});
  read(j, where, "epochs", o.epochs);
  read(j, where, "batch_size", o.batch_size);
  read(j, where, "lr", o.lr);
  read(j, where, "weight_decay", o.weight_decay);
  read(j, where, "warmup_frac", o.warmup_frac);
  read(j, where, "min_lr_frac", o.min_lr_frac);
  read(j, where, "clip_norm", o.clip_norm);
  read(j, where, "val_frac", o.val_frac);
  read(j, where, "max_val_rows", o.max_val_rows);
  read(j, where, "seed", o.seed);
  read(j, where, "device", o.device);
  read(j, where, "prefix_mode", o.prefix_mode);
  read(j, where, "beta_a", o.beta_a);
  read(j, where, "beta_b", o.beta_b);
  read(j, where, "prefixes_per_batch", o.prefixes_per_batch);
  read(j, where, "include_full", o.include_full);
  read(j, where, "progressive", o.progressive);
  read(j, where, "prefix_weighting", o.prefix_weighting);
  read(j, where, "prefix_gradient", o.prefix_gradient);
  read(j, where, "prefix_gradient_scale", o.prefix_gradient_scale);
  read(j, where, "micro_batches", o.micro_batches);
  read(j, where, "base_lr_scale", o.base_lr_scale);
  read(j, where, "int4_select", o.int4_select);
  read(j, where, "code_source", o.code_source);
  // The older spelling, which only a user's config can hold (defaults write code_source):
  // source_select false is code_source "arc", true the trial; given, it decides.
  if (j.contains("source_select")) {
    bool select = true;
    read(j, where, "source_select", select);
    o.code_source = select ? "trial" : "arc";
  }
  read(j, where, "codebook_epochs", o.codebook_epochs);
  read(j, where, "codebook_lr", o.codebook_lr);
  read(j, where, "codebook_tokens", o.codebook_tokens);
  read(j, where, "st_epochs", o.st_epochs);
  read(j, where, "st_weight", o.st_weight);
  read(j, where, "st_tokens", o.st_tokens);
  if (j.contains("fixed_tokens")) {
    const auto& v = j.at("fixed_tokens");
    ARFC_CHECK(v.is_array(), where, ".fixed_tokens: expected an array of token counts, got ", detail::json_excerpt(v));
    o.fixed_tokens.clear();
    for (const auto& e : v) {
      ARFC_CHECK(e.is_number_integer() && e.get<int64_t>() >= 1, where,
                 ".fixed_tokens: expected positive integers, got ", e.dump());
      const int64_t t = e.get<int64_t>();
      // Each batch trains every distinct length once (the per-prefix losses are averaged
      // over distinct lengths), so a repeated count would silently weigh nothing more.
      ARFC_CHECK(std::find(o.fixed_tokens.begin(), o.fixed_tokens.end(), t) == o.fixed_tokens.end(), where,
                 ".fixed_tokens lists ", t, " more than once; each token count is trained once per batch, so a "
                 "repeat does not weigh it more. Hint: list each count once.");
      o.fixed_tokens.push_back(t);
    }
  }
  ARFC_CHECK(o.epochs >= 1 && o.epochs <= 1000000, where, ".epochs must be in [1, 1000000], got ", o.epochs);
  ARFC_CHECK(o.batch_size >= 2, where, ".batch_size must be >= 2 (ERGC needs pairs), got ", o.batch_size);
  ARFC_CHECK(o.micro_batches >= 1 && o.micro_batches <= o.batch_size / 2, where, ".micro_batches must be in [1, ",
             o.batch_size / 2, "] (each micro-batch needs 2 rows), got ", o.micro_batches);
  ARFC_CHECK(o.lr > 0, where, ".lr must be > 0, got ", o.lr);
  ARFC_CHECK(o.base_lr_scale >= 0 && o.base_lr_scale <= 100, where, ".base_lr_scale must be in [0, 100], got ",
             o.base_lr_scale);
  ARFC_CHECK(o.weight_decay >= 0, where, ".weight_decay must be >= 0, got ", o.weight_decay);
  ARFC_CHECK(o.warmup_frac >= 0 && o.warmup_frac < 1, where, ".warmup_frac must be in [0, 1), got ", o.warmup_frac);
  ARFC_CHECK(o.min_lr_frac >= 0 && o.min_lr_frac <= 1, where, ".min_lr_frac must be in [0, 1], got ", o.min_lr_frac);
  ARFC_CHECK(o.clip_norm >= 0, where, ".clip_norm must be >= 0 (0 = off), got ", o.clip_norm);
  ARFC_CHECK(o.val_frac >= 0 && o.val_frac <= 0.5, where, ".val_frac must be in [0, 0.5], got ", o.val_frac);
  ARFC_CHECK(o.max_val_rows >= 2, where, ".max_val_rows must be >= 2, got ", o.max_val_rows);
  ARFC_CHECK(o.codebook_epochs >= 0 && o.codebook_epochs <= 1000, where, ".codebook_epochs must be in [0, 1000], got ",
             o.codebook_epochs);
  ARFC_CHECK(o.codebook_lr > 0 && o.codebook_lr < 1, where, ".codebook_lr must be in (0, 1), got ", o.codebook_lr);
  ARFC_CHECK(o.codebook_tokens >= 1 && o.codebook_tokens <= 4096, where, ".codebook_tokens must be in [1, 4096], got ",
             o.codebook_tokens);
  ARFC_CHECK(o.st_epochs >= 0 && o.st_epochs <= o.epochs, where, ".st_epochs must be in [0, epochs = ", o.epochs,
             "] (the last st_epochs of the training epochs), got ", o.st_epochs);
  ARFC_CHECK(o.st_weight > 0 && o.st_weight <= 100, where, ".st_weight must be in (0, 100], got ", o.st_weight);
  ARFC_CHECK(o.st_tokens >= 1 && o.st_tokens <= 4096, where, ".st_tokens must be in [1, 4096], got ", o.st_tokens);
  ARFC_CHECK(o.code_source == "trial" || o.code_source == "arc" || o.code_source == "base", where,
             ".code_source must be \"trial\", \"arc\" or \"base\", got \"", o.code_source, "\"");
  ARFC_CHECK(o.prefix_mode == "beta" || o.prefix_mode == "fixed" || o.prefix_mode == "full", where,
             ".prefix_mode must be one of beta, fixed, full; got \"", o.prefix_mode, "\"");
  ARFC_CHECK(o.beta_a > 0 && o.beta_b > 0, where, ".beta_a and .beta_b must be > 0, got ", o.beta_a, " and ", o.beta_b);
  // Each prefix is one more encode and loss per batch; a code has at most 4096 tokens.
  ARFC_CHECK(o.prefixes_per_batch >= 0 && o.prefixes_per_batch <= 4096, where,
             ".prefixes_per_batch must be in [0, 4096], got ", o.prefixes_per_batch);
  ARFC_CHECK(o.prefix_mode != "beta" || o.prefixes_per_batch > 0 || o.include_full, where,
             ": prefixes_per_batch = 0 with include_full = false trains on no prefix at all");
  ARFC_CHECK(o.prefix_mode != "fixed" || !o.fixed_tokens.empty(), where,
             ".fixed_tokens must list token counts when prefix_mode is \"fixed\"");
  ARFC_CHECK(o.prefix_weighting == "uniform" || o.prefix_weighting == "length" || o.prefix_weighting == "short", where,
             ".prefix_weighting must be \"uniform\", \"length\" or \"short\", got \"", o.prefix_weighting, "\"");
  ARFC_CHECK(o.prefix_gradient == "all" || o.prefix_gradient == "new", where,
             ".prefix_gradient must be \"all\" or \"new\", got \"", o.prefix_gradient, "\"");
  ARFC_CHECK(o.prefix_gradient_scale >= 0.0 && o.prefix_gradient_scale < 1.0, where,
             ".prefix_gradient_scale must be in [0, 1) (1 is prefix_gradient \"all\"), got ", o.prefix_gradient_scale);
  // The scale has no meaning with "all" (every gradient passes whole); dropped there, so a
  // config that sets "all" over a cross-modal default ("new", 0.25) needs no second key.
  if (o.prefix_gradient == "all") o.prefix_gradient_scale = 0.0;
  return o;
}

LossOptions loss_options_from_json(const json& j, const std::string& where) {
  LossOptions o;
  check_keys(j, where, {"task_weight", "task_tau", "proto_scale", "ergc_weight", "ergc_tau", "recon_weight",
                        "recon_detach", "quant_noise"});
  read(j, where, "task_weight", o.task_weight);
  read(j, where, "task_tau", o.task_tau);
  read(j, where, "proto_scale", o.proto_scale);
  read(j, where, "ergc_weight", o.ergc_weight);
  read(j, where, "ergc_tau", o.ergc_tau);
  read(j, where, "recon_weight", o.recon_weight);
  read(j, where, "recon_detach", o.recon_detach);
  read(j, where, "quant_noise", o.quant_noise);
  ARFC_CHECK(o.task_weight >= 0 && o.ergc_weight >= 0 && o.recon_weight >= 0, where,
             ": loss weights must be >= 0 (task_weight ", o.task_weight, ", ergc_weight ", o.ergc_weight,
             ", recon_weight ", o.recon_weight, ")");
  ARFC_CHECK(o.task_weight + o.ergc_weight + o.recon_weight > 0, where,
             ": every loss weight is 0 (task_weight, ergc_weight, recon_weight), so nothing would train. Hint: "
             "leave at least one above 0.");
  ARFC_CHECK(o.task_tau > 0 && o.ergc_tau > 0, where, ": temperatures must be > 0 (task_tau ", o.task_tau,
             ", ergc_tau ", o.ergc_tau, ")");
  ARFC_CHECK(o.proto_scale > 0, where, ".proto_scale must be > 0, got ", o.proto_scale);
  ARFC_CHECK(o.quant_noise == 0 || o.quant_noise >= 1, where,
             ".quant_noise must be 0 (off) or the quantisation levels per side (>= 1, e.g. 7 for int4), got ",
             o.quant_noise);
  return o;
}

LossOptions default_loss_options(Task task) {
  LossOptions o;
  if (task != Task::Generic) {
    // The decoder head learns from the codes but does not pull them towards pixel-level
    // reconstruction when a task objective defines what the codes should keep.
    o.recon_detach = true;
  }
  if (task == Task::Retrieval) {
    // Open-set retrieval: the test classes are not the training classes. SupCon on the
    // training classes made ARC codes transfer worse than ERGC alone (openset, 10k rows,
    // 3 epochs: R@1 at 2x / 64x 92.0 / 84.8% with SupCon, 92.9 / 86.7% without; RESULTS.md).
    // Set loss.task_weight > 0 for closed-set retrieval, where the classes are the same.
    o.task_weight = 0.0;
  }
  return o;
}

}  // namespace arfc
