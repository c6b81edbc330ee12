// .npy matrices (float32/float16/float64, versions 1-3) through read_matrix and inspect_file.
#include "arfc/io/embeddings.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = arfc::fuzz::write_input("in.npy", data, size);
  arfc::fuzz::expect_chunks_match(p);
  arfc::fuzz::expect_ok_or_error([&] { arfc::inspect_file(p, true); });
  return 0;
}
