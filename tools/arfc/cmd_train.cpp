// Placeholder until the `train` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_train_command(CLI::App& app) {
  auto* sub = app.add_subcommand("train", "Train an ARFC model");
  sub->callback([] { ARFC_THROW("arfc train is not implemented yet"); });
}

}  // namespace arfc::cli
