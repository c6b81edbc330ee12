// Placeholder until the `compress` subcommand lands.
#include "commands.h"
#include "arfc/core/error.h"

namespace arfc::cli {

void add_compress_command(CLI::App& app) {
  auto* sub = app.add_subcommand("compress", "Compress features to codes at a ratio, token count or byte budget");
  sub->callback([] { ARFC_THROW("arfc compress is not implemented yet"); });
}

}  // namespace arfc::cli
