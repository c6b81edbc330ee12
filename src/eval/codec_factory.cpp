// The method table behind make_codec(). To add a method: include its header and add one
// CodecEntry line to kEntries (its sources go to the CMakeLists of its module).
#include "arfc/eval/codec_factory.h"

#include <algorithm>
#include <sstream>

#include "arfc/baselines/learned_codec.h"
#include "arfc/baselines/pca.h"
#include "arfc/baselines/random_projection.h"
#include "arfc/baselines/scalar_quant.h"
#include "arfc/baselines/truncation.h"
#include "arfc/core/error.h"
#include "arfc/eval/arfc_codec.h"
#ifdef ARFC_HAVE_FAISS
#include "arfc/baselines/product_quant.h"
#endif

namespace arfc {
namespace {

using Made = std::unique_ptr<Codec>;

CodecEntry scalar(const char* prefix, const char* what, double native, ScalarQuant q) {
  return {prefix, what, native, false,
          [q](const CodecRequest& r) -> Made { return std::make_unique<ScalarQuantCodec>(q, r.input_dim); }};
}

std::vector<CodecEntry> make_entries() {
  return {
      {"pca", "PCA, one model for every size; floor(D/R) float32 coefficients; cosine", 0, false,
       [](const CodecRequest& r) -> Made { return std::make_unique<PcaCodec>(r.ratio, r.input_dim, *r.cache); }},
      {"rp", "seeded Gaussian random projection to floor(D/R) float32 values; cosine", 0, false,
       [](const CodecRequest& r) -> Made {
         return std::make_unique<RandomProjectionCodec>(r.ratio, r.input_dim, *r.cache);
       }},
      {"trunc", "first floor(D/R) dimensions as float32; cosine", 0, false,
       [](const CodecRequest& r) -> Made { return std::make_unique<TruncationCodec>(r.ratio, r.input_dim); }},
      scalar("f16", "float16 per value (2x); cosine", 2, ScalarQuant::F16),
      scalar("i8", "per-dimension affine int8 (4x); cosine", 4, ScalarQuant::I8),
      scalar("i4", "per-dimension affine int4 (8x); cosine", 8, ScalarQuant::I4),
      scalar("bin", "sign of the mean-centred value, 1 bit (32x); Hamming", 32, ScalarQuant::Bin),
#ifdef ARFC_HAVE_FAISS
      {"pq", "FAISS product quantisation, M x 8 bits (M | D); asymmetric L2", 0, false,
       [](const CodecRequest& r) -> Made {
         return std::make_unique<ProductQuantCodec>(r.ratio, r.input_dim, false, *r.cache);
       }},
      {"opq", "FAISS OPQ rotation + product quantisation; asymmetric L2", 0, false,
       [](const CodecRequest& r) -> Made {
         return std::make_unique<ProductQuantCodec>(r.ratio, r.input_dim, true, *r.cache);
       }},
#endif
      // Learned methods (ae, qformer, mrl, arfc) register here, one line each.
      {"ae", "dedicated MLP autoencoder per ratio (ARFC's losses and training); floor(D/R) float32; cosine", 0, false, [](const CodecRequest& r) -> Made { return std::make_unique<LearnedCodec>(LearnedMethod::AutoEncoder, r.ratio, r.input_dim, *r.cache); }},
      {"qformer", "dedicated Q-Former per ratio (learned queries, ARFC's blocks and training); floor(D/R) float32; cosine", 0, false, [](const CodecRequest& r) -> Made { return std::make_unique<LearnedCodec>(LearnedMethod::QFormer, r.ratio, r.input_dim, *r.cache); }},
      {"mrl", "Matryoshka adaptor, one model with nested prefix losses; floor(D/R) float32; cosine", 0, false, [](const CodecRequest& r) -> Made { return std::make_unique<LearnedCodec>(LearnedMethod::Matryoshka, r.ratio, r.input_dim, *r.cache); }},
      {"arfc", "ARFC: 'arfc' trains in process, 'arfc:PATH' loads a model; f32/f16/i8 codes by choose_layout; cosine", 0, true, [](const CodecRequest& r) -> Made { return std::make_unique<ArfcCodec>(r.argument, r.ratio, r.input_dim, *r.cache); }},
  };
}

struct Group {
  const char* name;
  std::vector<std::string> members;
};
const std::vector<Group>& groups() {
  static const std::vector<Group> g = {
      {"ptq", {"f16", "i8", "i4", "bin"}},
  };
  return g;
}

std::string prefix_of(const std::string& spec) { return spec.substr(0, spec.find(':')); }

std::string accepted_list() {
  std::string s;
  for (const auto& e : codec_registry()) s += (s.empty() ? "" : ", ") + e.prefix + (e.argument_allowed ? "[:ARG]" : "");
  for (const auto& g : groups()) s += std::string(", ") + g.name;
  return s;
}

}  // namespace

const std::vector<CodecEntry>& codec_registry() {
  static const std::vector<CodecEntry> table = make_entries();
  return table;
}

const CodecEntry* find_codec_entry(const std::string& spec) {
  const std::string p = prefix_of(spec);
  for (const auto& e : codec_registry())
    if (e.prefix == p) return &e;
  return nullptr;
}

std::vector<std::string> parse_method_list(const std::string& list) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    ARFC_CHECK(!item.empty(), "--methods '", list, "': empty entry. Hint: separate methods by single commas, e.g. pca,rp,ptq.");
    bool grouped = false;
    for (const auto& g : groups())
      if (item == g.name) {
        for (const auto& m : g.members) add(m);
        grouped = true;
      }
    if (grouped) continue;
    const CodecEntry* e = find_codec_entry(item);
    ARFC_CHECK(e != nullptr, "--methods: unknown method '", item, "'; accepted: ", accepted_list(), ".");
    ARFC_CHECK(e->argument_allowed || item.find(':') == std::string::npos, "--methods: method '",
               e->prefix, "' takes no argument, got '", item, "'. Hint: write just '", e->prefix, "'.");
    ARFC_CHECK(item.find(':') == std::string::npos || item.size() > e->prefix.size() + 1, "--methods: '",
               item, "' has an empty argument. Hint: write '", e->prefix, "' or '", e->prefix, ":VALUE'.");
    add(item);
  }
  ARFC_CHECK(!out.empty(), "--methods is empty; accepted: ", accepted_list(), ".");
  return out;
}

std::string describe_methods() {
  std::string s;
  for (const auto& e : codec_registry()) s += "  " + e.prefix + (e.argument_allowed ? "[:ARG]" : "") + ": " + e.description + "\n";
  for (const auto& g : groups()) {
    s += std::string("  ") + g.name + ": all of";
    for (const auto& m : g.members) s += " " + m;
    s += "\n";
  }
  return s;
}

std::unique_ptr<Codec> make_codec(const std::string& spec, double ratio, int64_t input_dim, CodecCache& cache) {
  const CodecEntry* e = find_codec_entry(spec);
  ARFC_CHECK(e != nullptr, "unknown method '", spec, "'; accepted: ", accepted_list(), ".");
  ARFC_CHECK(e->argument_allowed || spec.find(':') == std::string::npos, "method '", e->prefix,
             "' takes no argument, got '", spec, "'.");
  ARFC_CHECK(input_dim >= 1, spec, ": input dimension must be >= 1, got ", input_dim, ".");
  CodecRequest r;
  r.spec = spec;
  auto colon = spec.find(':');
  r.argument = colon == std::string::npos ? "" : spec.substr(colon + 1);
  r.ratio = e->native_ratio > 0 ? e->native_ratio : ratio;
  r.input_dim = input_dim;
  r.cache = &cache;
  return e->make(r);
}

}  // namespace arfc
