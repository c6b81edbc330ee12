// Shared by the fuzz targets (libFuzzer, scripts/fuzz.sh) and their corpus replay (CTest).
// The readers take paths, so each input is written to a per-process temporary file first.
// A target may only end in success or arfc::Error: any other exception is a finding, and
// so is every sanitizer report, crash, leak, timeout or out-of-memory.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "arfc/core/error.h"
#include "arfc/io/embeddings.h"

namespace arfc::fuzz {

// <tmp>/arfc_fuzz_<pid>/<name>, created on first use.
inline std::string temp_path(const std::string& name) {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("arfc_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d.string();
  }();
  return dir + "/" + name;
}

inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  const std::string p = temp_path(name);
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data), std::streamsize(size));
  return p;
}

// Runs f; arfc::Error is the expected way to refuse bad input, anything else aborts.
template <typename F>
void expect_ok_or_error(F&& f) {
  try {
    f();
  } catch (const Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finding: exception other than arfc::Error: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "finding: non-standard exception\n");
    std::abort();
  }
}

// Out-of-core reading must agree with whole-file reading: read_matrix_chunks (3 rows at a
// time) either fails as read_matrix does or yields the same rows.
inline void expect_chunks_match(const std::string& path, const ReadOptions& ro = {}) {
  bool whole_ok = false;
  Matrix whole;
  expect_ok_or_error([&] {
    whole = read_matrix(path, ro);
    whole_ok = true;
  });
  std::vector<float> rows;
  bool chunks_ok = false;
  expect_ok_or_error([&] {
    read_matrix_chunks(path, ro, 3,
                       [&](int64_t, const Matrix& m) { rows.insert(rows.end(), m.data.begin(), m.data.end()); });
    chunks_ok = true;
  });
  // NaN-free by construction (both refuse NaN/Inf), so == compares values exactly.
  if (whole_ok != chunks_ok || (whole_ok && rows != whole.data)) {
    std::fprintf(stderr, "finding: chunked read (%s) disagrees with read_matrix (%s)\n", chunks_ok ? "ok" : "error",
                 whole_ok ? "ok" : "error");
    std::abort();
  }
}

}  // namespace arfc::fuzz
