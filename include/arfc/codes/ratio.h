// Ratio arithmetic: which (number of stored values, storage type) a budget buys.
//
// ratio = bytes of the original float32 vector / bytes of the stored code
//       = 4 * input_dim / (n_values * bytes_per_value(dtype)).
// Per-file metadata (the int8 scales in the code file header) is not counted per vector.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arfc {

enum class StorageType : uint8_t { F32 = 0, F16 = 1, I8 = 2 };

int64_t bytes_per_value(StorageType t);          // 4, 2, 1
std::string storage_name(StorageType t);          // "f32", "f16", "i8"
StorageType parse_storage_type(const std::string& s);  // unknown -> arfc::Error

// What a model (or any prefix codec) can express.
struct CodeGeometry {
  int64_t input_dim = 0;    // D
  int64_t token_width = 1;  // w: values per token
  int64_t max_tokens = 0;   // K_max
  bool value_level = false; // true: a code may end part-way through its last token
  int64_t max_values() const { return token_width * max_tokens; }
};

struct CodeBudget {
  enum class Kind { Ratio, Tokens, Bytes };
  Kind kind = Kind::Ratio;
  double value = 0;                       // the ratio, token count or bytes per vector
  std::optional<StorageType> dtype;       // fixed storage type, or choose
};

struct CodeLayout {
  int64_t n_values = 0;
  StorageType dtype = StorageType::F32;
  int64_t bytes_per_vector = 0;
  double ratio = 0;  // achieved
};

// The largest code that fits the budget (see docs/FORMAT.md for the tie rule). Throws
// arfc::Error for ratio <= 1, budgets below one token/value, token counts above
// max_tokens, and budgets the geometry cannot express, naming the accepted range.
CodeLayout choose_layout(const CodeGeometry& g, const CodeBudget& b);

// Every distinct layout of the geometry, sorted by ratio (for reports and --help).
std::vector<CodeLayout> all_layouts(const CodeGeometry& g);

}  // namespace arfc
