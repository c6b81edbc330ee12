// arfc.codec / arfc.Codec / arfc.methods: baselines through the `arfc eval` factory strings.
#pragma once

#include <pybind11/pybind11.h>

namespace arfc::py_api {
void bind_codec(pybind11::module_& m);
}  // namespace arfc::py_api
