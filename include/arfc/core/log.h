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
  // Keeps `seconds` of work this progress does not count (e.g. a codebook fit between
  // training epochs) out of its elapsed time, and so out of its rate and ETA.
  void exclude(double seconds);
  double elapsed_s() const;

 private:
  std::string what_;
  int64_t total_;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
  bool emitted_ = false;
};

// A callback that writes the library's messages as text lines through `write` (stderr for
// the CLI, sys.stderr for the Python module): warnings prefixed "warning: ", messages at a
// level `enabled` rejects dropped. On a terminal (tty) progress lines overwrite each other
// in place; elsewhere (a log file, CI) a progress line is written at most every
// progress_interval_s seconds, plus the last one (100%), so a log holds tens of lines, not
// one per training step. Calls must be serialised (set_log_callback's callbacks are).
LogCallback make_text_logger(std::function<void(const std::string& text)> write, bool tty,
                             std::function<bool(LogLevel level)> enabled, double progress_interval_s = 10.0);

// "1m23s", "4.2s"
std::string format_duration(double seconds);

}  // namespace arfc
