// Reading and writing the user's embeddings and labels.
//
// Matrices: n x d float32, row-major (arfc::Matrix). Accepted formats, chosen by extension
// (or forced with FileFormat):
//   .npy          NumPy 1.0/2.0/3.0, 2-D, C order, dtype <f4, <f2 or <f8 (converted to f32)
//   .fvecs        per row: int32 d, then d float32 (all rows the same d)
//   .fbin         uint32 n, uint32 d, then n*d float32
//   .safetensors  a named 2-D F32/F16/F64 tensor (the only one, or the one asked for)
// Labels: .npy 1-D integer vector (<i1 .. <i8, <u1 .. <u8), returned as int64.
//
// Every reader validates before allocating (magic, version, header length, dtype/shape
// whitelist, header sizes against the real file size, consistent .fvecs rows, a cap on
// the allocation) and throws arfc::Error naming the file, the field, the expected and the
// actual value, and a hint. NaN/Inf are reported with their row unless allow_nonfinite.
// Every writer writes "<path>.tmp.<pid>" and renames it over <path>, so a crash or a full
// disk never leaves a half-written file under the final name.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/io/atomic_file.h"

namespace arfc {

enum class FileFormat { Auto, Npy, Fvecs, Fbin, Safetensors };

// "npy", "fvecs", "fbin", "safetensors"; from a path's extension for Auto.
FileFormat format_from_path(const std::string& path);
std::string format_name(FileFormat f);

struct ReadOptions {
  FileFormat format = FileFormat::Auto;
  std::string tensor_name;           // safetensors: which tensor ("" = the only 2-D one)
  bool allow_nonfinite = false;      // false: NaN/Inf -> arfc::Error naming the row
  int64_t max_bytes = int64_t(1) << 36;  // refuse larger declared payloads (64 GiB)
};

Matrix read_matrix(const std::string& path, const ReadOptions& opt = {});

// Out-of-core reading: the same validation as read_matrix, one chunk in memory at a time.
// read_matrix_shape checks the header (format, dtype, shape, size against the file) and
// returns {n, d} without reading the payload; read_matrix_chunks then hands `sink` the rows
// [row0, row0 + rows.n) as float32, at most chunk_rows at a time, in order. A NaN/Inf is
// reported with its row in the whole file, when its chunk is reached (so a sink should
// not commit output before the last chunk: see AtomicWriter).
struct MatrixShape {
  int64_t n = 0, d = 0;
};
MatrixShape read_matrix_shape(const std::string& path, const ReadOptions& opt = {});
void read_matrix_chunks(const std::string& path, const ReadOptions& opt, int64_t chunk_rows,
                        const std::function<void(int64_t row0, const Matrix& rows)>& sink);
// Only the rows numbered `rows` (ascending, no repeats, each < n), in that order, with the
// same validation; one read per run of consecutive rows. What a data-parallel rank reads
// of the training set (train/trainer.h, rank_rows).
Matrix read_matrix_rows(const std::string& path, const std::vector<int64_t>& rows, const ReadOptions& opt = {});
void write_matrix(const std::string& path, const Matrix& m, FileFormat format = FileFormat::Auto,
                  const std::string& tensor_name = "embeddings");

// Out-of-core writing: an n x d float32 matrix streamed to any writable format (the shape
// is known up front, so every header is written first), rows appended in order; commit()
// renames the temporary into place (see AtomicWriter), and a writer destroyed before it
// leaves the previous file, if any. write_matrix is the one-chunk form.
class MatrixWriter {
 public:
  MatrixWriter(const std::string& path, int64_t n, int64_t d, FileFormat format = FileFormat::Auto,
               const std::string& tensor_name = "embeddings");
  void append(const Matrix& rows);  // rows.d == d; at most n rows in all
  void commit();                    // exactly n rows appended

 private:
  FileFormat format_;
  int64_t n_ = 0, d_ = 0, written_ = 0;
  AtomicWriter out_;
};

Labels read_labels(const std::string& path);
void write_labels(const std::string& path, const Labels& y);  // .npy <i8
// values [rows, cols] row-major -> a 2-D .npy <i8 (e.g. search results' row numbers); atomic.
void write_int64_matrix(const std::string& path, const std::vector<int64_t>& values, int64_t rows, int64_t cols);

// What a file holds, without loading more than needed for the stats.
struct FileInfo {
  std::string path;
  std::string format;     // "npy", "fvecs", ...
  std::string dtype;      // as stored: "float32", "float16", "int64", ...
  std::vector<int64_t> shape;
  int64_t file_bytes = 0;
  // Over all values (float files only): min, max, mean, std, mean row L2 norm, NaN/Inf count.
  double min = 0, max = 0, mean = 0, std = 0, mean_norm = 0;
  int64_t nonfinite = 0;
  // Added: "matrix" (2-D float), "labels" (1-D integer) or "array" (anything else readable).
  std::string kind;
  bool has_stats = false;   // the float stats above were computed
  int64_t num_classes = -1; // labels: number of distinct values
  std::string tensor;       // safetensors: the tensor described
};
// compute_stats = false reads headers only (cheap: shapes and dtypes, no value pass).
FileInfo inspect_file(const std::string& path, bool compute_stats = true);

// Atomic whole-file write: bytes go to "<path>.tmp.<pid>", then rename(2) over path.
// Throws arfc::Error (naming path and errno text) if anything fails; the temp is removed.
void write_file_atomic(const std::string& path, const std::string& bytes);
// Whole file into memory, refusing files larger than max_bytes.
std::string read_file_bytes(const std::string& path, int64_t max_bytes = int64_t(1) << 36);

}  // namespace arfc
