// Stored codes: N codes of n_values values each, in one storage type, plus the header
// that ties them to the model that made them. Byte layout: docs/FORMAT.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/codes/ratio.h"
#include "arfc/core/matrix.h"

namespace arfc {

struct CodeSet {
  uint64_t model_fingerprint = 0;  // ArfcModel::fingerprint() of the producing model
  int64_t input_dim = 0;           // D of the original features
  int64_t token_width = 0;         // w of the model
  int64_t n = 0;                   // number of codes
  int64_t n_values = 0;            // values per code
  StorageType dtype = StorageType::F32;
  std::vector<float> scales;       // I8: one dequantisation scale per value position; else empty
  std::vector<uint8_t> payload;    // n * n_values * bytes_per_value(dtype), row-major

  int64_t bytes_per_vector() const;
  double ratio() const;            // 4 * input_dim / bytes_per_vector()
  int64_t tokens() const;          // ceil(n_values / token_width)
};

// values: [N, n_values] float32. I8 scales: max |value| per column / 127 (1 where all zero).
CodeSet quantize_codes(const Matrix& values, StorageType dtype, uint64_t model_fingerprint,
                       int64_t input_dim, int64_t token_width);
// -> [N, n_values] float32
Matrix dequantize_codes(const CodeSet& c);
// A coarser code from a stored one (prefix property): keep the first layout.n_values
// values and convert to layout.dtype. Errors if layout asks for more values than stored.
CodeSet truncate_codes(const CodeSet& c, const CodeLayout& layout);

void write_code_file(const std::string& path, const CodeSet& c);  // atomic
CodeSet read_code_file(const std::string& path);                  // validated, arfc::Error on bad input

}  // namespace arfc
