// Placeholder until the `truncate` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_truncate_command(CLI::App& app) {
  auto* sub = app.add_subcommand("truncate", "Cut stored codes to a coarser ratio without the model");
  sub->callback([] { ARFC_THROW("arfc truncate is not implemented yet"); });
}

}  // namespace arfc::cli
