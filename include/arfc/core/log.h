// Logging and progress. The library never prints: it calls the installed callback (the
// CLI installs one that writes to stderr). Without a callback, messages are dropped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace arfc {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2 };

// kind: "log" for ordinary lines, "progress" for a progress line that a TTY may overwrite.
using LogCallback = std::function<void(LogLevel level, const std::string& kind, const std::string& msg)>;

void set_log_callback(LogCallback cb);
void log(LogLevel level, const std::string& msg);
inline void log_info(const std::string& msg) { log(LogLevel::Info, msg); }
inline void log_warn(const std::string& msg) { log(LogLevel::Warn, msg); }
inline void log_debug(const std::string& msg) { log(LogLevel::Debug, msg); }

// Progress over `total` units of work: update() emits at most one line per `interval`
// seconds (and always for the last unit), with done/total, rate and ETA.
class Progress {
 public:
  Progress(std::string what, int64_t total, double interval_s = 1.0);
  // `extra` is appended to the line (e.g. "loss 0.123").
  void update(int64_t done, const std::string& extra = "");
  void finish(const std::string& extra = "");
  double elapsed_s() const;

 private:
  std::string what_;
  int64_t total_;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
  bool emitted_ = false;
};

// "1m23s", "4.2s"
std::string format_duration(double seconds);

}  // namespace arfc
