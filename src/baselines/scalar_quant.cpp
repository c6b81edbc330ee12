#include "arfc/baselines/scalar_quant.h"

#include <algorithm>
#include <cmath>

#include "arfc/core/error.h"
#include "arfc/io/half.h"

namespace arfc {
namespace {

int64_t levels(ScalarQuant q) { return q == ScalarQuant::I8 ? 256 : q == ScalarQuant::I4 ? 16 : 2; }

}  // namespace

ScalarQuant parse_scalar_quant(const std::string& name) {
  if (name == "f16") return ScalarQuant::F16;
  if (name == "i8") return ScalarQuant::I8;
  if (name == "i4") return ScalarQuant::I4;
  if (name == "bin") return ScalarQuant::Bin;
  ARFC_THROW("unknown scalar quantiser '", name, "'; expected f16, i8, i4 or bin");
}

std::string scalar_quant_name(ScalarQuant q) {
  switch (q) {
    case ScalarQuant::F16: return "f16";
    case ScalarQuant::I8: return "i8";
    case ScalarQuant::I4: return "i4";
    case ScalarQuant::Bin: return "bin";
  }
  return "?";
}

ScalarQuantCodec::ScalarQuantCodec(ScalarQuant kind, int64_t input_dim) : kind_(kind), d_(input_dim) {
  ARFC_CHECK(input_dim >= 1, scalar_quant_name(kind), ": input dimension must be >= 1, got ", input_dim, ".");
}

int64_t ScalarQuantCodec::bytes_per_vector() const {
  switch (kind_) {
    case ScalarQuant::F16: return 2 * d_;
    case ScalarQuant::I8: return d_;
    case ScalarQuant::I4: return (d_ + 1) / 2;
    case ScalarQuant::Bin: return (d_ + 7) / 8;
  }
  return 0;
}

double ScalarQuantCodec::native_ratio(ScalarQuant kind, int64_t input_dim) {
  return 4.0 * double(input_dim) / double(ScalarQuantCodec(kind, input_dim).bytes_per_vector());
}

void ScalarQuantCodec::fit(const FeatureSet& fs) {
  ranges_.clear();
  std::vector<const Matrix*> mods{&fs.train_x};
  if (fs.task == Task::Crossmodal && !fs.train_b.empty()) mods.push_back(&fs.train_b);
  const auto L = double(levels(kind_) - 1);
  for (const Matrix* m : mods) {
    ARFC_CHECK(m->n >= 1, name(), ": the training split is empty. Hint: check the feature set.");
    Range r;
    r.lo.assign(size_t(m->d), INFINITY);
    std::vector<float> hi(size_t(m->d), -INFINITY);
    std::vector<double> sum(size_t(m->d), 0.0);
    for (int64_t i = 0; i < m->n; ++i) {
      const float* row = m->row(i);
      for (int64_t j = 0; j < m->d; ++j) {
        r.lo[size_t(j)] = std::min(r.lo[size_t(j)], row[j]);
        hi[size_t(j)] = std::max(hi[size_t(j)], row[j]);
        sum[size_t(j)] += row[j];
      }
    }
    r.step.resize(size_t(m->d));
    r.mean.resize(size_t(m->d));
    for (int64_t j = 0; j < m->d; ++j) {
      double span = double(hi[size_t(j)]) - r.lo[size_t(j)];
      r.step[size_t(j)] = span > 0 ? float(span / L) : 1.0f;
      r.mean[size_t(j)] = float(sum[size_t(j)] / double(m->n));
    }
    ranges_.push_back(std::move(r));
  }
}

std::vector<uint8_t> ScalarQuantCodec::quantize(const Matrix& x, int64_t modality) const {
  ARFC_ASSERT(kind_ != ScalarQuant::F16, "f16 has no integer codes");
  ARFC_CHECK(modality >= 0 && modality < int64_t(ranges_.size()), name(), ": modality ", modality,
             " was not seen in fit() (", ranges_.size(), " modalities).");
  const Range& r = ranges_[size_t(modality)];
  ARFC_CHECK(x.d == int64_t(r.lo.size()), name(), ": input has D = ", x.d, ", fitted on D = ", r.lo.size(), ".");
  std::vector<uint8_t> q(x.data.size());
  const float top = float(levels(kind_) - 1);
  for (int64_t i = 0; i < x.n; ++i) {
    const float* row = x.row(i);
    uint8_t* out = q.data() + i * x.d;
    for (int64_t j = 0; j < x.d; ++j) {
      if (kind_ == ScalarQuant::Bin) {
        out[j] = row[j] > r.mean[size_t(j)] ? 1 : 0;
      } else {
        float v = std::round((row[j] - r.lo[size_t(j)]) / r.step[size_t(j)]);
        out[j] = uint8_t(std::clamp(v, 0.0f, top));
      }
    }
  }
  return q;
}

Matrix ScalarQuantCodec::dequantize(const std::vector<uint8_t>& q, int64_t n, int64_t modality) const {
  const Range& r = ranges_.at(size_t(modality));
  const auto d = int64_t(r.lo.size());
  ARFC_ASSERT(int64_t(q.size()) == n * d);
  Matrix out(n, d);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) {
      uint8_t v = q[size_t(i * d + j)];
      out.at(i, j) = kind_ == ScalarQuant::Bin ? (v ? 1.0f : -1.0f) : r.lo[size_t(j)] + float(v) * r.step[size_t(j)];
    }
  return out;
}

Representation ScalarQuantCodec::encode(const Matrix& x, int64_t modality) const {
  Representation rep;
  rep.sim = Similarity::Cosine;  // bin: +-1 vectors, cosine ordering == Hamming ordering
  if (kind_ == ScalarQuant::F16) {
    rep.codes = x;
    for (float& v : rep.codes.data) v = half_to_float(float_to_half(v));
  } else {
    rep.codes = dequantize(quantize(x, modality), x.n, modality);
  }
  return rep;
}

}  // namespace arfc
