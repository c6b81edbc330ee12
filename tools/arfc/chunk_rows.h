// --chunk-rows, shared by the commands that stream files (compress, decompress, export):
// they hold one chunk of rows in memory at a time, whatever the file size.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/core/matrix.h"
#include "arfc/io/embeddings.h"
#include "arfc/model/arfc_model.h"

namespace arfc::cli {

constexpr int64_t kDefaultChunkRows = 16384;

inline void add_chunk_rows_option(CLI::App* sub, int64_t& rows) {
  sub->add_option("--chunk-rows", rows,
                  "Rows read, coded and written at a time (rounded up to a multiple of 2048, the model's batch, so "
                  "the output does not depend on it on the CPU): memory is bounded by one chunk, whatever the file size")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 24));
}

// Whole encoder batches: chunked output equals the output of one call on the whole file.
inline int64_t whole_batches(int64_t rows) {
  const int64_t b = ArfcModel::kEncodeBatch;
  return (rows + b - 1) / b * b;
}

// decompress / export: the code file `in` (header already read: n codes) to an [n, cols]
// matrix file, `convert` turning each chunk of codes into its rows; progress named `what`.
// The output is committed only after the checksum of the whole code file was verified.
inline void codes_to_matrix_file(const std::string& in, int64_t n, int64_t chunk_rows, const std::string& out_path,
                                 int64_t cols, FileFormat format, const std::string& tensor, const std::string& what,
                                 const std::function<Matrix(const CodeSet& rows)>& convert) {
  MatrixWriter out(out_path, n, cols, format, tensor);
  Progress progress(what, n, 10.0);
  read_code_file_chunks(in, whole_batches(chunk_rows), [&](int64_t row0, const CodeSet& rows) {
    const Matrix m = convert(rows);
    // A code file can pass its checksum and still decode to NaN/Inf (a crafted scale, a model
    // with non-finite weights): refuse rather than hand other tools such a matrix.
    check_finite(m, what + ": codes of '" + in + "' decoded", row0,
                 "the code file's scales or the model's weights are out of range (a damaged or hand-edited "
                 "file); nothing was written.");
    out.append(m);
    progress.update(row0 + rows.n);
  });
  out.commit();
  progress.finish(std::to_string(n) + " codes");
}

}  // namespace arfc::cli
