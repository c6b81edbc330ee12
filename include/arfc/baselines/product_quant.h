// FAISS product quantisation (PQ) and optimised PQ (OPQ: a learned rotation, then PQ) at
// matched bytes: M sub-quantisers x 8 bits = M bytes per vector, with M the largest divisor
// of D within the ratio's byte budget (the achieved ratio is reported).
// Inputs are L2-normalised. Training uses at most `max_train` rows of the shared-space
// training features (seeded subsample) to bound the time. The representation is the
// decoded vector with L2 (Similarity::NegL2), so symmetric search equals FAISS's symmetric
// distance tables; the asymmetric variant (raw query vs decoded database) is the harness's.
#pragma once

#include <cstdint>
#include <memory>

#include "arfc/codec/codec.h"

namespace arfc {

// Largest divisor of d that is <= budget_bytes (>= 1).
int64_t pq_subquantizers(int64_t d, int64_t budget_bytes);

class ProductQuantCodec : public Codec {
 public:
  static constexpr int64_t kDefaultMaxTrain = 20000;
  ProductQuantCodec(double ratio, int64_t input_dim, bool opq, CodecCache& cache,
                    int64_t max_train = kDefaultMaxTrain);
  ~ProductQuantCodec() override;
  std::string name() const override { return opq_ ? "opq" : "pq"; }
  std::string distance() const override { return "L2 (decoded)"; }
  void fit(const FeatureSet& fs) override;
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override { return m_; }
  std::string variant() const override { return "M=" + std::to_string(m_) + " x 8 bit"; }
  bool can_decode() const override { return true; }
  Matrix decode(const Representation& r, int64_t) const override { return r.codes; }
  int64_t subquantizers() const { return m_; }
  // x: [N, D] -> [N, D] L2-normalised then encoded and decoded.
  Matrix reconstruct(const Matrix& x) const;

 private:
  struct State;
  int64_t d_, m_;
  bool opq_;
  CodecCache& cache_;
  int64_t max_train_;
  std::unique_ptr<State> st_;
};

}  // namespace arfc
