// `arfc export`: stored codes as a plain float32 matrix for other tools.
#include <cstdio>
#include <memory>
#include <optional>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/model/arfc_model.h"
#include "chunk_rows.h"
#include "cli_checks.h"
#include "model_dims.h"
#include "commands.h"

namespace arfc::cli {

void add_export_command(CLI::App& app) {
  struct Opts {
    std::string in, out, model;
    int64_t chunk_rows = kDefaultChunkRows;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "export", "Write stored codes as a float32 matrix (.npy, .fvecs, .fbin or .safetensors, by extension), "
                "e.g. to index them with another tool: [N, n_values] dequantised values, or for discrete "
                "tokens (q8) the code-space vectors [N, max_values] they stand for (needs --model)");
  sub->add_option("--in", o->in, "Code file written by arfc compress or arfc truncate (.arfc)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--out", o->out, "Output matrix file: .npy, .fvecs, .fbin or .safetensors")->required();
  sub->add_option("--model", o->model, "The model that made the codes (needed for discrete tokens, q8)")
      ->check(CLI::ExistingFile);
  add_chunk_rows_option(sub, o->chunk_rows);
  sub->callback([o] {
    const FileFormat format = format_from_path(o->out);  // unknown extension -> arfc::Error before reading
    check_output_file(o->out, {{"--in", o->in}, {"--model", o->model}});
    const CodeSet c = read_code_file_header(o->in);  // the payload is streamed below
    std::optional<ArfcModel> model;
    int64_t cols = c.n_values;
    if (c.dtype == StorageType::Q8) {
      ARFC_CHECK(!o->model.empty(), "code file '", o->in, "' stores discrete tokens (q8): exporting them as values "
                 "needs the model that made them. Hint: add --model MODEL.");
      model = ArfcModel::load(o->model);
      const std::string other =
          fingerprint_mismatch(*model, c.model_fingerprint, "code file '" + o->in + "'", o->model);
      ARFC_CHECK(other.empty(), other, ". Hint: use the model that compressed the codes.");
      cols = model->geometry().max_values();
    }
    // Out of core: one chunk of codes and its values in memory at a time.
    codes_to_matrix_file(o->in, c.n, o->chunk_rows, o->out, cols, format, "codes", "export",
                         [&](const CodeSet& rows) { return model ? model->code_values(rows) : dequantize_codes(rows); });
    std::printf("exported %lld codes (%s) as a %lld x %lld float32 matrix -> %s\n", static_cast<long long>(c.n),
                describe_layout(c.layout(), c.token_width).c_str(), static_cast<long long>(c.n),
                static_cast<long long>(cols), o->out.c_str());
  });
}

}  // namespace arfc::cli
