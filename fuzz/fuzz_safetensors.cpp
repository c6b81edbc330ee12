// .safetensors files (JSON header + tensors) through read_matrix and inspect_file.
#include "arfc/io/embeddings.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = arfc::fuzz::write_input("in.safetensors", data, size);
  arfc::fuzz::expect_chunks_match(p);
  arfc::fuzz::expect_ok_or_error([&] {
    arfc::ReadOptions ro;
    ro.tensor_name = "embeddings";
    arfc::read_matrix(p, ro);
  });
  arfc::fuzz::expect_ok_or_error([&] { arfc::inspect_file(p, true); });
  return 0;
}
