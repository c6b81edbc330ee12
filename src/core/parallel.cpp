#include "arfc/core/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"

namespace arfc {

namespace {
std::atomic<int> g_worker_threads{1};
}  // namespace

void set_worker_threads(int n) { g_worker_threads = std::max(1, n); }
int worker_threads() { return g_worker_threads; }

void parallel_blocks(int64_t n, int64_t block, int threads, const std::function<void(int64_t, int64_t)>& fn,
                     const std::function<void()>& thread_init) {
  ARFC_ASSERT(n >= 0 && block >= 1, "parallel_blocks: n = ", n, ", block = ", block);
  const int64_t blocks = (n + block - 1) / block;
  if (threads <= 1) {
    for (int64_t b = 0; b < blocks; ++b) fn(b * block, std::min(n, (b + 1) * block));
    return;
  }
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::map<int64_t, std::exception_ptr> errors;  // failing block -> its exception
  std::mutex error_mutex;
  auto work = [&] {
    try {
      if (thread_init) thread_init();
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      errors.emplace(-1, std::current_exception());
      failed = true;
      return;
    }
    for (int64_t b; !failed && (b = next++) < blocks;) {
      try {
        fn(b * block, std::min(n, (b + 1) * block));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        errors.emplace(b, std::current_exception());
        failed = true;
      }
    }
  };
  // The caller watches for a stop request while the workers run: a front end's test may
  // only answer on it (Python runs its signal handlers on the main thread alone, so the
  // workers' own checks never see a Ctrl-C there). A stop ends the work after the blocks
  // in progress, as an error in one of them would.
  std::mutex done_mutex;
  std::condition_variable done;
  const int64_t workers = std::min<int64_t>(threads, blocks);
  int64_t running = workers;  // guarded by done_mutex: workers count themselves out
  std::vector<std::thread> pool;
  try {
    for (int64_t t = 0; t < workers; ++t)
      pool.emplace_back([&] {
        work();
        std::lock_guard<std::mutex> lock(done_mutex);
        --running;
        done.notify_one();
      });
  } catch (const std::system_error&) {
    // The system refused a thread (a process or memory limit): the workers that started
    // share every block between them; with none, the caller does the work itself.
    std::lock_guard<std::mutex> lock(done_mutex);
    running -= workers - static_cast<int64_t>(pool.size());
  }
  if (pool.empty()) {
    for (int64_t b = 0; b < blocks; ++b) fn(b * block, std::min(n, (b + 1) * block));
    return;
  }
  std::exception_ptr stop;
  {
    std::unique_lock<std::mutex> lock(done_mutex);
    while (running > 0 && !stop) {
      if (done.wait_for(lock, std::chrono::milliseconds(20), [&] { return running == 0; })) break;
      lock.unlock();
      try {
        check_interrupt();
      } catch (...) {
        stop = std::current_exception();
        failed = true;
      }
      lock.lock();
    }
  }
  for (auto& t : pool) t.join();
  if (stop) std::rethrow_exception(stop);
  if (!errors.empty()) std::rethrow_exception(errors.begin()->second);
}

}  // namespace arfc
