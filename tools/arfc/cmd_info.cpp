// Placeholder until the `info` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_info_command(CLI::App& app) {
  auto* sub = app.add_subcommand("info", "Print what an embedding, label, code or model file holds");
  sub->callback([] { ARFC_THROW("arfc info is not implemented yet"); });
}

}  // namespace arfc::cli
