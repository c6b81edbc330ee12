#include "config_file.h"

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/json_keys.h"

namespace arfc::cli {

nlohmann::json read_config_file(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  const std::string text = read_file_bytes(path, int64_t(16) << 20);
  detail::check_json_depth(text, "config '" + path + "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    ARFC_THROW("config '", path, "': not valid JSON: ", e.what(), ". Hint: see docs/DESIGN.md for the keys.");
  }
  ARFC_CHECK(j.is_object(), "config '", path, "': expected a JSON object with sections model/train/loss, got ",
             j.type_name(), ".");
  return j;
}

}  // namespace arfc::cli
