// .arfc code files: read (validated header, checksum, scales, payload), then everything a
// reader does next: describe, dequantise, truncate.
#include <cstdio>
#include <cstdlib>

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
  // The chunked reader (out-of-core decompress/export) must agree with the whole-file one.
  bool whole_ok = false, chunks_ok = false;
  arfc::CodeSet whole;
  arfc::fuzz::expect_ok_or_error([&] {
    whole = arfc::read_code_file(p);
    whole_ok = true;
  });
  std::vector<uint8_t> payload;
  arfc::fuzz::expect_ok_or_error([&] {
    arfc::read_code_file_chunks(p, 3, [&](int64_t, const arfc::CodeSet& rows) {
      payload.insert(payload.end(), rows.payload.begin(), rows.payload.end());
    });
    chunks_ok = true;
  });
  if (whole_ok != chunks_ok || (whole_ok && payload != whole.payload)) {
    std::fprintf(stderr, "finding: chunked code-file read disagrees with read_code_file\n");
    std::abort();
  }
  return 0;
}
