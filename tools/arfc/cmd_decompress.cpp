// `arfc decompress`: stored codes -> reconstructed features via the model's decoder head.
#include <cstdio>
#include <memory>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/model/arfc_model.h"
#include "chunk_rows.h"
#include "cli_checks.h"
#include "commands.h"
#include "model_dims.h"

namespace arfc::cli {

void add_decompress_command(CLI::App& app) {
  struct Opts {
    std::string model, in, out, device = "cpu";
    int threads = 0;
    int64_t chunk_rows = kDefaultChunkRows;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "decompress", "Reconstruct features [N, D] from stored codes with the model that made them (decoder head)");
  sub->add_option("--model", o->model, "The ARFC model that compressed the codes")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--in", o->in, "Code file (.arfc)")->required()->check(CLI::ExistingFile);
  sub->add_option("--out", o->out, "Output features: .npy, .fvecs, .fbin or .safetensors")->required();
  sub->add_flag("--force", o->force,
                "Decode even when the code file's model fingerprint differs from --model's (prints a warning)");
  sub->add_option("--device", o->device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  add_chunk_rows_option(sub, o->chunk_rows);
  add_threads_option(sub, o->threads, "CPU threads for libtorch");
  sub->callback([o] {
    const FileFormat format = format_from_path(o->out);
    check_output_file(o->out, {{"--model", o->model}, {"--in", o->in}});
    set_threads(o->threads);
    const CodeSet c = read_code_file_header(o->in);  // the payload is streamed below
    const ArfcModel model = ArfcModel::load(o->model, o->device);
    const std::string what = fingerprint_mismatch(model, c.model_fingerprint, "code file '" + o->in + "'", o->model);
    if (!what.empty()) {
      ARFC_CHECK(o->force, what, ". Hint: decode with the model that compressed the codes (arfc info shows both "
                 "fingerprints), or pass --force to decode anyway.");
      log_warn(what + "; decoding anyway (--force): the reconstruction may be meaningless");
    }
    // Shape mismatches cannot be forced: the decoder would read out of range.
    const int64_t dim = model_input_dim(model, c.modality, o->model,
                                        "code file '" + o->in + "' (modality " + std::to_string(c.modality) + ")");
    const CodeGeometry g = model.geometry();
    const int64_t most = c.dtype == StorageType::Q8 ? g.discrete_tokens : g.max_values();
    ARFC_CHECK(c.input_dim == dim && c.token_width == g.token_width && c.n_values <= most,
               "code file '", o->in, "' does not fit model '", o->model, "': codes have D=", c.input_dim, ", w=",
               c.token_width, ", ", c.n_values, " ", storage_name(c.dtype), (c.dtype == StorageType::Q8 ? " tokens" : " values"),
               "; the model has D=", dim, ", w=", g.token_width, ", at most ", most,
               (c.dtype == StorageType::Q8 ? " discrete tokens" : " values"), ". Hint: use the model that compressed the codes.");
    ARFC_CHECK(c.dtype == StorageType::Q8 || g.value_level || c.n_values % g.token_width == 0, "code file '", o->in, "': ", c.n_values,
               " values end part-way through a token, but model '", o->model,
               "' decodes whole tokens only. Hint: truncate to whole tokens first.");
    // Out of core: one chunk of codes and its reconstruction in memory at a time.
    codes_to_matrix_file(o->in, c.n, o->chunk_rows, o->out, dim, format, "embeddings", "decompress",
                         [&](const CodeSet& rows) { return model.decode(model.code_values(rows), rows.modality); });
    std::printf("decompressed %lld codes (%s) to a %lld x %lld float32 matrix -> %s\n", static_cast<long long>(c.n),
                describe_layout(c.layout(), c.token_width).c_str(), static_cast<long long>(c.n),
                static_cast<long long>(dim), o->out.c_str());
  });
}

}  // namespace arfc::cli
