// Encoding throughput at equal bytes: ARFC against PCA (f32/f16/i8 per budget), PCA + int8,
// FAISS PQ and FAISS RQ, for several input dimensions, in one run, with the ratios between
// them (machines are noisy: compare within a run, not across runs).
//
//   encode_throughput [--dims 256,768] [--ratios 8,32,64] [--rows 8192] [--threads 2]
//                     [--methods arfc,pca,pca+i8,pq,rq] [--epochs 1] [--min-time 1]
//                     [--device cpu] [--chunk-rows 0]
//
// For each D: clustered features with 10 classes (--rows training rows, as many test rows);
// every method is fitted once on the training rows (ARFC: the default model trained for
// --epochs; its discrete tokens and layouts are whatever training selected, as in use).
// Byte budgets: 4 D / ratio for each --ratios entry, plus the smallest budget each method
// reaches ("its highest ratio"); the bytes column is each method's stored size there. At
// each budget every method that reaches it encodes the test rows through the Codec
// interface the evaluation uses (the stored code and the vectors it stands for), except
// ARFC, timed on ArfcModel::compress at its layout, what `arfc compress` runs (see
// throughput()); vectors/s is the best of >= 3 timed passes of
// >= --min-time seconds in all. "arfc/x" = ARFC's vectors/s over
// method x's at that budget (> 1: ARFC encodes faster).
// --device cuda trains and runs ARFC on the GPU (the other methods stay on the CPU; the
// time includes the copies to and from the GPU). --chunk-rows 2048,65536 times ARFC once
// per entry, handing it that many rows per call, as `arfc compress --chunk-rows` does (0 =
// all rows in one call); the variant column names the chunk. --token-search 0:arc,1:base
// times ARFC's discrete-token codes once per entry (BEAM:SOURCE[:LOOKAHEAD], compress's
// TokenSearch: beam 0 = the model's, tokens of the model's default code, the arc or the
// base code, and optionally a beam's lookahead, else the model's; default 0:model), and
// its codes of values once per source named (no beam).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/core/text.h"
#include "arfc/core/matrix.h"
#include "arfc/eval/arfc_codec.h"
#include "arfc/eval/codec_factory.h"
#include "arfc/nn/tensor_util.h"
#include "bench_args.h"
#include "bench_data.h"

using namespace arfc;

namespace {

struct Args {
  std::vector<int64_t> dims = {256, 768};
  std::vector<double> ratios = {8, 32, 64};
  std::vector<std::string> methods = {"arfc", "pca", "pca+i8", "pq", "rq"};
  int64_t rows = 8192, threads = 2, epochs = 1;
  double min_time = 1.0;
  std::string device = "cpu";
  std::vector<int64_t> chunk_rows = {0};
  std::vector<TokenSearch> token_search = {TokenSearch{}};  // ARFC's discrete tokens: each entry timed
};

constexpr char kUsage[] =
    "usage: %s [--dims 256,768] [--ratios 8,32,64] [--rows 8192] [--threads 2]\n"
    "          [--methods arfc,pca,pca+i8,pq,rq] [--epochs 1] [--min-time 1]\n"
    "          [--device cpu|cuda] [--chunk-rows 0,2048,...] [--token-search 0:model,1:base,...]\n";

// "B:S[:L]" (beam B, 0 = the model's; source S = model, arc or base; lookahead L >= 0, else
// the model's) -> the TokenSearch it names.
TokenSearch parse_token_search(const std::string& v) {
  const auto parts = split_list(v, ':');
  ARFC_CHECK(parts.size() == 2 || parts.size() == 3,
             "--token-search: expected BEAM:SOURCE[:LOOKAHEAD] entries (SOURCE model, arc or base), got ", v);
  TokenSearch t{std::stoll(parts[0]), code_source_from_name(parts[1])};
  if (parts.size() == 3) {
    t.lookahead = std::stoll(parts[2]);
    ARFC_CHECK(t.lookahead >= 0, "--token-search: expected a LOOKAHEAD >= 0, got ", v);
  }
  return t;
}

std::string describe(const TokenSearch& t) {
  return (t.beam > 0 ? "beam " + std::to_string(t.beam) : std::string("own beam")) + ", " +
         code_source_name(t.source) + (t.lookahead >= 0 ? ", lookahead " + std::to_string(t.lookahead) : "");
}

Args parse_args(int argc, char** argv) {
  Args a;
  bench::parse_options(
      argc, argv, kUsage,
      {{"--dims", [&](const std::string& v) { a.dims = bench::int_list(v); }},
       {"--ratios",
        [&](const std::string& v) {
          a.ratios.clear();
          for (const auto& r : bench::string_list(v)) a.ratios.push_back(std::stod(r));
        }},
       {"--methods", [&](const std::string& v) { a.methods = bench::string_list(v); }},
       {"--rows", [&](const std::string& v) { a.rows = std::stoll(v); }},
       {"--threads", [&](const std::string& v) { a.threads = std::stoll(v); }},
       {"--epochs", [&](const std::string& v) { a.epochs = std::stoll(v); }},
       {"--min-time", [&](const std::string& v) { a.min_time = std::stod(v); }},
       {"--device", [&](const std::string& v) { a.device = v; }},
       {"--chunk-rows", [&](const std::string& v) { a.chunk_rows = bench::int_list(v); }},
       {"--token-search",
        [&](const std::string& v) {
          a.token_search.clear();
          for (const auto& t : bench::string_list(v)) a.token_search.push_back(parse_token_search(t));
        }}});
  ARFC_CHECK(a.rows >= 512 && a.threads >= 1 && a.epochs >= 1 && a.min_time > 0,
             "expected --rows >= 512, --threads >= 1, --epochs >= 1, --min-time > 0");
  ARFC_CHECK(!a.chunk_rows.empty() && *std::min_element(a.chunk_rows.begin(), a.chunk_rows.end()) >= 0,
             "expected --chunk-rows to list numbers >= 0");
  ARFC_CHECK(!a.token_search.empty(), "expected --token-search to list at least one BEAM:SOURCE");
  ARFC_CHECK(std::find(a.methods.begin(), a.methods.end(), "arfc") != a.methods.end(),
             "--methods must include arfc (the ratios are relative to it)");
  return a;
}

// Best vectors/s of >= 3 passes over x, >= min_time seconds in all (one untimed warm-up).
// ARFC is timed on what `arfc compress` runs for the budget (ArfcModel::compress at the
// codec's layout: only the tokens the code needs). Its evaluation codec instead encodes
// every row once at the full length, all discrete tokens included, and serves every ratio of
// a run from that cache, which is the wrong cost for one budget (and, cached, no cost).
// Every pass encodes: the cached encodings are dropped before each one.
// ARFC gets chunk_rows rows per call (0 = all) and finds discrete tokens by `search`.
double throughput(const Codec& codec, const Matrix& x, double min_time, CodecCache& cache, int64_t chunk_rows,
                  const TokenSearch& search) {
  const auto* arfc = dynamic_cast<const ArfcCodec*>(&codec);
  auto encode_rows = [&]() -> int64_t {
    if (!arfc) return codec.encode(x, 0).codes.n;
    if (chunk_rows <= 0 || chunk_rows >= x.n) return arfc->model()->compress(x, arfc->layout(), 0, search).n;
    int64_t n = 0;
    for (int64_t s = 0; s < x.n; s += chunk_rows)
      n += arfc->model()->compress(slice_rows(x, s, std::min(x.n, s + chunk_rows)), arfc->layout(), 0, search).n;
    return n;
  };
  cache.forget_encodings();
  encode_rows();
  double best = 0, total = 0;
  for (int pass = 0; pass < 3 || total < min_time; ++pass) {
    cache.forget_encodings();
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t n = encode_rows();
    const double s = bench::seconds_since(t0);
    ARFC_CHECK(n == x.n, "encode returned ", n, " rows for ", x.n);
    total += s;
    best = std::max(best, double(x.n) / s);
  }
  return best;
}

struct Measured {
  int64_t bytes = 0;
  std::string variant;
  double vectors_per_s = 0;
};

// The codec of `method` at the ratio 4 D / bytes, fitted; nullptr when the method cannot
// reach it. Its stored size is what the evaluation would give it (the ratio tolerance of
// docs/FORMAT.md can add a byte), printed beside its speed.
std::unique_ptr<Codec> fitted_codec(const std::string& method, int64_t bytes, const FeatureSet& fs,
                                    CodecCache& cache) {
  const double ratio = 4.0 * double(fs.train_x.d) / double(bytes);
  std::unique_ptr<Codec> c;
  try {
    c = make_codec(method, ratio, fs.train_x.d, cache);
  } catch (const Error&) {
    return nullptr;
  }
  c->fit(fs);
  return c;
}

// Smallest budget (bytes per vector) at which `method` builds a code, searching 1..4D.
int64_t smallest_budget(const std::string& method, int64_t dim, CodecCache& cache) {
  for (int64_t b = 1; b <= 4 * dim; b = b < 8 ? b + 1 : b * 2) {
    try {
      if (make_codec(method, 4.0 * double(dim) / double(b), dim, cache)->bytes_per_vector() <= b) return b;
    } catch (const Error&) {
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    set_log_callback([](LogLevel, const std::string&, const std::string&) {});
    set_threads(int(args.threads));
    std::printf("# encode throughput, vectors/s (Codec::encode), %lld threads, %lld rows per pass, "
                "best of >= 3 passes; ARFC on %s\n", (long long)args.threads, (long long)args.rows,
                args.device.c_str());
    std::printf("%-5s %-7s %-6s %-8s %-32s %12s %8s\n", "D", "ratio", "bytes", "method", "variant", "vectors/s",
                "arfc/x");
    for (int64_t dim : args.dims) {
      const FeatureSet fs = bench::clustered_set(args.rows, dim, uint64_t(dim));
      CodecCache cache;
      cache.seed = 0;
      cache.epochs = args.epochs;
      cache.threads = args.threads;
      cache.device = args.device;
      std::set<int64_t, std::greater<>> budgets;
      for (double r : args.ratios) budgets.insert(std::max<int64_t>(1, int64_t(4.0 * double(dim) / r)));
      for (const auto& m : args.methods)
        if (int64_t b = smallest_budget(m, dim, cache)) budgets.insert(b);
      for (int64_t b : budgets) cache.ratios.push_back(4.0 * double(dim) / double(b));
      const auto t0 = std::chrono::steady_clock::now();
      for (int64_t b : budgets) {
        // ARFC once per --chunk-rows entry and, for discrete tokens, per --token-search entry
        // ("arfc" = the first, the base of arfc/x).
        std::vector<std::pair<std::string, Measured>> row;
        for (const auto& m : args.methods) {
          auto codec = fitted_codec(m, b, fs, cache);
          if (!codec) continue;
          const auto* arfc = dynamic_cast<const ArfcCodec*>(codec.get());
          const bool q8 = arfc && arfc->layout().dtype == StorageType::Q8;
          // ARFC's searches here: every --token-search entry for discrete tokens; for values
          // (no beam) each source once.
          std::vector<TokenSearch> searches = {TokenSearch{}};
          if (q8) searches = args.token_search;
          if (arfc && !q8) {
            searches.clear();
            for (const TokenSearch& t : args.token_search)
              if (std::none_of(searches.begin(), searches.end(),
                               [&](const TokenSearch& u) { return u.source == t.source; }))
                searches.push_back(TokenSearch{0, t.source});
          }
          for (size_t c = 0; c < (arfc ? args.chunk_rows.size() : 1); ++c) {
            for (const TokenSearch& search : searches) {
              const int64_t chunk = arfc ? args.chunk_rows[c] : 0;
              std::string variant = codec->variant();
              if (arfc && args.chunk_rows.size() > 1) variant += chunk > 0 ? " /" + std::to_string(chunk) : " /all";
              if (q8 && args.token_search.size() > 1) variant += " (" + describe(search) + ")";
              if (!q8 && searches.size() > 1) variant += std::string(" (") + code_source_name(search.source) + ")";
              row.push_back({m, {codec->bytes_per_vector(), variant,
                                 throughput(*codec, fs.test_x, args.min_time, cache, chunk, search)}});
            }
          }
        }
        const auto arfc = std::find_if(row.begin(), row.end(), [](const auto& r) { return r.first == "arfc"; });
        for (const auto& [m, r] : row) {
          char rel[32] = "-";
          if (arfc != row.end()) std::snprintf(rel, sizeof rel, "%.3f", arfc->second.vectors_per_s / r.vectors_per_s);
          char ratio[16];
          std::snprintf(ratio, sizeof ratio, "%gx", 4.0 * double(dim) / double(b));
          std::printf("%-5lld %-7s %-6lld %-8s %-32s %12.0f %8s\n", (long long)dim, ratio, (long long)r.bytes,
                      m.c_str(), r.variant.c_str(), r.vectors_per_s, rel);
        }
        std::fflush(stdout);
      }
      std::fprintf(stderr, "D = %lld done in %.0f s (training included)\n", (long long)dim, bench::seconds_since(t0));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "encode_throughput: %s\n", e.what());
    return 1;
  }
}
