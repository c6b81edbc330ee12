#include "arfc/core/error.h"

namespace arfc::detail {

void assert_fail(const char* cond, const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "arfc: internal error: %s:%d: assertion `%s` failed%s%s\n", file, line,
               cond, msg.empty() ? "" : ": ", msg.c_str());
  std::abort();
}

}  // namespace arfc::detail
