// arfc.codec: the baselines (and ARFC) through the same factory strings as `arfc eval`.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>

#include "arfc/eval/codec_factory.h"
#include "arfc/io/feature_set.h"
#include "codec.h"
#include "convert.h"

namespace arfc::py_api {

namespace {

// A codec is built when fit() first sees the data's dimension (make_codec needs D).
struct PyCodec {
  std::string spec;
  double ratio = 0;
  std::shared_ptr<CodecCache> cache = std::make_shared<CodecCache>();
  std::shared_ptr<Codec> codec;
  int64_t input_dim = 0;
  Similarity similarity = Similarity::Cosine;  // of the fitted codec's representations

  const Codec& fitted() const {
    if (!codec) throw py::value_error("codec '" + spec + "' is not fitted yet. Hint: call fit(x) first.");
    return *codec;
  }
};

}  // namespace

void bind_codec(py::module_& m) {
  py::class_<PyCodec>(m, "Codec",
                      "A compressor under comparison (PCA, PQ, RQ, RaBitQ, ... or ARFC), built from the same\n"
                      "factory strings as `arfc eval` for one target ratio. fit(x) on training rows, then\n"
                      "encode(x) gives what each stored code stands for (search it with `similarity`).")
      .def(
          "fit",
          [](PyCodec& self, const py::object& x, const py::object& labels, const py::object& pair,
             const py::object& task, bool progress) {
            FeatureSet fs;
            fs.name = "python";
            fs.train_x = matrix_from_array(x, "x");
            if (!labels.is_none()) fs.train_y = labels_from_array(labels, "labels");
            if (!pair.is_none()) fs.train_b = matrix_from_array(pair, "pair");
            fs.task = !task.is_none() ? parse_task(py::str(task).cast<std::string>())
                      : !pair.is_none() ? Task::Crossmodal
                      : !labels.is_none() ? Task::Classification
                                          : Task::Generic;
            ShowProgress show(progress);
            without_gil([&] {
              auto c = make_codec(self.spec, self.ratio, fs.train_x.d, *self.cache);
              c->fit(fs);
              // The similarity belongs to the codec's representation; one row tells it.
              self.similarity = c->encode(slice_rows(fs.train_x, 0, 1), 0).sim;
              self.codec = std::move(c);
              self.input_dim = fs.train_x.d;
            });
            return &self;
          },
          py::arg("x"), py::kw_only(), py::arg("labels") = py::none(), py::arg("pair") = py::none(),
          py::arg("task") = py::none(), py::arg("progress") = false, py::return_value_policy::reference,
          "Trains the codec on x [N, D] (training rows only). labels / pair: for the methods that use\n"
          "them (task defaults to 'classification' with labels, 'crossmodal' with pair). Returns self.")
      .def(
          "encode",
          [](const PyCodec& self, const py::object& x, int64_t modality) {
            const Codec& c = self.fitted();
            Matrix xm = matrix_from_array(x, "x");
            return array_from_matrix(without_gil([&] { return c.encode(xm, modality).codes; }));
          },
          py::arg("x"), py::arg("modality") = 0,
          "x [N, D] -> [N, q] float32: what each row's stored code stands for (dequantised values,\n"
          "decoded PQ/RQ vectors, +-1 bits). Compare rows with `similarity`.")
      .def(
          "decode",
          [](const PyCodec& self, const py::object& codes, int64_t modality) {
            const Codec& c = self.fitted();
            if (!c.can_decode()) throw py::value_error("codec '" + self.spec + "' does not decode to the input space.");
            Representation r{matrix_from_array(codes, "codes"), Similarity::Cosine};
            return array_from_matrix(without_gil([&] { return c.decode(r, modality); }));
          },
          py::arg("codes"), py::arg("modality") = 0,
          "codes [N, q] from encode() -> [N, D] in the input space (for codecs that decode).")
      .def_property_readonly("name", [](const PyCodec& self) { return self.spec; }, "The factory string.")
      .def_property_readonly("ratio", [](const PyCodec& self) { return self.ratio; }, "The requested ratio.")
      .def_property_readonly("bytes_per_vector", [](const PyCodec& self) { return self.fitted().bytes_per_vector(); },
                             "Stored bytes of one code, everything counted (after fit).")
      .def_property_readonly("achieved_ratio",
                             [](const PyCodec& self) {
                               return 4.0 * double(self.input_dim) / double(self.fitted().bytes_per_vector());
                             },
                             "float32 bytes of the input / bytes_per_vector (after fit).")
      .def_property_readonly("variant", [](const PyCodec& self) { return self.fitted().variant(); },
                             "What the code is made of at this size, e.g. 'i8 x 64' or 'M=8 x 8 bit' (after fit).")
      .def_property_readonly("can_decode", [](const PyCodec& self) { return self.fitted().can_decode(); },
                             "True when decode() maps codes back to the input space.")
      .def_property_readonly(
          "similarity",
          [](const PyCodec& self) {
            self.fitted();
            return self.similarity == Similarity::Cosine ? "cosine" : "l2";
          },
          "'cosine' or 'l2' (negative squared distance): how rows from encode() are compared (after fit).")
      .def("__repr__", [](const PyCodec& self) {
        return "<arfc.Codec " + self.spec + " at ratio " + std::to_string(self.ratio) +
               (self.codec ? ", fitted" : ", not fitted") + ">";
      });

  m.def(
      "codec",
      [](const std::string& spec, double ratio, uint64_t seed, int64_t epochs) {
        // Validate the spec now (unknown methods fail here, not at fit).
        parse_method_list(spec);
        PyCodec c;
        c.spec = spec;
        c.ratio = ratio;
        c.cache->seed = seed;
        c.cache->epochs = epochs;
        return c;
      },
      py::arg("spec"), py::kw_only(), py::arg("ratio"), py::arg("seed") = 0, py::arg("epochs") = 0,
      "A baseline (or ARFC) codec by its `arfc eval` factory string, e.g. 'pca+i8', 'pq', 'rq',\n"
      "'rabitq', 'ae+i8', 'mrl+i8', 'arfc' (trained in fit) or 'arfc:model.arfc', at a ratio.\n"
      "seed: random projections, training subsamples; epochs: learned methods (0 = their default).\n"
      "arfc.methods() lists them. Unknown specs raise ValueError listing the accepted ones.");

  m.def(
      "methods",
      [] {
        py::dict d;
        for (const CodecEntry& e : codec_registry()) d[py::str(e.prefix)] = e.description;
        return d;
      },
      "The codec factory's methods: {prefix: description}.");
}

}  // namespace arfc::py_api
