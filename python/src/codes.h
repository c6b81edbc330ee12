// The Python-side code objects: arfc.Codes (stored codes + the model that made them, when
// known) and arfc.Layout, and the budget keywords shared by Model.encode and Codes.truncate.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "arfc/codes/code_file.h"
#include "arfc/codes/ratio.h"
#include "arfc/model/arfc_model.h"

namespace arfc::py_api {

namespace py = pybind11;

struct PyCodes {
  CodeSet codes;
  std::optional<ArfcModel> model;  // set by Model.encode; codes read from a file have none
};

// What a code looks like: tokens, values, storage type, bytes per vector, achieved ratio.
struct PyLayout {
  CodeLayout layout;
  int64_t tokens = 0;
  std::string text;  // describe_layout()
};
PyLayout layout_of(const CodeSet& c);

// Exactly one of ratio / bytes / tokens (ValueError otherwise); dtype None = chosen by
// the budget rules (codes/ratio.h), else "f32", "f16", "i8", "i4" or "q8".
CodeBudget budget_from_kwargs(const py::object& ratio, const py::object& bytes, const py::object& tokens,
                              const py::object& dtype);

// ValueError unless `c` was made by `m` (same fingerprint), naming both fingerprints.
void check_codes_model(const ArfcModel& m, const CodeSet& c);

void bind_codes(py::module_& m);

}  // namespace arfc::py_api
