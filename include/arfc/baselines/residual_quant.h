// FAISS residual quantisation (RQ): M codebooks of 256 centroids (8 bits each, M bytes per
// vector). Level k quantises what levels 0..k-1 left over, so a code is a sequence of M
// bytes and its vector is the sum of one centroid per codebook.
//
// Truncation rule. The first m bytes of an M-byte code are a valid m-byte code; its vector
// is the sum of the centroids of the first m codebooks only (decoded here from the
// codebooks, bit-identical to FAISS's decoder at m = M). So one model per run, trained at
// the largest size the run needs (M_train), serves every smaller size m: encode at M_train,
// keep the first m bytes. The achieved size is always exactly the budget of the ratio,
// floor(4 D / ratio) bytes; a budget above kMaxBytes is refused (arfc::Error), never
// rounded down.
//
// Beam search and truncation. Encoding runs a beam search over all M_train levels (width
// ResidualQuantOptions::beam) and keeps the code with the lowest error at M_train; its
// m-byte prefix is whichever level-m beam candidate that code grew from, not necessarily
// the best m-byte candidate. Training is greedy level by level (FAISS fits codebook k on
// the level-k residuals only), so a quantiser trained at exactly m bytes has the same m
// codebooks, bit for bit; encoding at m keeps the best level-m candidate. Per vector, the
// per-size error is therefore <= the truncated error; per_size = true measures the gap.
// Measured (bench/rq_truncation.cpp, D = 256, 20 000 clustered rows, M_train = 32): test
// MSE truncated / per-size 0.1509 / 0.1499 at m = 4, 0.1210 / 0.1205 at 8, 0.0879 / 0.0877
// at 16 (centroid-only: 0.9867), although half of the codes differ in some byte.
//
// Inputs are L2-normalised. Training uses at most `max_train` rows of the shared-space
// training features (seeded subsample, CodecCache::seed). Both query and database are
// encoded alike (symmetric search): the Representation is the decoded vectors, compared
// with Similarity::NegL2 (FAISS's symmetric distance between decoded vectors).
// Results are deterministic for a fixed thread setup (OpenMP and BLAS threads change the
// floating-point order of FAISS's distance computations, hence a few codes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"
#include "arfc/core/matrix.h"

namespace faiss {
struct ResidualQuantizer;
}

namespace arfc {

// Training and encoding settings of one quantiser. Defaults measured on D = 256, 20 000
// clustered rows, one thread (bench/rq_truncation.cpp).
struct ResidualQuantOptions {
  int beam = 5;        // beam width when encoding (FAISS max_beam_size). At 32 bytes: test
                       // MSE 0.0510 vs 0.0555 with beam 1 (8 bytes: 0.1203 vs 0.1249), for
                       // 3.4x the encoding time (8.7 s vs 2.5 s per 5 000 rows at 32 bytes)
  int train_beam = 1;  // beam width while training. At 4 bytes, beam 1 vs 5: 22 s vs 61 s
                       // CPU, MSE 0.1499 vs 0.1499 (prefixes: m = 1 0.202 vs 0.222)
  int threads = 1;     // OpenMP threads while training (<= 0: the current setting); on a
                       // busy 2-core machine 2 threads took 2x longer than 1
};

// One trained residual quantiser: bytes() codebooks of 256 centroids of dim() floats.
// Codes are row-major uint8, `bytes()` per row; byte k of a row is its entry of codebook k.
class ResidualQuantModel {
 public:
  // x: [N, D] float32 training rows, used as given (the codec normalises first); N >= 256.
  // FAISS progressive-dim k-means per level (its default), one level after the other.
  // Deterministic for given (x, bytes, options). Throws arfc::Error for N < 256, bytes < 1.
  static std::shared_ptr<const ResidualQuantModel> train(const Matrix& x, int64_t bytes,
                                                         const ResidualQuantOptions& options = {});
  ~ResidualQuantModel();

  int64_t dim() const;
  int64_t bytes() const;
  const ResidualQuantOptions& options() const { return options_; }
  double train_seconds() const { return train_seconds_; }  // wall time of train()

  // x: [N, dim()] -> N * bytes() codes (beam search of width options().beam over all
  // bytes() levels; the lowest-error full code is kept). threads: OpenMP threads for this
  // call (<= 0: the current setting).
  std::vector<uint8_t> encode(const Matrix& x, int threads = 0) const;
  // codes: N rows of `stride` bytes (bytes() >= stride >= m >= 1) -> [N, dim()]: row i is
  // the sum over k < m of entry codes[i * stride + k] of codebook k. N = codes.size() / stride.
  Matrix decode(const std::vector<uint8_t>& codes, int64_t stride, int64_t m) const;
  // FAISS's own decoder on full codes (stride = m = bytes()); the reference for decode().
  Matrix faiss_decode(const std::vector<uint8_t>& codes) const;
  // Entry j (0..255) of codebook k (0..bytes()-1): dim() floats.
  const float* centroid(int64_t k, int64_t j) const;

 private:
  ResidualQuantModel() = default;
  std::unique_ptr<faiss::ResidualQuantizer> rq_;
  ResidualQuantOptions options_;
  double train_seconds_ = 0;
};

class ResidualQuantCodec : public Codec {
 public:
  // Training cost grows linearly with M (one progressive-dim k-means per level): for D = 256
  // and 20 000 rows, one thread, 43 / 69 / 173 / 310 CPU seconds at 8 / 16 / 32 / 64 bytes
  // (32: about 4 min wall on a busy 2-core machine). The cap keeps training near 3 minutes.
  static constexpr int64_t kMaxBytes = 32;
  static constexpr int kDefaultBeam = 5;
  static constexpr int64_t kDefaultMaxTrain = 20000;

  // m = byte_budget_for_ratio("rq", ratio, input_dim); throws arfc::Error when m > kMaxBytes.
  // Shared model (per_size = false): cache key "rq", trained at M_train = the largest
  // min(kMaxBytes, budget) over cache.ratios and this ratio. per_size = true: a dedicated
  // quantiser at exactly m bytes, cache key "rq:M<m>".
  ResidualQuantCodec(double ratio, int64_t input_dim, CodecCache& cache, bool per_size = false,
                     int64_t max_train = kDefaultMaxTrain, int beam = kDefaultBeam);

  std::string name() const override { return per_size_ ? "rq/per-size" : "rq"; }
  std::string distance() const override { return "L2 (decoded)"; }
  // "8 x 8 bit (of 32)": m codebooks used of the M_train trained.
  std::string variant() const override;
  void fit(const FeatureSet& fs) override;
  // x: [N, D] (either modality: one shared space) -> {decoded m-byte codes [N, D], NegL2}.
  // Encodes with cache.threads OpenMP threads (<= 0: the current setting).
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override { return m_; }
  bool can_decode() const override { return true; }
  // r.codes is already in the input space: returned as is.
  Matrix decode(const Representation& r, int64_t modality) const override;

  // The stored codes: x [N, D] -> N * m bytes, the first m bytes of each M_train code.
  std::vector<uint8_t> codes(const Matrix& x) const;
  int64_t train_bytes() const { return m_train_; }  // M_train (the fitted model's size after fit)
  const ResidualQuantModel& model() const;          // after fit()
  std::shared_ptr<const ResidualQuantModel> shared_model() const { return model_; }

 private:
  int64_t d_, m_, m_train_;
  bool per_size_;
  CodecCache& cache_;
  int64_t max_train_;
  int beam_;
  std::shared_ptr<const ResidualQuantModel> model_;
  Matrix normalized_input(const Matrix& x, int64_t modality) const;
};

}  // namespace arfc
