// The `arfc` CLI: one binary, one file per subcommand. Each add_*_command registers a
// subcommand (options, --help text, callback) on the root app. Callbacks throw
// arfc::Error for user errors; main() turns that into exit code 1, usage errors into 2,
// and PartialFailure into 3.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

namespace arfc::cli {

// The command wrote its output, but part of the work failed (`eval`: cells of a method that
// failed for another reason than an unreachable size; the report marks them). Exit code 3.
class PartialFailure : public std::runtime_error {
 public:
  explicit PartialFailure(const std::string& what) : std::runtime_error(what) {}
};

void add_info_command(CLI::App& app);        // cmd_info.cpp
void add_data_command(CLI::App& app);        // cmd_data.cpp
void add_train_command(CLI::App& app);       // cmd_train.cpp
void add_compress_command(CLI::App& app);    // cmd_compress.cpp
void add_truncate_command(CLI::App& app);    // cmd_truncate.cpp
void add_decompress_command(CLI::App& app);  // cmd_decompress.cpp
void add_export_command(CLI::App& app);      // cmd_export.cpp
void add_eval_command(CLI::App& app);        // cmd_eval.cpp
void add_search_command(CLI::App& app);      // cmd_search.cpp

}  // namespace arfc::cli
