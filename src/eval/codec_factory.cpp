// The method table behind make_codec(). To add a method: include its header and add one
// CodecEntry line to make_entries() (its sources go to the CMakeLists of its module).
#include "arfc/eval/codec_factory.h"

#include <algorithm>

#include "arfc/baselines/learned_codec.h"
#include "arfc/baselines/pca.h"
#include "arfc/baselines/rabitq.h"
#include "arfc/baselines/random_projection.h"
#include "arfc/baselines/scalar_quant.h"
#include "arfc/baselines/truncation.h"
#include "arfc/core/error.h"
#include "arfc/core/text.h"
#include "arfc/eval/arfc_codec.h"
#include "arfc/io/atomic_file.h"
#ifdef ARFC_HAVE_FAISS
#include "arfc/baselines/product_quant.h"
#include "arfc/baselines/residual_quant.h"
#endif

namespace arfc {
namespace {

using Made = std::unique_ptr<Codec>;
using Make = std::function<Made(const CodecRequest&)>;

// A float codec: a transform whose values take f32/f16/i8 storage ("pca+i8").
// Discrete tokens (q8) are ARFC's own storage: "arfc", "arfc-arc", "arfc-base".
bool stores_discrete(const CodecEntry& e) { return e.prefix.rfind("arfc", 0) == 0; }

CodecEntry floating(const std::string& prefix, const char* what, Make make, bool argument = false) {
  CodecEntry e{prefix, what, 0, nullptr, argument, true, std::move(make)};
  return e;
}
CodecEntry scalar(const char* prefix, const char* what, double native, ScalarQuant q) {
  return {prefix, what, native, nullptr, false, false,
          [q](const CodecRequest& r) -> Made { return std::make_unique<ScalarQuantCodec>(q, r.input_dim); }};
}
CodecEntry quantizer(const char* prefix, const char* what, Make make, bool argument = false) {
  return {prefix, what, 0, nullptr, argument, false, std::move(make)};
}

std::vector<CodecEntry> make_entries() {
  std::vector<CodecEntry> e = {
      floating("pca", "PCA, one model for every size; leading components; cosine",
               [](const CodecRequest& r) -> Made {
                 return std::make_unique<PcaCodec>(r.ratio, r.input_dim, *r.cache, r.dtype);
               }),
      floating("rp", "seeded Gaussian random projection; cosine", [](const CodecRequest& r) -> Made {
        return std::make_unique<RandomProjectionCodec>(r.ratio, r.input_dim, *r.cache, r.dtype);
      }),
      floating("trunc", "first dimensions of the feature; cosine", [](const CodecRequest& r) -> Made {
        return std::make_unique<TruncationCodec>(r.ratio, r.input_dim, r.dtype);
      }),
      scalar("f16", "float16 per value (2x); cosine", 2, ScalarQuant::F16),
      scalar("i8", "per-dimension affine int8 (4x); cosine", 4, ScalarQuant::I8),
      scalar("i4", "per-dimension affine int4 (8x); cosine", 8, ScalarQuant::I4),
      scalar("bin", "sign of the mean-centred value, 1 bit (32x); Hamming", 32, ScalarQuant::Bin),
  };
  CodecEntry rabitq{"rabitq", "RaBitQ: 1 bit per dimension after a random rotation + 2 f16 factors; cosine (decoded)",
                    0, [](int64_t d) { return RabitqCodec::native_ratio(d); }, false, false,
                    [](const CodecRequest& r) -> Made { return std::make_unique<RabitqCodec>(r.input_dim, *r.cache); }};
  e.push_back(rabitq);
#ifdef ARFC_HAVE_FAISS
  e.push_back(quantizer("pq", "FAISS product quantisation, M x 8 bits (M | D); L2 (decoded)",
                        [](const CodecRequest& r) -> Made {
                          return std::make_unique<ProductQuantCodec>(r.ratio, r.input_dim, false, *r.cache);
                        }));
  e.push_back(quantizer("opq", "FAISS OPQ rotation + product quantisation; L2 (decoded)",
                        [](const CodecRequest& r) -> Made {
                          return std::make_unique<ProductQuantCodec>(r.ratio, r.input_dim, true, *r.cache);
                        }));
  e.push_back(quantizer(
      "rq", "FAISS residual quantisation, one model truncated byte by byte ('rq:per-size': one per size); L2 (decoded)",
      [](const CodecRequest& r) -> Made {
        return std::make_unique<ResidualQuantCodec>(r.ratio, r.input_dim, *r.cache, r.argument == "per-size");
      },
      true));
  e.back().check_argument = [](const std::string& spec, const std::string& arg) {
    ARFC_CHECK(arg == "per-size", "method '", spec, "': unknown argument '", arg, "'; expected rq or rq:per-size.");
  };
#endif
  // Learned methods (ae, qformer, mrl, arfc): float codecs too.
  e.push_back(floating("ae", "dedicated MLP autoencoder per ratio (ARFC's losses and training); cosine",
                       [](const CodecRequest& r) -> Made {
                         return std::make_unique<LearnedCodec>(LearnedMethod::AutoEncoder, r.ratio, r.input_dim,
                                                               *r.cache, r.dtype);
                       }));
  e.push_back(floating("qformer", "dedicated Q-Former per ratio (learned queries, ARFC's blocks); cosine",
                       [](const CodecRequest& r) -> Made {
                         return std::make_unique<LearnedCodec>(LearnedMethod::QFormer, r.ratio, r.input_dim,
                                                               *r.cache, r.dtype);
                       }));
  e.push_back(floating("mrl", "Matryoshka adaptor, one model with nested prefix losses; cosine",
                       [](const CodecRequest& r) -> Made {
                         return std::make_unique<LearnedCodec>(LearnedMethod::Matryoshka, r.ratio, r.input_dim,
                                                               *r.cache, r.dtype);
                       }));
  // ARFC, one model per run: its default code ("arfc") and either code forced.
  const std::pair<CodeSource, const char*> arfc_methods[] = {
      {CodeSource::Model,
       "ARFC: 'arfc' trains in process, 'arfc:PATH' loads a model; codes as `arfc compress` makes them by default "
       "(the model's code source); cosine"},
      {CodeSource::Arc,
       "ARFC's model (shared with 'arfc' in a run) encoding its full ARC code (`compress --tokens-from arc`); cosine"},
      {CodeSource::Base,
       "ARFC's model (shared with 'arfc' in a run) encoding its base code, the transformer not run (`compress "
       "--tokens-from base`); cosine"}};
  for (const auto& [source, what] : arfc_methods) {
    e.push_back(floating(ArfcCodec::method_name(source), what,
                         [source = source](const CodecRequest& r) -> Made {
                           return std::make_unique<ArfcCodec>(r.argument, r.ratio, r.input_dim, *r.cache, r.dtype,
                                                              source);
                         },
                         true));
    e.back().check_argument = [](const std::string& spec, const std::string& path) {
      regular_file_size(path, "model file of method '" + spec + "':");
    };
  }
  return e;
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

struct SpecParts {
  std::string prefix, storage, argument;
  bool has_storage = false, has_argument = false;
};

// "<prefix>[+<storage>][:<argument>]"; the argument (a path) may itself hold '+'.
SpecParts split_spec(const std::string& spec) {
  SpecParts p;
  const auto colon = spec.find(':');
  const std::string head = spec.substr(0, colon);
  if (colon != std::string::npos) {
    p.has_argument = true;
    p.argument = spec.substr(colon + 1);
  }
  const auto plus = head.find('+');
  p.prefix = head.substr(0, plus);
  if (plus != std::string::npos) {
    p.has_storage = true;
    p.storage = head.substr(plus + 1);
  }
  return p;
}

std::string accepted_list() {
  std::string s;
  for (const auto& e : codec_registry())
    s += (s.empty() ? "" : ", ") + e.prefix + (e.storage_axis ? "[+f32|f16|i8|i4]" : "") + (e.argument_allowed ? "[:ARG]" : "");
  for (const auto& g : groups()) s += std::string(", ") + g.name;
  return s;
}

// Validates everything but the argument's meaning; returns the entry.
const CodecEntry& checked_entry(const std::string& spec, const char* where) {
  const SpecParts p = split_spec(spec);
  const CodecEntry* e = find_codec_entry(spec);
  ARFC_CHECK(e != nullptr, where, "unknown method '", spec, "'; accepted: ", accepted_list(), ".");
  ARFC_CHECK(e->argument_allowed || !p.has_argument, where, "method '", e->prefix, "' takes no argument, got '", spec,
             "'. Hint: write just '", e->prefix, "'.");
  ARFC_CHECK(!p.has_argument || !p.argument.empty(), where, "'", spec, "' has an empty argument. Hint: write '",
             e->prefix, "' or '", e->prefix, ":VALUE'.");
  if (p.has_argument && e->check_argument) e->check_argument(spec, p.argument);
  ARFC_CHECK(e->storage_axis || !p.has_storage, where, "method '", e->prefix,
             "' has no storage variants (it stores its own codes), got '", spec, "'. Hint: write just '", e->prefix,
             "'.");
  const bool discrete_ok = stores_discrete(*e);
  ARFC_CHECK(!p.has_storage || p.storage == "f32" || p.storage == "f16" || p.storage == "i8" || p.storage == "i4" ||
                 (discrete_ok && p.storage == "q8"),
             where, "method '", spec, "': unknown storage '", p.storage, "'; expected f32, f16, i8 or i4",
             (discrete_ok ? " or q8 (discrete tokens)" : ""), " (e.g. ", e->prefix, "+i8).");
  return *e;
}

}  // namespace

const std::vector<CodecEntry>& codec_registry() {
  static const std::vector<CodecEntry> table = make_entries();
  return table;
}

const CodecEntry* find_codec_entry(const std::string& spec) {
  const std::string p = split_spec(spec).prefix;
  for (const auto& e : codec_registry())
    if (e.prefix == p) return &e;
  return nullptr;
}

std::vector<std::string> parse_method_list(const std::string& list) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const std::string& item : split_list(list)) {
    ARFC_CHECK(!item.empty(), "--methods '", list, "': empty entry. Hint: separate methods by single commas, e.g. pca,rp,ptq.");
    bool grouped = false;
    for (const auto& g : groups())
      if (item == g.name) {
        for (const auto& m : g.members) add(m);
        grouped = true;
      }
    if (grouped) continue;
    checked_entry(item, "--methods: ");
    add(item);
  }
  ARFC_CHECK(!out.empty(), "--methods is empty; accepted: ", accepted_list(), ".");
  return out;
}

std::string describe_methods() {
  std::string s;
  for (const auto& e : codec_registry()) {
    s += "  " + e.prefix + (e.storage_axis ? (stores_discrete(e) ? "[+f32|f16|i8|i4|q8]" : "[+f32|f16|i8|i4]") : "") +
         (e.argument_allowed ? "[:ARG]" : "") + ": " + e.description + "\n";
  }
  for (const auto& g : groups()) {
    s += std::string("  ") + g.name + ": all of";
    for (const auto& m : g.members) s += " " + m;
    s += "\n";
  }
  s += "  Float codecs without +STORAGE pick f32/f16/i8/i4 per budget by ARFC's rule (the largest code\n"
       "  that fits; ties to more values at lower precision); int8/int4 scales are fitted on training rows. ARFC\n"
       "  serves budgets of at most model.discrete_tokens bytes with discrete tokens (q8, one byte each).\n";
  return s;
}

std::unique_ptr<Codec> make_codec(const std::string& spec, double ratio, int64_t input_dim, CodecCache& cache) {
  const CodecEntry& e = checked_entry(spec, "");
  ARFC_CHECK(input_dim >= 1, spec, ": input dimension must be >= 1, got ", input_dim, ".");
  const SpecParts p = split_spec(spec);
  CodecRequest r;
  r.spec = spec;
  r.argument = p.argument;
  if (p.has_storage) r.dtype = parse_storage_type(p.storage);
  r.ratio = e.fixed_rate() ? e.fixed_ratio(input_dim) : ratio;
  r.input_dim = input_dim;
  r.cache = &cache;
  return e.make(r);
}

}  // namespace arfc
