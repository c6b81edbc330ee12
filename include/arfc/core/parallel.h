// Row ranges shared by plain threads, with errors that do not depend on timing.
#pragma once

#include <cstdint>
#include <functional>

namespace arfc {

// Calls fn(begin, end) for the blocks [0, block), [block, 2 block), ... [.., n) of n rows,
// on min(threads, blocks) worker threads (threads <= 1: in turn on the caller's thread,
// without thread_init). Blocks are handed out in order; once one throws no new block
// starts, every block handed out before it finishes, and the exception of the lowest
// failing block is rethrown here, so the error a caller sees is the one a single thread
// would have met first. thread_init, if set, runs once on each worker thread before its
// first block (per-thread settings). Meanwhile the caller calls check_interrupt() every
// 20 ms (core/interrupt.h: a front end's test may answer on its thread alone); a stop
// request ends the work the same way and is rethrown (Interrupted) before any block's error.
// Where the system refuses a thread, the threads already started do every block (none
// started: the caller does them in turn, as for threads <= 1).
void parallel_blocks(int64_t n, int64_t block, int threads,
                     const std::function<void(int64_t begin, int64_t end)>& fn,
                     const std::function<void()>& thread_init = {});

// The process's thread count for work outside libtorch (default 1; arfc::set_threads, which
// also sets libtorch's, is the one setter the tools call), e.g. the float codecs' storing.
void set_worker_threads(int n);
int worker_threads();

}  // namespace arfc
