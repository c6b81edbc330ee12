#include "arfc/codes/ratio.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "arfc/core/error.h"
#include "arfc/core/text.h"

namespace arfc {

int64_t bits_per_value(StorageType t) {
  switch (t) {
    case StorageType::F32: return 32;
    case StorageType::F16: return 16;
    case StorageType::I8: return 8;
    case StorageType::Q8: return 8;
    case StorageType::I4: return 4;
  }
  ARFC_ASSERT(false, "unknown StorageType ", int(t));
  return 0;
}

int64_t code_bytes(StorageType t, int64_t n_values) { return (n_values * bits_per_value(t) + 7) / 8; }

std::string storage_name(StorageType t) {
  switch (t) {
    case StorageType::F32: return "f32";
    case StorageType::F16: return "f16";
    case StorageType::I8: return "i8";
    case StorageType::Q8: return "q8";
    case StorageType::I4: return "i4";
  }
  ARFC_ASSERT(false, "unknown StorageType ", int(t));
  return "";
}

StorageType parse_storage_type(const std::string& s) {
  if (s == "f32" || s == "float32") return StorageType::F32;
  if (s == "f16" || s == "float16") return StorageType::F16;
  if (s == "i8" || s == "int8") return StorageType::I8;
  if (s == "i4" || s == "int4") return StorageType::I4;
  if (s == "q8") return StorageType::Q8;
  ARFC_THROW("storage type: expected one of f32, f16, i8, i4, q8, got '", s,
             "'. Hint: f32 keeps full precision, f16 halves the bytes, i8 quarters them, i4 stores two values "
             "per byte, q8 stores discrete tokens (one byte each).");
}

std::string format_ratio(double r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", r);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

bool int4_competes(const CodeGeometry& g, int64_t bytes) { return g.int4 && bytes <= g.int4_limit(); }

PairedGain paired_gain(const std::vector<double>& a, const std::vector<double>& b) {
  ARFC_CHECK(a.size() == b.size(), "paired_gain: expected one score per row on both sides, got ", a.size(), " and ",
             b.size());
  PairedGain out;
  const size_t rows = a.size();
  if (rows == 0) return out;
  for (size_t r = 0; r < rows; ++r) out.gain += a[r] - b[r];
  out.gain /= double(rows);
  if (rows < 2) return out;
  double var = 0;
  for (size_t r = 0; r < rows; ++r) var += (a[r] - b[r] - out.gain) * (a[r] - b[r] - out.gain);
  out.se = std::sqrt(var / double(rows - 1) / double(rows));
  return out;
}

Int4Limit choose_int4_limit(const std::vector<Int4Trial>& trials, int64_t floor_bytes, int64_t fixed_limit) {
  const size_t rows = trials.empty() ? 0 : trials[0].i8.size();
  for (size_t i = 0; i < trials.size(); ++i) {
    ARFC_CHECK(trials[i].bytes > (i == 0 ? floor_bytes : trials[i - 1].bytes),
               "choose_int4_limit: trial budgets must ascend above ", floor_bytes, " bytes");
    ARFC_CHECK(trials[i].i8.size() == rows && trials[i].i4.size() == rows,
               "choose_int4_limit: every trial needs one score per row (", rows, ")");
  }
  Int4Limit out;
  out.max_bytes = fixed_limit;
  if (trials.empty() || rows == 0) return out;
  // Per-row total of threshold k (int4 at the first k trials): prefix sums over the trials.
  auto totals = [&](size_t k) {
    std::vector<double> t(rows, 0.0);
    for (size_t j = 0; j < trials.size(); ++j)
      for (size_t r = 0; r < rows; ++r) t[r] += j < k ? trials[j].i4[r] : trials[j].i8[r];
    return t;
  };
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
  };
  size_t fixed_k = 0;
  while (fixed_k < trials.size() && trials[fixed_k].bytes <= fixed_limit) ++fixed_k;
  size_t best_k = fixed_k;
  double best = mean(totals(fixed_k));
  for (size_t k = 0; k <= trials.size(); ++k) {
    const double m = mean(totals(k));
    if (m > best || (m == best && k > best_k)) {
      best = m;
      best_k = k;
    }
  }
  if (best_k == fixed_k) return out;
  const PairedGain pg = paired_gain(totals(best_k), totals(fixed_k));
  out.gain = pg.gain;
  out.se = pg.se;
  if (pg.gain > kInt4GuardSe * pg.se) {
    out.max_bytes = best_k == 0 ? floor_bytes : trials[best_k - 1].bytes;
    out.measured = true;
  }
  return out;
}

CodeLayout make_layout(int64_t input_dim, int64_t n_values, StorageType t) {
  ARFC_ASSERT(input_dim > 0 && n_values > 0, "make_layout(", input_dim, ", ", n_values, ")");
  CodeLayout l;
  l.n_values = n_values;
  l.dtype = t;
  l.bytes_per_vector = code_bytes(t, n_values);
  l.ratio = 4.0 * double(input_dim) / double(l.bytes_per_vector);
  return l;
}

namespace {
std::string tokens_text(const CodeLayout& l, int64_t token_width) {
  if (token_width > 0 && l.n_values % token_width == 0) {
    const int64_t k = l.n_values / token_width;
    return std::to_string(k) + (k == 1 ? " token" : " tokens");
  }
  return format_ratio(double(l.n_values) / double(std::max<int64_t>(token_width, 1))) + " tokens";
}
}  // namespace

std::string describe_layout(const CodeLayout& l, int64_t token_width) {
  if (l.dtype == StorageType::Q8)
    return std::to_string(l.n_values) + (l.n_values == 1 ? " discrete token" : " discrete tokens") + ", q8: " +
           std::to_string(l.bytes_per_vector) + " bytes/vector, ratio " + format_ratio(l.ratio) + "x";
  return tokens_text(l, token_width) + " (" + std::to_string(l.n_values) + " values), " + storage_name(l.dtype) + ": " +
         std::to_string(l.bytes_per_vector) + " bytes/vector, ratio " + format_ratio(l.ratio) + "x";
}

double ratio_budget_bytes(int64_t input_dim, double ratio) {
  ARFC_CHECK(std::isfinite(ratio) && ratio > 1.0, "--ratio: expected a finite number > 1, got ", ratio,
             ". Hint: ratio = original float32 bytes / code bytes, e.g. 8 keeps one eighth.");
  const double full = 4.0 * double(input_dim);
  return std::min(full / (ratio * (1.0 - kRatioTolerance)), full - 1.0);
}

namespace {

// The continuous storage types a geometry offers, most precise first.
std::vector<StorageType> continuous_types(const CodeGeometry& g) {
  std::vector<StorageType> t = {StorageType::F32, StorageType::F16, StorageType::I8};
  if (g.int4) t.push_back(StorageType::I4);
  return t;
}

// Far above any real model (code files cap D, w and n_values at 2^24 too), low enough that
// no product of these overflows or asks for an absurd allocation.
constexpr int64_t kMaxGeometry = int64_t(1) << 24;

void check_geometry(const CodeGeometry& g) {
  ARFC_CHECK(g.input_dim > 0 && g.token_width > 0 && g.max_tokens > 0 && g.discrete_tokens >= 0,
             "code geometry: expected input_dim, token_width and max_tokens >= 1 and discrete_tokens >= 0, got D=",
             g.input_dim, ", w=", g.token_width, ", K_max=", g.max_tokens, ", M=", g.discrete_tokens,
             ". Hint: the model or code file describing it is invalid.");
  ARFC_CHECK(g.input_dim <= kMaxGeometry && g.token_width <= kMaxGeometry && g.max_tokens <= kMaxGeometry &&
                 g.max_values() <= kMaxGeometry && g.discrete_tokens <= kMaxGeometry,
             "code geometry: D=", g.input_dim, ", w=", g.token_width, ", K_max=", g.max_tokens,
             ", M=", g.discrete_tokens, ": each, and w * K_max, must be at most ", kMaxGeometry,
             ". Hint: the model or code file describing it is invalid.");
}

// The bytes per vector a ratio or byte budget allows, validated (arfc::Error for a ratio
// <= 1 or not finite, a negative or fractional byte count); `request` names the budget
// for error messages. Never a code as large as the original: at most 4 D - 1 bytes.
double budget_bytes(const CodeGeometry& g, const CodeBudget& b, std::string& request) {
  const double full = 4.0 * double(g.input_dim);
  if (b.kind == CodeBudget::Kind::Ratio) {
    request = "ratio " + format_ratio(b.value);
    return ratio_budget_bytes(g.input_dim, b.value);
  }
  ARFC_ASSERT(b.kind == CodeBudget::Kind::Bytes, "budget_bytes: token budgets have no byte count");
  ARFC_CHECK(std::isfinite(b.value) && b.value >= 1 && b.value == std::floor(b.value),
             "--bytes: expected a whole number of bytes per vector >= 1, got ", b.value,
             ". Hint: the original float32 vector has ", 4 * g.input_dim, " bytes.");
  request = "a budget of " + format_ratio(b.value) + " bytes/vector";
  return std::min(b.value, full - 1.0);
}

// The part of a search that differs between compressing (the model's whole range) and
// truncating (only what a code file stores).
struct Search {
  const CodeGeometry& g;
  int64_t available_values;  // longest code that exists
  int64_t sizing_values;     // longest code considered when sizing the budget (>= available)
  std::vector<StorageType> dtypes;
  const char* source;        // "this model" / "this code file"
  bool truncating;

  int64_t step() const { return g.value_level ? 1 : g.token_width; }

  // The candidate types for a budget: i4 competes only for budgets of at most
  // g.int4_limit() bytes, unless it is the only type asked for. The default, D/8 bytes
  // (32x and up), was measured on PCA codes of two sets (docs/DESIGN.md, item 7): there
  // twice the values at 4 bits search better than int8; above it int8 keeps almost every
  // dimension it needs and its precision wins.
  std::vector<StorageType> usable(double budget_bytes) const {
    if (dtypes.size() == 1 || int4_competes(g, int64_t(std::floor(budget_bytes)))) return dtypes;
    std::vector<StorageType> out;
    for (StorageType t : dtypes)
      if (t != StorageType::I4) out.push_back(t);
    return out;
  }

  CodeLayout smallest() const {
    CodeLayout best;
    for (StorageType t : dtypes) {
      CodeLayout l = make_layout(g.input_dim, step(), t);
      if (best.n_values == 0 || l.bytes_per_vector < best.bytes_per_vector) best = l;
    }
    return best;
  }

  // Largest bytes <= budget over the sizing range; ties -> more values; must be available.
  CodeLayout best_within(double budget_bytes, const std::string& request, bool by_bytes = false) const {
    int64_t best_bytes = 0;
    for (StorageType t : usable(budget_bytes)) {
      double n = std::floor(std::floor(budget_bytes) * 8.0 / double(bits_per_value(t)));
      n = std::min(n, double(sizing_values));
      const int64_t nv = (int64_t(n) / step()) * step();
      if (nv > 0) best_bytes = std::max(best_bytes, code_bytes(t, nv));
    }
    if (best_bytes == 0) {
      const CodeLayout s = smallest();
      ARFC_THROW(request, " is beyond ", source, ": at most ", format_ratio(s.ratio), "x (",
                 (g.value_level ? std::string("1 value") : tokens_text(s, g.token_width)), ", ", storage_name(s.dtype),
                 ": ", s.bytes_per_vector, " bytes/vector). Hint: ask for ",
                 (by_bytes ? "at least " + std::to_string(s.bytes_per_vector) + " bytes/vector"
                           : "a ratio of at most " + format_ratio(s.ratio)),
                 (std::find(dtypes.begin(), dtypes.end(), StorageType::I8) == dtypes.end() ? ", or --dtype i8" : ""), ".");
    }
    // The most values of each type in exactly best_bytes bytes (0 when none fill them).
    auto values_in = [&](StorageType t) -> int64_t {
      const int64_t nv = std::min((best_bytes * 8 / bits_per_value(t)) / step() * step(), sizing_values);
      return nv > 0 && code_bytes(t, nv) == best_bytes ? nv : 0;
    };
    CodeLayout best;
    for (StorageType t : usable(budget_bytes)) {
      const int64_t nv = values_in(t);
      if (nv == 0 || nv > available_values) continue;
      if (nv > best.n_values) best = make_layout(g.input_dim, nv, t);
    }
    if (best.n_values == 0) {
      // Only reachable when truncating: the request needs a longer code than stored.
      CodeLayout need;
      for (StorageType t : usable(budget_bytes))
        if (values_in(t) > need.n_values) need = make_layout(g.input_dim, values_in(t), t);
      ARFC_THROW(request, " needs ", describe_layout(need, g.token_width), ", but ", source,
                 " stores only ", available_values, " values per code. Hint: truncation can only "
                 "shorten codes; ask for a higher ratio, or re-compress the features with the model.");
    }
    return best;
  }

  CodeLayout by_ratio(double r) const {
    std::string request;
    const double budget = budget_bytes(g, CodeBudget::ratio(r), request);
    return best_within(budget, request);
  }

  CodeLayout by_bytes(double b) const {
    std::string request;
    const double budget = budget_bytes(g, CodeBudget::bytes(b), request);
    return best_within(budget, request, true);
  }

  CodeLayout by_tokens(double k, StorageType t, int64_t max_tokens_shown) const {
    ARFC_CHECK(std::isfinite(k) && k > 0, "--tokens: expected a token count >= 1, got ", k,
               ". Hint: each token holds ", g.token_width, " values.");
    const double values = k * double(g.token_width);
    // The range first: every conversion to an integer below is then exact.
    ARFC_CHECK(values <= double(available_values), "--tokens: expected at most ", max_tokens_shown, " tokens for ",
               source, " (", available_values, " values), got ", k,
               ". Hint: ask for fewer tokens",
               (truncating ? "; truncation can only shorten codes, re-compress the "
                                                   "features with the model for longer ones"
                                                 : ", or a model trained with more tokens"),
               ".");
    if (!g.value_level)
      ARFC_CHECK(k == std::floor(k), "--tokens: expected a whole number of tokens, got ", k,
                 ". Hint: this geometry stores whole tokens only; use ", int64_t(std::floor(k)), " or ",
                 int64_t(std::ceil(k)), ", or --ratio/--bytes.");
    else
      ARFC_CHECK(values == std::floor(values) && values >= 1,
                 "--tokens: ", k, " tokens of ", g.token_width, " values is not a whole number of values (",
                 values, "). Hint: use a multiple of 1/", g.token_width, " tokens.");
    const int64_t nv = int64_t(values);
    return make_layout(g.input_dim, nv, t);
  }
};

// Discrete tokens (q8): n tokens of one byte each, at most `available`. A ratio or byte
// budget buys floor(bytes) tokens, capped at `available` when compressing; when truncating
// a request for more tokens than stored is an error (as for continuous codes).
CodeLayout discrete_layout(const CodeGeometry& g, const CodeBudget& b, int64_t available, const char* source,
                           bool truncating) {
  const double full = 4.0 * double(g.input_dim);
  double n = 0;
  std::string request;
  switch (b.kind) {
    case CodeBudget::Kind::Ratio:
    case CodeBudget::Kind::Bytes:
      n = std::floor(budget_bytes(g, b, request));
      break;
    case CodeBudget::Kind::Tokens:
      ARFC_CHECK(std::isfinite(b.value) && b.value >= 1 && b.value == std::floor(b.value),
                 "--tokens: expected a whole number of discrete tokens >= 1, got ", b.value,
                 ". Hint: each discrete token is one byte.");
      ARFC_CHECK(b.value <= double(available), "--tokens: expected at most ", available, " discrete tokens for ",
                 source, ", got ", b.value, ". Hint: ask for fewer tokens",
                 (truncating ? "; truncation can only shorten codes" : ""), ".");
      return make_layout(g.input_dim, int64_t(b.value), StorageType::Q8);
  }
  ARFC_CHECK(n >= 1, request, " is beyond ", source, ": at most ", format_ratio(full), "x (1 discrete token, q8: ",
             "1 byte/vector). Hint: ask for a ratio of at most ", format_ratio(full), ".");
  if (n > double(available)) {
    ARFC_CHECK(!truncating, request, " needs ", int64_t(n), " discrete tokens, but ", source, " stores only ",
               available, " per code. Hint: truncation can only shorten codes; ask for a higher ratio, or "
               "re-compress the features with the model.");
    n = double(available);
  }
  return make_layout(g.input_dim, int64_t(n), StorageType::Q8);
}

}  // namespace

CodeLayout choose_layout(const CodeGeometry& g, const CodeBudget& b) {
  check_geometry(g);
  if (b.dtype == StorageType::Q8) {
    ARFC_CHECK(g.discrete_tokens > 0, "--dtype q8: this model has no discrete tokens (model.discrete_tokens = 0). "
               "Hint: use f32, f16 or i8, or train a model with discrete tokens.");
    return discrete_layout(g, b, g.discrete_tokens, "this model", false);
  }
  if (!b.dtype && b.kind != CodeBudget::Kind::Tokens && g.discrete_tokens > 0) {
    // Budgets of at most discrete_tokens bytes are served by discrete tokens.
    const CodeLayout d = discrete_layout(g, b, std::numeric_limits<int64_t>::max(), "this model", false);
    if (d.n_values <= g.discrete_tokens) return d;
  }
  Search s{g, g.max_values(), g.max_values(), {}, "this model", false};
  if (b.dtype) {
    ARFC_CHECK(*b.dtype != StorageType::I4 || g.int4, "--dtype i4: this model has no calibrated int4 scales (it "
               "was trained before i4 storage existed). Hint: use f32, f16 or i8, or retrain the model.");
    s.dtypes = {*b.dtype};
  } else {
    s.dtypes = continuous_types(g);
  }
  switch (b.kind) {
    case CodeBudget::Kind::Ratio: return s.by_ratio(b.value);
    case CodeBudget::Kind::Bytes: return s.by_bytes(b.value);
    case CodeBudget::Kind::Tokens: return s.by_tokens(b.value, b.dtype.value_or(StorageType::F32), g.max_tokens);
  }
  ARFC_ASSERT(false, "unknown budget kind");
  return {};
}

CodeLayout choose_truncated_layout(const CodeGeometry& g, const CodeBudget& b, int64_t stored_values,
                                   StorageType stored_dtype) {
  check_geometry(g);
  ARFC_CHECK(stored_values >= 1, "code file: expected at least 1 stored value per code, got ", stored_values,
             ". Hint: the code file is invalid.");
  if (stored_dtype == StorageType::Q8) {
    ARFC_CHECK(!b.dtype || *b.dtype == StorageType::Q8, "--dtype ", storage_name(*b.dtype),
               ": this code file stores discrete tokens (q8), which only the model can turn into values. Hint: "
               "truncate to fewer q8 tokens, or re-compress the features with --dtype ", storage_name(*b.dtype), ".");
    return discrete_layout(g, b, stored_values, "this code file", true);
  }
  ARFC_CHECK(b.dtype != StorageType::Q8, "--dtype q8: this code file stores ", storage_name(stored_dtype),
             " values; discrete tokens are made by the model. Hint: arfc compress --dtype q8.");
  // Size the budget as if the code were long enough for any ratio > 1 (4*D i8 values), so
  // that a request for a longer code is reported instead of silently served short.
  const int64_t w = g.token_width;
  const int64_t sizing = std::max(stored_values, ((4 * g.input_dim + w - 1) / w) * w);
  Search s{g, stored_values, sizing, {}, "this code file", true};
  if (b.dtype) {
    ARFC_CHECK(*b.dtype != StorageType::I4 || stored_dtype == StorageType::I4, "--dtype i4: this code file stores ",
               storage_name(stored_dtype), " values, and int4 codes need the calibrated int4 scales of the model "
               "that made them. Hint: arfc compress --dtype i4 with the model.");
    s.dtypes = {*b.dtype};
  } else {
    for (StorageType t : continuous_types(g))
      if (bits_per_value(t) <= bits_per_value(stored_dtype) && (t != StorageType::I4 || stored_dtype == StorageType::I4))
        s.dtypes.push_back(t);
  }
  const int64_t stored_tokens = (stored_values + w - 1) / w;
  switch (b.kind) {
    case CodeBudget::Kind::Ratio: return s.by_ratio(b.value);
    case CodeBudget::Kind::Bytes: return s.by_bytes(b.value);
    case CodeBudget::Kind::Tokens: return s.by_tokens(b.value, b.dtype.value_or(stored_dtype), stored_tokens);
  }
  ARFC_ASSERT(false, "unknown budget kind");
  return {};
}

std::vector<CodeLayout> all_layouts(const CodeGeometry& g) {
  check_geometry(g);
  const int64_t step = g.value_level ? 1 : g.token_width;
  const std::vector<StorageType> types = continuous_types(g);
  const int64_t count = int64_t(types.size()) * (g.max_values() / step) + g.discrete_tokens;
  ARFC_CHECK(count <= kMaxLayouts, "all_layouts: the geometry has ", count, " layouts, more than ", kMaxLayouts,
             ". Hint: ask choose_layout for the one a budget buys.");
  std::vector<CodeLayout> out;
  out.reserve(size_t(count));
  for (StorageType t : types)
    for (int64_t nv = step; nv <= g.max_values(); nv += step) out.push_back(make_layout(g.input_dim, nv, t));
  for (int64_t n = 1; n <= g.discrete_tokens; ++n) out.push_back(make_layout(g.input_dim, n, StorageType::Q8));
  std::sort(out.begin(), out.end(), [](const CodeLayout& a, const CodeLayout& b) {
    if (a.bytes_per_vector != b.bytes_per_vector) return a.bytes_per_vector > b.bytes_per_vector;
    return a.n_values > b.n_values;
  });
  return out;
}

std::vector<double> parse_ratio_list(const std::string& list) {
  std::vector<double> out;
  for (const std::string& item : split_list(list)) {
    ARFC_CHECK(out.size() < kMaxRatioList, "--ratios lists more than ", kMaxRatioList, " ratios. Hint: a report "
               "grid has about a dozen, e.g. 2,4,8,16,32,64.");
    size_t used = 0;
    double r = 0;
    try {
      r = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    ARFC_CHECK(!item.empty() && used == item.size(), "--ratios '", list, "': '", item,
               "' is not a number. Hint: write ratios as 2,4,5.3,8.");
    ARFC_CHECK(std::isfinite(r) && r > 1.0, "--ratios: ratio ", item, " must be > 1 (4 bytes per value ",
               "divided by the code's bytes). Hint: 2 halves the size, 32 keeps 1/32.");
    ARFC_CHECK(std::find(out.begin(), out.end(), r) == out.end(), "--ratios: ratio ", item, " is listed twice.");
    out.push_back(r);
  }
  ARFC_CHECK(!out.empty(), "--ratios is empty. Hint: e.g. --ratios 2,4,8,16,32,64.");
  return out;
}

}  // namespace arfc
