#include "arfc/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/stat.h>

#include "arfc/core/error.h"

namespace arfc {
namespace {

constexpr uint32_t kMagicImages = 0x00000803;
constexpr uint32_t kMagicLabels = 0x00000801;
constexpr int64_t kMaxItems = int64_t(1) << 26;  // far above any (Fashion-)MNIST split
constexpr int64_t kMaxSide = 4096;
const char* kHint = "Hint: reinstall the data with `sudo apt-get install --reinstall dataset-fashion-mnist`.";

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzPtr = std::unique_ptr<gzFile_s, GzCloser>;

GzPtr open_gz(const std::string& path) {
  struct stat st{};
  ARFC_CHECK(stat(path.c_str(), &st) == 0, "IDX file ", path, " not found (", std::strerror(errno),
             "). Hint: install Fashion-MNIST with `sudo apt-get install dataset-fashion-mnist`, "
             "or pass the directory holding the IDX files.");
  gzFile f = gzopen(path.c_str(), "rb");
  ARFC_CHECK(f != nullptr, "cannot open IDX file ", path, ": ", std::strerror(errno));
  return GzPtr(f);
}

// Reads exactly `n` bytes or throws (truncated / corrupt stream) naming `what`.
void read_exact(gzFile f, const std::string& path, const char* what, void* dst, int64_t n) {
  auto* p = static_cast<unsigned char*>(dst);
  int64_t got = 0;
  while (got < n) {
    unsigned chunk = unsigned(std::min<int64_t>(n - got, int64_t(1) << 30));
    int r = gzread(f, p + got, chunk);
    if (r < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      ARFC_THROW("IDX file ", path, ": corrupt compressed data while reading ", what, " (zlib: ",
                 msg ? msg : "?", "). ", kHint);
    }
    if (r == 0) break;
    got += r;
  }
  ARFC_CHECK(got == n, "IDX file ", path, " is truncated: ", what, " needs ", n, " bytes, only ", got,
             " present. ", kHint);
}

// Reads exactly `n` bytes into a buffer that grows as they arrive (at most 64 MB ahead of
// the data), so a header that claims more than the stream holds fails as truncated
// instead of allocating what it claims.
std::vector<uint8_t> read_growing(gzFile f, const std::string& path, const char* what, int64_t n) {
  constexpr int64_t kChunk = int64_t(64) << 20;
  std::vector<uint8_t> out;
  for (int64_t have = 0; have < n;) {
    const int64_t chunk = std::min(kChunk, n - have);
    out.resize(size_t(have + chunk));
    const std::string part = std::string(what) + " (bytes " + std::to_string(have) + " to " +
                             std::to_string(have + chunk) + " of the " + std::to_string(n) + " the header declares)";
    read_exact(f, path, part.c_str(), out.data() + have, chunk);
    have += chunk;
  }
  return out;
}

uint32_t read_be32(gzFile f, const std::string& path, const char* what) {
  unsigned char b[4];
  read_exact(f, path, what, b, 4);
  return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | uint32_t(b[3]);
}

void expect_end(gzFile f, const std::string& path) {
  unsigned char extra;
  int r = gzread(f, &extra, 1);
  ARFC_CHECK(r == 0, "IDX file ", path, ": unexpected data after the declared payload. ", kHint);
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

}  // namespace

IdxImages read_idx_images(const std::string& path) {
  GzPtr f = open_gz(path);
  uint32_t magic = read_be32(f.get(), path, "magic");
  ARFC_CHECK(magic == kMagicImages, "IDX file ", path, ": magic expected ", hex(kMagicImages),
             " (images), got ", hex(magic), magic == kMagicLabels ? " (a label file)" : "", ". ", kHint);
  IdxImages im;
  im.n = read_be32(f.get(), path, "item count");
  im.rows = read_be32(f.get(), path, "row count");
  im.cols = read_be32(f.get(), path, "column count");
  ARFC_CHECK(im.n > 0 && im.n <= kMaxItems, "IDX file ", path, ": item count expected 1..", kMaxItems,
             ", got ", im.n, ". ", kHint);
  ARFC_CHECK(im.rows > 0 && im.rows <= kMaxSide && im.cols > 0 && im.cols <= kMaxSide, "IDX file ",
             path, ": image size expected 1..", kMaxSide, " per side, got ", im.rows, " x ", im.cols,
             ". ", kHint);
  im.pixels = read_growing(f.get(), path, "pixels", im.n * im.rows * im.cols);
  expect_end(f.get(), path);
  return im;
}

Labels read_idx_labels(const std::string& path) {
  GzPtr f = open_gz(path);
  uint32_t magic = read_be32(f.get(), path, "magic");
  ARFC_CHECK(magic == kMagicLabels, "IDX file ", path, ": magic expected ", hex(kMagicLabels),
             " (labels), got ", hex(magic), magic == kMagicImages ? " (an image file)" : "", ". ", kHint);
  int64_t n = read_be32(f.get(), path, "item count");
  ARFC_CHECK(n > 0 && n <= kMaxItems, "IDX file ", path, ": item count expected 1..", kMaxItems,
             ", got ", n, ". ", kHint);
  const std::vector<uint8_t> raw = read_growing(f.get(), path, "labels", n);
  expect_end(f.get(), path);
  return Labels(raw.begin(), raw.end());
}

Matrix idx_images_to_matrix(const IdxImages& im, int64_t first, int64_t count) {
  if (count < 0) count = im.n - first;
  ARFC_ASSERT(first >= 0 && first + count <= im.n, "image range [", first, ", ", first + count,
              ") outside 0..", im.n);
  const int64_t d = im.rows * im.cols;
  Matrix m(count, d);
  const uint8_t* src = im.pixels.data() + first * d;
  for (int64_t i = 0; i < count * d; ++i) m.data[size_t(i)] = float(src[i]) * (1.0f / 255.0f);
  return m;
}

}  // namespace arfc
