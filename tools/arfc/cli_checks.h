// Checks several subcommands share, made before any work starts: --threads within reason,
// an output path that can be written and is not one of the command's inputs.
#pragma once

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "arfc/core/error.h"

namespace arfc::cli {

// The most --threads accepts: 4 per hardware thread, at least 64. More only slows libtorch
// down (each thread is a pool worker) and enough of them exhaust memory while the pool starts.
inline int max_threads() {
  return std::max(64, 4 * int(std::max(1u, std::thread::hardware_concurrency())));
}

inline CLI::Option* add_threads_option(CLI::App* sub, int& threads, const std::string& help) {
  return sub->add_option("--threads", threads, help + " (0 = all cores; at most " + std::to_string(max_threads()) + ")")
      ->capture_default_str()
      ->check(CLI::Range(0, max_threads()));
}

// An output file: refused when it names one of the inputs (`inputs`: option name, path; empty
// paths are skipped), is a directory, or lies in a directory that does not exist or cannot be
// written. Writers still write a temporary and rename it into place; this only fails early.
inline void check_output_file(const std::string& out, const std::vector<std::pair<std::string, std::string>>& inputs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool out_exists = fs::exists(out, ec);
  for (const auto& [option, path] : inputs) {
    if (!out_exists || path.empty() || !fs::exists(path, ec)) continue;
    ARFC_CHECK(!fs::equivalent(out, path, ec), "--out '", out, "' is the same file as ", option, " '", path,
               "'; writing it would destroy an input. Hint: choose another --out path.");
  }
  ARFC_CHECK(!fs::is_directory(out, ec), "--out '", out, "' is a directory; expected a file path.");
  const fs::path parent = fs::path(out).parent_path().empty() ? fs::path(".") : fs::path(out).parent_path();
  ARFC_CHECK(fs::is_directory(parent, ec), "--out '", out, "': directory '", parent.string(),
             "' does not exist. Hint: create it first.");
  ARFC_CHECK(::access(parent.c_str(), W_OK) == 0, "--out '", out, "': directory '", parent.string(),
             "' is not writable.");
}

// An output directory (eval reports): it exists and is a writable directory, or it can be
// created (its nearest existing ancestor is a writable directory).
inline void check_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::path(dir).empty() ? fs::path(".") : fs::path(dir);
  if (fs::exists(p, ec)) {
    ARFC_CHECK(fs::is_directory(p, ec), "--out '", dir, "' exists and is not a directory; expected a directory for "
               "the report files. Hint: choose another --out path.");
  } else {
    p = fs::absolute(p, ec).parent_path();
    while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path()) p = p.parent_path();
    ARFC_CHECK(fs::is_directory(p, ec), "--out '", dir, "' cannot be created: '", p.string(),
               "' is not a directory. Hint: choose another --out path.");
  }
  ARFC_CHECK(::access(p.c_str(), W_OK) == 0, "--out '", dir, "': '", p.string(), "' is not writable. Hint: choose "
             "another --out path.");
}

}  // namespace arfc::cli
