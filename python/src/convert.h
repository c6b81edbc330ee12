// numpy <-> library types, and how library errors become Python exceptions, for the
// Python module (python/arfc). Everything here runs with the GIL held unless it says so.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/core/matrix.h"

namespace arfc::py_api {

namespace py = pybind11;

// x: a 2-D float32 / float16 / float64 array (or anything numpy.asarray turns into one),
// C- or F-ordered or strided -> [N, D] float32 Matrix, copied once. Empty, wrong rank,
// non-float dtypes and NaN/Inf -> ValueError naming `what`, the expected and the actual.
Matrix matrix_from_array(const py::handle& x, const std::string& what);
// y: a 1-D integer array -> int64 labels. Wrong rank or a non-integer dtype -> ValueError.
Labels labels_from_array(const py::handle& y, const std::string& what);
// [N, D] float32 array that takes over m's storage (no copy).
py::array_t<float> array_from_matrix(Matrix m);
// A keyword argument that must be a Python int (not a bool): ValueError naming `name`.
int64_t int_arg(const py::object& v, const char* name);

// JSON documents cross the boundary as Python dicts/lists (through the json module).
py::object json_to_py(const nlohmann::json& j);
nlohmann::json json_from_py(const py::handle& obj, const std::string& what);

// Thrown where an arfc::Error came from a file operation: raised as OSError.
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs f() with the GIL released (other Python threads run meanwhile). arfc::Error ->
// ValueError, arfc::Interrupted (Ctrl-C) -> KeyboardInterrupt, by the module's translator.
template <typename F>
auto without_gil(F&& f) {
  py::gil_scoped_release nogil;
  return f();
}

// Like without_gil, for reading or writing files: arfc::Error -> OSError.
template <typename F>
auto file_call(F&& f) {
  try {
    py::gil_scoped_release nogil;
    return f();
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    throw FileError(e.what());
  }
}

// Installs the exception translators, the log callback (library messages to sys.stderr,
// progress only while a ShowProgress is alive) and the Ctrl-C check. Called once at import.
void install_runtime(py::module_& m);

// While alive, the library's info and progress lines are written to sys.stderr (warnings
// always are).
class ShowProgress {
 public:
  explicit ShowProgress(bool on);
  ~ShowProgress();
  ShowProgress(const ShowProgress&) = delete;
  ShowProgress& operator=(const ShowProgress&) = delete;

 private:
  bool previous_;
};

}  // namespace arfc::py_api
