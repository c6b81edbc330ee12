// `arfc truncate`: shorten stored codes to a coarser ratio without the model (prefix property).
#include <cstdio>
#include <memory>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "budget_options.h"
#include "commands.h"

namespace arfc::cli {

void add_truncate_command(CLI::App& app) {
  struct Opts {
    std::string in, out;
    BudgetOptions budget;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "truncate",
      "Shorten stored codes to a higher ratio without the model: any prefix of a code is a valid code. "
      "Only as many values as the file stores are available.");
  sub->add_option("--in", o->in, "Code file written by arfc compress (.arfc)")->required()->check(CLI::ExistingFile);
  sub->add_option("--out", o->out, "Output code file (.arfc); may equal --in")->required();
  o->budget.add_to(sub, "Default: the stored type, or a smaller one when that buys more values for the budget");
  sub->add_flag("--json", o->json, "Print the written file's description as JSON instead of a summary line");
  sub->callback([o] {
    const CodeSet c = read_code_file(o->in);
    const CodeLayout layout =
        choose_truncated_layout(c.geometry(), o->budget.budget(), c.n_values, c.dtype);
    if (bits_per_value(layout.dtype) > bits_per_value(c.dtype))
      log_warn("--dtype " + storage_name(layout.dtype) + " is wider than the stored " + storage_name(c.dtype) +
               ": the file grows but gains no precision");
    const CodeSet t = truncate_codes(c, layout);
    write_code_file(o->out, t);
    if (o->json) {
      std::printf("%s\n", describe_code_file(o->out).dump(2).c_str());
    } else {
      std::printf("truncated %lld codes from %s to %s -> %s\n", static_cast<long long>(t.n),
                  describe_layout(c.layout(), c.token_width).c_str(),
                  describe_layout(t.layout(), t.token_width).c_str(), o->out.c_str());
    }
  });
}

}  // namespace arfc::cli
