// `arfc compress`: features -> stored codes at a ratio, token count or byte budget.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/model/arfc_model.h"
#include "arfc/model/token_codebooks.h"
#include "budget_options.h"
#include "chunk_rows.h"
#include "cli_checks.h"
#include "commands.h"
#include "model_dims.h"

namespace arfc::cli {

void add_compress_command(CLI::App& app) {
  struct Opts {
    std::string model, in, out, tensor, device = "cpu";
    BudgetOptions budget;
    int64_t modality = 0;
    int threads = 0;
    int64_t chunk_rows = kDefaultChunkRows;
    int64_t beam = 0;  // 0: the model's
    int64_t lookahead = -1;  // -1: the model's
    std::string tokens_from;  // "": the model's code source
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "compress",
      "Compress features to codes at a ratio, token count or byte budget. The achieved layout (tokens, values, "
      "storage type, bytes/vector, ratio) is printed and stored in the code file.");
  sub->add_option("--model", o->model, "Trained ARFC model (written by arfc train)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--in", o->in, "Features [N, D] float32: .npy, .fvecs, .fbin or .safetensors")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--tensor", o->tensor, "safetensors: name of the tensor to read (default: the only 2-D one)");
  sub->add_option("--out", o->out, "Output code file (.arfc)")->required();
  o->budget.add_to(sub, "Default: the model's rule for the budget (discrete tokens below the model's discrete_tokens bytes, else the best of f32/f16/i8; f32 for --tokens)");
  sub->add_option("--modality", o->modality, "0, or 1 for the second modality of a crossmodal model")->capture_default_str()
      ->check(CLI::Range(0, 1));
  sub->add_option("--device", o->device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  add_threads_option(sub, o->threads, "CPU threads for libtorch");
  sub->add_option("--beam", o->beam,
                  "Discrete-token (q8) codes: candidates per row the token search keeps, 1 (greedy: fastest, codes a "
                  "little coarser) to 256. Default: the model's (token_beam in `arfc info --format json M`). The "
                  "model decodes codes of any beam")
      ->check(CLI::Range(int64_t(1), kMaxBeam));
  sub->add_option("--lookahead", o->lookahead,
                  "Discrete-token codes searched with a beam: how many tokens later the search decides each token "
                  "(a code of n tokens runs n + L search steps; smaller is faster, codes a little coarser; 0 = after "
                  "the last token the model holds). Default: the model's (token_lookahead in `arfc info --format json "
                  "M`). Codes of one setting keep the prefix property among themselves")
      ->check(CLI::Range(int64_t(0), int64_t(4096)));
  sub->add_option("--tokens-from", o->tokens_from,
                  "Where the code's tokens come from: arc (the model's full code) or base (its base code alone, "
                  "without running the transformer: 50-100x faster on the CPU). Stored as values, or quantised by "
                  "the discrete tokens of q8 codes. Default: the model's choice, measured on held-out rows when it "
                  "was trained (code_source in `arfc info --format json M`). Speed and search quality of both in "
                  "docs/DESIGN.md, \"Encoding effort\"")
      ->check(CLI::IsMember({"arc", "base"}));
  add_chunk_rows_option(sub, o->chunk_rows);
  sub->add_flag("--json", o->json, "Print the written file's description as JSON instead of a summary line");
  sub->callback([o] {
    check_output_file(o->out, {{"--model", o->model}, {"--in", o->in}});
    set_threads(o->threads);
    const ArfcModel model = ArfcModel::load(o->model, o->device);
    const int64_t dim = model_input_dim(model, o->modality, o->model);
    CodeGeometry g = model.geometry();
    g.input_dim = dim;  // the ratio is relative to the features actually compressed
    const CodeLayout layout = choose_layout(g, o->budget.budget());
    const TokenSearch search{o->beam,
                             o->tokens_from.empty() ? CodeSource::Model : code_source_from_name(o->tokens_from),
                             o->lookahead};
    if (search.source == CodeSource::Base)
      (void)model.base_code(Matrix(0, dim), o->modality);  // a model without a base: the error, before any work
    if ((search.beam > 0 || search.lookahead >= 0) && layout.dtype != StorageType::Q8)
      log_warn(std::string(search.beam > 0 && search.lookahead >= 0 ? "--beam and --lookahead apply"
                           : search.beam > 0                         ? "--beam applies"
                                                                     : "--lookahead applies") +
               " to discrete-token codes; this code (" +
               describe_layout(layout, g.token_width) + ") stores values and has no token search, so it changes nothing.");
    else if (search.lookahead >= 0 && model.token_search(search).beam == 1)
      log_warn("--lookahead applies to a beam search; these tokens are searched greedily, so it changes nothing.");
    if (layout.bytes_per_vector > 4 * dim)
      log_warn("the requested code (" + describe_layout(layout, g.token_width) + ") is larger than the " +
               std::to_string(4 * dim) + "-byte float32 input vector" + (o->modality ? " of modality 1" : "") +
               ". Hint: ask for fewer --tokens or a narrower --dtype.");

    ReadOptions ro;
    ro.tensor_name = o->tensor;
    const MatrixShape shape = read_matrix_shape(o->in, ro);
    ARFC_CHECK(shape.d == dim, "--in '", o->in, "': expected D = ", dim, " (the input dimension of model '", o->model,
               "'", (o->modality ? ", modality 1" : ""), "), got D = ", shape.d, " ([", shape.n, ", ", shape.d,
               "]). Hint: compress features of the kind the model was trained on.");
    int64_t chunk_rows = whole_batches(o->chunk_rows);
    // Models without a stored int8 calibration fit the scales on the whole file: one chunk.
    if (layout.dtype == StorageType::I8 && !model.calibrated()) {
      log_warn("model '" + o->model + "' stores no int8 calibration (written by an older version): int8 scales "
               "are fitted on this file, so codes depend on the file and the whole file is read into memory. "
               "Hint: retrain to get calibrated codes.");
      chunk_rows = std::max<int64_t>(shape.n, 1);
    }
    // Out of core: one chunk of features and its codes in memory at a time; the code file
    // is streamed to a temporary and renamed into place only once every row is written.
    Progress progress("compress", shape.n, 10.0);
    std::unique_ptr<CodeFileWriter> writer;
    CodeSet first;  // the layout of the written codes (for the summary)
    auto write = [&](const CodeSet& c) {
      ARFC_ASSERT(c.n_values == layout.n_values && c.dtype == layout.dtype, "compress returned ", c.n_values, " ",
                  storage_name(c.dtype), " values, expected ", layout.n_values);
      if (!writer) {
        writer = std::make_unique<CodeFileWriter>(o->out, c, shape.n);
        first = c;
        first.payload.clear();
      }
      writer->append(c);
    };
    read_matrix_chunks(o->in, ro, chunk_rows, [&](int64_t row0, const Matrix& rows) {
      write(model.compress(rows, layout, o->modality, search));
      progress.update(row0 + rows.n);
    });
    if (!writer) write(model.compress(Matrix(0, dim), layout, o->modality, search));  // an empty file
    writer->commit();
    progress.finish(std::to_string(shape.n) + " vectors");
    const CodeSet& c = first;
    if (o->json) {
      std::printf("%s\n", describe_code_file(o->out).dump(2).c_str());
    } else {
      // How the codes were made: which code they come from and, for tokens, the search.
      const TokenSearch used = model.token_search(search);
      const std::string code = used.source == CodeSource::Base ? "base code" : "ARC code";
      const int64_t beam = used.beam, lookahead = used.lookahead;
      const std::string made = layout.dtype != StorageType::Q8 ? "values of the " + code
                               : beam == 1 ? "greedy tokens of the " + code
                                           : "tokens of the " + code + ", beam " + std::to_string(beam) +
                                                 (lookahead > 0 ? ", lookahead " + std::to_string(lookahead)
                                                                : ", decided after the last token");
      std::printf("compressed %lld vectors (D=%lld) to %s (%s) -> %s\n", static_cast<long long>(shape.n),
                  static_cast<long long>(dim), describe_layout(c.layout(), c.token_width).c_str(), made.c_str(),
                  o->out.c_str());
    }
  });
}

}  // namespace arfc::cli
