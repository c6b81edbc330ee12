// .fvecs (per row: int32 d, then d float32) and .fbin (uint32 n, uint32 d, n*d float32),
// the formats of the classic ANN benchmarks (SIFT/GIST, big-ann-benchmarks).
#include <cstring>

#include "arfc/core/error.h"
#include "layout.h"

namespace arfc::io_detail {
namespace {
constexpr int64_t kMaxDim = int64_t(1) << 24;  // a sanity bound on d; real embeddings are < 1e5

int64_t read_u32(InputFile& f, int64_t off, const char* what) {
  unsigned char b[4];
  f.read_at(off, b, 4, what);
  return int64_t(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24);
}
}  // namespace

Layout vecs_layout(InputFile& f, FileFormat format, int64_t max_bytes) {
  const std::string& path = f.path();
  const char* fname = format == FileFormat::Fvecs ? ".fvecs" : ".fbin";
  ARFC_CHECK(f.size() > 0, "file '", path, "' is empty (0 bytes); expected a ", fname,
             " file. Hint: re-export it.");
  Layout l;
  l.format = format;
  l.elem = ElemType{Kind::Float, 4, false};
  if (format == FileFormat::Fvecs) {
    ARFC_CHECK(f.size() >= 4, "file '", path, "' is truncated: ", f.size(),
               " bytes, less than the 4-byte dimension of the first .fvecs row.");
    const int64_t d = int64_t(int32_t(uint32_t(read_u32(f, 0, "first .fvecs dimension"))));
    if (d <= 0 || d > kMaxDim) {
      ARFC_THROW("file '", path, "': first .fvecs row declares dimension ", d, "; expected 1..", kMaxDim,
                 ". Hint: is this really an .fvecs file (not .bvecs/.ivecs or .fbin)?");
    }
    const int64_t row_bytes = 4 + 4 * d;
    if (f.size() % row_bytes != 0) {
      ARFC_THROW("file '", path, "': size ", f.size(), " bytes is not a multiple of the row size ", row_bytes,
                 " (4 + 4*d, d=", d, "); the last row is incomplete or rows differ in dimension. ",
                 "Hint: the file is truncated or not .fvecs.");
    }
    l.shape = {f.size() / row_bytes, d};
    l.data_offset = 4;
    l.row_prefix_bytes = 4;
    checked_payload_bytes(path, l.shape, 4, max_bytes);
    // Every row's own d is checked against this one while the rows are read.
    return l;
  }
  ARFC_CHECK(f.size() >= 8, "file '", path, "' is truncated: ", f.size(),
             " bytes, less than the 8-byte .fbin header (uint32 n, uint32 d).");
  const int64_t n = read_u32(f, 0, ".fbin n"), d = read_u32(f, 4, ".fbin d");
  if (d == 0 || d > kMaxDim) {
    ARFC_THROW("file '", path, "': .fbin header declares dimension d=", d, "; expected 1..", kMaxDim,
               ". Hint: is this really an .fbin file (uint32 n, uint32 d, then float32 rows)?");
  }
  l.shape = {n, d};
  l.data_offset = 8;
  const int64_t payload = checked_payload_bytes(path, l.shape, 4, max_bytes);
  const int64_t have = f.size() - 8;
  if (payload != have) {
    ARFC_THROW("file '", path, "': .fbin header declares ", n, " x ", d, " float32 = ", payload,
               " payload bytes but the file holds ", have, (payload > have ? " (truncated)" : " (extra bytes)"),
               ". Hint: re-export the file; .u8bin/.i8bin are not supported.");
  }
  return l;
}

void check_vecs_dim(const std::string& path, int64_t d) {
  ARFC_CHECK(d > 0 && d <= kMaxDim, "cannot write '", path, "': dimension ", d, " is outside 1..", kMaxDim, ".");
}

std::string fbin_header(const std::string& path, int64_t n, int64_t d) {
  check_vecs_dim(path, d);
  ARFC_CHECK(n <= int64_t(UINT32_MAX), "cannot write '", path, "' as .fbin: ", n,
             " rows exceed the uint32 row count. Hint: write .npy instead.");
  const uint32_t hdr[2] = {uint32_t(n), uint32_t(d)};
  return std::string(reinterpret_cast<const char*>(hdr), 8);
}

}  // namespace arfc::io_detail
