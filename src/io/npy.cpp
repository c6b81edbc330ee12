// NumPy .npy: magic "\x93NUMPY", major/minor version, header length (uint16 for 1.0,
// uint32 for 2.0/3.0), a Python dict literal {'descr', 'fortran_order', 'shape'}, payload.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "arfc/core/error.h"
#include "arfc/io/atomic_file.h"
#include "layout.h"

namespace arfc::io_detail {
namespace {

constexpr int64_t kMaxHeaderBytes = int64_t(1) << 20;

// The subset of Python literals numpy writes into headers.
struct PyVal {
  enum Type { Str, Int, Bool, None, Tuple, Dict } type = None;
  std::string s;
  int64_t i = 0;
  bool b = false;
  std::vector<PyVal> items;                         // Tuple (also lists)
  std::vector<std::pair<std::string, PyVal>> dict;  // Dict
};

class HeaderParser {
 public:
  HeaderParser(const std::string& path, const std::string& text) : path_(path), t_(text) {}

  PyVal parse_top() {
    PyVal v = value(0);
    skip_ws();
    if (pos_ != t_.size()) fail("unexpected text after the dict");
    if (v.type != PyVal::Dict) fail("expected a dict literal");
    return v;
  }

  [[noreturn]] void fail(const std::string& what) const {
    std::string shown = t_.size() > 200 ? t_.substr(0, 200) + "..." : t_;
    for (char& c : shown)
      if (c == '\n') c = ' ';
    ARFC_THROW("file '", path_, "': malformed npy header (", what, " at character ", pos_, ") in \"",
               shown, "\". Hint: write the file with numpy.save.");
  }

 private:
  void skip_ws() {
    while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < t_.size() && t_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  PyVal value(int depth) {
    if (depth > 8) fail("nesting too deep");
    skip_ws();
    if (pos_ >= t_.size()) fail("unexpected end");
    const char c = t_[pos_];
    PyVal v;
    if (c == '{') {
      ++pos_;
      v.type = PyVal::Dict;
      while (!eat('}')) {
        PyVal k = value(depth + 1);
        if (k.type != PyVal::Str) fail("dict key is not a string");
        if (!eat(':')) fail("expected ':'");
        v.dict.emplace_back(k.s, value(depth + 1));
        if (!eat(',')) {
          if (!eat('}')) fail("expected ',' or '}'");
          break;
        }
      }
    } else if (c == '(' || c == '[') {
      const char close = c == '(' ? ')' : ']';
      ++pos_;
      v.type = PyVal::Tuple;
      while (!eat(close)) {
        v.items.push_back(value(depth + 1));
        if (!eat(',')) {
          if (!eat(close)) fail(std::string("expected ',' or '") + close + "'");
          break;
        }
      }
    } else if (c == '\'' || c == '"') {
      ++pos_;
      v.type = PyVal::Str;
      while (pos_ < t_.size() && t_[pos_] != c) v.s += t_[pos_++];
      if (pos_ >= t_.size()) fail("unterminated string");
      ++pos_;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
      v.type = PyVal::Int;
      const bool neg = c == '-';
      if (neg) ++pos_;
      if (pos_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[pos_]))) fail("bad number");
      int64_t x = 0;
      while (pos_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[pos_]))) {
        const int dgt = t_[pos_++] - '0';
        if (x > (INT64_MAX - dgt) / 10) fail("integer too large");
        x = x * 10 + dgt;
      }
      if (pos_ < t_.size() && t_[pos_] == 'L') ++pos_;  // Python 2 long suffix
      v.i = neg ? -x : x;
    } else if (t_.compare(pos_, 4, "True") == 0) {
      pos_ += 4;
      v.type = PyVal::Bool;
      v.b = true;
    } else if (t_.compare(pos_, 5, "False") == 0) {
      pos_ += 5;
      v.type = PyVal::Bool;
    } else if (t_.compare(pos_, 4, "None") == 0) {
      pos_ += 4;
    } else {
      fail(std::string("unexpected character '") + c + "'");
    }
    return v;
  }

  const std::string& path_;
  const std::string& t_;
  size_t pos_ = 0;
};

ElemType parse_descr(const std::string& path, const std::string& descr) {
  auto unsupported = [&](const char* why) {
    ARFC_THROW("file '", path, "': unsupported npy dtype '", descr, "' (", why,
               "); expected float32/float16/float64 ('<f4', '<f2', '<f8') for features or an integer "
               "type for labels. Hint: convert with arr.astype('<f4') before numpy.save.");
  };
  if (descr.size() < 3) unsupported("too short");
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') unsupported("unknown byte order");
  const char kind = descr[1];
  const std::string size_str = descr.substr(2);
  for (char ch : size_str)
    if (!std::isdigit(static_cast<unsigned char>(ch))) unsupported("unknown type code");
  if (size_str.size() > 2) unsupported("unknown item size");
  const int size = std::stoi(size_str);
  ElemType t;
  t.size = size;
  t.big_endian = order == '>' && size > 1;
  if (kind == 'f') {
    if (size != 2 && size != 4 && size != 8) unsupported("float item size must be 2, 4 or 8");
    t.kind = Kind::Float;
  } else if (kind == 'i' || kind == 'u') {
    if (size != 1 && size != 2 && size != 4 && size != 8) unsupported("integer item size must be 1, 2, 4 or 8");
    t.kind = kind == 'i' ? Kind::Int : Kind::UInt;
  } else if (kind == 'c') {
    unsupported("complex values");
  } else {
    unsupported("not a float or integer type");
  }
  return t;
}

uint32_t le32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

std::string descr_of(const char* descr, const std::vector<int64_t>& shape) {
  std::string s = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) s += std::to_string(shape[i]) + ", ";
  if (shape.size() >= 2) s.erase(s.size() - 2);  // (n, d) ; a 1-tuple keeps its comma: (n,)
  else if (shape.size() == 1) s.erase(s.size() - 1);
  s += "), }";
  return s;
}

// Version 1.0 header padded with spaces so that the payload starts at a multiple of 64.
std::string npy_header(const char* descr, const std::vector<int64_t>& shape) {
  std::string dict = descr_of(descr, shape);
  const size_t unpadded = 10 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  ARFC_ASSERT(dict.size() <= 65535, "npy header too long");
  std::string h = "\x93NUMPY";
  h += char(1);
  h += char(0);
  h += char(dict.size() & 0xff);
  h += char(dict.size() >> 8);
  return h + dict;
}

}  // namespace

Layout npy_layout(InputFile& f, int64_t max_bytes) {
  const std::string& path = f.path();
  ARFC_CHECK(f.size() > 0, "file '", path, "' is empty (0 bytes); expected a .npy file. Hint: re-export it.");
  unsigned char pre[12] = {0};
  f.read_at(0, pre, std::min<int64_t>(10, f.size()), "npy preamble");
  if (f.size() < 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0) {
    ARFC_THROW("file '", path, "' is not a .npy file: bad magic (expected \\x93NUMPY at byte 0). ",
               "Hint: check the file type, or force another format.");
  }
  const int major = pre[6], minor = pre[7];
  if (!((major == 1 || major == 2 || major == 3) && minor == 0)) {
    ARFC_THROW("file '", path, "': unsupported npy version ", major, ".", minor,
               "; expected 1.0, 2.0 or 3.0. Hint: re-save with numpy.save.");
  }
  int64_t header_len = 0, header_start = 10;
  if (major == 1) {
    header_len = int64_t(pre[8]) | int64_t(pre[9]) << 8;
  } else {
    f.read_at(10, pre + 10, 2, "npy header length");
    header_len = le32(pre + 8);
    header_start = 12;
  }
  if (header_len > kMaxHeaderBytes) {
    ARFC_THROW("file '", path, "': npy header length ", header_len, " bytes is overlong (limit ",
               kMaxHeaderBytes, "). Hint: the file is corrupt or not a numpy array.");
  }
  if (header_start + header_len > f.size()) {
    ARFC_THROW("file '", path, "' is truncated: npy header declares ", header_len, " bytes but only ",
               f.size() - header_start, " follow the preamble. Hint: re-export the file.");
  }
  const std::string text = f.read_string(header_start, header_len, "npy header");
  HeaderParser parser(path, text);
  const PyVal dict = parser.parse_top();
  const PyVal *descr = nullptr, *fortran = nullptr, *shape = nullptr;
  for (const auto& [k, v] : dict.dict) {
    if (k == "descr") descr = &v;
    else if (k == "fortran_order") fortran = &v;
    else if (k == "shape") shape = &v;
  }
  if (!descr || !fortran || !shape) parser.fail("missing key 'descr', 'fortran_order' or 'shape'");
  if (descr->type == PyVal::Tuple) {
    ARFC_THROW("file '", path, "': structured npy dtype (record array) is not supported; expected a plain "
               "float array. Hint: save a plain 2-D float array, e.g. np.save(p, arr.astype('<f4')).");
  }
  if (descr->type != PyVal::Str) parser.fail("'descr' is not a string");
  if (fortran->type != PyVal::Bool) parser.fail("'fortran_order' is not True/False");
  if (shape->type != PyVal::Tuple) parser.fail("'shape' is not a tuple");

  Layout l;
  l.format = FileFormat::Npy;
  l.elem = parse_descr(path, descr->s);
  for (const PyVal& d : shape->items) {
    if (d.type != PyVal::Int || d.i < 0) parser.fail("'shape' holds a non-integer or negative dimension");
    l.shape.push_back(d.i);
  }
  if (fortran->b && l.shape.size() >= 2) {
    ARFC_THROW("file '", path, "': array is stored in Fortran (column-major) order; expected C order. ",
               "Hint: save np.ascontiguousarray(arr) instead.");
  }
  l.data_offset = header_start + header_len;
  const int64_t payload = checked_payload_bytes(path, l.shape, l.elem.size, max_bytes);
  const int64_t have = f.size() - l.data_offset;
  if (payload > have) {
    ARFC_THROW("file '", path, "' is truncated: declared shape ", shape_str(l.shape), " of ", l.elem.name(),
               " needs ", payload, " payload bytes but the file has ", have,
               " after the header. Hint: the file was cut short; re-export it.");
  }
  if (payload < have) {
    ARFC_THROW("file '", path, "': declared shape ", shape_str(l.shape), " of ", l.elem.name(), " needs ",
               payload, " payload bytes but ", have, " follow the header (", have - payload,
               " extra). Hint: the header does not match the data; re-save with numpy.save.");
  }
  return l;
}

std::string npy_f32_header(int64_t n, int64_t d) { return npy_header("<f4", {n, d}); }

void write_npy_i64(const std::string& path, const std::vector<int64_t>& values, std::vector<int64_t> shape) {
  if (shape.empty()) shape = {int64_t(values.size())};
  int64_t count = 1;
  for (int64_t s : shape) count *= s;
  ARFC_ASSERT(count == int64_t(values.size()), "write_npy_i64: shape holds ", count, " values, got ", values.size());
  AtomicWriter w(path);
  w.write(npy_header("<i8", shape));
  w.write(values.data(), values.size() * sizeof(int64_t));
  w.commit();
}

}  // namespace arfc::io_detail
