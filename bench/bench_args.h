// What the timing benches share: "--name value" options and best-of-passes rates.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "arfc/core/error.h"

namespace arfc::bench {

using OptionHandlers = std::map<std::string, std::function<void(const std::string&)>>;

// Calls handlers.at(name)(value) for each "--name value" pair of argv, in order. --help or
// -h prints `usage` (its %s is argv[0]) and exits 0; an unknown option or one without a
// value -> arfc::Error naming it.
inline void parse_options(int argc, char** argv, const char* usage, const OptionHandlers& handlers) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--help" || k == "-h") {
      std::printf(usage, argv[0]);
      std::exit(0);
    }
    const auto h = handlers.find(k);
    ARFC_CHECK(h != handlers.end(), "unknown option ", k, " (--help lists the options)");
    ARFC_CHECK(i + 1 < argc, "option ", k, " needs a value (--help lists the options)");
    h->second(argv[++i]);
  }
}

// "2,4,8" -> {2, 4, 8}.
inline std::vector<int64_t> int_list(const std::string& v) {
  std::vector<int64_t> out;
  std::stringstream ss(v);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(std::stoll(item));
  return out;
}

// "arc,base" -> {"arc", "base"}.
inline std::vector<std::string> string_list(const std::string& v) {
  std::vector<std::string> out;
  std::stringstream ss(v);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Best items/s of >= 3 timed passes of fn (after one untimed warm-up), >= min_time seconds
// in all.
inline double best_rate(int64_t items, double min_time, const std::function<void()>& fn) {
  fn();
  double best = 0, total = 0;
  for (int pass = 0; pass < 3 || total < min_time; ++pass) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const double s = seconds_since(t0);
    total += s;
    best = std::max(best, double(items) / s);
  }
  return best;
}

}  // namespace arfc::bench
