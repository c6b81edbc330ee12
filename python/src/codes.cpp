#include "codes.h"

#include <pybind11/numpy.h>

#include <cstring>

#include "convert.h"

namespace arfc::py_api {

PyLayout layout_of(const CodeSet& c) {
  return {c.layout(), c.tokens(), describe_layout(c.layout(), c.token_width)};
}

CodeBudget budget_from_kwargs(const py::object& ratio, const py::object& bytes, const py::object& tokens,
                              const py::object& dtype) {
  const int given = int(!ratio.is_none()) + int(!bytes.is_none()) + int(!tokens.is_none());
  if (given != 1)
    throw py::value_error("give exactly one of ratio=, bytes=, tokens= (got " + std::to_string(given) +
                          "). Example: encode(x, ratio=8)");
  std::optional<StorageType> t;
  if (!dtype.is_none()) t = parse_storage_type(py::str(dtype).cast<std::string>());
  auto number = [](const py::object& v, const char* name) {
    try {
      return v.cast<double>();
    } catch (py::cast_error&) {
      throw py::value_error(std::string(name) + "= expects a number, got " +
                            py::str(py::type::of(v).attr("__name__")).cast<std::string>());
    }
  };
  if (!ratio.is_none()) return CodeBudget::ratio(number(ratio, "ratio"), t);
  if (!bytes.is_none()) return CodeBudget::bytes(number(bytes, "bytes"), t);
  return CodeBudget::tokens(number(tokens, "tokens"), t);
}

void check_codes_model(const ArfcModel& m, const CodeSet& c) {
  if (m.fingerprint() != c.model_fingerprint)
    throw py::value_error("the codes were made by the model with fingerprint " + format_fingerprint(c.model_fingerprint) +
                          ", but the given model has " + format_fingerprint(m.fingerprint()) +
                          ". Hint: use the model that made the codes.");
}

namespace {

Matrix values_of_codes(const PyCodes& c, const py::object& model_obj) {
  const ArfcModel* model = c.model ? &*c.model : nullptr;
  if (!model_obj.is_none()) model = &model_obj.cast<const ArfcModel&>();
  if (c.codes.dtype != StorageType::Q8) return without_gil([&] { return dequantize_codes(c.codes); });
  if (!model)
    throw py::value_error("these codes are discrete tokens (q8): their values need the model that made them. "
                          "Hint: codes.to_numpy(model) with model = arfc.Model.load(...).");
  check_codes_model(*model, c.codes);
  return without_gil([&] { return model->code_values(c.codes); });
}

py::array_t<float> values_of(const PyCodes& c, const py::object& model_obj) {
  return array_from_matrix(values_of_codes(c, model_obj));
}

}  // namespace

void bind_codes(py::module_& m) {
  py::class_<PyLayout>(m, "Layout", "What a stored code holds: tokens, values, storage type, bytes, ratio.")
      .def_property_readonly("tokens", [](const PyLayout& l) { return l.tokens; },
                             "Tokens per code (discrete tokens for q8; may be fractional-length for "
                             "value-level codes, rounded up here).")
      .def_property_readonly("n_values", [](const PyLayout& l) { return l.layout.n_values; },
                             "Stored values per code (for q8: discrete tokens, one byte each).")
      .def_property_readonly("dtype", [](const PyLayout& l) { return storage_name(l.layout.dtype); },
                             "Storage type: 'f32', 'f16', 'i8', 'i4' (values) or 'q8' (discrete tokens).")
      .def_property_readonly("bytes_per_vector", [](const PyLayout& l) { return l.layout.bytes_per_vector; },
                             "Stored bytes per vector (the i8/i4 scales are per model, not per vector).")
      .def_property_readonly("ratio", [](const PyLayout& l) { return l.layout.ratio; },
                             "Achieved ratio: float32 bytes of the input / bytes per vector.")
      .def("__repr__", [](const PyLayout& l) { return "<arfc.Layout: " + l.text + ">"; })
      .def("__str__", [](const PyLayout& l) { return l.text; });

  py::class_<PyCodes>(m, "Codes",
                      "Stored codes of N vectors in one layout, as in an .arfc code file. Made by "
                      "Model.encode or arfc.read_codes; any prefix is a valid, coarser code (truncate).")
      .def("__len__", [](const PyCodes& c) { return c.codes.n; })
      .def_property_readonly("n", [](const PyCodes& c) { return c.codes.n; }, "Number of codes.")
      .def_property_readonly("layout", [](const PyCodes& c) { return layout_of(c.codes); },
                             "The layout (tokens, n_values, dtype, bytes_per_vector, ratio).")
      .def_property_readonly("input_dim", [](const PyCodes& c) { return c.codes.input_dim; },
                             "D of the features the codes stand for.")
      .def_property_readonly("modality", [](const PyCodes& c) { return c.codes.modality; },
                             "0, or 1 for codes of the second modality of a crossmodal model.")
      .def_property_readonly("fingerprint", [](const PyCodes& c) { return format_fingerprint(c.codes.model_fingerprint); },
                             "Fingerprint of the model that made the codes (16 hex digits).")
      .def_property_readonly(
          "scales",
          [](const PyCodes& c) -> py::object {
            if (c.codes.scales.empty()) return py::none();
            py::array_t<float> s(py::ssize_t(c.codes.scales.size()));
            std::memcpy(s.mutable_data(), c.codes.scales.data(), sizeof(float) * c.codes.scales.size());
            return std::move(s);
          },
          "i8 and i4 codes: the dequantisation scale of each value position (value = integer * scale),\n"
          "the model's calibration; None for other storage types.")
      .def(
          "truncate",
          [](const PyCodes& c, const py::object& ratio, const py::object& bytes, const py::object& tokens,
             const py::object& dtype) {
            const CodeBudget b = budget_from_kwargs(ratio, bytes, tokens, dtype);
            return without_gil([&] {
              const CodeLayout l = choose_truncated_layout(c.codes.geometry(), b, c.codes.n_values, c.codes.dtype);
              return PyCodes{truncate_codes(c.codes, l), c.model};
            });
          },
          py::kw_only(), py::arg("ratio") = py::none(), py::arg("bytes") = py::none(), py::arg("tokens") = py::none(),
          py::arg("dtype") = py::none(),
          "A coarser code without the model (prefix property): the first values or tokens of each code.\n\n"
          "Give exactly one of ratio, bytes, tokens. dtype: None keeps the stored type (or a smaller one\n"
          "that buys more values for the budget); q8 codes stay q8. Asking for a longer code than\n"
          "stored raises ValueError (re-encode with the model instead).")
      .def("to_numpy", &values_of, py::arg("model") = py::none(),
           "The code values as float32 [N, n_values] (dequantised), exactly what `arfc export` writes.\n\n"
           "Discrete (q8) codes stand for code-space vectors [N, max_values] that only their model\n"
           "can rebuild: pass model= unless these codes came from Model.encode. Search them by cosine.")
      .def(
          "raw",
          [](const PyCodes& c) {
            const py::ssize_t n = c.codes.n, b = c.codes.bytes_per_vector();
            py::array_t<uint8_t> out({n, b});
            if (!c.codes.payload.empty()) std::memcpy(out.mutable_data(), c.codes.payload.data(), c.codes.payload.size());
            return out;
          },
          "The stored bytes, uint8 [N, bytes_per_vector], row-major, as in the code file's payload\n"
          "(f32/f16 little-endian values, i8 two's complement, i4 two's-complement nibbles with value\n"
          "2k in the low nibble of byte k, q8 codeword indices).")
      .def(
          "save", [](const PyCodes& c, const std::string& path) { file_call([&] { write_code_file(path, c.codes); }); },
          py::arg("path"), "Writes an .arfc code file (atomically), readable by the CLI and arfc.read_codes.")
      .def("__repr__", [](const PyCodes& c) {
        return "<arfc.Codes: " + std::to_string(c.codes.n) + " codes, " + layout_of(c.codes).text + ">";
      });

  m.def(
      "read_codes", [](const std::string& path) { return PyCodes{file_call([&] { return read_code_file(path); }), {}}; },
      py::arg("path"),
      "Reads an .arfc code file (written by `arfc compress`, `arfc truncate` or Codes.save).\n"
      "Missing, truncated or corrupt files raise OSError naming what was wrong.");
}

}  // namespace arfc::py_api
