#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/core/log.h"
#include "arfc/core/matrix.h"
#include "arfc/core/parallel.h"
#include "arfc/core/text.h"

using namespace arfc;

TEST(Matrix, SliceGatherPrefix) {
  Matrix m(3, 2);
  for (int i = 0; i < 6; ++i) m.data[i] = float(i);
  auto s = slice_rows(m, 1, 3);
  ASSERT_EQ(s.n, 2);
  EXPECT_EQ(s.at(0, 0), 2.0f);
  auto g = gather_rows(m, {2, 0});
  EXPECT_EQ(g.at(0, 1), 5.0f);
  EXPECT_EQ(g.at(1, 1), 1.0f);
  auto p = prefix_cols(m, 1);
  ASSERT_EQ(p.d, 1);
  EXPECT_EQ(p.at(2, 0), 4.0f);
}

TEST(Matrix, CheckFiniteNamesRowAndColumn) {
  Matrix m(4, 3);
  m.at(2, 1) = std::numeric_limits<float>::quiet_NaN();
  try {
    check_finite(m, "features.npy");
    FAIL() << "expected arfc::Error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("features.npy"), std::string::npos) << msg;
    EXPECT_NE(msg.find("row 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("column 1"), std::string::npos) << msg;
  }
}

TEST(Matrix, L2Normalize) {
  Matrix m(2, 2);
  m.at(0, 0) = 3;
  m.at(0, 1) = 4;
  l2_normalize_rows(m);
  EXPECT_FLOAT_EQ(m.at(0, 0), 0.6f);
  EXPECT_FLOAT_EQ(m.at(0, 1), 0.8f);
  EXPECT_EQ(m.at(1, 0), 0.0f);  // zero row stays zero
}

TEST(Log, CallbackReceivesProgressAndLines) {
  std::vector<std::string> kinds;
  set_log_callback([&](LogLevel, const std::string& kind, const std::string&) { kinds.push_back(kind); });
  log_info("hello");
  Progress p("work", 2, 0.0);
  p.update(1);
  p.update(2);
  p.finish();
  set_log_callback(nullptr);
  ASSERT_EQ(kinds.size(), 4u);
  EXPECT_EQ(kinds[0], "log");
  EXPECT_EQ(kinds[1], "progress");
  EXPECT_EQ(kinds[3], "log");
}

// Work between progress steps that the progress does not count (a codebook fit between
// epochs) leaves its elapsed time, so its rate and ETA; never more than has elapsed.
TEST(Log, ProgressExcludesUncountedWork) {
  Progress p("work", 10, 0.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const double before = p.elapsed_s();
  ASSERT_GE(before, 0.06);
  p.exclude(0.05);
  EXPECT_LT(p.elapsed_s(), before - 0.045);
  p.exclude(100.0);
  EXPECT_GE(p.elapsed_s(), 0.0);
  EXPECT_LT(p.elapsed_s(), 0.02);
}

TEST(Log, FormatDuration) {
  EXPECT_EQ(format_duration(4.25), "4.2s");
  EXPECT_EQ(format_duration(83), "1m23s");
}

TEST(Log, TextLoggerThrottlesProgressOffATerminal) {
  std::string out;
  auto write = [&](const std::string& t) { out += t; };
  auto all = [](LogLevel) { return true; };
  LogCallback log_file = make_text_logger(write, /*tty=*/false, all, /*progress_interval_s=*/3600);
  log_file(LogLevel::Info, "progress", "train 1/3 (33%)");
  log_file(LogLevel::Info, "progress", "train 2/3 (66%)");   // within the interval: dropped
  log_file(LogLevel::Info, "progress", "train 3/3 (100%)");  // the last one always shows
  log_file(LogLevel::Warn, "log", "careful");
  EXPECT_EQ(out, "train 1/3 (33%)\ntrain 3/3 (100%)\nwarning: careful\n");

  out.clear();
  LogCallback terminal = make_text_logger(write, /*tty=*/true, [](LogLevel l) { return l != LogLevel::Debug; });
  terminal(LogLevel::Info, "progress", "a");
  terminal(LogLevel::Info, "progress", "b");
  terminal(LogLevel::Debug, "log", "hidden");
  terminal(LogLevel::Info, "log", "done");
  EXPECT_EQ(out, "\r\033[Ka\r\033[Kb\ndone\n");
}

TEST(Interrupt, ProgressStopsLongWorkWhenAsked) {
  int asked = 0;
  set_interrupt_check([&] { return ++asked >= 3; });
  Progress p("work", 10, 0.0);
  p.update(1);
  p.update(2);
  EXPECT_THROW(p.update(3), Interrupted);
  EXPECT_THROW(check_interrupt(), Interrupted);
  set_interrupt_check(nullptr);
  EXPECT_NO_THROW(check_interrupt());
  try {
    throw Interrupted();
  } catch (const Error& e) {  // an arfc::Error, so every front end reports it
    EXPECT_STREQ(e.what(), "interrupted");
  }
}

// A front end ends the process at once on a stop request inside a blocking wait.
TEST(Interrupt, BlockingSectionsNest) {
  EXPECT_FALSE(in_blocking_section());
  {
    BlockingSection outer;
    EXPECT_TRUE(in_blocking_section());
    {
      BlockingSection inner;
      EXPECT_TRUE(in_blocking_section());
    }
    EXPECT_TRUE(in_blocking_section());
  }
  EXPECT_FALSE(in_blocking_section());
}

TEST(Text, SplitListTrimsAndKeepsEmptyItems) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_list(""), V{});
  EXPECT_EQ(split_list("pca"), V{"pca"});
  EXPECT_EQ(split_list(" pca ,\trq:per-size , 8"), (V{"pca", "rq:per-size", "8"}));
  EXPECT_EQ(split_list("a,,b"), (V{"a", "", "b"}));
  EXPECT_EQ(split_list("a,"), (V{"a", ""}));
  EXPECT_EQ(split_list(" "), V{""});
  EXPECT_EQ(split_list("x;y", ';'), (V{"x", "y"}));
}

TEST(Parallel, BlocksCoverEveryRowOnceOnTheThreads) {
  for (int threads : {1, 3}) {
    std::vector<int> hits(1001, 0);
    std::atomic<int> inits{0};
    parallel_blocks(1001, 64, threads, [&](int64_t b, int64_t e) {
      EXPECT_EQ(b % 64, 0);
      EXPECT_EQ(e, std::min<int64_t>(b + 64, 1001));
      for (int64_t i = b; i < e; ++i) ++hits[size_t(i)];
    }, [&] { ++inits; });
    for (int h : hits) ASSERT_EQ(h, 1) << threads << " threads";
    EXPECT_EQ(inits.load(), threads == 1 ? 0 : threads) << "thread_init runs once per worker only";
  }
  parallel_blocks(0, 8, 4, [](int64_t, int64_t) { FAIL() << "no rows, no blocks"; });
  // Workers that finish before the others have started still count out: many short calls
  // (a wrong count would leave the caller waiting for ever).
  std::atomic<int64_t> rows{0};
  for (int rep = 0; rep < 500; ++rep) parallel_blocks(4, 1, 4, [&](int64_t b, int64_t e) { rows += e - b; });
  EXPECT_EQ(rows.load(), 2000);
}

// A stop request that only the calling thread sees (Python answers a Ctrl-C on the main
// thread alone) ends work running on worker threads: the caller watches while they run.
TEST(Parallel, TheCallerStopsTheWorkersWhenAsked) {
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> asked{false};
  set_interrupt_check([&] { return asked.load() && std::this_thread::get_id() == caller; });
  std::atomic<int> done{0};
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(parallel_blocks(400, 1, 2, [&](int64_t, int64_t) {
                 if (++done == 10) asked = true;
                 std::this_thread::sleep_for(std::chrono::milliseconds(10));
               }),
               Interrupted);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  set_interrupt_check(nullptr);
  EXPECT_LT(done.load(), 40) << "the workers stop within a few blocks of the request";
  EXPECT_LT(secs, 1.0);  // all 400 blocks take 2 s on two threads
  // Without a request the work runs to the end.
  done = 0;
  parallel_blocks(50, 1, 2, [&](int64_t, int64_t) { ++done; });
  EXPECT_EQ(done.load(), 50);
}

// Where the system refuses threads (RLIMIT_NPROC counts a user's threads), the work still
// covers every row once: on the threads that started, or on the caller. Run in a child
// process under a user with no other processes (root is exempt from the limit), with a limit of
// `allowed` processes; its exit status: 0 done right, 1 rows wrong, 2 error thrown,
// 3 the limit could not be set up, 4 the limit refused no thread (nothing tested).
namespace {
int blocks_under_a_thread_limit(rlim_t allowed, bool on_the_caller) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (getuid() == 0 && (setgid(54321) != 0 || setuid(54321) != 0)) _exit(3);  // a user with no processes
    const rlimit limit{allowed, allowed};
    if (setrlimit(RLIMIT_NPROC, &limit) != 0) _exit(3);
    try {
      std::vector<int> hits(1000, 0);
      std::mutex mutex;
      std::set<std::thread::id> threads;
      parallel_blocks(1000, 10, 4, [&](int64_t b, int64_t e) {
        std::lock_guard<std::mutex> lock(mutex);
        threads.insert(std::this_thread::get_id());
        for (int64_t i = b; i < e; ++i) ++hits[size_t(i)];
      });
      for (int h : hits)
        if (h != 1) _exit(1);
      if (threads.size() == 4) _exit(4);
      // One thread did every block: the caller, or the one worker that started.
      const bool caller = threads.count(std::this_thread::get_id()) > 0;
      _exit(threads.size() == 1 && caller == on_the_caller ? 0 : 1);
    } catch (...) {
      _exit(2);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}
}  // namespace

TEST(Parallel, RefusedThreadsLeaveTheWorkToTheOthers) {
  // A limit of one process: this process alone, so no thread starts and the caller works.
  const int none = blocks_under_a_thread_limit(1, true);
  if (none == 3 || none == 4) GTEST_SKIP() << "no thread limit can be set here (status " << none << ")";
  EXPECT_EQ(none, 0) << "no thread started: the caller does every block";
  // Two: one worker starts, the other three are refused (only where the child runs as a
  // user with no other processes, which needs root to switch to).
  if (getuid() != 0) GTEST_SKIP() << "one thread of two allowed needs a user with no other processes";
  EXPECT_EQ(blocks_under_a_thread_limit(2, false), 0) << "one thread started: it does every block";
}

// The error is the one a single thread meets first, however the blocks were timed: here
// the later block fails at once and the earlier one fails only after a pause.
TEST(Parallel, TheLowestFailingBlocksErrorIsRethrown) {
  for (int rep = 0; rep < 5; ++rep) {
    try {
      parallel_blocks(40, 10, 4, [](int64_t b, int64_t) {
        if (b == 10) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          ARFC_THROW("block ", b);
        }
        if (b == 30) ARFC_THROW("block ", b);
      });
      ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "block 10");
    }
  }
}
