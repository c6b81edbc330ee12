#include "arfc/core/interrupt.h"

#include <memory>
#include <mutex>

namespace arfc {
namespace {
std::mutex g_mu;
std::shared_ptr<const InterruptCheck> g_check;
}  // namespace

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
