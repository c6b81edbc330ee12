// Crash-safe file output. Bytes go to "<path>.tmp.<pid>"; commit() flushes, fsyncs and
// rename(2)s the temp over <path>. Until commit() succeeds the old <path> (if any) is
// untouched; a writer destroyed without commit() removes its temp file.
// write_file_atomic() (arfc/io/embeddings.h) is the one-shot form for bytes in memory.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace arfc {

class AtomicWriter {
 public:
  // Throws arfc::Error naming the directory when it does not exist or is not writable.
  explicit AtomicWriter(std::string path);
  ~AtomicWriter();
  AtomicWriter(const AtomicWriter&) = delete;
  AtomicWriter& operator=(const AtomicWriter&) = delete;

  void write(const void* data, size_t n);
  void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
  // Flush + fsync + rename. Throws arfc::Error (temp removed) on failure.
  void commit();
  const std::string& temp_path() const { return tmp_; }

 private:
  void fail(const std::string& what);
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
  bool committed_ = false;
};

}  // namespace arfc
