#include "arfc/eval/metrics.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "arfc/core/error.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {
namespace {

// Rows per block of query-vs-database scores: bounds memory at block x N floats.
constexpr int64_t kBlock = 256;

int64_t num_classes(const Labels& a, const Labels& b) {
  int64_t c = 0;
  for (int64_t v : a) c = std::max(c, v + 1);
  for (int64_t v : b) c = std::max(c, v + 1);
  return c;
}

void check_labels(const Labels& y, int64_t n, const char* what) {
  ARFC_CHECK(int64_t(y.size()) == n, what, ": ", y.size(), " labels for ", n, " rows; expected one per row.");
  for (int64_t v : y) ARFC_CHECK(v >= 0, what, ": label ", v, " is negative; expected class ids >= 0.");
}

// Prepared database side of a similarity: normalised rows (cosine) or rows plus -|d|^2.
struct Scorer {
  torch::Tensor db;       // [N, q]
  torch::Tensor db_bias;  // [N] (NegL2: -|d|^2), undefined for cosine
  Similarity sim;

  Scorer(const Matrix& database, Similarity s) : sim(s) {
    db = to_tensor(database);
    if (sim == Similarity::Cosine) {
      db = db / db.norm(2, 1, true).clamp_min(1e-12);
    } else {
      db_bias = -db.pow(2).sum(1);
    }
  }
  // q: [B, q] rows of the query matrix -> [B, N] scores (larger = more similar). For NegL2
  // the per-query constant -|q|^2 is dropped (it does not change any ranking).
  torch::Tensor scores(torch::Tensor q) const {
    if (sim == Similarity::Cosine) return (q / q.norm(2, 1, true).clamp_min(1e-12)).mm(db.t());
    return q.mm(db.t()) * 2.0 + db_bias.unsqueeze(0);
  }
};

void check_pair(const Matrix& q, const Matrix& d, const char* what) {
  ARFC_CHECK(q.d == d.d, what, ": query width ", q.d, " differs from database width ", d.d, ".");
  ARFC_CHECK(q.n >= 1 && d.n >= 1, what, ": empty query (", q.n, " rows) or database (", d.n, " rows).");
}

}  // namespace

double linear_probe_accuracy(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                             const Labels& test_y, const ProbeOptions& opt) {
  check_labels(train_y, train_x.n, "linear probe (train)");
  check_labels(test_y, test_x.n, "linear probe (test)");
  ARFC_CHECK(train_x.d == test_x.d, "linear probe: train width ", train_x.d, " != test width ", test_x.d, ".");
  ARFC_CHECK(train_x.n >= 1 && test_x.n >= 1, "linear probe: empty train or test split.");
  ARFC_CHECK(opt.epochs >= 1 && opt.batch_size >= 1, "linear probe: epochs and batch size must be >= 1.");

  torch::Tensor x = to_tensor(train_x), xt = to_tensor(test_x);
  auto mean = x.mean(0, true);
  auto std = x.std(0, /*unbiased=*/false, true).clamp_min(1e-6);
  x = (x - mean) / std;
  xt = (xt - mean) / std;
  auto y = to_tensor(train_y), yt = to_tensor(test_y);
  const int64_t n = x.size(0), q = x.size(1), C = num_classes(train_y, test_y);

  auto W = torch::zeros({q, C}, torch::kFloat32).requires_grad_(true);
  auto b = torch::zeros({C}, torch::kFloat32).requires_grad_(true);
  torch::optim::Adam optim({W, b}, torch::optim::AdamOptions(opt.lr));
  const int64_t steps_per_epoch = (n + opt.batch_size - 1) / opt.batch_size;
  const int64_t total = steps_per_epoch * opt.epochs;
  std::vector<int64_t> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), int64_t(0));
  std::mt19937_64 rng(opt.seed);
  int64_t step = 0;
  for (int64_t e = 0; e < opt.epochs; ++e) {
    std::shuffle(perm.begin(), perm.end(), rng);
    auto pt = torch::from_blob(perm.data(), {n}, torch::kInt64);
    for (int64_t s = 0; s < steps_per_epoch; ++s, ++step) {
      const int64_t lo = s * opt.batch_size, len = std::min(opt.batch_size, n - lo);
      auto idx = pt.narrow(0, lo, len);
      auto logits = x.index_select(0, idx).mm(W) + b;
      auto loss = torch::nn::functional::cross_entropy(logits, y.index_select(0, idx)) +
                  0.5 * opt.l2 * W.pow(2).sum();
      const double lr = 0.5 * opt.lr * (1.0 + std::cos(M_PI * double(step) / double(total)));
      static_cast<torch::optim::AdamOptions&>(optim.param_groups()[0].options()).lr(lr);
      optim.zero_grad();
      loss.backward();
      optim.step();
    }
  }
  torch::NoGradGuard ng;
  auto pred = (xt.mm(W) + b).argmax(1);
  return pred.eq(yt).to(torch::kFloat64).mean().item<double>();
}

std::vector<int64_t> top_k(const Matrix& query, const Matrix& database, Similarity sim, int64_t k,
                           bool exclude_self) {
  check_pair(query, database, "top-k search");
  ARFC_ASSERT(!exclude_self || query.n == database.n, "exclude_self needs query.n == database.n");
  const int64_t avail = database.n - (exclude_self ? 1 : 0);
  ARFC_CHECK(k >= 1 && k <= avail, "top-k search: k = ", k, " but only ", avail,
             " database rows are searchable. Hint: use more evaluation rows.");
  torch::NoGradGuard ng;
  Scorer sc(database, sim);
  auto qt = to_tensor(query);
  std::vector<int64_t> out(size_t(query.n * k));
  for (int64_t lo = 0; lo < query.n; lo += kBlock) {
    const int64_t len = std::min(kBlock, query.n - lo);
    auto s = sc.scores(qt.narrow(0, lo, len));
    if (exclude_self) {
      auto rows = torch::arange(len, torch::kInt64);
      s.index_put_({rows, rows + lo}, -INFINITY);
    }
    auto idx = std::get<1>(s.topk(k, 1, /*largest=*/true, /*sorted=*/true)).contiguous();
    std::copy(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + len * k, out.begin() + lo * k);
  }
  return out;
}

double knn_accuracy(const Matrix& train_db, const Labels& train_y, const Matrix& test_query,
                    const Labels& test_y, Similarity sim, int64_t k) {
  check_labels(train_y, train_db.n, "kNN (train)");
  check_labels(test_y, test_query.n, "kNN (test)");
  k = std::min(k, train_db.n);
  auto nn = top_k(test_query, train_db, sim, k, false);
  int64_t correct = 0;
  for (int64_t i = 0; i < test_query.n; ++i) {
    std::map<int64_t, std::pair<int64_t, int64_t>> votes;  // label -> (count, -first position)
    for (int64_t j = 0; j < k; ++j) {
      int64_t lab = train_y[size_t(nn[size_t(i * k + j)])];
      auto it = votes.find(lab);
      if (it == votes.end()) votes[lab] = {1, -j};
      else ++it->second.first;
    }
    auto best = std::max_element(votes.begin(), votes.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    correct += best->first == test_y[size_t(i)];
  }
  return double(correct) / double(test_query.n);
}

std::vector<double> recall_at_k(const Matrix& query, const Matrix& database, const Labels& y,
                                Similarity sim, const std::vector<int64_t>& ks) {
  ARFC_CHECK(query.n == database.n, "retrieval: query has ", query.n, " rows, database ", database.n,
             "; expected the same items.");
  check_labels(y, query.n, "retrieval");
  ARFC_CHECK(!ks.empty(), "retrieval: no k given.");
  const int64_t kmax = *std::max_element(ks.begin(), ks.end());
  auto nn = top_k(query, database, sim, kmax, true);
  std::vector<double> hits(ks.size(), 0.0);
  for (int64_t i = 0; i < query.n; ++i) {
    int64_t first = kmax;  // position of the first same-label neighbour
    for (int64_t j = 0; j < kmax; ++j)
      if (y[size_t(nn[size_t(i * kmax + j)])] == y[size_t(i)]) {
        first = j;
        break;
      }
    for (size_t t = 0; t < ks.size(); ++t) hits[t] += first < ks[t] ? 1.0 : 0.0;
  }
  for (double& h : hits) h /= double(query.n);
  return hits;
}

std::vector<double> paired_recall_at_k(const Matrix& query, const Matrix& database, Similarity sim,
                                       const std::vector<int64_t>& ks) {
  check_pair(query, database, "paired retrieval");
  ARFC_CHECK(query.n == database.n, "paired retrieval: ", query.n, " queries but ", database.n,
             " database rows; row i must pair with row i.");
  torch::NoGradGuard ng;
  Scorer sc(database, sim);
  auto qt = to_tensor(query);
  std::vector<double> hits(ks.size(), 0.0);
  for (int64_t lo = 0; lo < query.n; lo += kBlock) {
    const int64_t len = std::min(kBlock, query.n - lo);
    auto s = sc.scores(qt.narrow(0, lo, len));
    auto rows = torch::arange(len, torch::kInt64);
    auto own = s.index({rows, rows + lo}).unsqueeze(1);
    // rank = number of other items scoring at least as high as the true match
    auto rank = (s >= own).sum(1) - 1;
    auto r = rank.contiguous();
    const int64_t* rp = r.data_ptr<int64_t>();
    for (int64_t i = 0; i < len; ++i)
      for (size_t t = 0; t < ks.size(); ++t) hits[t] += rp[i] < ks[t] ? 1.0 : 0.0;
  }
  for (double& h : hits) h /= double(query.n);
  return hits;
}

double neighbour_overlap(const Matrix& reference, const Representation& codes, int64_t k) {
  ARFC_CHECK(reference.n == codes.database.n && reference.n == codes.query.n,
             "neighbour overlap: reference and codes differ in rows.");
  k = std::min(k, reference.n - 1);
  auto a = top_k(reference, reference, Similarity::Cosine, k, true);
  auto b = top_k(codes.query, codes.database, codes.sim, k, true);
  double total = 0;
  for (int64_t i = 0; i < reference.n; ++i) {
    std::vector<int64_t> ra(a.begin() + i * k, a.begin() + (i + 1) * k);
    std::vector<int64_t> rb(b.begin() + i * k, b.begin() + (i + 1) * k);
    std::sort(ra.begin(), ra.end());
    std::sort(rb.begin(), rb.end());
    std::vector<int64_t> both;
    std::set_intersection(ra.begin(), ra.end(), rb.begin(), rb.end(), std::back_inserter(both));
    total += double(both.size()) / double(k);
  }
  return total / double(reference.n);
}

}  // namespace arfc
