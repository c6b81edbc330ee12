// The container of model files and training checkpoints (magic, version, header and blob
// lengths, checksum, JSON header). The weights blob itself is a torch archive, read by
// libtorch after these checks; it is not fuzzed here.
#include "arfc/io/container.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = arfc::fuzz::write_input("model.arfc", data, size);
  arfc::fuzz::expect_ok_or_error([&] { arfc::read_container(p, "ARFCMODL", 1, "model file"); });
  arfc::fuzz::expect_ok_or_error([&] { arfc::read_container(p, "ARFCCKPT", 1, "training checkpoint"); });
  return 0;
}
