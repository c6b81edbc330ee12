#include "arfc/io/embeddings.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "arfc/core/error.h"
#include "arfc/io/half.h"
#include "layout.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "arfc_io assumes a little-endian host"
#endif

namespace arfc {
namespace io_detail {

std::string ElemType::name() const {
  switch (kind) {
    case Kind::Float: return "float" + std::to_string(8 * size);
    case Kind::BFloat: return "bfloat16";
    case Kind::Int: return "int" + std::to_string(8 * size);
    case Kind::UInt: return "uint" + std::to_string(8 * size);
    case Kind::Bool: return "bool";
  }
  return "?";
}

int64_t Layout::count() const {
  int64_t c = 1;
  for (int64_t s : shape) c *= s;
  return c;
}

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

int64_t checked_payload_bytes(const std::string& path, const std::vector<int64_t>& shape, int64_t itemsize,
                              int64_t max_bytes) {
  int64_t bytes = itemsize;
  for (int64_t s : shape) {
    ARFC_ASSERT(s >= 0, "negative dimension");
    if (__builtin_mul_overflow(bytes, s, &bytes) || bytes > max_bytes) {
      ARFC_THROW("file '", path, "': declared shape ", shape_str(shape), " with ", itemsize,
                 "-byte values is larger than the limit of ", max_bytes,
                 " bytes; refusing to allocate. Hint: the header is corrupt, or raise ReadOptions::max_bytes.");
    }
  }
  return bytes;
}

namespace {
template <typename T>
T load(const unsigned char* p, bool swap) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (swap) std::reverse(b, b + sizeof(T));
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}
}  // namespace

void convert_to_float(const ElemType& t, const unsigned char* src, int64_t count, float* dst) {
  if (count == 0) return;  // e.g. an inspected [n, 0] array: src/dst may be null
  const bool sw = t.big_endian;
  if (t.kind == Kind::Float && t.size == 4 && !sw) {
    std::memcpy(dst, src, size_t(count) * 4);
    return;
  }
  for (int64_t i = 0; i < count; ++i, src += t.size) {
    switch (t.kind) {
      case Kind::Float:
        dst[i] = t.size == 2 ? half_to_float(load<uint16_t>(src, sw))
                 : t.size == 4 ? load<float>(src, sw) : float(load<double>(src, sw));
        break;
      case Kind::BFloat: dst[i] = bfloat16_to_float(load<uint16_t>(src, sw)); break;
      default: ARFC_ASSERT(false, "convert_to_float on a non-float element type");
    }
  }
}

namespace {

Layout open_layout(InputFile& f, FileFormat fmt, const std::string& tensor, int64_t max_bytes) {
  switch (fmt) {
    case FileFormat::Npy: return npy_layout(f, max_bytes);
    case FileFormat::Fvecs:
    case FileFormat::Fbin: return vecs_layout(f, fmt, max_bytes);
    case FileFormat::Safetensors: return safetensors_layout(f, tensor, max_bytes);
    case FileFormat::Auto: break;
  }
  ARFC_ASSERT(false, "open_layout with FileFormat::Auto");
  return {};
}

bool has_npy_magic(InputFile& f) {
  if (f.size() < 6) return false;
  char m[6];
  f.read_at(0, m, 6, "magic");
  return std::memcmp(m, "\x93NUMPY", 6) == 0;
}

FileFormat detect_format(InputFile& f, FileFormat forced) {
  if (forced != FileFormat::Auto) return forced;
  if (has_npy_magic(f)) return FileFormat::Npy;
  return format_from_path(f.path());
}

// Streams the float rows of a 2-D (or 1-D: one value per row) layout in chunks of
// converted float32 values; checks every .fvecs row's own dimension.
// Only rows [begin, end) when end >= 0 (a range within the layout's rows).
void for_each_chunk(InputFile& f, const Layout& l,
                    const std::function<void(int64_t row0, int64_t rows, const float* v)>& sink,
                    int64_t chunk_rows = 0, int64_t begin = 0, int64_t end = -1) {
  const int64_t n = end >= 0 ? end : l.rows(), d = l.cols();
  if (d == 0) return;  // no values (e.g. shape (10^15, 0)): nothing to read, and no loop over rows
  const int64_t stored_row = l.row_prefix_bytes + d * l.elem.size;
  if (chunk_rows <= 0) chunk_rows = std::max<int64_t>(1, (int64_t(8) << 20) / std::max<int64_t>(stored_row, 1));
  std::vector<unsigned char> raw;
  std::vector<float> vals;
  for (int64_t r0 = begin; r0 < n; r0 += chunk_rows) {
    const int64_t rows = std::min(chunk_rows, n - r0);
    raw.resize(size_t(rows * stored_row));
    vals.resize(size_t(rows * d));
    // The fvecs prefix precedes the row; data_offset points past the first one.
    const int64_t off = l.data_offset - l.row_prefix_bytes + r0 * stored_row;
    f.read_at(off, raw.data(), rows * stored_row, "payload");
    for (int64_t i = 0; i < rows; ++i) {
      const unsigned char* p = raw.data() + i * stored_row;
      if (l.row_prefix_bytes) {
        int32_t rd;
        std::memcpy(&rd, p, 4);
        if (rd != d) {
          ARFC_THROW("file '", f.path(), "': .fvecs row ", r0 + i, " declares dimension ", rd,
                     " but the first row declares ", d, "; all rows must have the same dimension. ",
                     "Hint: the file is corrupt or mixes vectors of different sizes.");
        }
      }
      convert_to_float(l.elem, p + l.row_prefix_bytes, d, vals.data() + i * d);
    }
    sink(r0, rows, vals.data());
  }
}

void require_float_matrix(const std::string& path, const Layout& l, int64_t max_bytes) {
  if (!l.elem.is_float()) {
    ARFC_THROW("file '", path, "': holds ", l.elem.name(), " values; expected float32/float16/float64 features. ",
               "Hint: integer arrays are read as labels (--labels); cast features with astype('<f4').");
  }
  if (l.shape.size() != 2) {
    ARFC_THROW("file '", path, "': array has ", l.shape.size(), " dimension(s), shape ", shape_str(l.shape),
               "; expected a 2-D [n, d] matrix. Hint: reshape it to (n, d) before saving, e.g. arr.reshape(len(arr), -1).");
  }
  if (l.shape[1] == 0) {
    ARFC_THROW("file '", path, "': shape ", shape_str(l.shape), " has d = 0; expected at least one column.");
  }
  checked_payload_bytes(path, l.shape, 4, max_bytes);  // the float32 copy, too
}

std::string lower_ext(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string e = path.substr(dot);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return e;
}

}  // namespace
}  // namespace io_detail

using namespace io_detail;

FileFormat format_from_path(const std::string& path) {
  const std::string e = lower_ext(path);
  if (e == ".npy") return FileFormat::Npy;
  if (e == ".fvecs") return FileFormat::Fvecs;
  if (e == ".fbin") return FileFormat::Fbin;
  if (e == ".safetensors") return FileFormat::Safetensors;
  ARFC_THROW("file '", path, "': unknown extension '", e, "'; expected .npy, .fvecs, .fbin or .safetensors. ",
             "Hint: give the file the extension of its format.");
}

std::string format_name(FileFormat f) {
  switch (f) {
    case FileFormat::Auto: return "auto";
    case FileFormat::Npy: return "npy";
    case FileFormat::Fvecs: return "fvecs";
    case FileFormat::Fbin: return "fbin";
    case FileFormat::Safetensors: return "safetensors";
  }
  return "?";
}

Matrix read_matrix(const std::string& path, const ReadOptions& opt) {
  InputFile f(path);
  const FileFormat fmt = detect_format(f, opt.format);
  const Layout l = open_layout(f, fmt, opt.tensor_name, opt.max_bytes);
  require_float_matrix(path, l, opt.max_bytes);
  Matrix m(l.shape[0], l.shape[1]);
  const bool plain_f32 = l.elem.kind == Kind::Float && l.elem.size == 4 && !l.elem.big_endian;
  if (plain_f32 && l.row_prefix_bytes == 0) {
    f.read_at(l.data_offset, m.data.data(), int64_t(m.data.size()) * 4, "payload");  // no conversion
  } else {
    for_each_chunk(f, l, [&](int64_t r0, int64_t rows, const float* v) {
      std::memcpy(m.row(r0), v, size_t(rows * m.d) * sizeof(float));
    });
  }
  if (!opt.allow_nonfinite) check_finite(m, "file '" + path + "'");
  return m;
}

MatrixShape read_matrix_shape(const std::string& path, const ReadOptions& opt) {
  InputFile f(path);
  const Layout l = open_layout(f, detect_format(f, opt.format), opt.tensor_name, opt.max_bytes);
  require_float_matrix(path, l, opt.max_bytes);
  return {l.shape[0], l.shape[1]};
}

void read_matrix_chunks(const std::string& path, const ReadOptions& opt, int64_t chunk_rows,
                        const std::function<void(int64_t row0, const Matrix& rows)>& sink) {
  ARFC_CHECK(chunk_rows >= 1, "read_matrix_chunks: chunk_rows must be >= 1, got ", chunk_rows);
  InputFile f(path);
  const Layout l = open_layout(f, detect_format(f, opt.format), opt.tensor_name, opt.max_bytes);
  require_float_matrix(path, l, opt.max_bytes);
  Matrix chunk;
  for_each_chunk(f, l, [&](int64_t r0, int64_t rows, const float* v) {
    chunk.n = rows;
    chunk.d = l.cols();
    chunk.data.assign(v, v + rows * chunk.d);
    if (!opt.allow_nonfinite) check_finite(chunk, "file '" + path + "'", r0);
    sink(r0, chunk);
  }, chunk_rows);
}

Matrix read_matrix_rows(const std::string& path, const std::vector<int64_t>& rows, const ReadOptions& opt) {
  InputFile f(path);
  const Layout l = open_layout(f, detect_format(f, opt.format), opt.tensor_name, opt.max_bytes);
  require_float_matrix(path, l, opt.max_bytes);
  const int64_t n = l.shape[0];
  for (size_t i = 0; i < rows.size(); ++i) {
    ARFC_CHECK(rows[i] >= 0 && rows[i] < n, "file '", path, "': row ", rows[i], " asked for, but the file has ", n,
               " rows (0 .. ", n - 1, ").");
    ARFC_CHECK(i == 0 || rows[i] > rows[i - 1], "read_matrix_rows: row numbers must ascend without repeats, got ",
               rows[i - 1], " then ", rows[i]);
  }
  Matrix m(int64_t(rows.size()), l.shape[1]);
  // One read per run of consecutive rows.
  for (size_t i = 0; i < rows.size();) {
    size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    const int64_t out0 = int64_t(i);
    for_each_chunk(f, l, [&](int64_t r0, int64_t count, const float* v) {
      std::memcpy(m.row(out0 + (r0 - rows[i])), v, size_t(count * m.d) * sizeof(float));
    }, 0, rows[i], rows[j - 1] + 1);
    if (!opt.allow_nonfinite) check_finite(slice_rows(m, int64_t(i), int64_t(j)), "file '" + path + "'", rows[i]);
    i = j;
  }
  return m;
}

MatrixWriter::MatrixWriter(const std::string& path, int64_t n, int64_t d, FileFormat format,
                           const std::string& tensor_name)
    : format_(format == FileFormat::Auto ? format_from_path(path) : format), n_(n), d_(d), out_(path) {
  ARFC_ASSERT(n >= 0 && d >= 0, "MatrixWriter: shape ", n, " x ", d);
  switch (format_) {
    case FileFormat::Npy: out_.write(npy_f32_header(n, d)); break;
    case FileFormat::Fvecs: check_vecs_dim(path, d); break;
    case FileFormat::Fbin: out_.write(fbin_header(path, n, d)); break;
    case FileFormat::Safetensors: out_.write(safetensors_f32_header(path, n, d, tensor_name)); break;
    case FileFormat::Auto: ARFC_ASSERT(false, "unresolved format"); break;
  }
}

void MatrixWriter::append(const Matrix& rows) {
  ARFC_ASSERT(rows.d == d_ && int64_t(rows.data.size()) == rows.n * rows.d && written_ + rows.n <= n_,
              "MatrixWriter::append: ", rows.n, " x ", rows.d, " rows after ", written_, " of ", n_, " x ", d_);
  if (format_ == FileFormat::Fvecs) {
    const int32_t d = int32_t(d_);
    for (int64_t i = 0; i < rows.n; ++i) {
      out_.write(&d, 4);
      out_.write(rows.row(i), size_t(d_) * sizeof(float));
    }
  } else {
    out_.write(rows.data.data(), rows.data.size() * sizeof(float));
  }
  written_ += rows.n;
}

void MatrixWriter::commit() {
  ARFC_ASSERT(written_ == n_, "MatrixWriter: ", written_, " of ", n_, " rows appended before commit");
  out_.commit();
}

void write_matrix(const std::string& path, const Matrix& m, FileFormat format, const std::string& tensor_name) {
  ARFC_ASSERT(int64_t(m.data.size()) == m.n * m.d, "matrix data size ", m.data.size(), " != ", m.n, " x ", m.d);
  MatrixWriter w(path, m.n, m.d, format, tensor_name);
  w.append(m);
  w.commit();
}

Labels read_labels(const std::string& path) {
  InputFile f(path);
  if (!has_npy_magic(f)) {
    const std::string e = lower_ext(path);
    if (e == ".npy" || f.size() == 0) npy_layout(f, 0);  // the precise error (empty, bad magic)
    ARFC_THROW("file '", path, "': labels must be a .npy file holding a 1-D integer array; got extension '", e,
               "'. Hint: np.save('labels.npy', y.astype('<i8')).");
  }
  const Layout l = npy_layout(f, int64_t(1) << 36);
  const bool column = l.shape.size() == 2 && l.shape[1] == 1;
  if (l.shape.size() != 1 && !column) {
    ARFC_THROW("file '", path, "': labels have shape ", shape_str(l.shape), "; expected a 1-D vector (n,). ",
               "Hint: save y.reshape(-1).");
  }
  if (l.elem.kind != Kind::Int && l.elem.kind != Kind::UInt) {
    ARFC_THROW("file '", path, "': labels are ", l.elem.name(), "; expected an integer type (<i8, <i4, ..., |u1). ",
               "Hint: save y.astype('<i8').");
  }
  const int64_t n = l.shape[0];
  std::vector<unsigned char> raw(size_t(n * l.elem.size));
  f.read_at(l.data_offset, raw.data(), int64_t(raw.size()), "labels");
  Labels y(static_cast<size_t>(n));
  const bool sw = l.elem.big_endian;
  for (int64_t i = 0; i < n; ++i) {
    const unsigned char* p = raw.data() + i * l.elem.size;
    if (l.elem.kind == Kind::Int) {
      switch (l.elem.size) {
        case 1: y[i] = int8_t(*p); break;
        case 2: y[i] = load<int16_t>(p, sw); break;
        case 4: y[i] = load<int32_t>(p, sw); break;
        default: y[i] = load<int64_t>(p, sw); break;
      }
    } else {
      uint64_t u = 0;
      switch (l.elem.size) {
        case 1: u = *p; break;
        case 2: u = load<uint16_t>(p, sw); break;
        case 4: u = load<uint32_t>(p, sw); break;
        default: u = load<uint64_t>(p, sw); break;
      }
      ARFC_CHECK(u <= uint64_t(std::numeric_limits<int64_t>::max()), "file '", path, "': label ", i, " = ", u,
                 " does not fit int64. Hint: labels should be small class ids.");
      y[i] = int64_t(u);
    }
  }
  return y;
}

void write_labels(const std::string& path, const Labels& y) {
  const std::string e = lower_ext(path);
  ARFC_CHECK(e == ".npy", "cannot write labels to '", path, "': expected a .npy path, got extension '", e, "'.");
  write_npy_i64(path, y);
}

void write_int64_matrix(const std::string& path, const std::vector<int64_t>& values, int64_t rows, int64_t cols) {
  const std::string e = lower_ext(path);
  ARFC_CHECK(e == ".npy", "cannot write an int64 array to '", path, "': expected a .npy path, got extension '", e,
             "'.");
  ARFC_CHECK(rows >= 0 && cols >= 0 && rows * cols == int64_t(values.size()), "cannot write '", path, "': ",
             values.size(), " values do not make ", rows, " x ", cols, ".");
  write_npy_i64(path, values, {rows, cols});
}

FileInfo inspect_file(const std::string& path, bool compute_stats) {
  InputFile f(path);
  FileInfo info;
  info.path = path;
  info.file_bytes = f.size();
  const FileFormat fmt = detect_format(f, FileFormat::Auto);
  const int64_t cap = std::numeric_limits<int64_t>::max() / 2;  // streaming: no big allocation
  Layout l = open_layout(f, fmt, "", cap);
  info.format = format_name(fmt);
  info.dtype = l.elem.name();
  info.shape = l.shape;
  info.tensor = l.tensor;
  const bool is_int = l.elem.kind == Kind::Int || l.elem.kind == Kind::UInt;
  if (is_int) {
    info.kind = (l.shape.size() == 1 || (l.shape.size() == 2 && l.shape[1] == 1)) ? "labels" : "array";
    if (info.kind == "labels" && compute_stats) {
      Labels y = read_labels(path);
      std::sort(y.begin(), y.end());
      info.num_classes = int64_t(std::unique(y.begin(), y.end()) - y.begin());
      if (!y.empty()) {
        info.min = double(y.front());
        info.max = double(*std::max_element(y.begin(), y.begin() + info.num_classes));
      }
    }
    return info;
  }
  info.kind = l.shape.size() == 2 ? "matrix" : "array";
  if (!compute_stats || !l.elem.is_float()) return info;
  // A 1-D or N-D float array is described value by value: view it as count x 1 (or n x rest).
  if (l.shape.size() != 2) {
    const int64_t c = l.count();
    const int64_t n = l.shape.empty() ? 1 : l.shape[0];
    l.shape = {n, n ? c / n : 0};
  }
  double sum = 0, sumsq = 0, norm_sum = 0;
  int64_t finite = 0;
  float mn = std::numeric_limits<float>::infinity(), mx = -mn;
  const int64_t d = l.cols();
  for_each_chunk(f, l, [&](int64_t, int64_t rows, const float* v) {
    for (int64_t i = 0; i < rows; ++i) {
      double row_sq = 0;
      for (int64_t j = 0; j < d; ++j) {
        const float x = v[i * d + j];
        if (!std::isfinite(x)) {
          ++info.nonfinite;
          continue;
        }
        ++finite;
        sum += x;
        sumsq += double(x) * x;
        row_sq += double(x) * x;
        mn = std::min(mn, x);
        mx = std::max(mx, x);
      }
      norm_sum += std::sqrt(row_sq);
    }
  });
  info.has_stats = true;
  if (finite > 0) {
    info.min = mn;
    info.max = mx;
    info.mean = sum / double(finite);
    info.std = std::sqrt(std::max(0.0, sumsq / double(finite) - info.mean * info.mean));
  }
  if (l.rows() > 0) info.mean_norm = norm_sum / double(l.rows());
  return info;
}

}  // namespace arfc
