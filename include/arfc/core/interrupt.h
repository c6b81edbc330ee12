// Cooperative interruption of long work (training, encoding, codebook fitting). The
// loops call check_interrupt() between batches; a front end installs the test that says
// "stop" (the Python module: a pending Ctrl-C), and the work unwinds with Interrupted, so
// nothing is left half-done: outputs are written atomically after the work, checkpoints
// only between epochs.
#pragma once

#include <functional>

#include "arfc/core/error.h"

namespace arfc {

class Interrupted : public Error {
 public:
  Interrupted() : Error("interrupted") {}
};

// Returns true when the work in progress should stop. Called from the threads doing the
// work and from a thread waiting on its workers (core/parallel.h), possibly at the same
// time, at most every few milliseconds; must be thread-safe, cheap and must not throw.
using InterruptCheck = std::function<bool()>;

// Installs the test for the whole process (nullptr: never interrupted, the default).
void set_interrupt_check(InterruptCheck check);
// Throws Interrupted when the installed test says so.
void check_interrupt();

// Marks a wait that cannot call check_interrupt() (a blocking network call: joining a
// process group, a collective): while one is alive, a front end may end the process at
// once on a stop request instead of at the next check, which could be minutes away. Such a
// wait must leave nothing half-written when the process ends inside it.
class BlockingSection {
 public:
  BlockingSection();
  ~BlockingSection();
  BlockingSection(const BlockingSection&) = delete;
  BlockingSection& operator=(const BlockingSection&) = delete;
};
// Whether any thread is inside a BlockingSection. Async-signal-safe (an atomic load).
bool in_blocking_section();

}  // namespace arfc
