#include "arfc/nn/module_bytes.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "arfc/core/error.h"

namespace arfc {

uint64_t hash_module(const torch::nn::Module& m, uint64_t h) {
  std::map<std::string, torch::Tensor> all;
  for (const auto& p : m.named_parameters(true)) all[p.key()] = p.value();
  for (const auto& b : m.named_buffers(true)) all[b.key()] = b.value();
  for (const auto& [name, t] : all) {
    h = fnv1a64(name.data(), name.size(), h);
    for (int64_t s : t.sizes()) h = fnv1a64(&s, sizeof s, h);
    auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    h = fnv1a64(c.data_ptr<float>(), size_t(c.numel()) * sizeof(float), h);
  }
  return h;
}

std::string module_to_bytes(const torch::nn::Module& m) {
  torch::serialize::OutputArchive ar;
  m.save(ar);
  std::ostringstream os;
  ar.save_to(os);
  return os.str();
}

void module_from_bytes(torch::nn::Module& m, const std::string& bytes, const std::string& what,
                       torch::Device device) {
  try {
    std::istringstream is(bytes);
    torch::serialize::InputArchive ar;
    ar.load_from(is, device);
    m.load(ar);
  } catch (const c10::Error& e) {
    ARFC_THROW(what, ": the stored weights do not match the model described by its config (",
               std::string(e.what_without_backtrace()).substr(0, 300),
               "). Hint: the file is corrupt or was written by an incompatible build.");
  } catch (const std::exception& e) {
    // libtorch's archive reader also throws standard exceptions (a TorchScript parse error,
    // std::out_of_range) on damaged archives.
    ARFC_THROW(what, ": the stored weights cannot be read (", std::string(e.what()).substr(0, 300),
               "). Hint: the file is corrupt or was written by an incompatible build.");
  }
  // A valid archive may still hold NaN or infinite weights (a crafted file whose fingerprint
  // was recomputed): they would turn every code into NaN.
  check_module_finite(m, what);
}

void check_module_finite(const torch::nn::Module& m, const std::string& what) {
  torch::NoGradGuard ng;
  auto check = [&](const std::string& name, const torch::Tensor& t) {
    ARFC_CHECK(!t.is_floating_point() || torch::isfinite(t).all().item<bool>(), what, ": the stored tensor '", name,
               "' holds a value that is not finite (NaN or infinite). Hint: the file is corrupt or was edited.");
  };
  for (const auto& p : m.named_parameters(true)) check(p.key(), p.value());
  for (const auto& b : m.named_buffers(true)) check(b.key(), b.value());
}

}  // namespace arfc
