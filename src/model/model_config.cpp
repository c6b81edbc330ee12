#include "arfc/model/model_config.h"

#include "arfc/core/error.h"
#include "arfc/io/json_keys.h"
#include "arfc/model/token_codebooks.h"

namespace arfc {

using nlohmann::json;

namespace {

using detail::check_keys;

template <typename T>
T get_or(const json& j, const std::string& where, const char* key, T def) {
  if (!j.contains(key)) return def;
  const json& v = j.at(key);
  bool ok = false;
  if constexpr (std::is_same_v<T, bool>) ok = v.is_boolean();
  else if constexpr (std::is_integral_v<T>) ok = v.is_number_integer();
  else if constexpr (std::is_floating_point_v<T>) ok = v.is_number();
  else ok = v.is_string();
  ARFC_CHECK(ok, where, ".", key, ": wrong type, got ", detail::json_excerpt(v));
  return v.get<T>();
}

}  // namespace

json to_json(const ArcOptions& o) {
  json j{{"type", "arc"},
              {"input_dim", o.input_dim()},
              {"input_dim_b", o.input_dim_b()},
              {"token_width", o.token_width()},
              {"max_tokens", o.max_tokens()},
              {"d_model", o.d_model()},
              {"num_heads", o.num_heads()},
              {"mlp_ratio", o.mlp_ratio()},
              {"context_chunks", o.context_chunks()},
              {"context_layers", o.context_layers()},
              {"generator_layers", o.generator_layers()},
              {"solutions", o.solutions()},
              {"mos_context", o.mos_context()},
              {"mos_feedback", o.mos_feedback()},
              {"token_bound", o.token_bound()},
              {"value_level", o.value_level()},
              {"decoder_hidden", o.decoder_hidden()},
              {"decoder_layers", o.decoder_layers()}};
  // Written only when on: a model file from before the key existed must dump (and
  // fingerprint) exactly as it was written.
  if (o.linear_base()) j["linear_base"] = true;
  if (o.base_only()) j["base_only"] = true;
  if (o.base_hidden() > 0) j["base_hidden"] = o.base_hidden();
  if (o.base_init() != "pca") j["base_init"] = o.base_init();
  if (o.input_norm() != "row") j["input_norm"] = o.input_norm();
  if (o.discrete_tokens() > 0) {
    j["discrete_tokens"] = o.discrete_tokens();
    j["discrete_mode"] = o.discrete_mode();
    // Written only when off (the default is on), like linear_base above.
    if (!o.discrete_select()) j["discrete_select"] = false;
    if (o.discrete_beam() != 1) {
      j["discrete_beam"] = o.discrete_beam();
      j["discrete_greedy"] = o.discrete_greedy();
      if (o.discrete_lookahead() > 0) j["discrete_lookahead"] = o.discrete_lookahead();
    }
    if (o.discrete_train_beam() != 1) j["discrete_train_beam"] = o.discrete_train_beam();
    if (o.discrete_unit()) j["discrete_unit"] = true;
    if (o.discrete_bits_per_value() > 0) j["discrete_bits_per_value"] = o.discrete_bits_per_value();
  }
  return j;
}

ArcOptions arc_options_from_json(const json& j, const std::string& where) {
  check_keys(j, where, {"type", "input_dim", "input_dim_b", "token_width", "max_tokens", "d_model", "num_heads",
                        "mlp_ratio", "context_chunks", "context_layers", "generator_layers", "solutions",
                        "mos_context", "mos_feedback", "token_bound", "value_level", "linear_base", "base_only", "base_hidden", "base_init", "input_norm", "decoder_hidden",
                        "decoder_layers", "discrete_tokens", "discrete_mode", "discrete_select",
                        "discrete_beam", "discrete_greedy", "discrete_lookahead", "discrete_unit", "discrete_train_beam",
                        "discrete_bits_per_value"});
  ARFC_CHECK(get_or<std::string>(j, where, "type", "arc") == "arc", where, ".type: only \"arc\" is accepted, got ",
             detail::json_excerpt(j.at("type")));
  ARFC_CHECK(j.contains("input_dim"), where, ".input_dim is required");
  ArcOptions o(get_or<int64_t>(j, where, "input_dim", 0));
  o.input_dim_b(get_or<int64_t>(j, where, "input_dim_b", o.input_dim_b()));
  o.token_width(get_or<int64_t>(j, where, "token_width", o.token_width()));
  o.max_tokens(get_or<int64_t>(j, where, "max_tokens", o.max_tokens()));
  o.d_model(get_or<int64_t>(j, where, "d_model", o.d_model()));
  o.num_heads(get_or<int64_t>(j, where, "num_heads", o.num_heads()));
  o.mlp_ratio(get_or<double>(j, where, "mlp_ratio", o.mlp_ratio()));
  o.context_chunks(get_or<int64_t>(j, where, "context_chunks", o.context_chunks()));
  o.context_layers(get_or<int64_t>(j, where, "context_layers", o.context_layers()));
  o.generator_layers(get_or<int64_t>(j, where, "generator_layers", o.generator_layers()));
  o.solutions(get_or<int64_t>(j, where, "solutions", o.solutions()));
  o.mos_context(get_or<std::string>(j, where, "mos_context", o.mos_context()));
  o.mos_feedback(get_or<std::string>(j, where, "mos_feedback", o.mos_feedback()));
  o.token_bound(get_or<double>(j, where, "token_bound", o.token_bound()));
  o.value_level(get_or<bool>(j, where, "value_level", o.value_level()));
  o.linear_base(get_or<bool>(j, where, "linear_base", o.linear_base()));
  o.base_only(get_or<bool>(j, where, "base_only", o.base_only()));
  ARFC_CHECK(!o.base_only() || o.linear_base(), where, ".base_only needs linear_base = true (the base is the code).");
  o.base_hidden(get_or<int64_t>(j, where, "base_hidden", o.base_hidden()));
  ARFC_CHECK(o.base_hidden() == 0 || o.linear_base(), where,
             ".base_hidden (", o.base_hidden(), ") needs linear_base = true (the MLP is added to the linear base). "
             "Hint: to turn the whole base off, set linear_base to false and base_hidden to 0.");
  o.base_init(get_or<std::string>(j, where, "base_init", o.base_init()));
  o.input_norm(get_or<std::string>(j, where, "input_norm", o.input_norm()));
  o.decoder_hidden(get_or<int64_t>(j, where, "decoder_hidden", o.decoder_hidden()));
  o.decoder_layers(get_or<int64_t>(j, where, "decoder_layers", o.decoder_layers()));
  o.discrete_tokens(get_or<int64_t>(j, where, "discrete_tokens", o.discrete_tokens()));
  o.discrete_mode(get_or<std::string>(j, where, "discrete_mode", o.discrete_mode()));
  o.discrete_select(get_or<bool>(j, where, "discrete_select", o.discrete_select()));
  o.discrete_beam(get_or<int64_t>(j, where, "discrete_beam", o.discrete_beam()));
  o.discrete_greedy(get_or<int64_t>(j, where, "discrete_greedy", o.discrete_greedy()));
  o.discrete_lookahead(get_or<int64_t>(j, where, "discrete_lookahead", o.discrete_lookahead()));
  o.discrete_unit(get_or<bool>(j, where, "discrete_unit", o.discrete_unit()));
  o.discrete_train_beam(get_or<int64_t>(j, where, "discrete_train_beam", o.discrete_train_beam()));
  o.discrete_bits_per_value(get_or<int64_t>(j, where, "discrete_bits_per_value", o.discrete_bits_per_value()));
  // Bounds checked before anything is allocated (model files are untrusted input).
  auto in = [&](const char* k, int64_t v, int64_t lo, int64_t hi) {
    ARFC_CHECK(v >= lo && v <= hi, where, ".", k, " must be in [", lo, ", ", hi, "], got ", v);
  };
  in("input_dim", o.input_dim(), 1, 1 << 20);
  in("input_dim_b", o.input_dim_b(), 0, 1 << 20);
  in("token_width", o.token_width(), 1, 1 << 16);
  in("max_tokens", o.max_tokens(), 1, 4096);
  in("d_model", o.d_model(), 1, 8192);
  in("num_heads", o.num_heads(), 1, 256);
  // Attention over C + 1 context tokens holds batch x heads x (C + 1)^2 scores.
  in("context_chunks", o.context_chunks(), 1, 256);
  in("context_layers", o.context_layers(), 0, 64);
  in("generator_layers", o.generator_layers(), 1, 64);
  in("solutions", o.solutions(), 1, 64);
  in("decoder_hidden", o.decoder_hidden(), 1, 1 << 16);
  in("decoder_layers", o.decoder_layers(), 0, 16);
  in("base_hidden", o.base_hidden(), 0, 1 << 16);
  in("discrete_tokens", o.discrete_tokens(), 0, 4096);
  in("discrete_beam", o.discrete_beam(), 1, kMaxBeam);
  in("discrete_greedy", o.discrete_greedy(), 0, 4096);
  in("discrete_lookahead", o.discrete_lookahead(), 0, 4096);
  in("discrete_train_beam", o.discrete_train_beam(), 1, kMaxBeam);
  in("discrete_bits_per_value", o.discrete_bits_per_value(), 0, 64);
  ARFC_CHECK(o.d_model() % o.num_heads() == 0, where, ".d_model (", o.d_model(),
             ") must be a multiple of num_heads (", o.num_heads(), ")");
  ARFC_CHECK(o.mlp_ratio() > 0 && o.mlp_ratio() <= 64, where, ".mlp_ratio must be in (0, 64], got ", o.mlp_ratio());
  ARFC_CHECK(o.token_bound() > 0, where, ".token_bound must be > 0, got ", o.token_bound());
  ARFC_CHECK(o.mos_context() == "film" || o.mos_context() == "shared", where,
             ".mos_context must be \"film\" or \"shared\", got \"", o.mos_context(), "\"");
  ARFC_CHECK(o.mos_feedback() == "fused" || o.mos_feedback() == "own", where,
             ".mos_feedback must be \"fused\" or \"own\", got \"", o.mos_feedback(), "\"");
  ARFC_CHECK(o.input_norm() == "row" || o.input_norm() == "set", where,
             ".input_norm must be \"row\" (each row by its RMS) or \"set\" (one scale per modality), got \"",
             o.input_norm(), "\"");
  ARFC_CHECK(o.discrete_mode() == "residual" || o.discrete_mode() == "per_token", where,
             ".discrete_mode must be \"residual\" (closed loop) or \"per_token\" (open loop), got \"",
             o.discrete_mode(), "\"");
  const int64_t values = o.token_width() * o.max_tokens();
  // A code never needs more values than the vector has dimensions (the full f32 code is then
  // already as large as the input), and each token is a step of generation and attention.
  ARFC_CHECK(values <= o.input_dim(), where, ": token_width * max_tokens (", o.token_width(), " x ", o.max_tokens(),
             " = ", values, " values) must be at most input_dim (", o.input_dim(),
             "). Hint: a code of D values is already as large as the input; use fewer or narrower tokens.");
  // The codebooks hold discrete_tokens x 256 x max_values floats: bounded before anything
  // is allocated (a crafted model header must not exhaust memory).
  ARFC_CHECK(o.discrete_tokens() * 256 * values <= (int64_t(1) << 28), where, ".discrete_tokens (",
             o.discrete_tokens(), ") x 256 codewords x max_values (", values,
             ") exceeds 2^28 codebook values (1 GiB). Hint: use fewer discrete tokens or a shorter code.");
  ARFC_CHECK(o.discrete_mode() != "per_token" || o.discrete_tokens() == 0 || values % o.discrete_tokens() == 0,
             where, ".discrete_mode \"per_token\" needs token_width * max_tokens (", values,
             ") to be a multiple of discrete_tokens (", o.discrete_tokens(), ")");
  ARFC_CHECK(o.discrete_mode() != "per_token" || o.discrete_bits_per_value() == 0, where,
             ".discrete_bits_per_value needs discrete_mode \"residual\" (per_token codebooks have their own slices)");
  // Each field is bounded above; their product is bounded here (every factor is at most
  // 2^28, so the count cannot overflow int64).
  const int64_t params = ArcImpl::parameter_count(o);
  ARFC_CHECK(params <= kMaxArcParameters, where, " describes a model of ", params,
             " parameters, more than the limit of ", kMaxArcParameters,
             " (1 GiB of float32 weights). Hint: reduce d_model, the layer counts, solutions, decoder_hidden or "
             "token_width * max_tokens.");
  return o;
}

json ModelConfig::to_json() const {
  json j = {{"task", task_name(task)},
            {"model", arfc::to_json(model)},
            {"train", train},
            {"loss", loss},
            {"geometry",
             {{"input_dim", model.input_dim()},
              {"token_width", model.token_width()},
              {"max_tokens", model.max_tokens()},
              {"max_values", model.token_width() * model.max_tokens()},
              {"value_level", model.value_level()},
              {"modalities", model.input_dim_b() > 0 ? 2 : 1}}}};
  if (!summary.empty()) j["summary"] = summary;
  return j;
}

ModelConfig parse_model_config(const json& j, const std::string& where) {
  check_keys(j, where, {"task", "model", "train", "loss", "geometry", "summary"});
  ModelConfig c;
  ARFC_CHECK(j.contains("task") && j.at("task").is_string(), where, ".task is required (a string)");
  c.task = parse_task(j.at("task").get<std::string>());
  ARFC_CHECK(j.contains("model"), where, ".model is required");
  c.model = arc_options_from_json(j.at("model"), where + ".model");
  ARFC_CHECK(c.task != Task::Crossmodal || c.model.input_dim_b() > 0, where,
             ".model.input_dim_b must be > 0 for a crossmodal model");
  ARFC_CHECK(c.task == Task::Crossmodal || c.model.input_dim_b() == 0, where,
             ".model.input_dim_b must be 0 unless the task is crossmodal, got ", c.model.input_dim_b());
  for (const char* section : {"train", "loss"}) {
    if (!j.contains(section)) continue;
    ARFC_CHECK(j.at(section).is_object(), where, ".", section, ": expected a JSON object, got ",
               j.at(section).type_name());
    (std::string(section) == "train" ? c.train : c.loss) = j.at(section);
  }
  if (j.contains("summary")) c.summary = j.at("summary");
  return c;
}

}  // namespace arfc
