// The registry behind make_codec(): one entry per method prefix. Adding a method means
// adding one line to the table in src/eval/codec_factory.cpp (and its sources to the
// CMakeLists of its module).
//
// A spec is "<prefix>[+<storage>][:<argument>]":
//   storage   f32 | f16 | i8, for float codecs only (FAISS's "PCA16,SQ8" is "pca+i8");
//             without it a float codec picks its storage per budget (choose_layout)
//   argument  "arfc:model.arfc", "rq:per-size"
// Method groups expand to several specs ("ptq" -> "f16,i8,i4,bin").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"
#include "arfc/codes/ratio.h"

namespace arfc {

struct CodecRequest {
  std::string spec;       // the whole spec as the user wrote it
  std::string argument;   // text after ":", "" if none
  std::optional<StorageType> dtype;  // "+f16" etc.; nullopt = chosen per budget
  double ratio = 0;       // requested ratio (> 1), or the entry's native_ratio
  int64_t input_dim = 0;  // D
  CodecCache* cache = nullptr;  // never null; shared by every codec of one run
};

struct CodecEntry {
  std::string prefix;        // "pca"
  std::string description;   // one line, for --help and error messages
  // > 0: a fixed-rate codec (float16 = 2, int8 = 4, binary = 32, rabitq): evaluated once,
  // at its own ratio (native_ratio(D) for codecs whose ratio depends on D).
  double native_ratio = 0;
  std::function<double(int64_t)> native_ratio_of_dim;  // set for D-dependent fixed rates
  bool argument_allowed = false;  // "arfc:PATH" takes an argument; "pca:x" is an error
  bool storage_axis = false;      // a float codec: "+f32", "+f16", "+i8" allowed
  std::function<std::unique_ptr<Codec>(const CodecRequest&)> make;
  // Checks an argument's meaning (spec, argument) when the method list is parsed, so a bad
  // one fails the run before any work instead of every cell (arfc::Error).
  std::function<void(const std::string&, const std::string&)> check_argument;

  bool fixed_rate() const { return native_ratio > 0 || native_ratio_of_dim != nullptr; }
  double fixed_ratio(int64_t input_dim) const {
    return native_ratio_of_dim ? native_ratio_of_dim(input_dim) : native_ratio;
  }
};

// Every registered method, in report order.
const std::vector<CodecEntry>& codec_registry();

// The entry whose prefix matches spec ("pca", "pca+i8" or "arfc:..."), or nullptr.
const CodecEntry* find_codec_entry(const std::string& spec);

// Comma-separated method list -> validated specs, groups expanded ("ptq" -> f16,i8,i4,bin),
// duplicates dropped, order kept. Unknown or malformed specs -> arfc::Error listing the
// accepted methods.
std::vector<std::string> parse_method_list(const std::string& list);

// "pca, rp, ..." with descriptions, for --help.
std::string describe_methods();

// spec: a method string (see above); ratio: the requested ratio; input_dim: D. Unknown or
// malformed spec, or a size the method cannot reach -> arfc::Error naming what was wrong.
std::unique_ptr<Codec> make_codec(const std::string& spec, double ratio, int64_t input_dim,
                                  CodecCache& cache);

}  // namespace arfc
