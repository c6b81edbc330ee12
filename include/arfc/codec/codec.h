// The one interface every compressor under evaluation implements (ARFC and every
// baseline), so that the harness, the metrics and the report treat them alike. It sits
// below baselines/ and eval/ (both depend on it; it depends on io/ and core/ only).
//
// A codec is built for one target size (bytes per vector), fitted on the training split
// only, then encodes features into a Representation: for each row, the vector that its
// stored bytes stand for (dequantised values, decoded PQ/RQ vectors, +-1 bits), in the
// space where the codec's own similarity applies.
//
// Search protocol (eval/harness.h):
//   symmetric   both sides compressed: encode(query) vs encode(database), with `sim`.
//               The main table, and the only form the linear probe and kNN use.
//   asymmetric  raw query vs compressed database: cosine(query, decode(encode(database)))
//               in the input space, for codecs whose can_decode() is true.
#pragma once

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/core/matrix.h"
#include "arfc/io/feature_set.h"

namespace arfc {

enum class Similarity { Cosine, NegL2 };

struct Representation {
  Matrix codes;  // [N, q] what the stored code of each row stands for (q: codec-specific)
  Similarity sim = Similarity::Cosine;
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual std::string name() const = 0;          // e.g. "pca+i8", "pq", "arfc"
  virtual std::string distance() const = 0;      // "cosine", "L2 (decoded)", ... (for the report)
  // Train on fs.train_x (and fs.train_b / fs.train_y where the codec uses them) only.
  virtual void fit(const FeatureSet& fs) = 0;
  // x: [N, D] (modality 0) or [N, D_b] (modality 1) -> what the stored codes stand for.
  virtual Representation encode(const Matrix& x, int64_t modality) const = 0;
  virtual int64_t bytes_per_vector() const = 0;  // stored bytes of one code, everything counted
  // What the code is made of at this size, for the report: "i8 x 64", "M=8 x 8 bit", "".
  virtual std::string variant() const { return ""; }

  // True when decode() maps codes back to the input space (asymmetric search).
  virtual bool can_decode() const { return false; }
  // r: from encode(x, modality) -> [N, D] in the input space of that modality.
  virtual Matrix decode(const Representation& /*r*/, int64_t /*modality*/) const {
    ARFC_THROW(name(), ": this codec does not decode to the input space (no asymmetric search).");
  }
};

// Shared state across the codecs of one run: one-model methods (PCA, ARFC, Matryoshka, RQ)
// fit once and serve every size; keyed by method name.
struct CodecCache {
  std::map<std::string, std::shared_ptr<void>> models;
  // Entries under keys starting with kEncodingPrefix are encoded rows (ArfcCodec encodes a
  // matrix once per run and serves every ratio from it), not models.
  static constexpr const char* kEncodingPrefix = "codes:";
  // Drops the encoded rows (models stay): the next encode of the same rows computes them
  // again, e.g. for a throughput measurement.
  void forget_encodings() {
    for (auto it = models.begin(); it != models.end();)
      it = it->first.rfind(kEncodingPrefix, 0) == 0 ? models.erase(it) : std::next(it);
  }
  // Run-wide settings every codec of the run sees alike (set by the harness).
  uint64_t seed = 0;             // random projections, PQ training subsamples, learned methods
  int64_t epochs = 0;            // learned methods: training epochs (0 = the method's default)
  int64_t threads = 0;           // <= 0: all cores
  std::string device = "cpu";    // learned methods: "cpu", "cuda", "auto"
  // Learned methods: config overrides as a JSON object text (ablation variants of ARFC set
  // e.g. {"model": {"solutions": 4}}, merged into default_arfc_config); "{}" = defaults.
  std::string overrides_json = "{}";
  // The run's requested ratios. One-model methods that train at fixed sizes (mrl, rq)
  // train for these; empty = their default list.
  std::vector<double> ratios;
};

}  // namespace arfc
