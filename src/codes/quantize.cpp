// CodeSet arithmetic: quantise, dequantise, truncate (the in-memory half of code_file.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/parallel.h"
#include "arfc/io/half.h"

namespace arfc {

int64_t CodeSet::bytes_per_vector() const { return code_bytes(dtype, n_values); }
double CodeSet::ratio() const { return 4.0 * double(input_dim) / double(bytes_per_vector()); }
int64_t CodeSet::tokens() const {
  return dtype == StorageType::Q8 ? n_values : (n_values + token_width - 1) / token_width;
}
CodeLayout CodeSet::layout() const { return make_layout(input_dim, n_values, dtype); }
CodeGeometry CodeSet::geometry() const {
  CodeGeometry g;
  g.input_dim = input_dim;
  g.token_width = token_width;
  g.max_tokens = tokens();
  g.value_level = value_level;
  g.int4 = dtype == StorageType::I4;
  if (dtype == StorageType::Q8) {
    g.discrete_tokens = n_values;
    g.max_tokens = 1;
  }
  return g;
}

namespace {

constexpr float kHalfMax = 65504.0f;

void store_f32(uint8_t* dst, float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int b = 0; b < 4; ++b) dst[b] = uint8_t(u >> (8 * b));  // little-endian on any host
}
float load_f32(const uint8_t* src) {
  uint32_t u = 0;
  for (int b = 0; b < 4; ++b) u |= uint32_t(src[b]) << (8 * b);
  float v;
  std::memcpy(&v, &u, 4);
  return v;
}

}  // namespace

namespace {

// Largest stored magnitude of the symmetric integer types: [-127, 127] and [-7, 7].
float int_levels(StorageType t) { return t == StorageType::I4 ? 7.0f : 127.0f; }

float quantize_value(float v, float scale, float levels) {
  return std::clamp(std::nearbyint(v / scale), -levels, levels);
}

// int4: the clipping point with the least squared error on the column's values, searched
// over kClipSteps fractions of max |value| from 1 down to kMinClip (largest on ties).
constexpr int kClipSteps = 46;
constexpr double kMinClip = 0.1;

float mse_scale(const Matrix& values, int64_t j, float max_abs, float levels) {
  double best_err = std::numeric_limits<double>::infinity();
  float best = max_abs / levels;
  for (int k = 0; k < kClipSteps; ++k) {
    const double f = 1.0 - (1.0 - kMinClip) * double(k) / double(kClipSteps - 1);
    const float s = float(double(max_abs) * f / double(levels));
    if (!(s > 0)) continue;
    double err = 0;
    for (int64_t i = 0; i < values.n; ++i) {
      const float v = values.at(i, j);
      const double e = double(v) - double(quantize_value(v, s, levels)) * double(s);
      err += e * e;
    }
    if (err < best_err) {
      best_err = err;
      best = s;
    }
  }
  return best;
}

}  // namespace

std::vector<float> calibrate_scales(const Matrix& values, StorageType dtype) {
  ARFC_CHECK(has_scales(dtype), "calibration: ", storage_name(dtype),
             " has no scales; only i8 and i4 are calibrated.");
  check_finite(values, "calibration values");
  std::vector<float> s(size_t(values.d), 0.0f);
  for (int64_t i = 0; i < values.n; ++i)
    for (int64_t j = 0; j < values.d; ++j) s[size_t(j)] = std::max(s[size_t(j)], std::fabs(values.at(i, j)));
  const float levels = int_levels(dtype);
  for (int64_t j = 0; j < values.d; ++j) {
    float& v = s[size_t(j)];
    if (!(v > 0)) v = 1.0f;
    else v = dtype == StorageType::I4 ? mse_scale(values, j, v, levels) : v / levels;
  }
  return s;
}

CodeSet quantize_codes(const Matrix& values, StorageType dtype, uint64_t model_fingerprint,
                       int64_t input_dim, int64_t token_width, bool value_level,
                       const std::vector<float>& scales, int threads) {
  ARFC_CHECK(input_dim > 0 && token_width > 0, "codes: expected input_dim and token_width >= 1, got D=",
             input_dim, ", w=", token_width, ". Hint: take both from the model's geometry().");
  ARFC_CHECK(values.d >= 1, "codes: expected at least 1 value per code, got ", values.d, ".");
  ARFC_CHECK(dtype != StorageType::Q8, "codes: q8 codes are discrete tokens chosen by the model, not a rounding of "
             "values. Hint: ArfcModel::compress makes them.");
  ARFC_CHECK(value_level || values.d % token_width == 0, "codes: expected a whole number of tokens (",
             token_width, " values each), got ", values.d,
             " values per code. Hint: the model's geometry is not value-level; use whole tokens.");
  ARFC_ASSERT(int64_t(values.data.size()) == values.n * values.d, "matrix size");

  CodeSet c;
  c.model_fingerprint = model_fingerprint;
  c.input_dim = input_dim;
  c.token_width = token_width;
  c.n = values.n;
  c.n_values = values.d;
  c.dtype = dtype;
  c.value_level = value_level;
  const char* kind = dtype == StorageType::I8 ? "int8" : "int4";
  if (has_scales(dtype)) {
    if (scales.empty()) {
      ARFC_CHECK(dtype == StorageType::I8, "codes: i4 codes need calibrated int4 scales (fitted on training "
                 "codes). Hint: the model or codec provides them; models trained before i4 existed have none.");
      c.scales = calibrate_scales(values, dtype);
    } else {
      ARFC_CHECK(int64_t(scales.size()) >= values.d, "codes: ", scales.size(), " calibrated ", kind,
                 " scales for codes of ", values.d, " values. Hint: the calibration belongs to another model.");
      c.scales.assign(scales.begin(), scales.begin() + values.d);
      for (float sc : c.scales)
        ARFC_CHECK(std::isfinite(sc) && sc > 0, "codes: calibrated ", kind, " scale ", sc, " is not a positive number.");
    }
  }
  const int64_t d = values.d, row_bytes = code_bytes(dtype, d);
  c.payload.assign(size_t(values.n * row_bytes), 0);
  const float levels = has_scales(dtype) ? int_levels(dtype) : 0.0f;
  // Rows [r0, r1): every row is coded on its own (the scales are fixed by now), so the
  // ranges can run on any threads and give the bytes of one pass.
  auto store_rows = [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i)
      for (int64_t j = 0; j < d; ++j) {
        const float v = values.at(i, j);
        ARFC_CHECK(std::isfinite(v), "codes: value at row ", i, ", column ", j, " is ", v,
                   ", expected a finite number. Hint: the encoder diverged or the input holds NaN/Inf.");
        ARFC_CHECK(dtype != StorageType::F16 || std::fabs(v) <= kHalfMax, "codes: value ", v, " at row ", i,
                   ", column ", j, " exceeds the float16 range (|v| <= 65504). Hint: store as f32 or i8.");
      }
    uint8_t* out = c.payload.data() + r0 * row_bytes;
    const float* in = values.row(r0);
    const int64_t m = (r1 - r0) * d;
    switch (dtype) {
      case StorageType::F32:
        for (int64_t k = 0; k < m; ++k) store_f32(out + 4 * k, in[k]);
        break;
      case StorageType::F16:
        for (int64_t k = 0; k < m; ++k) {
          const uint16_t h = float_to_half(in[k]);
          out[2 * k] = uint8_t(h & 0xff);
          out[2 * k + 1] = uint8_t(h >> 8);
        }
        break;
      case StorageType::Q8: break;  // refused above
      case StorageType::I8:
      case StorageType::I4:
        for (int64_t i = 0; i < r1 - r0; ++i)
          for (int64_t j = 0; j < d; ++j) {
            const int q = int(quantize_value(in[i * d + j], c.scales[size_t(j)], levels));
            if (dtype == StorageType::I8) out[i * row_bytes + j] = uint8_t(int8_t(q));
            else out[i * row_bytes + j / 2] |= uint8_t((q & 0xF) << (4 * (j % 2)));
          }
        break;
    }
  };
  parallel_blocks(values.n, kStoreBlock, values.n > kStoreBlock ? threads : 1, store_rows);
  return c;
}

CodeSet discrete_codes(std::vector<uint8_t> tokens, int64_t n, int64_t n_tokens, uint64_t model_fingerprint,
                       int64_t input_dim, int64_t token_width) {
  ARFC_CHECK(input_dim > 0 && token_width > 0 && n >= 0 && n_tokens >= 1, "discrete codes: expected D, w, tokens >= 1 "
             "and N >= 0, got D=", input_dim, ", w=", token_width, ", tokens=", n_tokens, ", N=", n);
  ARFC_ASSERT(int64_t(tokens.size()) == n * n_tokens, "discrete codes: ", tokens.size(), " bytes for ", n, " x ", n_tokens);
  CodeSet c;
  c.model_fingerprint = model_fingerprint;
  c.input_dim = input_dim;
  c.token_width = token_width;
  c.n = n;
  c.n_values = n_tokens;
  c.dtype = StorageType::Q8;
  c.payload = std::move(tokens);
  return c;
}

Matrix dequantize_codes(const CodeSet& c) {
  ARFC_CHECK(c.dtype != StorageType::Q8, "q8 codes are discrete tokens (codeword indices): only the model that "
             "made them turns them into values. Hint: arfc decompress --model, or arfc export --model.");
  const int64_t m = c.n * c.n_values;
  ARFC_ASSERT(int64_t(c.payload.size()) == c.n * c.bytes_per_vector(), "payload size ", c.payload.size(),
              " for ", c.n, " x ", c.n_values, " ", storage_name(c.dtype));
  Matrix x(c.n, c.n_values);
  const uint8_t* in = c.payload.data();
  switch (c.dtype) {
    case StorageType::F32:
      for (int64_t k = 0; k < m; ++k) x.data[size_t(k)] = load_f32(in + 4 * k);
      break;
    case StorageType::F16:
      for (int64_t k = 0; k < m; ++k) x.data[size_t(k)] = half_to_float(uint16_t(in[2 * k] | (in[2 * k + 1] << 8)));
      break;
    case StorageType::Q8: break;  // refused above
    case StorageType::I8:
      ARFC_ASSERT(int64_t(c.scales.size()) == c.n_values, "i8 scales ", c.scales.size(), " vs ", c.n_values);
      for (int64_t i = 0; i < c.n; ++i)
        for (int64_t j = 0; j < c.n_values; ++j)
          x.at(i, j) = float(int8_t(in[i * c.n_values + j])) * c.scales[size_t(j)];
      break;
    case StorageType::I4: {
      ARFC_ASSERT(int64_t(c.scales.size()) == c.n_values, "i4 scales ", c.scales.size(), " vs ", c.n_values);
      const int64_t row_bytes = c.bytes_per_vector();
      for (int64_t i = 0; i < c.n; ++i)
        for (int64_t j = 0; j < c.n_values; ++j) {
          const int nib = (in[i * row_bytes + j / 2] >> (4 * (j % 2))) & 0xF;
          x.at(i, j) = float(nib >= 8 ? nib - 16 : nib) * c.scales[size_t(j)];
        }
      break;
    }
  }
  return x;
}

CodeSet truncate_codes(const CodeSet& c, const CodeLayout& layout) {
  ARFC_CHECK(layout.n_values >= 1 && layout.n_values <= c.n_values, "truncate: expected 1 to ", c.n_values,
             " values (what the codes store), got ", layout.n_values,
             ". Hint: truncation only shortens codes; re-compress the features for longer ones.");
  ARFC_CHECK((layout.dtype == StorageType::Q8) == (c.dtype == StorageType::Q8), "truncate: ",
             storage_name(c.dtype), " codes cannot become ", storage_name(layout.dtype),
             " codes without the model. Hint: re-compress the features with the model.");
  ARFC_CHECK(c.dtype == StorageType::Q8 || c.value_level || layout.n_values % c.token_width == 0,
             "truncate: expected a multiple of the token "
             "width ", c.token_width, ", got ", layout.n_values, " values. Hint: these codes end on whole tokens.");
  ARFC_CHECK(layout.dtype != StorageType::I4 || c.dtype == StorageType::I4, "truncate: ", storage_name(c.dtype),
             " codes cannot become i4 codes: those need the calibrated int4 scales of the model that made them. "
             "Hint: arfc compress --dtype i4 with the model.");
  if (layout.dtype == c.dtype) {
    // The prefix's bytes are the first bytes of each row; an odd i4 prefix clears the
    // unused high nibble of its last byte.
    CodeSet t = c;
    const int64_t in_bytes = c.bytes_per_vector(), out_bytes = code_bytes(c.dtype, layout.n_values);
    t.n_values = layout.n_values;
    t.payload.resize(size_t(c.n * out_bytes));
    for (int64_t i = 0; i < c.n; ++i) {
      std::memmove(t.payload.data() + i * out_bytes, c.payload.data() + i * in_bytes, size_t(out_bytes));
      if (c.dtype == StorageType::I4 && layout.n_values % 2) t.payload[size_t(i * out_bytes + out_bytes - 1)] &= 0x0F;
    }
    if (!t.scales.empty()) t.scales.resize(size_t(layout.n_values));
    return t;
  }
  CodeSet t = quantize_codes(prefix_cols(dequantize_codes(c), layout.n_values), layout.dtype, c.model_fingerprint,
                             c.input_dim, c.token_width, c.value_level);
  t.modality = c.modality;
  return t;
}

}  // namespace arfc
