// The extension module behind `import arfc` (python/arfc/__init__.py re-exports it).
#include <pybind11/pybind11.h>

#include "codec.h"
#include "codes.h"
#include "convert.h"
#include "index.h"
#include "io.h"
#include "model.h"

PYBIND11_MODULE(_arfc, m) {
  m.doc() = "arfc: Arbitrary Ratio Feature Compression. One learned model compresses feature vectors "
            "(embeddings) to any compression ratio chosen at inference time.";
  m.attr("__version__") = ARFC_VERSION;
  arfc::py_api::install_runtime(m);
  arfc::py_api::bind_io(m);
  arfc::py_api::bind_codes(m);
  arfc::py_api::bind_model(m);
  arfc::py_api::bind_index(m);
  arfc::py_api::bind_codec(m);
}
