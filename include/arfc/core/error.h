// Two error tiers (see docs/DESIGN.md):
//  - arfc::Error: anything a user can cause (bad file, bad ratio, wrong dimension, unknown
//    option). The message names the file/field, the expected and the actual value, and a
//    hint. Thrown with ARFC_THROW / ARFC_CHECK.
//  - ARFC_ASSERT: internal invariants. Always on (also in release builds); aborts.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

namespace arfc {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  ((os << args), ...);
  return os.str();
}
[[noreturn]] void assert_fail(const char* cond, const char* file, int line, const std::string& msg);
}  // namespace detail

}  // namespace arfc

// ARFC_THROW("file ", path, ": expected ", a, ", got ", b, ". Hint: ...")
#define ARFC_THROW(...) throw ::arfc::Error(::arfc::detail::concat(__VA_ARGS__))
#define ARFC_CHECK(cond, ...) \
  do {                        \
    if (!(cond)) ARFC_THROW(__VA_ARGS__); \
  } while (0)
#define ARFC_ASSERT(cond, ...)                                                    \
  do {                                                                            \
    if (!(cond))                                                                  \
      ::arfc::detail::assert_fail(#cond, __FILE__, __LINE__,                      \
                                  ::arfc::detail::concat(__VA_ARGS__)); \
  } while (0)
