#include "arfc/io/container.h"

#include <cstring>

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/json_keys.h"

namespace arfc {

namespace {
template <typename T>
void put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
T get_at(const std::string& s, size_t off) {
  T v;
  std::memcpy(&v, s.data() + off, sizeof v);
  return v;
}
}  // namespace

uint64_t fnv1a64(const void* data, size_t n, uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

void write_container(const std::string& path, const char magic[8], uint32_t version,
                     const nlohmann::json& header, const std::string& blob) {
  const std::string hdr = header.dump();
  std::string out;
  out.reserve(8 + 4 + 8 + hdr.size() + 8 + blob.size() + 8);
  out.append(magic, 8);
  put<uint32_t>(out, version);
  put<uint64_t>(out, hdr.size());
  out += hdr;
  put<uint64_t>(out, blob.size());
  out += blob;
  put<uint64_t>(out, fnv1a64(out.data(), out.size()));
  write_file_atomic(path, out);
}

ContainerFile read_container(const std::string& path, const char magic[8], uint32_t max_version,
                             const std::string& what) {
  const std::string bytes = read_file_bytes(path);
  const size_t fixed = 8 + 4 + 8 + 8 + 8;
  ARFC_CHECK(bytes.size() >= fixed, what, " '", path, "': file is ", bytes.size(),
             " bytes, smaller than the ", fixed, "-byte fixed part. Hint: the file is truncated or not an arfc file.");
  ARFC_CHECK(std::memcmp(bytes.data(), magic, 8) == 0, what, " '", path, "': bad magic: expected \"",
             std::string(magic, 8), "\", got \"", bytes.substr(0, 8), "\". Hint: is this really a ", what, "?");
  ContainerFile c;
  c.version = get_at<uint32_t>(bytes, 8);
  ARFC_CHECK(c.version >= 1 && c.version <= max_version, what, " '", path, "': format version ", c.version,
             " is not supported (this build reads 1..", max_version, "). Hint: upgrade arfc.");
  const uint64_t hlen = get_at<uint64_t>(bytes, 12);
  ARFC_CHECK(hlen <= bytes.size() - fixed, what, " '", path, "': header length ", hlen,
             " exceeds the file size ", bytes.size(), ". Hint: the file is truncated or corrupt.");
  const size_t blob_len_off = 20 + size_t(hlen);
  const uint64_t blen = get_at<uint64_t>(bytes, blob_len_off);
  ARFC_CHECK(blen == bytes.size() - fixed - hlen, what, " '", path, "': weights length ", blen,
             " does not match the file size (", bytes.size() - fixed - hlen,
             " bytes available). Hint: the file is truncated or corrupt.");
  const size_t sum_off = bytes.size() - 8;
  const uint64_t stored = get_at<uint64_t>(bytes, sum_off);
  const uint64_t actual = fnv1a64(bytes.data(), sum_off);
  ARFC_CHECK(stored == actual, what, " '", path, "': checksum mismatch (stored ", std::hex, stored,
             ", computed ", actual, std::dec, "). Hint: the file is corrupt; re-create or re-copy it.");
  const std::string header = bytes.substr(20, size_t(hlen));
  c.header = detail::parse_json_object(header, what + " '" + path + "': header", "Hint: the file is corrupt.");
  c.blob = bytes.substr(blob_len_off + 8, size_t(blen));
  return c;
}

}  // namespace arfc
