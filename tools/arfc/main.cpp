#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <ctime>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/core/log.h"
#include "commands.h"

namespace {

// Logs go to stderr; progress lines overwrite each other on a TTY and are throttled to one
// every 10 s elsewhere (core/log.h).
bool g_verbose = false;

void install_stderr_logger() {
  arfc::set_log_callback(arfc::make_text_logger(
      [](const std::string& text) {
        std::fputs(text.c_str(), stderr);
        std::fflush(stderr);
      },
      isatty(fileno(stderr)) != 0, [](arfc::LogLevel level) { return level != arfc::LogLevel::Debug || g_verbose; }));
}

// SIGINT/SIGTERM: the first asks the running work to stop at its next check (between
// training steps, encoding batches, evaluation cells), so it unwinds without writing its
// output (outputs are written whole, at the end); train keeps the checkpoint of the last
// finished epoch. A second signal (a second or more later) ends the process at once, and so
// does the first inside a blocking wait of data-parallel training (core/interrupt.h).
std::atomic<bool> g_stop{false};
std::atomic<int64_t> g_first_stop_ns{0};

int64_t monotonic_ns() {  // clock_gettime is async-signal-safe
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Signals within a second of the first count as one: `timeout` and a terminal's Ctrl-C
// can deliver the same stop twice (to the process and to its group).
extern "C" void on_stop_signal(int sig) {
  const int64_t now = monotonic_ns();
  // Inside a blocking wait (joining or talking to the other ranks) no check comes soon:
  // end now, as a second signal would.
  if (arfc::in_blocking_section()) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  if (!g_stop.exchange(true)) {
    g_first_stop_ns = now;
    return;
  }
  if (now - g_first_stop_ns.load() > 1000000000) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

void install_stop_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  // Past a file-size limit (ulimit -f) a write should fail with EFBIG and be reported like
  // a full disk, not kill the process with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  arfc::set_interrupt_check([] { return g_stop.load(); });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"arfc: Arbitrary Ratio Feature Compression. One learned model compresses feature "
               "vectors to any ratio chosen at inference time."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("arfc ") + ARFC_VERSION);
  app.add_flag("-v,--verbose", g_verbose, "Also print debug messages");
  install_stderr_logger();
  install_stop_signals();
  arfc::cli::add_info_command(app);
  arfc::cli::add_data_command(app);
  arfc::cli::add_train_command(app);
  arfc::cli::add_compress_command(app);
  arfc::cli::add_truncate_command(app);
  arfc::cli::add_decompress_command(app);
  arfc::cli::add_export_command(app);
  arfc::cli::add_eval_command(app);
  arfc::cli::add_search_command(app);

  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help / --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const arfc::cli::PartialFailure& e) {
    std::fprintf(stderr, "arfc: error: %s\n", e.what());
    return 3;
  } catch (const arfc::Interrupted&) {
    std::fprintf(stderr, "\narfc: interrupted; no output was written (train: the checkpoint OUT.ckpt of the last "
                         "finished epoch is kept; continue with --resume)\n");
    return 130;
  } catch (const arfc::Error& e) {
    std::fprintf(stderr, "arfc: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "arfc: error: out of memory (an allocation failed; no output was written). Hint: use "
                         "smaller inputs, --chunk-rows or a smaller model.\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arfc: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
