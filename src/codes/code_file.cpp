// The code file: byte layout in docs/FORMAT.md ("Code files"). All integers little-endian.
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/io/atomic_file.h"
#include "arfc/io/embeddings.h"

namespace arfc {

uint32_t code_file_version(StorageType t) {
  switch (t) {
    case StorageType::Q8: return 2;
    case StorageType::I4: return 3;
    default: return 1;
  }
}

bool has_scales(StorageType t) { return t == StorageType::I8 || t == StorageType::I4; }
namespace {

constexpr int64_t kHeaderBytes = 64;
constexpr int64_t kChecksumBytes = 4;
constexpr int64_t kMaxDim = int64_t(1) << 24;     // D, w and n_values caps
constexpr uint8_t kFlagValueLevel = 1;
constexpr uint8_t kFlagModality1 = 2;

void put_u8(std::string& s, uint8_t v) { s.push_back(char(v)); }
void put_u16(std::string& s, uint16_t v) {
  for (int b = 0; b < 2; ++b) s.push_back(char(uint8_t(v >> (8 * b))));
}
void put_u32(std::string& s, uint32_t v) {
  for (int b = 0; b < 4; ++b) s.push_back(char(uint8_t(v >> (8 * b))));
}
void put_u64(std::string& s, uint64_t v) {
  for (int b = 0; b < 8; ++b) s.push_back(char(uint8_t(v >> (8 * b))));
}
uint64_t get_le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int b = 0; b < n; ++b) v |= uint64_t(p[b]) << (8 * b);
  return v;
}
float f32_from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t crc32_of(const unsigned char* p, int64_t n, uint32_t crc_so_far = 0) {
  uLong crc = crc_so_far;
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = uInt(std::min<int64_t>(n, int64_t(1) << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return uint32_t(crc);
}

std::string printable(const unsigned char* p, int64_t n) {
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    if (p[i] >= 32 && p[i] < 127) {
      s.push_back(char(p[i]));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", p[i]);
      s += buf;
    }
  }
  return s;
}

// Parses bytes [0, have) of a file of file_size bytes. Header-only mode (have may stop
// after the scales) skips the payload and checksum.
void check_checksum(const std::string& f, uint32_t want, uint32_t got) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "expected %08x, got %08x", want, got);
  ARFC_CHECK(want == got, f, ": field 'checksum' (CRC-32 of the preceding bytes): ", buf,
             ". Hint: the file is corrupt (disk or transfer error); re-create or re-copy it.");
}

// A valid checksum does not rule out a crafted file: float payloads must be finite, or
// decompress/export would write NaN/Inf silently. c holds rows [row0, row0 + c.n).
void check_finite_payload(const std::string& f, const CodeSet& c, int64_t row0) {
  if (c.dtype != StorageType::F32 && c.dtype != StorageType::F16) return;
  const Matrix v = dequantize_codes(c);
  for (int64_t i = 0; i < v.n; ++i)
    for (int64_t j = 0; j < v.d; ++j)
      ARFC_CHECK(std::isfinite(v.at(i, j)), f, ": code value at row ", row0 + i, ", column ", j, " is ", v.at(i, j),
                 ", expected a finite number. Hint: the file was not written by arfc compress; re-create it.");
}

CodeSet parse(const std::string& path, const unsigned char* p, int64_t have, int64_t file_size, bool with_payload) {
  const std::string f = "code file '" + path + "'";
  ARFC_CHECK(file_size > 0, f, " is empty: expected at least ", kHeaderBytes + kChecksumBytes,
             " bytes. Hint: the write was interrupted; re-run arfc compress.");
  ARFC_CHECK(file_size >= 8 && std::memcmp(p, kCodeMagic, 8) == 0, f, ": field 'magic': expected \"ARFCCODE\", got \"",
             printable(p, std::min<int64_t>(have, 8)),
             "\". Hint: this is not an arfc code file (model checkpoints go to --model; features to arfc compress --in).");
  ARFC_CHECK(file_size >= kHeaderBytes + kChecksumBytes, f, " is truncated: expected at least ",
             kHeaderBytes + kChecksumBytes, " bytes (header + checksum), got ", file_size,
             ". Hint: the file was cut short; re-create it.");
  const uint32_t version = uint32_t(get_le(p + 8, 4));
  ARFC_CHECK(version >= 1 && version <= kCodeFormatVersion, f, ": field 'version': expected 1 to ", kCodeFormatVersion, ", got ",
             version, ". Hint: ", (version > kCodeFormatVersion ? "written by a newer arfc; upgrade arfc."
                                                                : "the header is corrupt."));
  const uint8_t dtype = p[12], flags = p[13];
  ARFC_CHECK(dtype <= 4 && code_file_version(StorageType(dtype)) <= version, f,
             ": field 'dtype': expected 0 (f32), 1 (f16), 2 (i8), 3 (q8, from version 2 on) or 4 (i4, from "
             "version 3 on) in a version ", version, " file, got ", int(dtype), ". Hint: the header is corrupt.");
  ARFC_CHECK((flags & ~(kFlagValueLevel | kFlagModality1)) == 0 && get_le(p + 14, 2) == 0, f,
             ": field 'flags': expected only bits 0 (value_level) and 1 (modality 1) and zero reserved bytes, got flags ",
             int(flags),
             ", reserved ", get_le(p + 14, 2), ". Hint: the header is corrupt or from a newer arfc.");
  CodeSet c;
  c.dtype = StorageType(dtype);
  c.value_level = flags & kFlagValueLevel;
  c.modality = (flags & kFlagModality1) ? 1 : 0;
  c.model_fingerprint = get_le(p + 16, 8);
  const uint64_t dim = get_le(p + 24, 8), width = get_le(p + 32, 8), n = get_le(p + 40, 8),
                 nv = get_le(p + 48, 8);
  uint64_t ratio_bits = get_le(p + 56, 8);
  double stored_ratio;
  std::memcpy(&stored_ratio, &ratio_bits, 8);
  auto check_range = [&](const char* field, uint64_t v) {
    ARFC_CHECK(v >= 1 && v <= uint64_t(kMaxDim), f, ": field '", field, "': expected 1 to ", kMaxDim, ", got ", v,
               ". Hint: the header is corrupt.");
  };
  check_range("input_dim", dim);
  check_range("token_width", width);
  check_range("n_values", nv);
  c.input_dim = int64_t(dim);
  c.token_width = int64_t(width);
  c.n_values = int64_t(nv);
  ARFC_CHECK(c.dtype == StorageType::Q8 || c.value_level || c.n_values % c.token_width == 0, f,
             ": field 'n_values': expected a multiple of ",
             "token_width ", c.token_width, " (codes are whole tokens), got ", c.n_values, ". Hint: the header is corrupt.");
  ARFC_CHECK(std::fabs(stored_ratio - c.ratio()) <= 1e-9 * c.ratio(), f, ": field 'ratio': expected ", c.ratio(),
             " (4 * input_dim / bytes per code), got ", stored_ratio, ". Hint: the header is corrupt.");
  const int64_t scale_bytes = has_scales(c.dtype) ? 4 * c.n_values : 0;
  const int64_t row_bytes = c.bytes_per_vector();
  const int64_t room = file_size - kHeaderBytes - kChecksumBytes - scale_bytes;
  const bool fits = room >= 0 && n <= uint64_t(room / row_bytes);
  if (!fits || int64_t(n) * row_bytes != room) {
    const std::string expected =
        n <= (uint64_t(1) << 40) ? std::to_string(kHeaderBytes + scale_bytes + int64_t(n) * row_bytes + kChecksumBytes)
                                 : std::string("more than 2^40");
    ARFC_THROW(f, ": field 'n': the header declares ", n, " codes of ", row_bytes, " bytes",
               (scale_bytes ? " plus " + std::to_string(scale_bytes) + " bytes of " + storage_name(c.dtype) + " scales" : std::string()),
               ", so the file should have ", expected, " bytes; it has ", file_size, ". Hint: the file was ",
               (fits ? "appended to" : "cut short"), " or its header is corrupt; re-create it.");
  }
  c.n = int64_t(n);
  ARFC_ASSERT(have >= kHeaderBytes + scale_bytes, "parse: caller read too little");
  c.scales.resize(size_t(scale_bytes / 4));
  for (int64_t j = 0; j < int64_t(c.scales.size()); ++j) {
    const float s = f32_from_bits(uint32_t(get_le(p + kHeaderBytes + 4 * j, 4)));
    ARFC_CHECK(std::isfinite(s) && s > 0, f, ": field 'scales[", j, "]': expected a finite scale > 0, got ", s,
               ". Hint: the file is corrupt.");
    c.scales[size_t(j)] = s;
  }
  if (!with_payload) return c;
  ARFC_ASSERT(have == file_size, "parse: payload not read");
  check_checksum(f, uint32_t(get_le(p + file_size - kChecksumBytes, 4)), crc32_of(p, file_size - kChecksumBytes));
  const unsigned char* payload = p + kHeaderBytes + scale_bytes;
  c.payload.assign(payload, payload + c.n * row_bytes);
  check_finite_payload(f, c, 0);
  return c;
}

int64_t file_size_of(const std::string& path, std::ifstream& in) {
  const int64_t size = regular_file_size(path, "code file");
  in.open(path, std::ios::binary);
  ARFC_CHECK(in.good(), "cannot open code file '", path, "': ", std::strerror(errno), ". Hint: check permissions.");
  return size;
}

}  // namespace

namespace {
// The fixed header and the i8 scales of a file of n codes shaped like `c`.
std::string code_file_head(const CodeSet& c, int64_t n) {
  ARFC_ASSERT(c.input_dim > 0 && c.token_width > 0 && c.n_values > 0 && n >= 0, "invalid CodeSet");
  ARFC_ASSERT(int64_t(c.scales.size()) == (has_scales(c.dtype) ? c.n_values : 0), "scales size");
  ARFC_ASSERT(c.modality == 0 || c.modality == 1, "modality ", c.modality);
  std::string s;
  s.append(kCodeMagic, 8);
  put_u32(s, code_file_version(c.dtype));
  put_u8(s, uint8_t(c.dtype));
  put_u8(s, uint8_t((c.value_level ? kFlagValueLevel : 0) | (c.modality == 1 ? kFlagModality1 : 0)));
  put_u16(s, 0);
  put_u64(s, c.model_fingerprint);
  put_u64(s, uint64_t(c.input_dim));
  put_u64(s, uint64_t(c.token_width));
  put_u64(s, uint64_t(n));
  put_u64(s, uint64_t(c.n_values));
  const double r = c.ratio();
  uint64_t rb;
  std::memcpy(&rb, &r, 8);
  put_u64(s, rb);
  ARFC_ASSERT(int64_t(s.size()) == kHeaderBytes, "header size ", s.size());
  for (float v : c.scales) {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    put_u32(s, u);
  }
  return s;
}
}  // namespace

CodeFileWriter::CodeFileWriter(const std::string& path, const CodeSet& shape, int64_t n)
    : out_(path), shape_(shape), n_(n) {
  shape_.payload.clear();
  shape_.n = 0;
  const std::string head = code_file_head(shape_, n_);
  crc_ = crc32_of(reinterpret_cast<const unsigned char*>(head.data()), int64_t(head.size()));
  out_.write(head);
}

void CodeFileWriter::append(const CodeSet& rows) {
  ARFC_ASSERT(rows.dtype == shape_.dtype && rows.n_values == shape_.n_values && rows.input_dim == shape_.input_dim &&
                  rows.token_width == shape_.token_width && rows.model_fingerprint == shape_.model_fingerprint &&
                  rows.scales == shape_.scales && rows.value_level == shape_.value_level &&
                  rows.modality == shape_.modality,
              "CodeFileWriter::append: rows of another layout, model or calibration");
  ARFC_ASSERT(int64_t(rows.payload.size()) == rows.n * rows.bytes_per_vector(), "payload size ", rows.payload.size());
  ARFC_ASSERT(written_ + rows.n <= n_, "CodeFileWriter: ", written_ + rows.n, " rows appended to a file of ", n_);
  crc_ = crc32_of(rows.payload.data(), int64_t(rows.payload.size()), crc_);
  out_.write(rows.payload.data(), rows.payload.size());
  written_ += rows.n;
}

void CodeFileWriter::commit() {
  ARFC_ASSERT(written_ == n_, "CodeFileWriter: ", written_, " of ", n_, " rows appended before commit");
  std::string tail;
  put_u32(tail, crc_);
  out_.write(tail);
  out_.commit();
}

void write_code_file(const std::string& path, const CodeSet& c) {
  CodeFileWriter w(path, c, c.n);
  w.append(c);
  w.commit();
}

CodeSet read_code_file(const std::string& path) {
  const std::string bytes = read_file_bytes(path);
  return parse(path, reinterpret_cast<const unsigned char*>(bytes.data()), int64_t(bytes.size()),
               int64_t(bytes.size()), true);
}

namespace {
// The fixed header and, for i8, the scales, read from `in` (at offset 0) of a file of `size`
// bytes; what cannot be there is left out, for parse() to report.
std::vector<unsigned char> read_head(std::ifstream& in, int64_t size) {
  std::vector<unsigned char> head(size_t(std::min<int64_t>(size, kHeaderBytes)));
  in.read(reinterpret_cast<char*>(head.data()), std::streamsize(head.size()));
  // Validate the fixed header first (parse needs the scales only for i8, and checks their
  // size against the file length before we read them).
  if (size >= kHeaderBytes + kChecksumBytes && head[12] <= 4 && has_scales(StorageType(head[12]))) {
    const uint64_t nv = get_le(head.data() + 48, 8);
    if (nv >= 1 && nv <= uint64_t(kMaxDim) && int64_t(4 * nv) <= size - kHeaderBytes - kChecksumBytes) {
      head.resize(size_t(kHeaderBytes + 4 * int64_t(nv)));
      in.read(reinterpret_cast<char*>(head.data() + kHeaderBytes), std::streamsize(4 * nv));
    }
  }
  return head;
}
}  // namespace

CodeSet read_code_file_header(const std::string& path) {
  std::ifstream in;
  const int64_t size = file_size_of(path, in);
  const std::vector<unsigned char> head = read_head(in, size);
  // Too-short reads fail the size checks in parse() before the scales are touched.
  return parse(path, head.data(), int64_t(head.size()), size, false);
}

CodeSet read_code_file_chunks(const std::string& path, int64_t chunk_rows,
                              const std::function<void(int64_t row0, const CodeSet& rows)>& sink) {
  ARFC_CHECK(chunk_rows >= 1, "read_code_file_chunks: chunk_rows must be >= 1, got ", chunk_rows);
  const std::string f = "code file '" + path + "'";
  std::ifstream in;
  const int64_t size = file_size_of(path, in);
  const std::vector<unsigned char> head = read_head(in, size);
  const CodeSet header = parse(path, head.data(), int64_t(head.size()), size, false);
  uint32_t crc = crc32_of(head.data(), int64_t(head.size()));
  const int64_t row_bytes = header.bytes_per_vector();
  CodeSet part = header;
  for (int64_t r0 = 0; r0 < header.n; r0 += chunk_rows) {
    part.n = std::min(chunk_rows, header.n - r0);
    part.payload.resize(size_t(part.n * row_bytes));
    in.read(reinterpret_cast<char*>(part.payload.data()), std::streamsize(part.payload.size()));
    ARFC_CHECK(in.good(), f, ": reading rows ", r0, " to ", r0 + part.n, " failed. Hint: the file changed while "
               "being read, or the disk failed.");
    crc = crc32_of(part.payload.data(), int64_t(part.payload.size()), crc);
    check_finite_payload(f, part, r0);
    sink(r0, part);
  }
  unsigned char tail[kChecksumBytes];
  in.read(reinterpret_cast<char*>(tail), kChecksumBytes);
  ARFC_CHECK(in.good(), f, ": reading the checksum failed. Hint: the file changed while being read.");
  check_checksum(f, uint32_t(get_le(tail, 4)), crc);
  return header;
}

bool is_code_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, 8) && std::memcmp(magic, kCodeMagic, 8) == 0;
}

std::string format_fingerprint(uint64_t fp) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
  return buf;
}

nlohmann::json describe_code_file(const std::string& path) {
  const CodeSet c = read_code_file_header(path);
  std::ifstream in;
  nlohmann::json j;
  j["format"] = "arfc-codes";
  j["version"] = code_file_version(c.dtype);
  j["path"] = path;
  j["file_bytes"] = file_size_of(path, in);
  j["model_fingerprint"] = format_fingerprint(c.model_fingerprint);
  j["input_dim"] = c.input_dim;
  j["token_width"] = c.token_width;
  j["n"] = c.n;
  j["n_values"] = c.n_values;
  j["tokens"] = c.tokens();
  j["value_level"] = c.value_level;
  j["modality"] = c.modality;
  j["dtype"] = storage_name(c.dtype);
  j["bytes_per_vector"] = c.bytes_per_vector();
  j["ratio"] = c.ratio();
  j["layout"] = describe_layout(c.layout(), c.token_width);
  if (!c.scales.empty()) {
    j["scale_min"] = *std::min_element(c.scales.begin(), c.scales.end());
    j["scale_max"] = *std::max_element(c.scales.begin(), c.scales.end());
  }
  return j;
}

}  // namespace arfc
