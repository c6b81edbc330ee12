// The `arfc` CLI: one binary, one file per subcommand. Each add_*_command registers a
// subcommand (options, --help text, callback) on the root app. Callbacks throw
// arfc::Error for user errors; main() turns that into exit code 1, usage errors into 2.
#pragma once

#include <CLI/CLI.hpp>

namespace arfc::cli {

void add_info_command(CLI::App& app);        // cmd_info.cpp
void add_data_command(CLI::App& app);        // cmd_data.cpp
void add_train_command(CLI::App& app);       // cmd_train.cpp
void add_compress_command(CLI::App& app);    // cmd_compress.cpp
void add_truncate_command(CLI::App& app);    // cmd_truncate.cpp
void add_decompress_command(CLI::App& app);  // cmd_decompress.cpp
void add_export_command(CLI::App& app);      // cmd_export.cpp
void add_eval_command(CLI::App& app);        // cmd_eval.cpp

}  // namespace arfc::cli
