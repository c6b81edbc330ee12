// The registry behind make_codec(): one entry per method spec prefix. Adding a method means
// adding one line to the table in src/eval/codec_factory.cpp (and its sources to the
// CMakeLists of its module).
//
// A spec is "<prefix>" or "<prefix>:<argument>" (e.g. "arfc:model.arfc"). Method groups
// expand to several specs ("ptq" -> "f16,i8,i4,bin").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arfc/eval/codec.h"

namespace arfc {

struct CodecRequest {
  std::string spec;       // the whole spec as the user wrote it
  std::string argument;   // text after "<prefix>:", "" if none
  double ratio = 0;       // requested ratio (> 1), or the entry's native_ratio
  int64_t input_dim = 0;  // D
  CodecCache* cache = nullptr;  // never null; shared by every codec of one run
};

struct CodecEntry {
  std::string prefix;        // "pca"
  std::string description;   // one line, for --help and error messages
  // > 0: a fixed-rate codec (float16 = 2, int8 = 4, int4 = 8, binary = 32): evaluated once,
  // at this ratio, and reported in the requested-ratio column nearest to what it achieves.
  double native_ratio = 0;
  bool argument_allowed = false;  // "arfc:PATH" takes an argument; "pca:x" is an error
  std::function<std::unique_ptr<Codec>(const CodecRequest&)> make;
};

// Every registered method, in report order.
const std::vector<CodecEntry>& codec_registry();

// The entry whose prefix matches spec ("pca" or "arfc:..."), or nullptr.
const CodecEntry* find_codec_entry(const std::string& spec);

// Comma-separated method list -> validated specs, groups expanded ("ptq" -> f16,i8,i4,bin),
// duplicates dropped, order kept. Unknown or malformed specs -> arfc::Error listing the
// accepted methods.
std::vector<std::string> parse_method_list(const std::string& list);

// "pca, rp, ..." with descriptions, for --help.
std::string describe_methods();

}  // namespace arfc
