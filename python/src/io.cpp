#include "io.h"

#include <pybind11/numpy.h>

#include "arfc/io/embeddings.h"
#include "convert.h"

namespace arfc::py_api {

void bind_io(py::module_& m) {
  m.def(
      "read_matrix",
      [](const std::string& path, const std::string& tensor) {
        ReadOptions ro;
        ro.tensor_name = tensor;
        return array_from_matrix(file_call([&] { return read_matrix(path, ro); }));
      },
      py::arg("path"), py::kw_only(), py::arg("tensor") = "",
      "Reads a float matrix [N, D] as float32 from the formats the CLI reads: .npy (f32/f16/f64),\n"
      ".fvecs, .fbin, .safetensors (tensor: which one; default the only 2-D tensor). Validated\n"
      "before allocating; bad files raise OSError naming the field, expected and actual value.");
  m.def(
      "write_matrix",
      [](const std::string& path, const py::object& x) {
        Matrix xm = matrix_from_array(x, "x");
        file_call([&] { write_matrix(path, xm); });
      },
      py::arg("path"), py::arg("x"),
      "Writes x [N, D] as float32 in the format the extension names (.npy, .fvecs, .fbin,\n"
      ".safetensors), atomically.");
  m.def(
      "read_labels",
      [](const std::string& path) {
        Labels y = file_call([&] { return read_labels(path); });
        py::array_t<int64_t> out(py::ssize_t(y.size()));
        std::copy(y.begin(), y.end(), out.mutable_data());
        return out;
      },
      py::arg("path"), "Reads integer labels [N] (.npy, any integer dtype) as int64.");
}

}  // namespace arfc::py_api
