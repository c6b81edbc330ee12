// The JSON model configuration a model file carries in its header (and `arfc train
// --config` reads): parsed, every field range-checked and the model sized by its parameter
// count before anything is built. Built with libtorch (the config parser lives with the
// model); the model itself is never constructed here, so an accepted config must be within
// the parameter cap.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "arfc/train/arfc_config.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto doc = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;  // not JSON: the container reader refuses it first
  arfc::fuzz::expect_ok_or_error([&] {
    const arfc::ArfcConfig c = arfc::parse_arfc_config(doc, "model file config");
    if (arfc::ArcImpl::parameter_count(c.model) > arfc::kMaxArcParameters) {
      std::fprintf(stderr, "finding: accepted a config over the parameter cap\n");
      std::abort();
    }
    // What a model file stores and reloads: the document must round-trip.
    const arfc::ArfcConfig again = arfc::parse_arfc_config(c.to_json(), "round trip");
    if (again.to_json() != c.to_json()) {
      std::fprintf(stderr, "finding: config does not round-trip through JSON\n");
      std::abort();
    }
  });
  return 0;
}
