// Search speed over stored codes at equal bytes: ARFC's CodeIndex (discrete tokens scored by
// lookup tables; with --dtype i8 or i4, values dequantised a block at a time and scored by
// a matrix product) against the same codes decoded to their code-space vectors first and
// searched by a matrix product, and against FAISS PQ's own search (IndexPQ, asymmetric
// distances: the lookup-table scheme), in one run.
//
//   code_search [--dim 256] [--rows 100000] [--queries 1000] [--k 10] [--bytes 2,4,8,16]
//               [--train-rows 8192] [--epochs 1] [--threads 1] [--min-time 1] [--dtype q8|i8|i4]
//               [--model M.arfc] [--save-model M.arfc]
//
// Clustered features (bench_data.h): the ARFC model (default configuration of the
// classification task, --epochs; or a saved one, --model) and PQ train on the first
// --train-rows rows of one draw, the database is --rows rows of a second draw, the queries
// the last --queries rows of the first draw (not trained on). Queries are searched
// asymmetrically: ARFC with their continuous code (model.encode at max_values, of which a
// continuous code's search reads its n values; its time is printed apart), PQ with the raw
// vectors. Per byte budget: queries/s of each search (best of >= 3 passes, >= --min-time s
// in all), the index's resident bytes per row, and how many of the index's k ids the
// decoded search returns (they differ by float rounding, and by the order of exactly tied
// rows: the decoded search's topk keeps any).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/model/arfc_model.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/search/code_index.h"
#include "arfc/train/train_arfc.h"
#include "bench_args.h"
#include "bench_data.h"

#ifdef ARFC_HAVE_FAISS
#include <faiss/IndexPQ.h>
#include <omp.h>
#endif

using namespace arfc;

namespace {

struct Args {
  std::string model, save_model;  // an ARFC model to use instead of training one; where to keep the trained one
  int64_t dim = 256, rows = 100000, queries = 1000, k = 10, train_rows = 8192, epochs = 1, threads = 1;
  std::vector<int64_t> bytes = {2, 4, 8, 16};
  std::string dtype = "q8";  // the database's storage: q8 (discrete tokens), i8 or i4 values
  double min_time = 1.0;
};

constexpr char kUsage[] =
    "usage: %s [--dim 256] [--rows 100000] [--queries 1000] [--k 10] [--bytes 2,4,8,16]\n"
    "          [--train-rows 8192] [--epochs 1] [--threads 1] [--min-time 1] [--dtype q8|i8|i4]\n"
    "          [--model M.arfc (instead of training; D = --dim)] [--save-model M.arfc]\n";

Args parse_args(int argc, char** argv) {
  Args a;
  auto num = [](int64_t& field) { return [&field](const std::string& v) { field = std::stoll(v); }; };
  bench::parse_options(argc, argv, kUsage,
                       {{"--model", [&](const std::string& v) { a.model = v; }},
                        {"--save-model", [&](const std::string& v) { a.save_model = v; }},
                        {"--bytes", [&](const std::string& v) { a.bytes = bench::int_list(v); }},
                        {"--dtype", [&](const std::string& v) { a.dtype = v; }},
                        {"--dim", num(a.dim)},
                        {"--rows", num(a.rows)},
                        {"--queries", num(a.queries)},
                        {"--k", num(a.k)},
                        {"--train-rows", num(a.train_rows)},
                        {"--epochs", num(a.epochs)},
                        {"--threads", num(a.threads)},
                        {"--min-time", [&](const std::string& v) { a.min_time = std::stod(v); }}});
  ARFC_CHECK(a.dtype == "q8" || a.dtype == "i8" || a.dtype == "i4", "--dtype: expected q8, i8 or i4, got ", a.dtype);
  ARFC_CHECK(a.dim >= 8 && a.rows >= 1 && a.queries >= 1 && a.k >= 1 && a.train_rows >= 512 && a.epochs >= 1 &&
                 a.threads >= 1 && a.min_time > 0 && !a.bytes.empty(),
             "expected --dim >= 8, --rows, --queries, --k, --epochs, --threads >= 1, --train-rows >= 512, "
             "--min-time > 0 and a --bytes list");
  return a;
}

// The decoded alternative: code-space vectors [N, m] held in memory, unit rows, scored by a
// matrix product (with the queries' first m values) and torch::topk per batch of queries.
std::vector<int64_t> decoded_search(const torch::Tensor& db_unit, const Matrix& q, int64_t k) {
  auto qt = to_tensor(q).narrow(1, 0, db_unit.size(1));
  qt = qt / qt.norm(2, 1, true).clamp_min(1e-30);
  std::vector<int64_t> ids;
  ids.reserve(size_t(q.n * k));
  for (int64_t s = 0; s < q.n; s += CodeIndex::kQueryBatch) {
    const int64_t e = std::min(q.n, s + CodeIndex::kQueryBatch);
    const auto top = std::get<1>(torch::mm(qt.slice(0, s, e), db_unit.t()).topk(k, 1)).contiguous();
    ids.insert(ids.end(), top.data_ptr<int64_t>(), top.data_ptr<int64_t>() + top.numel());
  }
  return ids;
}

std::string ratio_text(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string rate(double v) {
  char b[32];
  if (v >= 1e6) std::snprintf(b, sizeof b, "%.2f M", v / 1e6);
  else if (v >= 1e4) std::snprintf(b, sizeof b, "%.1f k", v / 1e3);
  else std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    set_threads(int(a.threads));
#ifdef ARFC_HAVE_FAISS
    omp_set_num_threads(int(a.threads));  // FAISS's search threads
#endif
    set_log_callback([](LogLevel l, const std::string&, const std::string& m) {
      if (l == LogLevel::Warn) std::fprintf(stderr, "warning: %s\n", m.c_str());
    });
    const FeatureSet train_draw = bench::clustered_set(std::max(a.rows, a.train_rows + a.queries), a.dim, 7);
    FeatureSet fs;
    fs.name = "code_search";
    fs.task = Task::Classification;
    fs.train_x = slice_rows(train_draw.train_x, 0, a.train_rows);
    fs.train_y.assign(train_draw.train_y.begin(), train_draw.train_y.begin() + a.train_rows);
    const Matrix db_x = slice_rows(train_draw.test_x, 0, a.rows);
    const Matrix q_x = slice_rows(train_draw.train_x, train_draw.train_x.n - a.queries, train_draw.train_x.n);
    nlohmann::json cfg = default_arfc_config(Task::Classification, a.dim);
    cfg["train"]["epochs"] = a.epochs;
    auto t0 = std::chrono::steady_clock::now();
    const ArfcModel model = a.model.empty() ? train_arfc(fs, cfg) : ArfcModel::load(a.model);
    ARFC_CHECK(model.input_dim() == a.dim, "--model '", a.model, "' has D = ", model.input_dim(), "; expected --dim ",
               a.dim);
    if (!a.save_model.empty()) model.save(a.save_model);
    const CodeGeometry g = model.geometry();
    std::printf("ARFC %s in %.0f s: D = %lld, %lld discrete tokens, code space V = %lld; database %lld rows, "
                "%lld queries, k = %lld, %lld thread(s)\n",
                a.model.empty() ? "trained" : "loaded", bench::seconds_since(t0), static_cast<long long>(a.dim), static_cast<long long>(g.discrete_tokens),
                static_cast<long long>(g.max_values()), static_cast<long long>(a.rows),
                static_cast<long long>(a.queries), static_cast<long long>(a.k), static_cast<long long>(a.threads));
    t0 = std::chrono::steady_clock::now();
    const Matrix q_full = model.encode(q_x, g.max_values());
    const double q_encode = double(a.queries) / bench::seconds_since(t0);
    std::printf("ARFC query encoding (continuous code, %lld values): %s queries/s\n\n",
                static_cast<long long>(g.max_values()), rate(q_encode).c_str());
    const StorageType st = parse_storage_type(a.dtype);
    std::printf("Database codes: %s (%s)\n\n", a.dtype.c_str(),
                st == StorageType::Q8 ? "discrete tokens, scored by lookup tables"
                                      : "values, dequantised a block at a time and scored by a matrix product");
    std::printf("| bytes | ARFC index (q/s) | ARFC decoded + matmul (q/s) | FAISS PQ (q/s) | index/decoded | "
                "index/pq | resident B/row index / decoded / pq | ids shared with decoded |\n");
    std::printf("|--:|--:|--:|--:|--:|--:|---|--:|\n");
    for (int64_t b : a.bytes) {
      if (st == StorageType::Q8 && (b < 1 || b > g.discrete_tokens)) {
        std::printf("| %lld | - (the model has %lld discrete tokens) | | | | | | |\n", static_cast<long long>(b),
                    static_cast<long long>(g.discrete_tokens));
        continue;
      }
      const int64_t values = st == StorageType::I4 ? 2 * b : b;
      if (st != StorageType::Q8 && (values > g.max_values() || (!g.value_level && values % g.token_width != 0))) {
        std::printf("| %lld | - (%lld %s values: not a code of this model) | | | | | | |\n",
                    static_cast<long long>(b), static_cast<long long>(values), a.dtype.c_str());
        continue;
      }
      const CodeIndex index(model, model.compress(db_x, make_layout(a.dim, values, st)));
      SearchResult lut_result;
      const double lut = bench::best_rate(a.queries, a.min_time, [&] { lut_result = index.search(q_full, a.k); });
      const Matrix decoded = model.code_values(index.codes());
      auto db_unit = to_tensor(decoded);
      db_unit = db_unit / db_unit.norm(2, 1, true).clamp_min(1e-30);
      std::vector<int64_t> dec_ids;
      const double dec = bench::best_rate(a.queries, a.min_time,
                                       [&] { dec_ids = decoded_search(db_unit, q_full, lut_result.k); });
      int64_t shared = 0;
      const int64_t k = lut_result.k;  // min(--k, --rows)
      for (int64_t i = 0; i < a.queries; ++i) {
        const std::set<int64_t> d(dec_ids.begin() + i * k, dec_ids.begin() + (i + 1) * k);
        for (int64_t j = 0; j < k; ++j) shared += d.count(lut_result.ids[size_t(i * k + j)]);
      }
      double pq = 0;
#ifdef ARFC_HAVE_FAISS
      if (a.dim % b == 0) {
        faiss::IndexPQ index_pq(a.dim, size_t(b), 8);
        index_pq.train(fs.train_x.n, fs.train_x.data.data());
        index_pq.add(db_x.n, db_x.data.data());
        std::vector<float> dist(size_t(a.queries * a.k));
        std::vector<int64_t> ids(size_t(a.queries * a.k));  // faiss idx_t
        pq = bench::best_rate(a.queries, a.min_time,
                           [&] { index_pq.search(q_x.n, q_x.data.data(), a.k, dist.data(), ids.data()); });
      }
#endif
      std::printf("| %lld | %s | %s | %s | %.2f | %s | %lld / %lld / %lld | %.1f%% |\n", static_cast<long long>(b),
                  rate(lut).c_str(), rate(dec).c_str(), pq > 0 ? rate(pq).c_str() : "-", lut / dec,
                  pq > 0 ? ratio_text(lut / pq).c_str() : "-", static_cast<long long>(b + 4),
                  static_cast<long long>(4 * decoded.d), static_cast<long long>(b),
                  100.0 * double(shared) / double(a.queries * lut_result.k));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
