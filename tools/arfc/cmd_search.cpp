// `arfc search`: the k nearest stored codes of each query (cosine in the code space),
// without decoding the database: discrete tokens are scored by lookup tables
// (search/code_index.h).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/model/arfc_model.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/search/code_index.h"
#include "cli_checks.h"
#include "commands.h"
#include "model_dims.h"

namespace arfc::cli {

namespace {

// The code-space vectors of the queries: a code file of this model (symmetric search: its
// code_values) or features (asymmetric: the continuous code of `width` values).
Matrix query_values(const ArfcModel& model, const std::string& path, const std::string& model_path,
                    const std::string& tensor, int64_t modality, int64_t width) {
  if (is_code_file(path)) {
    const CodeSet q = read_code_file(path);
    const std::string other = fingerprint_mismatch(model, q.model_fingerprint, "--queries '" + path + "'", model_path);
    ARFC_CHECK(other.empty(), other, ". Hint: compress the queries with the same model.");
    Matrix values = model.code_values(q);
    ARFC_CHECK(values.d >= width, "--queries '", path, "': codes of ", values.d, " values, but the database codes are ",
               "compared on ", width, ". Hint: compress the queries to at least as many values as the database (or ",
               "pass features).");
    return values;
  }
  const int64_t dim = model_input_dim(model, modality, model_path, "--query-modality");
  ReadOptions ro;
  ro.tensor_name = tensor;
  const Matrix x = read_matrix(path, ro);  // refuses NaN and Inf, naming row and column
  ARFC_CHECK(x.d == dim, "--queries '", path, "': expected D = ", dim, " (the input dimension of model '", model_path,
             "'", (modality ? ", modality 1" : ""), "), got D = ", x.d,
             ". Hint: pass features of the kind the model was trained on, or a code file.");
  return model.encode(x, width, modality);
}

}  // namespace

void add_search_command(CLI::App& app) {
  struct Opts {
    std::string model, codes, queries, tensor, out, scores, device = "cpu";
    int64_t k = 10, query_modality = -1;
    int threads = 0;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "search",
      "Find the k stored codes nearest to each query (cosine in the code space, as arfc eval compares codes), "
      "without decoding the database: discrete tokens are scored by lookup tables. Writes row numbers [Q, k] "
      "as int64 .npy, best first.");
  sub->add_option("--model", o->model, "The ARFC model that compressed the codes")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--codes", o->codes, "Database: a code file (.arfc) of that model")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--queries", o->queries,
                  "Queries: features [Q, D] (.npy, .fvecs, .fbin, .safetensors; compared at full precision) or a "
                  "code file of the same model (compressed queries)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--tensor", o->tensor, "safetensors queries: name of the tensor to read");
  sub->add_option("--query-modality", o->query_modality,
                  "Modality of query features: 0, or 1 for the second modality of a crossmodal model (default: "
                  "the database codes' modality)")
      ->check(CLI::Range(0, 1));
  sub->add_option("-k,--k", o->k, "Neighbours per query")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
  sub->add_option("--out", o->out, "Output row numbers: int64 .npy [Q, k]")->required();
  sub->add_option("--scores", o->scores, "Also write their cosine similarities: float32 [Q, k] (.npy, .fbin, ...)");
  sub->add_option("--device", o->device, "Device for encoding feature queries: cpu, cuda, cuda:N or auto")
      ->capture_default_str();
  add_threads_option(sub, o->threads, "CPU threads");
  sub->callback([o] {
    const std::vector<std::pair<std::string, std::string>> inputs = {
        {"--model", o->model}, {"--codes", o->codes}, {"--queries", o->queries}};
    const std::string ext = std::filesystem::path(o->out).extension().string();
    ARFC_CHECK(ext == ".npy" || ext == ".NPY", "--out '", o->out,
               "': expected a .npy path for the int64 row numbers, got '", ext, "'.");
    check_output_file(o->out, inputs);
    if (!o->scores.empty()) {
      format_from_path(o->scores);  // an unknown extension fails here, before the work
      check_output_file(o->scores, inputs);
      ARFC_CHECK(o->scores != o->out, "--scores and --out name the same file '", o->out, "'.");
    }
    set_threads(o->threads);
    const ArfcModel model = ArfcModel::load(o->model, o->device);
    CodeSet db = read_code_file(o->codes);
    const std::string other = fingerprint_mismatch(model, db.model_fingerprint, "--codes '" + o->codes + "'", o->model);
    ARFC_CHECK(other.empty(), other, ". Hint: search with the model that compressed the codes.");
    const std::string layout = describe_layout(db.layout(), db.token_width);
    const int64_t modality = o->query_modality >= 0 ? o->query_modality : db.modality;
    const auto t0 = std::chrono::steady_clock::now();
    const CodeIndex index(model, std::move(db));
    const Matrix q = query_values(model, o->queries, o->model, o->tensor, modality, index.query_dim());
    const auto t1 = std::chrono::steady_clock::now();
    const SearchResult r = index.search(q, o->k);
    const double search_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const double prep_s = std::chrono::duration<double>(t1 - t0).count();
    if (r.k < o->k)
      log_warn("--k " + std::to_string(o->k) + " is more than the " + std::to_string(index.size()) +
               " stored codes: every row is returned, k = " + std::to_string(r.k));
    write_int64_matrix(o->out, r.ids, r.queries, r.k);
    if (!o->scores.empty()) {
      Matrix s(r.queries, r.k);
      s.data = r.scores;
      write_matrix(o->scores, s);
    }
    std::printf("searched %lld codes (%s) for %lld queries, k = %lld: %.3f s (%.0f queries/s; index and queries "
                "%.3f s) -> %s\n",
                static_cast<long long>(index.size()), layout.c_str(), static_cast<long long>(r.queries),
                static_cast<long long>(r.k), search_s, search_s > 0 ? double(r.queries) / search_s : 0.0, prep_s,
                o->out.c_str());
  });
}

}  // namespace arfc::cli
