#pragma once
// OpenBLAS's own thread count, when OpenBLAS is the loaded BLAS (Debian's default, used by
// libtorch's and FAISS's matrix products). Resolved at load time: with another BLAS both
// calls do nothing and blas_threads() returns 0.

#include <mutex>

namespace arfc {

// OpenBLAS's current thread count, or 0 when the loaded BLAS is not OpenBLAS.
int blas_threads();

// Sets OpenBLAS's thread count (>= 1); a no-op when the loaded BLAS is not OpenBLAS.
void set_blas_threads(int n);

// Holds OpenBLAS at one thread for a scope and restores the caller's setting. A
// multi-threaded OpenBLAS sums some products in another order, so codes computed in a
// process that never called set_threads (the Python module inside NumPy's process)
// differed in the last bits of f32 values, and then in discrete tokens, from the CLI's.
// The setting is process-wide, so the scopes of concurrent callers are counted: the first
// saves and lowers it, the last restores it (a restore while another host thread still
// encodes would change its codes).
class OneBlasThread {
 public:
  OneBlasThread();
  ~OneBlasThread();
  OneBlasThread(const OneBlasThread&) = delete;
  OneBlasThread& operator=(const OneBlasThread&) = delete;

 private:
  struct State {
    std::mutex mutex;
    int active = 0;  // scopes open in this process
    int saved = 0;   // the setting the first of them found (0: not OpenBLAS)
  };
  static State& state();
};

}  // namespace arfc
