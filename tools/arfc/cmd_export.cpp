// Placeholder until the `export` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_export_command(CLI::App& app) {
  auto* sub = app.add_subcommand("export", "Write stored codes as a float32 .npy matrix");
  sub->callback([] { ARFC_THROW("arfc export is not implemented yet"); });
}

}  // namespace arfc::cli
