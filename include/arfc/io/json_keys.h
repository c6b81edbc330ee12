// Validation shared by every config section parser (model, train and loss sections).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "arfc/core/error.h"

namespace arfc::detail {

// Throws arfc::Error naming `where` and the unknown key, listing the accepted keys.
inline void check_keys(const nlohmann::json& j, const std::string& where,
                       const std::vector<std::string>& accepted) {
  ARFC_CHECK(j.is_object(), where, ": expected a JSON object, got ", j.type_name());
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(accepted.begin(), accepted.end(), it.key()) != accepted.end()) continue;
    std::string list;
    for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
    ARFC_THROW(where, ": unknown key \"", it.key(), "\". Accepted keys: ", list, ".");
  }
}

}  // namespace arfc::detail
