#include "arfc/train/arfc_config.h"

#include "arfc/core/error.h"
#include "arfc/io/json_keys.h"

namespace arfc {

using nlohmann::json;

json ArfcConfig::to_json() const {
  ModelConfig m;
  m.task = task;
  m.model = model;
  m.train = arfc::to_json(train);
  m.loss = arfc::to_json(loss);
  m.summary = summary;
  return m.to_json();
}

ArfcConfig parse_arfc_config(const json& j, const std::string& where) {
  const ModelConfig m = parse_model_config(j, where);
  ArfcConfig c;
  c.task = m.task;
  c.model = m.model;
  c.train = train_options_from_json(m.train, where + ".train");
  c.loss = loss_options_from_json(m.loss, where + ".loss");
  c.summary = m.summary;
  return c;
}

json merge_config(const json& base, const json& user) {
  ARFC_CHECK(user.is_object(), "config: expected a JSON object, got ", user.type_name());
  json out = base;
  for (auto it = user.begin(); it != user.end(); ++it) {
    const bool section = it.key() == "model" || it.key() == "train" || it.key() == "loss" ||
                         (out.contains(it.key()) && out[it.key()].is_object());
    ARFC_CHECK(!section || it.value().is_object(), "config: section '", it.key(), "' must be a JSON object, got ",
               it.value().type_name(), " (", detail::json_excerpt(it.value()), "). Hint: e.g. {\"", it.key(),
               "\": {...}}.");
    if (it.value().is_object() && out.contains(it.key()) && out[it.key()].is_object()) {
      for (auto jt = it.value().begin(); jt != it.value().end(); ++jt) out[it.key()][jt.key()] = jt.value();
    } else {
      out[it.key()] = it.value();
    }
  }
  return out;
}

}  // namespace arfc
