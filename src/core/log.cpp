#include "arfc/core/log.h"

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "arfc/core/interrupt.h"

namespace arfc {
namespace {
std::mutex g_mu;
LogCallback g_cb;
}  // namespace

void set_log_callback(LogCallback cb) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_cb = std::move(cb);
}

static void emit(LogLevel level, const std::string& kind, const std::string& msg) {
  std::lock_guard<std::mutex> lk(g_mu);
  if (g_cb) g_cb(level, kind, msg);
}

void log(LogLevel level, const std::string& msg) { emit(level, "log", msg); }

LogCallback make_text_logger(std::function<void(const std::string& text)> write, bool tty,
                             std::function<bool(LogLevel level)> enabled, double progress_interval_s) {
  using Clock = std::chrono::steady_clock;
  return [write = std::move(write), tty, enabled = std::move(enabled), progress_interval_s, open_line = false,
          last = Clock::time_point{}](LogLevel level, const std::string& kind, const std::string& msg) mutable {
    if (enabled && !enabled(level)) return;
    if (!tty && kind == "progress") {
      const auto now = Clock::now();
      const bool final_line = msg.find("(100%)") != std::string::npos;
      if (!final_line && last != Clock::time_point{} &&
          std::chrono::duration<double>(now - last).count() < progress_interval_s)
        return;
      last = now;
    }
    if (tty && kind == "progress") {
      write("\r\033[K" + msg);
      open_line = true;
      return;
    }
    std::string text = open_line ? "\n" : "";
    open_line = false;
    if (level == LogLevel::Warn) text += "warning: ";
    write(text + msg + "\n");
  };
}

std::string format_duration(double s) {
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s) / 60, int(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s) / 3600, (int(s) % 3600) / 60);
  }
  return buf;
}

Progress::Progress(std::string what, int64_t total, double interval_s)
    : what_(std::move(what)), total_(total), interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::exclude(double seconds) {
  // At most the time elapsed so far: the clock never runs backwards.
  const double s = std::min(seconds, elapsed_s());
  if (s > 0) start_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(int64_t done, const std::string& extra) {
  check_interrupt();  // every long loop reports progress: the natural place to stop it
  auto now = std::chrono::steady_clock::now();
  bool last = done >= total_;
  if (!last && emitted_ && std::chrono::duration<double>(now - last_).count() < interval_s_) return;
  last_ = now;
  emitted_ = true;
  double el = elapsed_s();
  std::string line = what_ + " " + std::to_string(done) + "/" + std::to_string(total_);
  if (total_ > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, " (%d%%)", int(100.0 * double(done) / double(total_)));
    line += pct;
  }
  line += " " + format_duration(el);
  if (done > 0 && done < total_) line += " ETA " + format_duration(el / double(done) * double(total_ - done));
  if (!extra.empty()) line += "  " + extra;
  emit(LogLevel::Info, "progress", line);
}

void Progress::finish(const std::string& extra) {
  std::string line = what_ + " done in " + format_duration(elapsed_s());
  if (!extra.empty()) line += "  " + extra;
  emit(LogLevel::Info, "log", line);
}

}  // namespace arfc
