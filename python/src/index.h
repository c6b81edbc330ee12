// arfc.Index: stored codes indexed once for many searches (search/code_index.h), and the
// search Model.search runs on a fresh index.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "arfc/model/arfc_model.h"
#include "arfc/search/code_index.h"
#include "codes.h"

namespace arfc::py_api {

namespace py = pybind11;

struct PyIndex {
  ArfcModel model;                          // encodes feature queries
  std::shared_ptr<const CodeIndex> index;   // the codes and their inverse norms
  int64_t modality = 0;                     // the codes' modality, the default of queries
};

// Indexes `codes` (made by `model`: ValueError otherwise); one pass over them, GIL released.
PyIndex make_index(const ArfcModel& model, const PyCodes& codes);
// (ids, scores) [Q, min(k, rows)]: queries are features [Q, D] of `modality` (None: the
// codes') or Codes of the same model.
py::tuple search_index(const PyIndex& ix, const py::object& queries, int64_t k, const py::object& modality);

void bind_index(py::module_& m);

}  // namespace arfc::py_api
