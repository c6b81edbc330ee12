// .arfc code files: read (validated header, checksum, scales, payload), then everything a
// reader does next: describe, dequantise, truncate.
#include "arfc/codes/code_file.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string p = arfc::fuzz::write_input("codes.arfc", data, size);
  arfc::fuzz::expect_ok_or_error([&] { arfc::describe_code_file(p); });
  arfc::fuzz::expect_ok_or_error([&] {
    const arfc::CodeSet c = arfc::read_code_file(p);
    if (c.dtype != arfc::StorageType::Q8) arfc::dequantize_codes(c);
    const arfc::CodeLayout l = arfc::choose_truncated_layout(c.geometry(), arfc::CodeBudget::tokens(1), c.n_values, c.dtype);
    arfc::truncate_codes(c, l);
  });
  return 0;
}
