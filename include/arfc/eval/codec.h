// The one interface every compressor under evaluation implements (ARFC and every
// baseline), so that the harness, the metrics and the report treat them alike.
//
// A codec is built for one target size (bytes per vector) by make_codec(), fitted on the
// training split only, then encodes evaluation features into a Representation: float
// vectors in the space where the codec's own similarity applies. That keeps binary codes
// (±1 vectors: dot product == D - 2 * Hamming) and PQ (asymmetric distance: raw query vs
// decoded database vector) inside one evaluation path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "arfc/core/matrix.h"
#include "arfc/io/feature_set.h"

namespace arfc {

enum class Similarity { Cosine, NegL2 };

struct Representation {
  Matrix query;     // [N, q] what a query contributes (== database for symmetric codecs)
  Matrix database;  // [N, q] what is stored and searched / fed to the linear probe
  Similarity sim = Similarity::Cosine;
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual std::string name() const = 0;          // e.g. "pca", "pq", "arfc"
  virtual std::string distance() const = 0;      // "cosine", "hamming", "adc" (for the report)
  // Train on fs.train_x (and fs.train_b / fs.train_y where the codec uses them) only.
  virtual void fit(const FeatureSet& fs) = 0;
  // x: [N, D] (modality 0) or [N, D_b] (modality 1) -> representation of the stored codes.
  virtual Representation encode(const Matrix& x, int64_t modality) const = 0;
  virtual int64_t bytes_per_vector() const = 0;  // stored bytes of one code (achieved size)
};

// Shared state across the codecs of one run: one-model methods (PCA, ARFC, Matryoshka)
// fit once and serve every ratio; keyed by method name.
struct CodecCache {
  std::map<std::string, std::shared_ptr<void>> models;
  // Run-wide settings every codec of the run sees alike (set by the harness).
  uint64_t seed = 0;             // random projections, PQ training subsamples, learned methods
  int64_t epochs = 0;            // learned methods: training epochs (0 = the method's default)
  int64_t threads = 0;           // <= 0: all cores
  std::string device = "cpu";    // learned methods: "cpu", "cuda", "auto"
  // Learned methods: config overrides as a JSON object text (ablation variants of ARFC set
  // e.g. {"model": {"solutions": 4}}, merged into default_arfc_config); "{}" = defaults.
  std::string overrides_json = "{}";
  // The run's requested ratios. One-model learned methods that train at fixed prefix sizes
  // (mrl) train at these; empty = their default list.
  std::vector<double> ratios;
};

// spec: a method string ("pca", "rp", "trunc", "f16", "i8", "i4", "bin", "pq", "opq",
// "ae", "qformer", "mrl", "arfc", "arfc:PATH"); ratio: the requested ratio; input_dim: D.
// Unknown spec -> arfc::Error listing the accepted ones. The table of accepted specs is
// eval/codec_factory.h (one line per method in src/eval/codec_factory.cpp).
std::unique_ptr<Codec> make_codec(const std::string& spec, double ratio, int64_t input_dim,
                                  CodecCache& cache);

}  // namespace arfc
