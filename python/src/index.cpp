#include "index.h"

#include <pybind11/numpy.h>

#include <algorithm>
#include <string>

#include "convert.h"

namespace arfc::py_api {

PyIndex make_index(const ArfcModel& model, const PyCodes& codes) {
  check_codes_model(model, codes.codes);
  PyIndex ix{model, nullptr, codes.codes.modality};
  ix.index = without_gil([&] { return std::make_shared<const CodeIndex>(model, codes.codes); });
  return ix;
}

py::tuple search_index(const PyIndex& ix, const py::object& queries, int64_t k, const py::object& modality) {
  const ArfcModel& m = ix.model;
  if (k < 1) throw py::value_error("k must be >= 1, got " + std::to_string(k));
  const PyCodes* q_codes = py::isinstance<PyCodes>(queries) ? &queries.cast<const PyCodes&>() : nullptr;
  if (q_codes) check_codes_model(m, q_codes->codes);
  const int64_t mod = modality.is_none() ? ix.modality : int_arg(modality, "modality");
  if (mod < 0 || mod >= m.num_modalities())
    throw py::value_error("modality must be 0" + std::string(m.num_modalities() > 1 ? " or 1" : "") + ", got " +
                          std::to_string(mod));
  Matrix x;
  if (!q_codes) {
    x = matrix_from_array(queries, "queries");
    if (x.d != m.input_dim(mod))
      throw py::value_error("queries: expected D = " + std::to_string(m.input_dim(mod)) +
                            " (the input dimension of the model" + (mod ? ", modality 1" : "") + "), got shape (" +
                            std::to_string(x.n) + ", " + std::to_string(x.d) + "). Hint: pass features or Codes.");
  }
  const SearchResult r = without_gil([&] {
    const Matrix q = q_codes ? m.code_values(q_codes->codes) : m.encode(x, ix.index->query_dim(), mod);
    return ix.index->search(q, k);
  });
  py::array_t<int64_t> ids({r.queries, r.k});
  std::copy(r.ids.begin(), r.ids.end(), ids.mutable_data());
  Matrix scores(r.queries, r.k);
  scores.data = r.scores;
  return py::make_tuple(ids, array_from_matrix(std::move(scores)));
}

void bind_index(py::module_& m) {
  py::class_<PyIndex>(m, "Index",
                      "Codes of one model indexed once for many searches: the k codes nearest to each query\n"
                      "by cosine similarity in the code space (as `arfc search` and `arfc eval` compare\n"
                      "codes), without decoding them; discrete tokens are scored by lookup tables. Holds a\n"
                      "copy of the codes, 4 bytes per row and, for discrete tokens, their codewords.")
      .def(py::init(&make_index), py::arg("model"), py::arg("codes"),
           "Indexes codes made by model (ValueError for another model's). One pass over them.")
      .def("search", &search_index, py::arg("queries"), py::kw_only(), py::arg("k") = 10,
           py::arg("modality") = py::none(),
           "queries: features [Q, D] (compared at full precision; modality: theirs, default the\n"
           "codes') or Codes of the same model. Returns (ids, scores): int64 and float32 arrays\n"
           "[Q, min(k, len(index))], best first, ties to the lower row. The GIL is released.")
      .def("__len__", [](const PyIndex& self) { return self.index->size(); })
      .def("__repr__", [](const PyIndex& self) {
        const CodeSet& c = self.index->codes();
        return "<arfc.Index: " + std::to_string(c.n) + " codes, " + describe_layout(c.layout(), c.token_width) + ">";
      });
}

}  // namespace arfc::py_api
