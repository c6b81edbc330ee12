#include "arfc/train/distributed.h"

#include <chrono>
#include <cstdlib>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"

#ifdef ARFC_WITH_GLOO
#include <netdb.h>
#include <sys/socket.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace arfc {

namespace {
int64_t env_int(const char* name, int64_t def) {
  const char* v = std::getenv(name);
  if (!v || !*v) return def;
  char* end = nullptr;
  const long long x = std::strtoll(v, &end, 10);
  ARFC_CHECK(end && *end == '\0', "environment variable ", name, "=\"", v, "\" is not an integer.");
  return int64_t(x);
}
}  // namespace

DistributedOptions distributed_options_from_env() {
  DistributedOptions o;
  o.rank = env_int("RANK", o.rank);
  o.world_size = env_int("WORLD_SIZE", o.world_size);
  o.master_port = env_int("MASTER_PORT", o.master_port);
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.master_addr = a;
  return o;
}

void validate(const DistributedOptions& o) {
  ARFC_CHECK(o.world_size >= 1 && o.world_size <= 4096, "distributed: world size must be in [1, 4096], got ",
             o.world_size, " (WORLD_SIZE / --world-size).");
  ARFC_CHECK(o.rank >= 0 && o.rank < o.world_size, "distributed: rank must be in [0, ", o.world_size, "), got ",
             o.rank, " (RANK / --rank).");
  ARFC_CHECK(o.master_port >= 1 && o.master_port <= 65535, "distributed: port must be in [1, 65535], got ",
             o.master_port, " (MASTER_PORT / --master-port).");
  ARFC_CHECK(!o.master_addr.empty(), "distributed: empty master address (MASTER_ADDR / --master-addr).");
  ARFC_CHECK(o.timeout_s > 0, "distributed: timeout must be > 0 s, got ", o.timeout_s);
}

#ifdef ARFC_WITH_GLOO

bool distributed_available() { return true; }

namespace {
// A master address that does not resolve fails at once with its name, instead of c10d's
// retries until the timeout.
void check_master_address(const DistributedOptions& o) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(o.master_addr.c_str(), nullptr, &hints, &found);
  if (found) ::freeaddrinfo(found);
  ARFC_CHECK(rc == 0, "distributed: cannot resolve the master address '", o.master_addr, "' (", ::gai_strerror(rc),
             "). Hint: set MASTER_ADDR / --master-addr to rank 0's host name or IP address.");
}
}  // namespace

struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
};

ProcessGroup::ProcessGroup(const DistributedOptions& o) : opt_(o), impl_(std::make_unique<Impl>()) {
  if (o.world_size == 1) return;
  const auto timeout = std::chrono::milliseconds(int64_t(o.timeout_s * 1000));
  check_master_address(o);
  BlockingSection waiting;  // a stop signal while the ranks gather ends the process
  try {
    c10d::TCPStoreOptions so;
    so.port = uint16_t(o.master_port);
    so.isServer = o.rank == 0;
    so.numWorkers = size_t(o.world_size);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
    auto go = c10d::ProcessGroupGloo::Options::create();
    go->timeout = timeout;
    go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(o.master_addr));
    impl_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, int(o.rank), int(o.world_size), go);
  } catch (const c10::Error& e) {
    ARFC_THROW("distributed: rank ", o.rank, " of ", o.world_size, " could not join the group at ", o.master_addr,
               ":", o.master_port, " (", std::string(e.what_without_backtrace()).substr(0, 300),
               "). Hint: start every rank with the same MASTER_ADDR/MASTER_PORT/WORLD_SIZE within the timeout, and "
               "make the port reachable from every rank.");
  }
}

void ProcessGroup::all_reduce_sum(const std::vector<torch::Tensor>& tensors) {
  if (opt_.world_size == 1 || tensors.empty()) return;
  std::vector<torch::Tensor> flat_parts;
  flat_parts.reserve(tensors.size());
  const auto dtype = tensors.front().scalar_type();
  for (const auto& t : tensors) {
    ARFC_ASSERT(t.scalar_type() == dtype, "all_reduce_sum: tensors of one dtype per call");
    flat_parts.push_back(t.detach().reshape({-1}).to(torch::kCPU));
  }
  std::vector<at::Tensor> buf = {torch::cat(flat_parts)};
  BlockingSection waiting;  // writes nothing: a stop signal inside it ends the process
  try {
    impl_->pg->allreduce(buf)->wait();
  } catch (const c10::Error& e) {
    ARFC_THROW("distributed: all-reduce failed on rank ", opt_.rank, " (",
               std::string(e.what_without_backtrace()).substr(0, 300), "). Hint: another rank stopped or timed out.");
  }
  int64_t off = 0;
  torch::NoGradGuard ng;
  for (const auto& t : tensors) {
    const int64_t n = t.numel();
    t.copy_(buf[0].narrow(0, off, n).view(t.sizes()));
    off += n;
  }
}

void ProcessGroup::barrier() {
  if (opt_.world_size == 1) return;
  std::vector<torch::Tensor> one = {torch::zeros({1})};
  all_reduce_sum(one);
}

#else  // no gloo headers in this build

bool distributed_available() { return false; }

struct ProcessGroup::Impl {};

ProcessGroup::ProcessGroup(const DistributedOptions& o) : opt_(o), impl_(std::make_unique<Impl>()) {
  ARFC_CHECK(o.world_size == 1, "distributed: this arfc was built without c10d's ProcessGroupGloo, so it cannot "
             "train with world size ", o.world_size, ". Hint: install libgloo-dev and rebuild.");
}

void ProcessGroup::all_reduce_sum(const std::vector<torch::Tensor>&) {}
void ProcessGroup::barrier() {}

#endif

ProcessGroup::~ProcessGroup() = default;

std::shared_ptr<ProcessGroup> ProcessGroup::create(const DistributedOptions& o) {
  validate(o);
  return std::shared_ptr<ProcessGroup>(new ProcessGroup(o));
}

}  // namespace arfc
