#include "arfc/baselines/residual_quant.h"

#include <faiss/impl/ResidualQuantizer.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"

namespace arfc {

namespace {

constexpr int64_t kCentroids = 256;  // 8-bit codebooks

// OpenMP thread count for one scope, restored on exit (FAISS reads the global setting).
struct OmpThreads {
  int before;
  explicit OmpThreads(int n) : before(omp_get_max_threads()) {
    if (n > 0) omp_set_num_threads(n);
  }
  ~OmpThreads() { omp_set_num_threads(before); }
  OmpThreads(const OmpThreads&) = delete;
  OmpThreads& operator=(const OmpThreads&) = delete;
};

}  // namespace

// ---------------------------------------------------------------- ResidualQuantModel

ResidualQuantModel::~ResidualQuantModel() = default;

std::shared_ptr<const ResidualQuantModel> ResidualQuantModel::train(const Matrix& x, int64_t bytes,
                                                                    const ResidualQuantOptions& options) {
  ARFC_CHECK(bytes >= 1, "rq: code size must be >= 1 byte, got ", bytes, ".");
  ARFC_CHECK(options.beam >= 1 && options.train_beam >= 1, "rq: beam sizes must be >= 1, got beam ",
             options.beam, " and train_beam ", options.train_beam, ".");
  ARFC_CHECK(x.d >= 1, "rq: training features have D = ", x.d, ", expected >= 1.");
  ARFC_CHECK(x.n >= kCentroids, "rq: 8-bit codebooks need at least ", kCentroids,
             " training rows (one per centroid), got ", x.n,
             ". Hint: use a larger train split (or a larger --limit).");
  // Like PQ: FAISS's k-means and beam steps are many short OpenMP regions; on a busy
  // machine threads mostly wait at barriers, so train single-threaded by default.
  OmpThreads scope(options.threads);
  std::shared_ptr<ResidualQuantModel> m(new ResidualQuantModel());
  m->options_ = options;
  m->rq_ = std::make_unique<faiss::ResidualQuantizer>(size_t(x.d), size_t(bytes), size_t(8));
  faiss::ResidualQuantizer& rq = *m->rq_;
  ARFC_ASSERT(rq.code_size == size_t(bytes), "rq: FAISS code size ", rq.code_size, " != ", bytes);
  rq.verbose = false;
  rq.max_beam_size = options.train_beam;  // FAISS trains and encodes with max_beam_size
  // The codebook cross-product tables (total_codebook_size^2 floats: 256 MiB at 32 bytes)
  // only serve LUT beam search, which is not used here.
  rq.train_type = faiss::ResidualQuantizer::Train_progressive_dim | faiss::ResidualQuantizer::Skip_codebook_tables;
  rq.cp.verbose = false;
  rq.cp.min_points_per_centroid = 1;  // small training sets are intended (logged below)
  if (x.n < 39 * kCentroids)
    log_debug("rq: " + std::to_string(x.n) + " training rows for " + std::to_string(kCentroids) +
              " centroids per codebook");
  const auto t0 = std::chrono::steady_clock::now();
  rq.train(size_t(x.n), x.data.data());
  m->train_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rq.max_beam_size = options.beam;
  ARFC_ASSERT(rq.codebooks.size() == size_t(bytes * kCentroids * x.d), "rq: codebook table has ",
              rq.codebooks.size(), " floats");
  return m;
}

int64_t ResidualQuantModel::dim() const { return int64_t(rq_->d); }
int64_t ResidualQuantModel::bytes() const { return int64_t(rq_->M); }

std::vector<uint8_t> ResidualQuantModel::encode(const Matrix& x, int threads) const {
  ARFC_CHECK(x.d == dim(), "rq: input has D = ", x.d, ", expected ", dim(), ".");
  OmpThreads scope(threads);
  std::vector<uint8_t> codes(size_t(x.n * bytes()));
  if (x.n > 0) rq_->compute_codes(x.data.data(), codes.data(), size_t(x.n));
  return codes;
}

Matrix ResidualQuantModel::decode(const std::vector<uint8_t>& codes, int64_t stride, int64_t m) const {
  ARFC_CHECK(stride >= 1 && stride <= bytes() && m >= 1 && m <= stride, "rq: decode of ", m,
             "-byte prefixes of ", stride, "-byte codes; expected 1 <= m <= stride <= ", bytes(), ".");
  ARFC_CHECK(codes.size() % size_t(stride) == 0, "rq: ", codes.size(), " code bytes is not a multiple of ",
             stride, " bytes per code.");
  const int64_t n = int64_t(codes.size()) / stride, d = dim();
  Matrix out(n, d);
  const float* cb = rq_->codebooks.data();
  // FAISS's order (copy level 0, then add levels 1..m-1), so m = bytes() is bit-identical.
  // Serial: N * m * D additions are cheap next to the beam search.
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* c = codes.data() + i * stride;
    float* o = out.row(i);
    std::memcpy(o, cb + size_t(c[0]) * size_t(d), sizeof(float) * size_t(d));
    for (int64_t k = 1; k < m; ++k) {
      const float* e = cb + size_t(k * kCentroids + c[k]) * size_t(d);
      for (int64_t j = 0; j < d; ++j) o[j] += e[j];
    }
  }
  return out;
}

Matrix ResidualQuantModel::faiss_decode(const std::vector<uint8_t>& codes) const {
  ARFC_CHECK(codes.size() % size_t(bytes()) == 0, "rq: ", codes.size(), " code bytes is not a multiple of ",
             bytes(), " bytes per code.");
  Matrix out(int64_t(codes.size()) / bytes(), dim());
  if (out.n > 0) rq_->decode(codes.data(), out.data.data(), size_t(out.n));
  return out;
}

const float* ResidualQuantModel::centroid(int64_t k, int64_t j) const {
  ARFC_ASSERT(k >= 0 && k < bytes() && j >= 0 && j < kCentroids, "rq: centroid(", k, ", ", j, ")");
  return rq_->codebooks.data() + size_t(rq_->codebook_offsets[size_t(k)] + size_t(j)) * rq_->d;
}

// ---------------------------------------------------------------- ResidualQuantCodec

namespace {

// Bytes of `ratio` for this method, capped; ratios that are invalid for D count as none.
int64_t capped_budget(double ratio, int64_t d) {
  try {
    return std::min(ResidualQuantCodec::kMaxBytes, byte_budget_for_ratio("rq", ratio, d));
  } catch (const Error&) {
    return 0;  // that ratio's own codec reports it
  }
}

}  // namespace

ResidualQuantCodec::ResidualQuantCodec(double ratio, int64_t input_dim, CodecCache& cache, bool per_size,
                                       int64_t max_train, int beam)
    : d_(input_dim),
      m_(byte_budget_for_ratio("rq", ratio, input_dim)),
      m_train_(0),
      per_size_(per_size),
      cache_(cache),
      max_train_(max_train),
      beam_(beam) {
  ARFC_CHECK(input_dim >= 1, "rq: input dimension must be >= 1, got ", input_dim, ".");
  ARFC_CHECK(m_ <= kMaxBytes, "rq: trains at most ", kMaxBytes, " bytes per vector (ratio >= ",
             4.0 * double(input_dim) / double(kMaxBytes), " for D = ", input_dim, "); asked for ", m_,
             " bytes (ratio ", ratio, "). Hint: training time grows with the code size; use a higher ",
             "ratio for rq, or pq/opq at this one.");
  ARFC_CHECK(max_train >= kCentroids, "rq: max_train must be >= ", kCentroids, " (one row per centroid), got ",
             max_train, ".");
  ARFC_CHECK(beam >= 1, "rq: beam size must be >= 1, got ", beam, ".");
  m_train_ = m_;
  if (!per_size_)
    for (double r : cache_.ratios) m_train_ = std::max(m_train_, capped_budget(r, input_dim));
}

std::string ResidualQuantCodec::variant() const {
  std::string v = std::to_string(m_) + " x 8 bit";
  if (!per_size_) v += " (of " + std::to_string(m_train_) + ")";
  return v;
}

void ResidualQuantCodec::fit(const FeatureSet& fs) {
  const std::string key = per_size_ ? "rq:M" + std::to_string(m_) : "rq";
  auto it = cache_.models.find(key);
  if (it != cache_.models.end()) {
    auto model = std::static_pointer_cast<const ResidualQuantModel>(it->second);
    ARFC_CHECK(model->dim() == d_, "rq: the run's trained model has D = ", model->dim(), ", this codec expects ",
               d_, ". Hint: use one CodecCache per feature set.");
    ARFC_CHECK(model->bytes() >= m_, "rq: the run's shared model was trained at ", model->bytes(),
               " bytes, this codec needs ", m_, ". Hint: list every ratio of the run in CodecCache::ratios.");
    ARFC_CHECK(model->options().beam == beam_, "rq: the run's trained model uses beam ", model->options().beam,
               ", this codec asks for ", beam_, ". Hint: use one beam size per run.");
    model_ = model;
    m_train_ = model->bytes();
    return;
  }
  Matrix x = subsample_rows(shared_space_train(fs, "rq"), max_train_, cache_.seed);
  ARFC_CHECK(x.d == d_, "rq: training features have D = ", x.d, ", expected ", d_,
             ". Hint: build the codec with the feature set's dimension.");
  ARFC_CHECK(x.n >= kCentroids, "rq: 8-bit codebooks need at least ", kCentroids,
             " training rows (one per centroid), got ", x.n,
             ". Hint: use a larger train split (or a larger --limit).");
  check_finite(x, "rq: training features");
  l2_normalize_rows(x);
  ResidualQuantOptions options;
  options.beam = beam_;
  model_ = ResidualQuantModel::train(x, m_train_, options);
  log_debug("rq: trained " + std::to_string(m_train_) + " x 8 bit on " + std::to_string(x.n) + " rows in " +
            format_duration(model_->train_seconds()));
  cache_.models[key] = std::const_pointer_cast<ResidualQuantModel>(model_);
}

const ResidualQuantModel& ResidualQuantCodec::model() const {
  ARFC_ASSERT(model_, name(), ": model() before fit()");
  return *model_;
}

Matrix ResidualQuantCodec::normalized_input(const Matrix& x_in, int64_t modality) const {
  ARFC_ASSERT(model_, name(), ": encode() before fit()");
  ARFC_CHECK(modality == 0 || modality == 1, name(), ": modality must be 0 or 1, got ", modality, ".");
  ARFC_CHECK(x_in.d == d_, name(), ": input (modality ", modality, ") has D = ", x_in.d, ", expected ", d_,
             ". Hint: rq fits one space; both modalities need the training dimension.");
  check_finite(x_in, name() + ": input");
  Matrix x = x_in;
  l2_normalize_rows(x);
  return x;
}

std::vector<uint8_t> ResidualQuantCodec::codes(const Matrix& x_in) const {
  const Matrix x = normalized_input(x_in, 0);
  const std::vector<uint8_t> full = model_->encode(x, int(cache_.threads));
  if (m_train_ == m_) return full;
  std::vector<uint8_t> out(size_t(x.n * m_));
  for (int64_t i = 0; i < x.n; ++i)
    std::copy_n(full.begin() + i * m_train_, m_, out.begin() + i * m_);
  return out;
}

Representation ResidualQuantCodec::encode(const Matrix& x_in, int64_t modality) const {
  const Matrix x = normalized_input(x_in, modality);
  Representation r;
  r.codes = model_->decode(model_->encode(x, int(cache_.threads)), m_train_, m_);  // prefix of each M_train code
  r.sim = Similarity::NegL2;
  return r;
}

Matrix ResidualQuantCodec::decode(const Representation& r, int64_t modality) const {
  ARFC_CHECK(modality == 0 || modality == 1, name(), ": modality must be 0 or 1, got ", modality, ".");
  ARFC_CHECK(r.codes.d == d_, name(), ": decode expects codes of D = ", d_, " (from encode), got ",
             r.codes.shape_str(), ".");
  return r.codes;
}

}  // namespace arfc
