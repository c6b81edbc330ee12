#include "arfc/core/interrupt.h"

#include <atomic>
#include <memory>
#include <mutex>

namespace arfc {
namespace {
std::mutex g_mu;
std::shared_ptr<const InterruptCheck> g_check;
std::atomic<int> g_blocking{0};
static_assert(std::atomic<int>::is_always_lock_free, "in_blocking_section must be async-signal-safe");
}  // namespace

BlockingSection::BlockingSection() { ++g_blocking; }
BlockingSection::~BlockingSection() { --g_blocking; }
bool in_blocking_section() { return g_blocking.load() > 0; }

void set_interrupt_check(InterruptCheck check) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_check = check ? std::make_shared<const InterruptCheck>(std::move(check)) : nullptr;
}

void check_interrupt() {
  std::shared_ptr<const InterruptCheck> check;
  {
    std::lock_guard<std::mutex> lk(g_mu);
    check = g_check;
  }
  // The test runs outside the lock: it may block (the Python module takes the GIL).
  if (check && (*check)()) throw Interrupted();
}

}  // namespace arfc
