// Ratio arithmetic: which (number of stored values, storage type) a budget buys.
//
// ratio = bytes of the original float32 vector / bytes of the stored code
//       = 4 * input_dim / code_bytes(dtype, n_values)   (ceil(n_values * bits / 8)).
// Per-file metadata (the int8 scales in the code file header) is not counted per vector.
//
// Rules (docs/FORMAT.md, "Ratios"):
//  - A budget buys the largest code (in bytes per vector) that fits it.
//  - Ties (same bytes, e.g. 2 tokens as i8 vs 1 token as f16): more values at lower
//    precision win. A learned token adds a new direction of information; int8 with a
//    per-position scale costs about 0.2% relative error per value. i4 (two values per
//    byte) joins the candidates only where the producer has calibrated int4 scales
//    (CodeGeometry::int4), and only for budgets of at most CodeGeometry::int4_limit()
//    bytes: D/8 (ratio 32x and up) unless the producer measured its own limit (an ARFC
//    model's held-out trial, ArfcModel::select_int4); there it wins the tie (docs/DESIGN.md,
//    item 7, has the measurements behind the rule).
//  - A requested ratio is met within kRatioTolerance (relative), so rounded figures such as
//    10.7 (= 32/3) or 5.3 (= 16/3) select the code they name. The achieved ratio is always
//    reported in CodeLayout::ratio.
//  - Whole tokens only, unless CodeGeometry::value_level.
//  - Discrete tokens (q8: one byte = the index of a codeword, model/token_codebooks.h): a
//    model with discrete_tokens = M serves every budget of at most M bytes per vector with
//    discrete tokens, one per byte, and larger budgets with continuous values
//    (f32/f16/i8/i4) by the rules above (training keeps at least the budgets below the
//    smallest continuous code; docs/DESIGN.md has the measurement behind it). q8 must be asked for
//    explicitly (--dtype q8) for token budgets, and truncating keeps q8 codes q8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arfc {

// Q8: discrete tokens, one byte each (a codeword index; "values" of a q8 code are tokens).
// I4: calibrated symmetric int4, two values per byte (value 2k in the low nibble of byte k).
enum class StorageType : uint8_t { F32 = 0, F16 = 1, I8 = 2, Q8 = 3, I4 = 4 };

int64_t bits_per_value(StorageType t);           // 32, 16, 8, 8, 4
// Bytes of one stored code of n_values values: ceil(n_values * bits / 8) (rows start on a
// byte; an odd i4 code leaves the last high nibble zero).
int64_t code_bytes(StorageType t, int64_t n_values);
std::string storage_name(StorageType t);          // "f32", "f16", "i8", "q8", "i4"
StorageType parse_storage_type(const std::string& s);  // unknown -> arfc::Error

// What a model (or any prefix codec) can express.
struct CodeGeometry {
  int64_t input_dim = 0;    // D
  int64_t token_width = 1;  // w: values per token
  int64_t max_tokens = 0;   // K_max
  bool value_level = false; // true: a code may end part-way through its last token
  int64_t discrete_tokens = 0;  // M: most one-byte discrete tokens (0 = continuous only)
  bool int4 = false;            // i4 storage available (the producer has calibrated int4 scales)
  // Largest budget (bytes per vector) where i4 competes; -1 = the fixed rule, D/8 bytes.
  int64_t int4_max_bytes = -1;
  int64_t max_values() const { return token_width * max_tokens; }
  int64_t int4_limit() const { return int4_max_bytes >= 0 ? int4_max_bytes : input_dim / 8; }
};

struct CodeBudget {
  enum class Kind { Ratio, Tokens, Bytes };
  Kind kind = Kind::Ratio;
  double value = 0;                       // the ratio, token count or bytes per vector
  std::optional<StorageType> dtype;       // fixed storage type, or choose

  static CodeBudget ratio(double r, std::optional<StorageType> t = std::nullopt) { return {Kind::Ratio, r, t}; }
  static CodeBudget tokens(double k, std::optional<StorageType> t = std::nullopt) { return {Kind::Tokens, k, t}; }
  static CodeBudget bytes(double b, std::optional<StorageType> t = std::nullopt) { return {Kind::Bytes, b, t}; }
};

struct CodeLayout {
  int64_t n_values = 0;
  StorageType dtype = StorageType::F32;
  int64_t bytes_per_vector = 0;
  double ratio = 0;  // achieved
};

// Relative slack when matching a requested ratio: a layout fits ratio R when its achieved
// ratio is >= R * (1 - kRatioTolerance).
constexpr double kRatioTolerance = 0.005;

// Bytes per vector `--ratio r` buys for a D-dim float32 vector: 4 D / (r (1 -
// kRatioTolerance)), never the whole vector (at most 4 D - 1). Throws arfc::Error for r <= 1
// or not finite.
double ratio_budget_bytes(int64_t input_dim, double ratio);

// The largest code that fits the budget (tie rule above). Throws arfc::Error for ratio <= 1
// or not finite, budgets below the smallest code (naming the highest ratio the geometry
// reaches), token counts above max_tokens or not whole (unless value_level), negative or
// fractional byte budgets, and invalid geometries. A token budget without dtype means f32.
CodeLayout choose_layout(const CodeGeometry& g, const CodeBudget& b);

// The layout for shortening a stored code (the prefix property): only the first
// stored_values values exist, and unless b.dtype is set only storage types no more precise
// than stored_dtype are considered (f32 > f16 > i8 > i4: widening adds bytes, not
// information); i4 only from i4 codes (other files lack calibrated int4 scales: an explicit
// --dtype i4 for them is an arfc::Error that says to re-compress).
// A token budget without dtype keeps stored_dtype. Throws arfc::Error, naming what is
// stored and what the request needs, when the best layout for the budget needs more values
// than stored (the request asks for a longer code: re-compress with the model instead).
CodeLayout choose_truncated_layout(const CodeGeometry& g, const CodeBudget& b, int64_t stored_values,
                                   StorageType stored_dtype);

// Every distinct layout of the geometry, sorted by ratio (ascending: the largest code first;
// equal ratios: more values first).
// More than kMaxLayouts layouts -> arfc::Error (a bound on the allocation).
constexpr int64_t kMaxLayouts = int64_t(1) << 20;
std::vector<CodeLayout> all_layouts(const CodeGeometry& g);

// Whether i4 competes for a budget of `bytes` bytes per vector (without --dtype): only up to
// g.int4_limit() bytes (D/8, 32x and up, the crossover measured on PCA codes, unless the
// producer measured its own; docs/DESIGN.md item 7), and only where the producer has
// calibrated int4 scales.
bool int4_competes(const CodeGeometry& g, int64_t bytes);

// The mean of a - b over paired per-row scores (same rows, same order) and its standard
// error (sample sd / sqrt(rows); 0 for fewer than two rows); arfc::Error unless a and b
// have the same length.
struct PairedGain {
  double gain = 0;
  double se = 0;
};
PairedGain paired_gain(const std::vector<double>& a, const std::vector<double>& b);

// The discrete/continuous split of a model's budgets (ArfcModel::fit_codebooks): a budget
// above the always-discrete ones takes discrete tokens only where, on the held-out rows,
// they beat the continuous code it buys by more than kDiscreteGuardSe standard errors of
// the paired per-row difference (2: one comparison per budget, not the best of several).
// Without the guard, an open-set model whose held-out classes scored its tokens 0.05
// point above 16 int4 values at 8 bytes kept tokens up to 64 bytes, which searched the
// unseen test classes 0.75-1.6 points worse at 8-32 bytes (docs/DESIGN.md).
constexpr double kDiscreteGuardSe = 2.0;
inline bool discrete_beats_continuous(const PairedGain& g) { return g.gain > kDiscreteGuardSe * g.se; }

// One budget of a storage-type trial (ArfcModel::select_int4): per held-out row, the score
// of the int8 code and of the int4 code of `bytes` bytes per vector (same rows, same order).
struct Int4Trial {
  int64_t bytes = 0;
  std::vector<double> i8, i4;
};
constexpr double kInt4GuardSe = 3.0;
struct Int4Limit {
  int64_t max_bytes = 0;  // the limit (CodeGeometry::int4_max_bytes)
  bool measured = false;  // false: the fixed rule's limit kept
  double gain = 0;        // mean per-row gain of the best threshold over the fixed rule's (scores summed over trials)
  double se = 0;          // its standard error (paired over rows)
};
// The int4 limit trials support. A threshold puts int4 at every trial budget up to it and
// int8 above; the one with the highest total score (ties to the larger: more values, as the
// budget rule's ties) replaces the fixed rule's limit (fixed_limit) only where it gains more
// than kInt4GuardSe standard errors of the paired per-row difference, so that noise keeps
// the fixed rule (3, not 2: the threshold tested is the best of up to 9 on the same rows). The lowest threshold is floor_bytes (int4 below the smallest int8 code only).
// trials: ascending bytes, each above floor_bytes, one score per row in every vector
// (arfc::Error otherwise).
Int4Limit choose_int4_limit(const std::vector<Int4Trial>& trials, int64_t floor_bytes, int64_t fixed_limit);

// Layout for n_values values of type t in dimension input_dim (bytes and achieved ratio).
CodeLayout make_layout(int64_t input_dim, int64_t n_values, StorageType t);

// "3 tokens (48 values), i8: 48 bytes/vector, ratio 21.33x" (tokens shown fractional,
// e.g. "2.5 tokens", for value-level codes); "8 discrete tokens, q8: 8 bytes/vector, ratio
// 128x".
std::string describe_layout(const CodeLayout& l, int64_t token_width);

// "2,4,5.3" -> {2, 4, 5.3}: each finite and > 1, no duplicates, at most kMaxRatioList
// (arfc::Error naming the bad item otherwise). The `--ratios` option of `arfc eval`.
constexpr size_t kMaxRatioList = 1000;
std::vector<double> parse_ratio_list(const std::string& list);

// "21.33" (two decimals, trailing zeros dropped: "64", "10.67", "5.3").
std::string format_ratio(double r);

}  // namespace arfc
