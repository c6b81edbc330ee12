// Placeholder until the `data` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_data_command(CLI::App& app) {
  auto* sub = app.add_subcommand("data", "Build real feature sets from Fashion-MNIST");
  sub->callback([] { ARFC_THROW("arfc data is not implemented yet"); });
}

}  // namespace arfc::cli
