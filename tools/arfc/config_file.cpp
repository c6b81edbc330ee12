#include "config_file.h"

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/json_keys.h"

namespace arfc::cli {

nlohmann::json read_config_file(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  const std::string text = read_file_bytes(path, int64_t(16) << 20);
  return detail::parse_json_object(text, "config '" + path + "'",
                                   "Hint: a JSON object with sections model, train and loss; docs/DESIGN.md has "
                                   "the keys.");
}

}  // namespace arfc::cli
