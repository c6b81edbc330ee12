#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "commands.h"

namespace {

// Logs go to stderr; on a TTY, progress lines overwrite each other in place. Elsewhere (a
// log file, CI) a progress line is printed at most every kLogProgressSeconds, plus the
// last one (100%), so a log holds tens of lines, not one per training step.
bool g_verbose = false;
constexpr double kLogProgressSeconds = 10.0;

void install_stderr_logger() {
  const bool tty = isatty(fileno(stderr));
  using Clock = std::chrono::steady_clock;
  arfc::set_log_callback([tty, open_line = false, last = Clock::time_point{}](
                             arfc::LogLevel level, const std::string& kind, const std::string& msg) mutable {
    if (level == arfc::LogLevel::Debug && !g_verbose) return;
    if (!tty && kind == "progress") {
      const auto now = Clock::now();
      const bool final_line = msg.find("(100%)") != std::string::npos;
      if (!final_line && last != Clock::time_point{} &&
          std::chrono::duration<double>(now - last).count() < kLogProgressSeconds)
        return;
      last = now;
    }
    if (tty && kind == "progress") {
      std::fprintf(stderr, "\r\033[K%s", msg.c_str());
      open_line = true;
    } else {
      if (open_line) std::fputc('\n', stderr);
      open_line = false;
      std::fprintf(stderr, "%s%s\n", level == arfc::LogLevel::Warn ? "warning: " : "", msg.c_str());
    }
    std::fflush(stderr);
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"arfc: Arbitrary Ratio Feature Compression. One learned model compresses feature "
               "vectors to any ratio chosen at inference time."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("arfc ") + ARFC_VERSION);
  app.add_flag("-v,--verbose", g_verbose, "Also print debug messages");
  install_stderr_logger();
  arfc::cli::add_info_command(app);
  arfc::cli::add_data_command(app);
  arfc::cli::add_train_command(app);
  arfc::cli::add_compress_command(app);
  arfc::cli::add_truncate_command(app);
  arfc::cli::add_decompress_command(app);
  arfc::cli::add_export_command(app);
  arfc::cli::add_eval_command(app);

  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help / --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const arfc::Error& e) {
    std::fprintf(stderr, "arfc: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arfc: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
