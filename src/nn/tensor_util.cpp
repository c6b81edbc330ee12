#include "arfc/nn/tensor_util.h"

#include <thread>

#include "arfc/core/error.h"

// OpenBLAS's thread control, when OpenBLAS is the loaded BLAS (weak: absent elsewhere).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace arfc {

torch::Tensor to_tensor(const Matrix& m) {
  ARFC_ASSERT(int64_t(m.data.size()) == m.n * m.d);
  return torch::from_blob(const_cast<float*>(m.data.data()), {m.n, m.d}, torch::kFloat32).clone();
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
  // libtorch parallelises with OpenMP; a pthreads OpenBLAS (Debian's default BLAS, used by
  // libtorch's and FAISS's matrix products) runs a second pool whose busy-waiting threads
  // compete with it. Measured on 2 cores: ARC training 167 -> 330 samples/s with OpenBLAS
  // kept at one thread. Resolved at load time; a no-op with other BLAS libraries.
  if (openblas_set_num_threads) openblas_set_num_threads(1);
}

void seed_everything(uint64_t seed) {
  torch::manual_seed(seed);
  if (torch::cuda::is_available()) torch::cuda::manual_seed_all(seed);
}

}  // namespace arfc
