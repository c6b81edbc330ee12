// arfc.read_matrix / write_matrix / read_labels: the embedding files the CLI reads.
#pragma once

#include <pybind11/pybind11.h>

namespace arfc::py_api {
void bind_io(pybind11::module_& m);
}  // namespace arfc::py_api
