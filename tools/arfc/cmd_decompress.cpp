// Placeholder until the `decompress` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_decompress_command(CLI::App& app) {
  auto* sub = app.add_subcommand("decompress", "Map codes back to the original feature space");
  sub->callback([] { ARFC_THROW("arfc decompress is not implemented yet"); });
}

}  // namespace arfc::cli
