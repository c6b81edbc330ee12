// Stored codes: N codes of n_values values each, in one storage type, plus the header
// that ties them to the model that made them. Byte layout: docs/FORMAT.md ("Code files").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arfc/codes/ratio.h"
#include "arfc/io/atomic_file.h"
#include "arfc/core/matrix.h"

namespace arfc {

// Version 2 added discrete tokens (dtype 3, q8), version 3 int4 values (dtype 4, i4). Each
// file is written with the lowest version that has its dtype (f32/f16/i8: 1, q8: 2, i4:
// 3), so older readers keep reading what they can.
constexpr uint32_t kCodeFormatVersion = 3;
// The version a file of this dtype is written as.
uint32_t code_file_version(StorageType t);
// Integer types (i8, i4): codes carry one calibrated scale per value position.
bool has_scales(StorageType t);
constexpr char kCodeMagic[9] = "ARFCCODE";

// A q8 CodeSet holds discrete tokens: n_values is the token count, one byte each (the
// codeword indices of the producing model, model/token_codebooks.h); only that model can
// turn them into values (ArfcModel::code_values), so dequantize_codes refuses them.
struct CodeSet {
  uint64_t model_fingerprint = 0;  // ArfcModel::fingerprint() of the producing model
  int64_t input_dim = 0;           // D of the original features
  int64_t token_width = 0;         // w of the model
  int64_t n = 0;                   // number of codes
  int64_t n_values = 0;            // values per code
  StorageType dtype = StorageType::F32;
  std::vector<float> scales;       // I8, I4: one dequantisation scale per value position; else empty
  std::vector<uint8_t> payload;    // n * code_bytes(dtype, n_values), row-major
  // The producing model accepts codes ending part-way through a token (then n_values need
  // not be a multiple of token_width). Stored as flag bit 0.
  bool value_level = false;
  // 0, or 1 when these are codes of the second modality of a crossmodal model (then
  // input_dim is that modality's D). Stored as flag bit 1.
  int64_t modality = 0;

  int64_t bytes_per_vector() const;
  double ratio() const;            // 4 * input_dim / bytes_per_vector()
  int64_t tokens() const;          // ceil(n_values / token_width)
  CodeLayout layout() const;       // n_values, dtype, bytes/vector, ratio
  // What this file can still express: D, w, tokens() as K_max, value_level.
  CodeGeometry geometry() const;
};

// values: [N, n_values] float32, finite (arfc::Error names the first bad row/column).
// I8, I4: scales [>= n_values] are the calibrated scales of the producing model or codec
// (fitted on training data, see calibrate_scales), and the first n_values are used; values
// round to nearest and clip to [-127, 127] (i4: [-7, 7]), so a vector's code never depends
// on the other rows of the file. Empty scales: i8 scales are fitted on `values` themselves
// (max |value| per column / 127) -- only for models written before calibration was
// stored; i4 without scales is an arfc::Error.
// F16: round to nearest even; |value| > 65504 -> arfc::Error (use f32 or i8).
// Unless value_level, n_values must be a multiple of token_width.
// threads > 1: blocks of kStoreBlock rows are stored on that many threads, byte for byte
// the code of one thread, and a bad value is reported as one thread would (the first).
CodeSet quantize_codes(const Matrix& values, StorageType dtype, uint64_t model_fingerprint,
                       int64_t input_dim, int64_t token_width, bool value_level = false,
                       const std::vector<float>& scales = {}, int threads = 1);
constexpr int64_t kStoreBlock = 2048;  // rows per block of a multi-threaded quantize_codes
// Symmetric integer calibration: values [N, m] (training codes) -> m scales (1 where the
// column is all zero). I8: max |value| per column / 127. I4: the clipping point with the
// least squared error on the column (16 levels are too few to span outliers: clipping at
// max |value| rounds most values coarsely), searched over fractions 1 .. 0.1 of max |value|,
// divided by 7. Other dtypes or non-finite values -> arfc::Error.
std::vector<float> calibrate_scales(const Matrix& values, StorageType dtype);
// -> [N, n_values] float32. q8 codes -> arfc::Error (they need the model).
Matrix dequantize_codes(const CodeSet& c);
// tokens: [n, n_tokens] row-major codeword indices -> a q8 CodeSet (no scales).
CodeSet discrete_codes(std::vector<uint8_t> tokens, int64_t n, int64_t n_tokens, uint64_t model_fingerprint,
                       int64_t input_dim, int64_t token_width);
// A coarser code from a stored one (prefix property): keep the first layout.n_values
// values and convert to layout.dtype (same dtype: the stored bytes and scales are kept
// exactly; other dtype: dequantise, then quantise the prefix). Errors if layout asks for
// more values than stored, for a partial token when the code is not value-level, or for
// i4 from another dtype (no calibrated int4 scales).
CodeSet truncate_codes(const CodeSet& c, const CodeLayout& layout);

void write_code_file(const std::string& path, const CodeSet& c);  // atomic

// Streams a code file of n codes (out-of-core compression): the header first, then rows in
// order, the checksum last. Everything goes to "<path>.tmp.<pid>" and commit() renames it
// over path; a writer destroyed before commit() (an error, Ctrl-C) removes its temporary,
// so path holds either its previous content or the whole new file.
class CodeFileWriter {
 public:
  // `shape` gives every header field but n (its payload and n are ignored); n is the total.
  CodeFileWriter(const std::string& path, const CodeSet& shape, int64_t n);
  // rows: the next rows.n codes, same dtype, n_values, model, scales and flags as `shape`.
  void append(const CodeSet& rows);
  // All n rows appended: writes the checksum, then rename.
  void commit();

 private:
  AtomicWriter out_;
  CodeSet shape_;
  int64_t n_ = 0, written_ = 0;
  uint32_t crc_ = 0;
};
// Validated in order (magic, version, dtype/flags whitelist, dimension caps, sizes against
// the file length, checksum, scales) before allocating; arfc::Error names the file, the
// field, expected vs actual, and a hint.
CodeSet read_code_file(const std::string& path);
// Header and scales only (payload left empty, checksum not verified): cheap on big files.
CodeSet read_code_file_header(const std::string& path);
// Out-of-core reading: the header is validated as by read_code_file_header, then `sink`
// gets the codes in order, at most chunk_rows at a time (rows.n of them, starting at row0;
// float payloads checked finite). The checksum covers the whole file, so it is verified
// after the last chunk: a sink must not commit output before this returns. Returns the
// header (payload empty).
CodeSet read_code_file_chunks(const std::string& path, int64_t chunk_rows,
                              const std::function<void(int64_t row0, const CodeSet& rows)>& sink);
// True when the file starts with the code-file magic "ARFCCODE" (false if unreadable).
bool is_code_file(const std::string& path);

// For `arfc info`: {"format": "arfc-codes", "version", "path", "file_bytes",
// "model_fingerprint" (16 hex digits), "input_dim", "token_width", "n", "n_values",
// "tokens", "value_level", "modality", "dtype", "bytes_per_vector", "ratio", "layout" (text) and, for
// i8 and i4, "scale_min"/"scale_max"}. Reads the header only.
nlohmann::json describe_code_file(const std::string& path);
// 16 lowercase hex digits.
std::string format_fingerprint(uint64_t fp);

}  // namespace arfc
