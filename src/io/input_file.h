// Private to arfc_io: a read-only file with its size, read at offsets with every short
// read reported as truncation (file, offset, wanted vs got).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace arfc::io_detail {

class InputFile {
 public:
  explicit InputFile(const std::string& path);  // missing/unreadable/directory -> arfc::Error
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  // Exactly n bytes at offset, or arfc::Error naming `what` (e.g. "npy header").
  void read_at(int64_t offset, void* dst, int64_t n, const char* what);
  std::string read_string(int64_t offset, int64_t n, const char* what);

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  int64_t size_ = 0;
};

}  // namespace arfc::io_detail
