// The held-out storage-type trial (ArfcModel::select_int4) run again on a saved model: what
// the trial of today's build decides for it, next to what the file stores. Lets the trial's
// rule be re-measured without training again (docs/DESIGN.md, item 7).
//
//   int4_trial MODEL.arfc FEATURE_SET_DIR
//
// FEATURE_SET_DIR is the set the model was trained on (its training rows give the held-out
// rows, as in training). Prints the stored limit and the new trial's summary as JSON.
#include <cstdio>
#include <string>

#include "arfc/core/error.h"
#include "arfc/io/feature_set.h"
#include "arfc/io/training_rows.h"
#include "arfc/model/arfc_model.h"

using namespace arfc;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: int4_trial MODEL.arfc FEATURE_SET_DIR\n");
    return 2;
  }
  try {
    ArfcModel model = ArfcModel::load(argv[1]);
    const FeatureSet fs = load_feature_set(argv[2]);
    ARFC_CHECK(fs.train_x.d == model.input_dim(), "int4_trial: the model compresses D = ", model.input_dim(),
               ", the feature set has D = ", fs.train_x.d);
    const int64_t stored = model.geometry().int4_limit();
    model.select_int4(TrainingRows::of(fs));
    nlohmann::json out = {{"stored_int4_limit", stored},
                          {"int4_selection", model.config()["summary"].value("int4_selection", nlohmann::json())}};
    std::printf("%s\n", out.dump(1).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "int4_trial: %s\n", e.what());
    return 1;
  }
  return 0;
}
