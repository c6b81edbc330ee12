#include "arfc/baselines/product_quant.h"

#include <faiss/VectorTransform.h>
#include <faiss/impl/ProductQuantizer.h>

#include <omp.h>

#include <algorithm>

#include "arfc/baselines/budget.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"

namespace arfc {

int64_t pq_subquantizers(int64_t d, int64_t budget_bytes) {
  for (int64_t m = std::min(d, budget_bytes); m >= 1; --m)
    if (d % m == 0) return m;
  return 1;
}

struct ProductQuantCodec::State {
  std::shared_ptr<faiss::ProductQuantizer> pq;
  std::shared_ptr<faiss::OPQMatrix> rot;  // OPQ only
};

ProductQuantCodec::ProductQuantCodec(double ratio, int64_t input_dim, bool opq, CodecCache& cache,
                                     int64_t max_train)
    : d_(input_dim),
      m_(pq_subquantizers(input_dim, byte_budget_for_ratio(opq ? "opq" : "pq", ratio, input_dim))),
      opq_(opq),
      cache_(cache),
      max_train_(max_train),
      st_(std::make_unique<State>()) {}

ProductQuantCodec::~ProductQuantCodec() = default;

void ProductQuantCodec::fit(const FeatureSet& fs) {
  // One trained quantiser per (method, M): ratios that land on the same M share it.
  const std::string key = name() + ":M" + std::to_string(m_);
  auto it = cache_.models.find(key);
  if (it != cache_.models.end()) {
    st_ = std::make_unique<State>(*std::static_pointer_cast<State>(it->second));
    return;
  }
  // FAISS k-means on short sub-vectors does little work per OpenMP region, so barriers
  // dominate (minutes instead of seconds on a busy machine): train single-threaded.
  const int omp_before = omp_get_max_threads();
  omp_set_num_threads(1);
  struct Restore {
    int n;
    ~Restore() { omp_set_num_threads(n); }
  } restore{cache_.threads > 0 ? int(cache_.threads) : omp_before};
  Matrix x = subsample_rows(shared_space_train(fs, name()), max_train_, cache_.seed);
  ARFC_CHECK(x.d == d_, name(), ": training features have D = ", x.d, ", expected ", d_, ".");
  ARFC_CHECK(x.n >= 256, name(), ": 8-bit sub-quantisers need at least 256 training rows, got ", x.n,
             ". Hint: use a larger train split (or a larger --limit).");
  l2_normalize_rows(x);
  auto st = std::make_shared<State>();
  if (opq_) {
    st->rot = std::make_shared<faiss::OPQMatrix>(int(d_), int(m_));
    st->rot->niter = 20;
    st->rot->max_train_points = size_t(max_train_);
    st->rot->verbose = false;
    faiss::ProductQuantizer rot_pq(size_t(d_), size_t(m_), size_t(8));  // OPQ's inner PQ
    rot_pq.cp.min_points_per_centroid = 1;
    st->rot->pq = &rot_pq;
    st->rot->train(x.n, x.data.data());
    st->rot->pq = nullptr;
    std::vector<float> xr(x.data.size());
    st->rot->apply_noalloc(x.n, x.data.data(), xr.data());
    x.data.swap(xr);
  }
  st->pq = std::make_shared<faiss::ProductQuantizer>(size_t(d_), size_t(m_), size_t(8));
  st->pq->verbose = false;
  st->pq->cp.min_points_per_centroid = 1;  // small training sets are intended (and logged once)
  if (x.n < 39 * 256) log_debug(name() + ": " + std::to_string(x.n) + " training rows for 256 centroids per sub-quantiser");
  st->pq->train(size_t(x.n), x.data.data());
  cache_.models[key] = st;
  st_ = std::make_unique<State>(*st);
}

Matrix ProductQuantCodec::reconstruct(const Matrix& x_in) const {
  ARFC_ASSERT(st_ && st_->pq, name(), ": encode() before fit()");
  ARFC_CHECK(x_in.d == d_, name(), ": input has D = ", x_in.d, ", expected ", d_, ".");
  Matrix x = x_in;
  l2_normalize_rows(x);
  if (opq_) {
    std::vector<float> xr(x.data.size());
    st_->rot->apply_noalloc(x.n, x.data.data(), xr.data());
    x.data.swap(xr);
  }
  std::vector<uint8_t> codes(size_t(x.n * m_));
  st_->pq->compute_codes(x.data.data(), codes.data(), size_t(x.n));
  Matrix out(x.n, d_);
  st_->pq->decode(codes.data(), out.data.data(), size_t(x.n));
  if (opq_) {
    Matrix back(x.n, d_);
    st_->rot->reverse_transform(x.n, out.data.data(), back.data.data());
    return back;
  }
  return out;
}

Representation ProductQuantCodec::encode(const Matrix& x, int64_t modality) const {
  return {reconstruct(x), Similarity::NegL2};
}

}  // namespace arfc
