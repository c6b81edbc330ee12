// Placeholder until the `eval` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_eval_command(CLI::App& app) {
  auto* sub = app.add_subcommand("eval", "Side-by-side ratio/quality report against the baselines");
  sub->callback([] { ARFC_THROW("arfc eval is not implemented yet"); });
}

}  // namespace arfc::cli
