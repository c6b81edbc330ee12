// Crash-safe file output. Bytes go to "<path>.tmp.<pid>"; commit() flushes, fsyncs and
// rename(2)s the temp over <path>. Until commit() succeeds the old <path> (if any) is
// untouched; a writer destroyed without commit() removes its temp file.
// write_file_atomic() (arfc/io/embeddings.h) is the one-shot form for bytes in memory.
// regular_file_size() is the check every reader makes before it opens a file.
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

// The size of the regular file at `path`. arfc::Error when it is missing, a directory, or
// not a regular file (a FIFO or device would block a reader or never end). `what` names
// the kind of file in the messages ("code file"); empty: the path alone.
int64_t regular_file_size(const std::string& path, const std::string& what = "");

}  // namespace arfc
