#include "arfc/core/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "arfc/core/error.h"

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
  std::vector<std::thread> pool;
  for (int64_t t = 0; t < std::min<int64_t>(threads, blocks); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (!errors.empty()) std::rethrow_exception(errors.begin()->second);
}

}  // namespace arfc
