// Feature-set directories: the fuzzed bytes are meta.json, next to small valid .npy files
// of every split (so what the meta claims is checked against real shapes).
#include <filesystem>

#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    const std::string d = arfc::fuzz::temp_path("set");
    std::filesystem::create_directories(d);
    arfc::Matrix x(6, 4), b(6, 3);
    for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = float(i % 7) - 3.0f;
    for (size_t i = 0; i < b.data.size(); ++i) b.data[i] = float(i % 5) - 2.0f;
    const arfc::Labels y = {0, 1, 2, 0, 1, 2};
    for (const char* split : {"train", "test"}) {
      arfc::write_matrix(d + "/" + split + "_x.npy", x);
      arfc::write_matrix(d + "/" + split + "_b.npy", b);
      arfc::write_labels(d + "/" + split + "_y.npy", y);
    }
    return d;
  }();
  arfc::fuzz::write_input("set/meta.json", data, size);
  arfc::fuzz::expect_ok_or_error([&] { arfc::load_feature_set(dir); });
  return 0;
}
