// .fvecs and .fbin matrices (the same bytes read as both).
#include "arfc/io/embeddings.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string fv = arfc::fuzz::write_input("in.fvecs", data, size);
  arfc::fuzz::expect_chunks_match(fv);
  arfc::fuzz::expect_ok_or_error([&] { arfc::inspect_file(fv, true); });
  const std::string fb = arfc::fuzz::write_input("in.fbin", data, size);
  arfc::fuzz::expect_chunks_match(fb);
  arfc::fuzz::expect_ok_or_error([&] { arfc::inspect_file(fb, true); });
  return 0;
}
