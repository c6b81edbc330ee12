// Helpers shared by the I/O tests: a per-test temporary directory and hand-crafted
// file bytes (no numpy here, so .npy/.safetensors files are assembled byte by byte).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"

namespace arfc::testing {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "arfc_io_XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream f(path(name), std::ios::binary);
    f.write(bytes.data(), std::streamsize(bytes.size()));
  }
  std::string dir_;
};

template <typename T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}
template <typename T>
std::string pod(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}

// A .npy file with the given header dict text (padded like numpy does) and payload.
inline std::string npy(const std::string& dict, const std::string& payload, int major = 1) {
  const size_t pre = major == 1 ? 10 : 12;
  std::string h = dict;
  const size_t unpadded = pre + h.size() + 1;
  h.append((64 - unpadded % 64) % 64, ' ');
  h += '\n';
  std::string s = "\x93NUMPY";
  s += char(major);
  s += char(0);
  if (major == 1) {
    s += pod<uint16_t>(uint16_t(h.size()));
  } else {
    s += pod<uint32_t>(uint32_t(h.size()));
  }
  return s + h + payload;
}

// Runs `<binary> <args>` through the shell: exit code, stdout, and stderr (kept in
// stderr_path). Used by the tests that drive the built `arfc` CLI.
struct CliResult {
  int code = -1;
  std::string out, err;
};
inline CliResult run_cli(const std::string& binary, const std::string& args, const std::string& stderr_path) {
  CliResult r;
  const std::string cmd = binary + " " + args + " 2>" + stderr_path;
  FILE* p = ::popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  if (!p) return r;
  char buf[4096];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, got);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file_bytes(stderr_path);
  return r;
}

// Runs f, expects arfc::Error, returns its message.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const arfc::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("NOT an arfc::Error: ") + e.what();
  }
  return "NO ERROR THROWN";
}

#define EXPECT_ERROR_HAS(stmt, needle)                                       \
  do {                                                                       \
    const std::string msg_ = ::arfc::testing::error_of([&] { stmt; });       \
    EXPECT_NE(msg_.find(needle), std::string::npos) << "message: " << msg_;  \
  } while (0)

}  // namespace arfc::testing
