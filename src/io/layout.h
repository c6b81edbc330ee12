// Private to arfc_io: what a format parser learns from a file's header, before any
// payload is read. Every parser validates against the real file size and the byte cap,
// so the caller can allocate n*d floats safely.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/io/embeddings.h"
#include "input_file.h"

namespace arfc::io_detail {

enum class Kind { Float, BFloat, Int, UInt, Bool };

struct ElemType {
  Kind kind = Kind::Float;
  int size = 4;             // bytes
  bool big_endian = false;  // stored byte order (the host is little-endian)
  std::string name() const; // "float32", "float16", "bfloat16", "int64", ...
  bool is_float() const { return kind == Kind::Float || kind == Kind::BFloat; }
};

struct Layout {
  FileFormat format = FileFormat::Auto;
  ElemType elem;
  std::vector<int64_t> shape;
  int64_t data_offset = 0;       // first payload byte
  int64_t row_prefix_bytes = 0;  // fvecs: the int32 d stored before each row
  std::string tensor;            // safetensors: the tensor's name
  int64_t rows() const { return shape.empty() ? 1 : shape[0]; }
  int64_t cols() const { return shape.size() >= 2 ? shape[1] : 1; }
  int64_t count() const;  // product of shape
};

// Product of dims with overflow / cap checks; throws naming the file.
int64_t checked_payload_bytes(const std::string& path, const std::vector<int64_t>& shape,
                              int64_t itemsize, int64_t max_bytes);
std::string shape_str(const std::vector<int64_t>& shape);

Layout npy_layout(InputFile& f, int64_t max_bytes);
Layout vecs_layout(InputFile& f, FileFormat format, int64_t max_bytes);  // Fvecs or Fbin
Layout safetensors_layout(InputFile& f, const std::string& tensor_name, int64_t max_bytes);
// Names of every tensor in a safetensors file with dtype and shape (for error messages/info).
std::vector<std::string> safetensors_tensor_names(InputFile& f);

// The bytes before the payload of a float32 row-major [n, d] matrix in each format (fvecs
// has none: each row carries its own int32 d, see MatrixWriter). They refuse shapes the
// format cannot hold, naming `path`.
std::string npy_f32_header(int64_t n, int64_t d);
std::string fbin_header(const std::string& path, int64_t n, int64_t d);
void check_vecs_dim(const std::string& path, int64_t d);  // .fvecs/.fbin: 1 <= d <= 2^24
std::string safetensors_f32_header(const std::string& path, int64_t n, int64_t d, const std::string& name);
// values -> .npy <i8 of `shape` (empty: 1-D, one element per value); atomic.
void write_npy_i64(const std::string& path, const std::vector<int64_t>& values, std::vector<int64_t> shape = {});

// Converts `count` stored elements (layout.elem) at src to float32 at dst.
void convert_to_float(const ElemType& t, const unsigned char* src, int64_t count, float* dst);

}  // namespace arfc::io_detail
