// --chunk-rows, shared by the commands that stream files (compress, decompress, export):
// they hold one chunk of rows in memory at a time, whatever the file size.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>

#include "arfc/train/arfc_model.h"

namespace arfc::cli {

constexpr int64_t kDefaultChunkRows = 16384;

inline void add_chunk_rows_option(CLI::App* sub, int64_t& rows) {
  sub->add_option("--chunk-rows", rows,
                  "Rows read, coded and written at a time (rounded up to a multiple of 2048, the model's batch, so "
                  "the output does not depend on it): memory is bounded by one chunk, whatever the file size")
      ->capture_default_str()
      ->check(CLI::Range(int64_t(1), int64_t(1) << 24));
}

// Whole encoder batches: chunked output equals the output of one call on the whole file.
inline int64_t whole_batches(int64_t rows) {
  const int64_t b = ArfcModel::kEncodeBatch;
  return (rows + b - 1) / b * b;
}

}  // namespace arfc::cli
