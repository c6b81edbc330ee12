#include "arfc/nn/tensor_util.h"

#include <ATen/Parallel.h>

#include <mutex>
#include <thread>

#include "arfc/core/error.h"
#include "arfc/core/parallel.h"
#include "arfc/nn/blas_threads.h"

// OpenBLAS's thread control, when OpenBLAS is the loaded BLAS (weak: absent elsewhere).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads() __attribute__((weak));

namespace arfc {

int blas_threads() {
  return (openblas_get_num_threads && openblas_set_num_threads) ? openblas_get_num_threads() : 0;
}

void set_blas_threads(int n) {
  ARFC_ASSERT(n >= 1, "set_blas_threads: n = ", n);
  if (openblas_set_num_threads) openblas_set_num_threads(n);
}

torch::Tensor to_tensor(const Matrix& m) {
  ARFC_ASSERT(int64_t(m.data.size()) == m.n * m.d);
  return torch::from_blob(const_cast<float*>(m.data.data()), {m.n, m.d}, torch::kFloat32).clone();
}

torch::Tensor tensor_view(const Matrix& m) {
  ARFC_ASSERT(int64_t(m.data.size()) == m.n * m.d);
  return torch::from_blob(const_cast<float*>(m.data.data()), {m.n, m.d}, torch::kFloat32);
}

torch::Tensor to_tensor(const Labels& y) {
  return torch::from_blob(const_cast<int64_t*>(y.data()), {int64_t(y.size())}, torch::kInt64).clone();
}

Matrix to_matrix(const torch::Tensor& t) {
  ARFC_ASSERT(t.dim() == 2, "to_matrix expects a 2-D tensor, got ", t.dim(), "-D");
  auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  Matrix m(c.size(0), c.size(1));
  std::memcpy(m.data.data(), c.data_ptr<float>(), sizeof(float) * size_t(m.n * m.d));
  return m;
}

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    ARFC_CHECK(torch::cuda::is_available(), "device '", name,
               "' requested but this libtorch build sees no CUDA device. Hint: use --device cpu.");
    return torch::Device(name);
  }
  ARFC_THROW("unknown device '", name, "'; expected auto, cpu, cuda or cuda:N");
}

void set_threads(int n) {
  if (n <= 0) n = int(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
  set_worker_threads(n);
  // libtorch parallelises with OpenMP; a pthreads OpenBLAS (Debian's default BLAS, used by
  // libtorch's and FAISS's matrix products) runs a second pool whose busy-waiting threads
  // compete with it. Measured on 2 cores: ARC training 167 -> 330 samples/s with OpenBLAS
  // kept at one thread. Resolved at load time; a no-op with other BLAS libraries.
  set_blas_threads(1);
}

OneBlasThread::State& OneBlasThread::state() {
  static State s;
  return s;
}

OneBlasThread::OneBlasThread() {
  std::lock_guard<std::mutex> lock(state().mutex);
  if (state().active++ == 0) {
    state().saved = blas_threads();
    if (state().saved > 1) set_blas_threads(1);
  }
}

OneBlasThread::~OneBlasThread() {
  std::lock_guard<std::mutex> lock(state().mutex);
  if (--state().active == 0 && state().saved > 1) set_blas_threads(state().saved);
}

void for_each_row_block(int64_t n, int64_t block, torch::Device device,
                        const std::function<void(int64_t, int64_t)>& fn) {
  ARFC_ASSERT(n >= 0 && block >= 1, "for_each_row_block: n = ", n, ", block = ", block);
  const OneBlasThread one_blas_thread;
  const int64_t blocks = (n + block - 1) / block;
  const int threads = device.is_cpu() ? at::get_num_threads() : 1;
  if (threads <= 1 || blocks == 0) {
    torch::NoGradGuard ng;
    for (int64_t b = 0; b < blocks; ++b) fn(b * block, std::min(n, (b + 1) * block));
    return;
  }
  // Plain threads, each running its blocks with one intra-op thread: ARC encoding scaled
  // better this way than inside at::parallel_for (docs/DESIGN.md, "Encoding speed").
  // OpenMP's thread count and grad mode are per thread; libtorch also records the count as
  // the default of threads started later, which is restored below.
  struct RestoreThreads {
    int n;
    ~RestoreThreads() { at::set_num_threads(n); }
  } restore{threads};
  parallel_blocks(n, block, threads, fn, [] {
    at::set_num_threads(1);
    c10::GradMode::set_enabled(false);
  });
}

void seed_everything(uint64_t seed) {
  torch::manual_seed(seed);
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
}

}  // namespace arfc
