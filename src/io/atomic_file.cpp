#include "arfc/io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"
#include "input_file.h"

namespace arfc {
namespace {
std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A symbolic link is followed to the file it names (dangling or not), so the temp and the
// rename go there and the link stays; a loop of links -> arfc::Error.
std::string follow_links(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  for (int hop = 0; hop < 40; ++hop) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) return p.string();
    fs::path t = fs::read_symlink(p, ec);
    if (ec) ARFC_THROW("cannot write '", path, "': reading the link '", p.string(), "' failed: ", ec.message());
    p = t.is_absolute() ? t : p.parent_path() / t;
  }
  ARFC_THROW("cannot write '", path, "': too many levels of symbolic links. Hint: give the file itself.");
}
}  // namespace

AtomicWriter::AtomicWriter(std::string path) : path_(std::move(path)) {
  ARFC_CHECK(!path_.empty(), "output path is empty. Hint: pass a file name.");
  const std::string given = path_;
  path_ = follow_links(path_);
  const std::string dir = parent_dir(path_);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    ARFC_THROW("cannot write '", path_, "': directory '", dir,
               "' does not exist. Hint: create it first (mkdir -p ", dir, ").");
  }
  struct stat target;
  if (::stat(path_.c_str(), &target) == 0 && S_ISDIR(target.st_mode)) {
    ARFC_THROW("cannot write '", given, "': it is a directory. Hint: give a file name.");
  }
  // The temp is renamed over the target, which would replace a device or a pipe with a
  // regular file (/dev/null among them, when run as root).
  if (::stat(path_.c_str(), &target) == 0 && !S_ISREG(target.st_mode)) {
    ARFC_THROW("cannot write '", given, "': it is not a regular file (a device, pipe or socket); outputs are "
               "written as regular files. Hint: give a file path.");
  }
  tmp_ = path_ + ".tmp." + std::to_string(::getpid());
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) {
    ARFC_THROW("cannot create '", tmp_, "' (temporary for '", path_, "'): ", std::strerror(errno),
               ". Hint: check that directory '", dir, "' is writable.");
  }
}

AtomicWriter::~AtomicWriter() {
  if (f_) std::fclose(f_);
  if (!committed_ && !tmp_.empty()) std::remove(tmp_.c_str());
}

void AtomicWriter::fail(const std::string& what) {
  const std::string err = std::strerror(errno);
  if (f_) std::fclose(f_);
  f_ = nullptr;
  std::remove(tmp_.c_str());
  ARFC_THROW("writing '", path_, "' failed (", what, "): ", err,
             ". Hint: check free disk space and permissions; the previous file, if any, is unchanged.");
}

void AtomicWriter::write(const void* data, size_t n) {
  ARFC_ASSERT(f_ && !committed_, "AtomicWriter used after commit or failure");
  if (n && std::fwrite(data, 1, n, f_) != n) fail("write");
}

void AtomicWriter::commit() {
  ARFC_ASSERT(f_ && !committed_, "AtomicWriter committed twice");
  if (std::fflush(f_) != 0) fail("flush");
  if (::fsync(fileno(f_)) != 0) fail("fsync");
  if (std::fclose(f_) != 0) {
    f_ = nullptr;
    fail("close");
  }
  f_ = nullptr;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail("rename");
  committed_ = true;
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  AtomicWriter w(path);
  w.write(bytes);
  w.commit();
}

std::string read_file_bytes(const std::string& path, int64_t max_bytes) {
  io_detail::InputFile f(path);
  ARFC_CHECK(f.size() <= max_bytes, "file '", path, "': size ", f.size(),
             " bytes exceeds the limit of ", max_bytes, " bytes. Hint: is this the right file?");
  return f.read_string(0, f.size(), "contents");
}

int64_t regular_file_size(const std::string& path, const std::string& what) {
  const std::string name = (what.empty() ? std::string() : what + " ") + "'" + path + "'";
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) ARFC_THROW("cannot open ", name, ": ", std::strerror(errno), ". Hint: check the path.");
  if (S_ISDIR(st.st_mode)) ARFC_THROW("cannot read ", name, ": it is a directory, expected a file.");
  // Readers seek and size files; a FIFO or device would block or read without end.
  if (!S_ISREG(st.st_mode))
    ARFC_THROW("cannot read ", name, ": not a regular file (a pipe, socket or device). Hint: write the data to a "
               "file first.");
  return int64_t(st.st_size);
}

namespace io_detail {

InputFile::InputFile(const std::string& path) : path_(path), size_(regular_file_size(path)) {
  f_ = std::fopen(path.c_str(), "rb");
  if (!f_) ARFC_THROW("cannot open '", path, "': ", std::strerror(errno), ". Hint: check permissions.");
}

InputFile::~InputFile() {
  if (f_) std::fclose(f_);
}

void InputFile::read_at(int64_t offset, void* dst, int64_t n, const char* what) {
  ARFC_ASSERT(offset >= 0 && n >= 0, "negative read range");
  if (offset > size_ || n > size_ - offset) {
    ARFC_THROW("file '", path_, "' is truncated: ", what, " needs bytes [", offset, ", ", offset + n,
               ") but the file has ", size_, " bytes. Hint: the file was cut short; re-export it.");
  }
  if (n == 0) return;
  if (::fseeko(f_, off_t(offset), SEEK_SET) != 0) {
    ARFC_THROW("file '", path_, "': seek to ", offset, " failed: ", std::strerror(errno));
  }
  const size_t got = std::fread(dst, 1, size_t(n), f_);
  if (int64_t(got) != n) {
    ARFC_THROW("file '", path_, "' is truncated: reading ", what, " at offset ", offset, " wanted ", n,
               " bytes, got ", got, ". Hint: the file changed while reading or was cut short.");
  }
}

std::string InputFile::read_string(int64_t offset, int64_t n, const char* what) {
  std::string s(size_t(n), '\0');
  read_at(offset, s.data(), n, what);
  return s;
}

}  // namespace io_detail
}  // namespace arfc
