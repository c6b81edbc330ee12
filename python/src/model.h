// arfc.Model (load/save/info/encode/decode) and arfc.train.
#pragma once

#include <pybind11/pybind11.h>

namespace arfc::py_api {
void bind_model(pybind11::module_& m);
}  // namespace arfc::py_api
