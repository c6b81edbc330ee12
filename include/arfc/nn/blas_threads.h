#pragma once
// OpenBLAS's own thread count, when OpenBLAS is the loaded BLAS (Debian's default, used by
// libtorch's and FAISS's matrix products). Resolved at load time: with another BLAS both
// calls do nothing and blas_threads() returns 0.

namespace arfc {

// OpenBLAS's current thread count, or 0 when the loaded BLAS is not OpenBLAS.
int blas_threads();

// Sets OpenBLAS's thread count (>= 1); a no-op when the loaded BLAS is not OpenBLAS.
void set_blas_threads(int n);

}  // namespace arfc
