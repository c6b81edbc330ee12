// safetensors: uint64 little-endian header length N, N bytes of JSON
// {"name": {"dtype": "F32", "shape": [n, d], "data_offsets": [begin, end]}, "__metadata__": {...}},
// then the byte buffer (offsets are relative to its start).
#include <nlohmann/json.hpp>

#include "arfc/core/error.h"
#include "arfc/io/json_keys.h"
#include "layout.h"

namespace arfc::io_detail {
namespace {
using nlohmann::json;

constexpr int64_t kMaxHeader = int64_t(100) << 20;  // the format's own limit

json read_header(InputFile& f, int64_t* buffer_start) {
  const std::string& path = f.path();
  ARFC_CHECK(f.size() > 0, "file '", path, "' is empty (0 bytes); expected a .safetensors file.");
  ARFC_CHECK(f.size() >= 8, "file '", path, "' is truncated: ", f.size(),
             " bytes, less than the 8-byte safetensors header length.");
  unsigned char b[8];
  f.read_at(0, b, 8, "safetensors header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | b[i];
  if (n > uint64_t(kMaxHeader)) {
    ARFC_THROW("file '", path, "': safetensors header length ", n, " bytes is overlong (limit ", kMaxHeader,
               "). Hint: the file is corrupt or not safetensors.");
  }
  if (int64_t(n) > f.size() - 8) {
    ARFC_THROW("file '", path, "' is truncated: safetensors header declares ", n, " bytes but only ",
               f.size() - 8, " follow. Hint: re-export the file.");
  }
  const std::string text = f.read_string(8, int64_t(n), "safetensors header");
  *buffer_start = 8 + int64_t(n);
  return detail::parse_json_object(text, "file '" + path + "': safetensors header",
                                   "Hint: the file is corrupt or not safetensors.");
}

bool elem_from_dtype(const std::string& s, ElemType* t) {
  if (s == "F32") *t = {Kind::Float, 4, false};
  else if (s == "F16") *t = {Kind::Float, 2, false};
  else if (s == "BF16") *t = {Kind::BFloat, 2, false};
  else if (s == "F64") *t = {Kind::Float, 8, false};
  else return false;
  return true;
}

std::string describe(const std::string& name, const json& v) {
  std::string s = "'" + name + "'";
  if (v.is_object()) {
    if (v.contains("dtype")) s += " " + v["dtype"].dump();
    if (v.contains("shape")) s += " " + v["shape"].dump();
  }
  return s;
}
}  // namespace

std::vector<std::string> safetensors_tensor_names(InputFile& f) {
  int64_t start = 0;
  const json h = read_header(f, &start);
  std::vector<std::string> names;
  for (const auto& [k, v] : h.items())
    if (k != "__metadata__") names.push_back(describe(k, v));
  return names;
}

Layout safetensors_layout(InputFile& f, const std::string& tensor_name, int64_t max_bytes) {
  const std::string& path = f.path();
  int64_t start = 0;
  const json h = read_header(f, &start);
  std::string all;
  std::vector<std::string> two_d;
  for (const auto& [k, v] : h.items()) {
    if (k == "__metadata__") continue;
    all += (all.empty() ? "" : ", ") + describe(k, v);
    if (v.is_object() && v.contains("shape") && v["shape"].is_array() && v["shape"].size() == 2)
      two_d.push_back(k);
  }
  if (all.empty()) all = "(none)";
  std::string name = tensor_name;
  if (name.empty()) {
    if (two_d.size() != 1) {
      ARFC_THROW("file '", path, "': ", two_d.empty() ? "no 2-D tensor" : "several 2-D tensors",
                 " found; tensors: ", all, ". Hint: name the tensor to read (--tensor NAME; ReadOptions::tensor_name in C++).");
    }
    name = two_d[0];
  }
  if (!h.contains(name) || name == "__metadata__") {
    ARFC_THROW("file '", path, "': no tensor named '", name, "'; tensors: ", all, ". Hint: pick one of those.");
  }
  const json& t = h[name];
  auto bad = [&](const std::string& what) {
    ARFC_THROW("file '", path, "': tensor '", name, "': ", what, ". Hint: the file is corrupt or was not written "
               "by a safetensors library.");
  };
  if (!t.is_object() || !t.contains("dtype") || !t.contains("shape") || !t.contains("data_offsets"))
    bad("entry lacks dtype, shape or data_offsets");
  if (!t["dtype"].is_string()) bad("dtype is not a string");
  Layout l;
  l.format = FileFormat::Safetensors;
  const std::string dtype = t["dtype"].get<std::string>();
  if (!elem_from_dtype(dtype, &l.elem)) {
    ARFC_THROW("file '", path, "': tensor '", name, "' has dtype ", dtype,
               "; expected F32, F16, BF16 or F64. Hint: convert it to float32 before saving.");
  }
  const json& shape = t["shape"];
  if (!shape.is_array()) bad("shape is not an array");
  for (const json& d : shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) bad("shape holds a non-integer or negative dimension");
    l.shape.push_back(d.get<int64_t>());
  }
  const json& off = t["data_offsets"];
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    bad("data_offsets is not [begin, end]");
  const uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
  const uint64_t buffer = uint64_t(f.size() - start);
  if (b > e || e > buffer) {
    ARFC_THROW("file '", path, "': tensor '", name, "' data_offsets [", b, ", ", e, "] fall outside the ", buffer,
               "-byte data buffer. Hint: the file is truncated or corrupt.");
  }
  const int64_t payload = checked_payload_bytes(path, l.shape, l.elem.size, max_bytes);
  if (uint64_t(payload) != e - b) {
    ARFC_THROW("file '", path, "': tensor '", name, "' shape ", shape_str(l.shape), " of ", dtype, " needs ",
               payload, " bytes but data_offsets span ", e - b, ". Hint: the file is corrupt.");
  }
  l.data_offset = start + int64_t(b);
  l.tensor = name;
  return l;
}

std::string safetensors_f32_header(const std::string& path, int64_t n, int64_t d, const std::string& name) {
  ARFC_CHECK(!name.empty() && name != "__metadata__", "cannot write '", path, "': invalid tensor name '", name,
             "'. Hint: use e.g. 'embeddings'.");
  json h;
  h["__metadata__"] = {{"format", "pt"}, {"writer", "arfc"}};
  h[name] = {{"dtype", "F32"}, {"shape", {n, d}}, {"data_offsets", {0, n * d * 4}}};
  std::string text = h.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const uint64_t len = text.size();
  for (int i = 0; i < 8; ++i) out[size_t(i)] = char((unsigned char)(len >> (8 * i)));
  return out + text;
}

}  // namespace arfc::io_detail
