// Reading a user's JSON config file (`arfc train --config`, `arfc eval --train-config`).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace arfc::cli {

// path -> a JSON object; "" -> {}. Unreadable file, invalid JSON or a non-object ->
// arfc::Error naming the file.
nlohmann::json read_config_file(const std::string& path);

}  // namespace arfc::cli
