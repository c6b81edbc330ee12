#include "arfc/baselines/rabitq.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"
#include "arfc/io/half.h"

namespace arfc {

namespace {

float round_f16(float v) { return half_to_float(float_to_half(v)); }

// Haar-random orthogonal [d, d]: Gram-Schmidt on the columns of a Gaussian matrix (the QR
// factor with a positive diagonal of R, which is what makes it uniform). Modified
// Gram-Schmidt run twice ("twice is enough") in double keeps it orthogonal to ~1e-15.
Matrix random_rotation(int64_t d, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x7ab17c0deULL);
  // Box-Muller by hand: std::normal_distribution differs between standard libraries.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> q(size_t(d * d));  // column j at q[j * d]
  for (size_t i = 0; i < q.size(); i += 2) {
    double u1 = std::max(u(rng), 1e-300), u2 = u(rng);
    double r = std::sqrt(-2.0 * std::log(u1));
    q[i] = r * std::cos(2 * M_PI * u2);
    if (i + 1 < q.size()) q[i + 1] = r * std::sin(2 * M_PI * u2);
  }
  for (int64_t j = 0; j < d; ++j) {
    double* cj = q.data() + j * d;
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t k = 0; k < j; ++k) {
        const double* ck = q.data() + k * d;
        double dot = 0;
        for (int64_t i = 0; i < d; ++i) dot += ck[i] * cj[i];
        for (int64_t i = 0; i < d; ++i) cj[i] -= dot * ck[i];
      }
    }
    double s = 0;
    for (int64_t i = 0; i < d; ++i) s += cj[i] * cj[i];
    // A Gaussian matrix is singular with probability 0.
    ARFC_ASSERT(s > 1e-20, "rabitq: degenerate Gaussian column ", j, " for the rotation");
    const double inv = 1.0 / std::sqrt(s);
    for (int64_t i = 0; i < d; ++i) cj[i] *= inv;
  }
  Matrix p(d, d);
  for (int64_t i = 0; i < d; ++i)
    for (int64_t j = 0; j < d; ++j) p.at(i, j) = float(q[size_t(j * d + i)]);
  return p;
}

// Rows of a product at a time: P streams once per block instead of once per row.
constexpr int64_t kBlock = 32;

// out[r, :] = sum_k a[r, k] m[k, :] for r < rows; a, out: [rows, d] row-major, m: [d, d].
// Each output row is summed in the same order whatever the block, so a vector's code does
// not depend on the rows encoded with it.
void times(const float* a, int64_t rows, const Matrix& m, float* out) {
  const int64_t d = m.d;
  std::fill(out, out + rows * d, 0.0f);
  for (int64_t k = 0; k < d; ++k) {
    const float* mk = m.row(k);
    for (int64_t r = 0; r < rows; ++r) {
      const float ark = a[r * d + k];
      float* outr = out + r * d;
      for (int64_t j = 0; j < d; ++j) outr[j] += ark * mk[j];
    }
  }
}

}  // namespace

struct RabitqCodec::State {
  Matrix centroid;    // [1, D]
  Matrix rotation;    // [D, D] P
  Matrix rotation_t;  // [D, D] P^T
};

RabitqCodec::RabitqCodec(int64_t input_dim, CodecCache& cache) : d_(input_dim), cache_(cache) {
  ARFC_CHECK(input_dim >= 1, "rabitq: input dimension must be >= 1, got ", input_dim,
             ". Hint: check the feature set's train_x.");
}

double RabitqCodec::native_ratio(int64_t input_dim) {
  return 4.0 * double(input_dim) / double(bits_bytes(input_dim) + 4);
}

std::string RabitqCodec::variant() const {
  return "1 bit x " + std::to_string(d_) + " + 2 x f16";
}

void RabitqCodec::fit(const FeatureSet& fs) {
  auto it = cache_.models.find("rabitq");
  if (it != cache_.models.end()) {
    st_ = std::static_pointer_cast<const State>(it->second);
    ARFC_CHECK(st_->rotation.d == d_, "rabitq: the run's fitted model has D = ", st_->rotation.d,
               ", expected ", d_, ". Hint: use one CodecCache per feature set.");
    return;
  }
  Matrix x = shared_space_train(fs, "rabitq");
  ARFC_CHECK(x.n >= 1, "rabitq: the training split is empty (train_x has ", x.shape_str(),
             "). Hint: the centroid is fitted on train_x; check the feature set.");
  ARFC_CHECK(x.d == d_, "rabitq: training features have D = ", x.d, ", expected ", d_,
             ". Hint: build the codec with the feature set's dimension.");
  check_finite(x, "rabitq: training features");
  l2_normalize_rows(x);
  auto st = std::make_shared<State>();
  st->centroid = Matrix(1, d_);
  std::vector<double> sum(static_cast<size_t>(d_), 0.0);
  for (int64_t i = 0; i < x.n; ++i)
    for (int64_t j = 0; j < d_; ++j) sum[size_t(j)] += x.at(i, j);
  for (int64_t j = 0; j < d_; ++j) st->centroid.data[size_t(j)] = float(sum[size_t(j)] / double(x.n));
  st->rotation = random_rotation(d_, cache_.seed);
  st->rotation_t = Matrix(d_, d_);
  for (int64_t i = 0; i < d_; ++i)
    for (int64_t j = 0; j < d_; ++j) st->rotation_t.at(j, i) = st->rotation.at(i, j);
  cache_.models["rabitq"] = st;
  st_ = st;
}

const Matrix& RabitqCodec::centroid() const {
  ARFC_ASSERT(st_, "rabitq: centroid() before fit()");
  return st_->centroid;
}

const Matrix& RabitqCodec::rotation() const {
  ARFC_ASSERT(st_, "rabitq: rotation() before fit()");
  return st_->rotation;
}

RabitqCodes RabitqCodec::quantize(const Matrix& x_in) const {
  ARFC_ASSERT(st_, "rabitq: encode() before fit()");
  ARFC_CHECK(x_in.d == d_, "rabitq: input has D = ", x_in.d, ", expected ", d_,
             ". Hint: encode features of the dimension the codec was fitted on.");
  check_finite(x_in, "rabitq: input");
  Matrix o = x_in;
  l2_normalize_rows(o);
  const float* c = st_->centroid.data.data();
  const int64_t nb = bits_bytes(d_);
  RabitqCodes out;
  out.n = o.n;
  out.bits.assign(size_t(o.n * nb), 0);
  out.norm.resize(size_t(o.n));
  out.ip.resize(size_t(o.n));
  for (int64_t i = 0; i < o.n; ++i) {  // o = (x - c) / r in place
    float* oi = o.row(i);
    double r2 = 0;
    for (int64_t j = 0; j < d_; ++j) {
      oi[j] -= c[j];
      r2 += double(oi[j]) * oi[j];
    }
    const double r = std::sqrt(r2);
    if (r > 0) {
      for (int64_t j = 0; j < d_; ++j) oi[j] = float(double(oi[j]) / r);
    } else {
      std::fill(oi, oi + d_, 0.0f);
      oi[0] = 1.0f;
    }
    out.norm[size_t(i)] = round_f16(float(r));
  }
  std::vector<float> y(size_t(kBlock * d_));
  for (int64_t i0 = 0; i0 < o.n; i0 += kBlock) {
    const int64_t rows = std::min(kBlock, o.n - i0);
    times(o.row(i0), rows, st_->rotation, y.data());  // y = o P = (P^T o^T)^T
    for (int64_t i = 0; i < rows; ++i) {
      const float* yi = y.data() + i * d_;
      uint8_t* bi = out.bits.data() + (i0 + i) * nb;
      double l1 = 0;
      for (int64_t j = 0; j < d_; ++j) {
        if (yi[j] >= 0) bi[j / 8] |= uint8_t(1u << (j % 8));
        l1 += std::abs(double(yi[j]));
      }
      // <o_bar, o> = <P s / sqrt(D), o> = <s, P^T o> / sqrt(D) = sum_j |y_j| / sqrt(D).
      out.ip[size_t(i0 + i)] = round_f16(std::max(float(l1 / std::sqrt(double(d_))), kMinIp));
    }
  }
  return out;
}

Matrix RabitqCodec::reconstruct(const RabitqCodes& codes) const {
  ARFC_ASSERT(st_, "rabitq: reconstruct() before fit()");
  const int64_t nb = bits_bytes(d_);
  ARFC_CHECK(codes.n >= 0 && codes.bits.size() == size_t(codes.n * nb) &&
                 codes.norm.size() == size_t(codes.n) && codes.ip.size() == size_t(codes.n),
             "rabitq: code of ", codes.n, " vectors needs ", codes.n * nb, " bit bytes and ", codes.n,
             " norms and ips, got ", codes.bits.size(), ", ", codes.norm.size(), " and ",
             codes.ip.size(), ". Hint: pass a RabitqCodes from quantize() of this codec.");
  const float* c = st_->centroid.data.data();
  Matrix s(codes.n, d_), out(codes.n, d_);
  for (int64_t i = 0; i < codes.n; ++i) {
    const uint8_t* bi = codes.bits.data() + i * nb;
    for (int64_t j = 0; j < d_; ++j) s.at(i, j) = (bi[j / 8] >> (j % 8)) & 1u ? 1.0f : -1.0f;
  }
  for (int64_t i0 = 0; i0 < codes.n; i0 += kBlock)  // P s^T, as rows: s P^T
    times(s.row(i0), std::min(kBlock, codes.n - i0), st_->rotation_t, out.row(i0));
  for (int64_t i = 0; i < codes.n; ++i) {
    // x_hat = c + r / (ip sqrt(D)) * P s; ip clamped again for codes that did not come from
    // quantize() (kMinIp: see the header).
    const double ip = std::max(codes.ip[size_t(i)], kMinIp);
    const float scale = float(double(codes.norm[size_t(i)]) / (ip * std::sqrt(double(d_))));
    float* xi = out.row(i);
    for (int64_t j = 0; j < d_; ++j) xi[j] = c[j] + scale * xi[j];
  }
  return out;
}

Representation RabitqCodec::encode(const Matrix& x, int64_t modality) const {
  ARFC_CHECK(modality == 0 || modality == 1, "rabitq: modality must be 0 or 1, got ", modality, ".");
  Representation r;
  r.codes = reconstruct(quantize(x));
  r.sim = Similarity::Cosine;
  return r;
}

Matrix RabitqCodec::decode(const Representation& r, int64_t modality) const {
  ARFC_CHECK(modality == 0 || modality == 1, "rabitq: modality must be 0 or 1, got ", modality, ".");
  ARFC_CHECK(r.codes.d == d_, "rabitq: representation has D = ", r.codes.d, ", expected ", d_,
             ". Hint: decode the output of this codec's encode().");
  return r.codes;
}

}  // namespace arfc
