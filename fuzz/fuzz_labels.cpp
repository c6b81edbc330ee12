// .npy label vectors (any integer dtype) through read_labels.
#include "arfc/io/embeddings.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = arfc::fuzz::write_input("labels.npy", data, size);
  arfc::fuzz::expect_ok_or_error([&] { arfc::read_labels(p); });
  return 0;
}
