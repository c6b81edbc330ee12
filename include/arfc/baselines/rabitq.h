// RaBitQ (Gao & Long, SIGMOD 2024): 1 bit per dimension after a random rotation, plus two
// per-vector correction factors, at its native ratio 4 D / (ceil(D/8) + 4).
//
// Fit (shared-space training features, both modalities for crossmodal; L2-normalised):
//   c  [D]     mean of the normalised training rows
//   P  [D, D]  random orthogonal rotation (Gram-Schmidt QR of a Gaussian matrix drawn from
//              cache.seed with std::mt19937_64 and a hand-written Box-Muller, so identical
//              on every platform)
// Both are fitted once per run and shared through cache.models["rabitq"].
//
// Encode, per row x (L2-normalised first):
//   r = ||x - c||,  o = (x - c) / r                (r = 0: o = e_0, any unit vector)
//   b = [P^T o >= 0]                               D bits
//   o_bar = P (2b - 1) / sqrt(D)                   unit vector
//   ip = <o_bar, o>                                in [1/sqrt(D), 1]
// Stored per vector (everything counted in bytes_per_vector()): the D bits, packed LSB
// first in ceil(D/8) bytes, and r and ip as float16 (2 + 2 bytes). All estimates use the
// float16-rounded factors.
//
// Estimator: the representation row is x_hat = c + r * o_bar / ip, so that for any q,
// <x_hat - c, q - c> = r ||q - c|| <o_bar, q'> / <o_bar, o> (q' = (q - c) / ||q - c||), which
// is RaBitQ's unbiased estimate of <x - c, q - c> (error O(r ||q - c|| / sqrt(D))).
// Similarity: cosine on x_hat (measured 1-4 points of recall@10 above L2 on x_hat, whose
// ||x_hat|| varies with 1/ip; the baseline gets the better of the two). Symmetric search
// (the main table) encodes both sides this way;
// asymmetric search compares the raw normalised query with decode() = x_hat, which is the
// paper's setting (RaBitQ's estimator with an exact query).
//
// Shapes: x [N, D] float32 for either modality (one shared space); codes [N, D].
// Errors: arfc::Error for a wrong D or modality, an empty training split, non-finite values
// or a malformed RabitqCodes; encode() before fit() is an internal error (ARFC_ASSERT).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "arfc/codec/codec.h"

namespace arfc {

// The stored code of N vectors: bits [N * ceil(D/8)] (row i at i * ceil(D/8), bit j of the
// row in byte j / 8 at position j % 8), norm = r and ip = <o_bar, o> [N] each, already
// rounded to float16 precision.
struct RabitqCodes {
  int64_t n = 0;
  std::vector<uint8_t> bits;
  std::vector<float> norm, ip;
};

class RabitqCodec : public Codec {
 public:
  // ip is clamped to >= kMinIp before dividing. ip >= 1/sqrt(D) holds exactly, so the clamp
  // only guards D > 1e6 and corrupted codes.
  static constexpr float kMinIp = 1e-3f;

  RabitqCodec(int64_t input_dim, CodecCache& cache);
  std::string name() const override { return "rabitq"; }
  std::string distance() const override { return "cosine (decoded, RaBitQ estimator)"; }
  void fit(const FeatureSet& fs) override;
  // x [N, D] -> codes [N, D] = x_hat, Similarity::Cosine. modality 0 or 1 (shared space).
  Representation encode(const Matrix& x, int64_t modality) const override;
  int64_t bytes_per_vector() const override { return bits_bytes(d_) + 4; }
  std::string variant() const override;  // "1 bit x D + 2 x f16"
  bool can_decode() const override { return true; }
  // r.codes is already x_hat in the (normalised) input space.
  Matrix decode(const Representation& r, int64_t modality) const override;

  static int64_t bits_bytes(int64_t d) { return (d + 7) / 8; }
  // 4 D / (ceil(D/8) + 4).
  static double native_ratio(int64_t input_dim);

  // The stored code of x [N, D], and x_hat [N, D] from a code. Exposed for tests.
  RabitqCodes quantize(const Matrix& x) const;
  Matrix reconstruct(const RabitqCodes& codes) const;
  // Fitted state (after fit()): c [1, D] and P [D, D], row-major.
  const Matrix& centroid() const;
  const Matrix& rotation() const;

 private:
  struct State;
  int64_t d_;
  CodecCache& cache_;
  std::shared_ptr<const State> st_;
};

}  // namespace arfc
