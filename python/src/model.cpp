// arfc.Model and arfc.train.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "arfc/core/log.h"
#include "arfc/io/feature_set.h"
#include "arfc/model/token_codebooks.h"
#include "arfc/train/train_arfc.h"
#include "codes.h"
#include "convert.h"
#include "index.h"
#include "model.h"

namespace arfc::py_api {

namespace {

py::dict model_info(const ArfcModel& m) {
  const CodeGeometry g = m.geometry();
  py::dict d;
  d["task"] = task_name(m.task());
  d["fingerprint"] = format_fingerprint(m.fingerprint());
  d["input_dim"] = g.input_dim;
  if (m.num_modalities() > 1) d["input_dim_b"] = m.input_dim(1);
  d["modalities"] = m.num_modalities();
  d["token_width"] = g.token_width;
  d["max_tokens"] = g.max_tokens;
  d["max_values"] = g.max_values();
  d["value_level"] = g.value_level;
  d["discrete_tokens"] = g.discrete_tokens;
  d["token_beam"] = m.token_beam();
  d["token_lookahead"] = m.token_lookahead();
  d["code_source"] = code_source_name(m.code_source());
  d["calibrated"] = m.calibrated();
  d["config"] = json_to_py(m.config());
  return d;
}

PyCodes encode(const ArfcModel& m, const py::object& x, const py::object& ratio, const py::object& bytes,
               const py::object& tokens, const py::object& dtype, int64_t modality, const py::object& beam,
               const py::object& tokens_from, const py::object& lookahead) {
  const CodeBudget budget = budget_from_kwargs(ratio, bytes, tokens, dtype);
  const int64_t b = beam.is_none() ? 0 : int_arg(beam, "beam");
  if (!beam.is_none() && (b < 1 || b > kMaxBeam))
    throw py::value_error("beam: expected 1 (greedy) to " + std::to_string(kMaxBeam) +
                          " candidates per row, or None for the model's, got " + std::to_string(b));
  const int64_t la = lookahead.is_none() ? -1 : int_arg(lookahead, "lookahead");
  if (!lookahead.is_none() && la < 0)
    throw py::value_error("lookahead: expected >= 0 tokens (0: after the last token the model holds), or None for "
                          "the model's, got " + std::to_string(la));
  CodeSource source = CodeSource::Model;
  if (!tokens_from.is_none()) {
    const std::string v = py::isinstance<py::str>(tokens_from) ? tokens_from.cast<std::string>() : "";
    if (v != "arc" && v != "base")
      throw py::value_error("tokens_from: expected 'arc' (the model's full code), 'base' (its base code) or None "
                            "(the model's choice), got " + py::repr(tokens_from).cast<std::string>());
    source = code_source_from_name(v);
  }
  const int64_t dim = m.input_dim(modality);
  Matrix xm = matrix_from_array(x, "x");
  if (xm.d != dim)
    throw py::value_error("x: expected D = " + std::to_string(dim) + " (the input dimension of the model" +
                          (modality ? ", modality 1" : "") + "), got shape (" + std::to_string(xm.n) + ", " +
                          std::to_string(xm.d) + "). Hint: encode features of the kind the model was trained on.");
  return without_gil([&] {
    CodeGeometry g = m.geometry();
    g.input_dim = dim;  // the ratio is relative to the features actually compressed
    const CodeLayout layout = choose_layout(g, budget);
    if (layout.dtype == StorageType::I8 && !m.calibrated())
      log_warn("the model stores no int8 calibration (written by an older version): int8 scales are fitted on "
               "this batch, so codes depend on the batch. Hint: retrain to get calibrated codes.");
    const TokenSearch search{b, source, la};
    if ((search.beam > 0 || search.lookahead >= 0) && layout.dtype != StorageType::Q8)
      log_warn("beam= and lookahead= apply to discrete-token codes; this code (" + describe_layout(layout, g.token_width) +
               ") stores values, so it changes nothing.");
    else if (search.lookahead >= 0 && m.token_search(search).beam == 1)
      log_warn("lookahead= applies to a beam search; these tokens are searched greedily, so it changes nothing.");
    return PyCodes{m.compress(xm, layout, modality, search), m};
  });
}

py::array_t<float> decode(const ArfcModel& m, const PyCodes& c) {
  check_codes_model(m, c.codes);
  return array_from_matrix(without_gil([&] { return m.decode(m.code_values(c.codes), c.codes.modality); }));
}

// (ids, scores): the k codes of `db` nearest to each query, cosine in the code space.
py::tuple search(const ArfcModel& m, const PyCodes& db, const py::object& queries, int64_t k,
                 const py::object& modality) {
  return search_index(make_index(m, db), queries, k, modality);
}

ArfcModel train(const py::object& x, const py::object& labels, const py::object& pair, const std::string& task,
                const py::object& config, const py::object& epochs, const py::object& seed,
                const py::object& device, bool progress) {
  FeatureSet fs;
  fs.task = parse_task(task);
  fs.name = "python";
  fs.train_x = matrix_from_array(x, "x");
  if (!labels.is_none()) fs.train_y = labels_from_array(labels, "labels");
  if (!pair.is_none()) fs.train_b = matrix_from_array(pair, "pair");
  if ((fs.task == Task::Classification || fs.task == Task::Retrieval) && labels.is_none())
    throw py::value_error("task '" + task + "' needs labels= (one class id per row of x)");
  if (fs.task == Task::Crossmodal && pair.is_none())
    throw py::value_error("task 'crossmodal' needs pair= (the second modality, one row per row of x)");
  nlohmann::json cfg = config.is_none() ? nlohmann::json::object() : json_from_py(config, "config");
  if (!cfg.is_object()) throw py::value_error("config: expected a dict with sections model/train/loss");
  if (!epochs.is_none()) cfg["train"]["epochs"] = int_arg(epochs, "epochs");
  if (!seed.is_none()) cfg["train"]["seed"] = int_arg(seed, "seed");
  if (!device.is_none()) cfg["train"]["device"] = py::str(device).cast<std::string>();
  ShowProgress show(progress);
  return without_gil([&] { return train_arfc(fs, cfg); });
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<ArfcModel>(m, "Model",
                        "A trained ARFC model: one model, codes at any ratio. Load one with Model.load, or\n"
                        "train one with arfc.train.")
      .def_static(
          "load",
          [](const std::string& path, const std::string& device) {
            return file_call([&] { return ArfcModel::load(path, device); });
          },
          py::arg("path"), py::arg("device") = "cpu",
          "Loads a model file written by `arfc train` or Model.save (validated; OSError on bad files).\n"
          "device: 'cpu', 'cuda', 'cuda:N' or 'auto'.")
      .def(
          "save", [](const ArfcModel& self, const std::string& path) { file_call([&] { self.save(path); }); },
          py::arg("path"), "Writes the model file (atomically); the CLI reads it.")
      .def("info", &model_info,
           "The model as a dict: task, fingerprint, input_dim, token_width, max_tokens, max_values,\n"
           "discrete_tokens, token_beam, token_lookahead, code_source, calibrated and the full config (with\n"
           "the training summary).")
      .def_property_readonly("input_dim", [](const ArfcModel& self) { return self.input_dim(0); },
                             "D of the features the model compresses (modality 0).")
      .def_property_readonly("task", [](const ArfcModel& self) { return task_name(self.task()); }, "The task it was trained for.")
      .def_property_readonly("fingerprint", [](const ArfcModel& self) { return format_fingerprint(self.fingerprint()); },
                             "Hash of config and weights (16 hex digits); stored in every code file it makes.")
      .def("encode", &encode, py::arg("x"), py::kw_only(), py::arg("ratio") = py::none(), py::arg("bytes") = py::none(),
           py::arg("tokens") = py::none(), py::arg("dtype") = py::none(), py::arg("modality") = 0,
           py::arg("beam") = py::none(), py::arg("tokens_from") = py::none(), py::arg("lookahead") = py::none(),
           "Compresses x [N, D] (float32/float16/float64) to Codes. Give exactly one of:\n"
           "  ratio   R > 1: the largest code with float32 bytes / code bytes >= R (e.g. 8, 10.7, 128)\n"
           "  bytes   a byte budget per vector\n"
           "  tokens  a token count (f32 unless dtype says otherwise; with dtype='q8', discrete tokens)\n"
           "dtype: None picks the storage by the model's rule (discrete tokens for budgets up to the\n"
           "model's discrete_tokens bytes, else the best of f32/f16/i8/i4), or 'f32', 'f16', 'i8', 'i4', 'q8'.\n"
           "beam: discrete-token codes only, candidates per row of the token search (1 = greedy, fastest;\n"
           "None = the model's). tokens_from: where the code's tokens come from, 'arc' (the model's full\n"
           "code), 'base' (its base code, without running the transformer: much faster; stored as\n"
           "values, or quantised by discrete tokens) or None (the model's choice, code_source in\n"
           "Model.info()). lookahead: with a beam, how many tokens later each token is decided (smaller is\n"
           "faster, codes a little coarser; None = the model's). The model decodes codes of any setting.\n"
           "Same codes as `arfc compress` for the same model and input. The GIL is released.")
      .def("__repr__",
           [](const ArfcModel& self) {
             const CodeGeometry g = self.geometry();
             std::string r = "<arfc.Model: " + task_name(self.task()) + ", D = " + std::to_string(g.input_dim) + ", " +
                             std::to_string(g.max_tokens) + " tokens x " + std::to_string(g.token_width) + " values";
             if (g.discrete_tokens > 0) r += " + " + std::to_string(g.discrete_tokens) + " discrete tokens";
             return r + ", fingerprint " + format_fingerprint(self.fingerprint()) + ">";
           })
      .def("search", &search, py::arg("codes"), py::arg("queries"), py::kw_only(), py::arg("k") = 10,
           py::arg("modality") = py::none(),
           "The k codes of `codes` (made by this model) nearest to each query, by cosine similarity\n"
           "in the code space (as `arfc search` and `arfc eval` compare codes), without decoding them:\n"
           "discrete tokens are scored by lookup tables. queries: features [Q, D] (compared at full\n"
           "precision; modality: theirs, default the codes') or Codes of this model. Returns (ids,\n"
           "scores): int64 and float32 arrays [Q, min(k, len(codes))], best first, ties to the lower\n"
           "row. Each call indexes the codes anew (one pass over them; arfc.Index keeps an index for\n"
           "many searches). The GIL is released.")
      .def("decode", &decode, py::arg("codes"),
           "Codes (made by this model) -> reconstructions [N, D] float32 in the feature space, through\n"
           "the model's decoder head (what `arfc decompress` writes).");

  m.def("train", &train, py::arg("x"), py::kw_only(), py::arg("labels") = py::none(), py::arg("pair") = py::none(),
        py::arg("task") = "generic", py::arg("config") = py::none(), py::arg("epochs") = py::none(),
        py::arg("seed") = py::none(), py::arg("device") = py::none(), py::arg("progress") = true,
        "Trains one ARFC model on x [N, D] (float32/float16/float64) and returns it.\n\n"
        "task: 'generic' (relations and reconstruction only), 'classification' or 'retrieval'\n"
        "(need labels [N], integer class ids) or 'crossmodal' (needs pair [N, D_b]).\n"
        "config: a dict with sections 'model', 'train', 'loss' (missing keys take the defaults of\n"
        "`arfc train`; unknown keys raise ValueError listing the accepted ones); epochs, seed and\n"
        "device override config['train'] (seed None: the config's, else 0). progress: epoch lines and a progress line to stderr.\n"
        "The GIL is released; Ctrl-C stops training and raises KeyboardInterrupt.");
}

}  // namespace arfc::py_api
