#include "config_file.h"

#include <fstream>

#include "arfc/core/error.h"

namespace arfc::cli {

nlohmann::json read_config_file(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  std::ifstream in(path);
  ARFC_CHECK(in, "config '", path, "': cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    ARFC_THROW("config '", path, "': not valid JSON: ", e.what(), ". Hint: see docs/DESIGN.md for the keys.");
  }
  ARFC_CHECK(j.is_object(), "config '", path, "': expected a JSON object with sections model/train/loss, got ",
             j.type_name(), ".");
  return j;
}

}  // namespace arfc::cli
