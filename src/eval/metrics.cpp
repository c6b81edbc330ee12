#include "arfc/eval/metrics.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "arfc/core/error.h"
#include "arfc/nn/pca.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {
namespace {

// Rows per block of query-vs-database scores: bounds memory at block x N floats.
constexpr int64_t kBlock = 256;

// Scores within this relative distance (of max(1, |score|)) are level: identical codes
// (discrete tokens, PQ/RQ codes, binary codes at a few bytes) give equal scores up to the
// rounding of the matrix product, and retrieval gives them the expected credit of a random
// order among them instead of whatever order a sort leaves.
constexpr double kTieTolerance = 1e-6;

int64_t num_classes(const Labels& a, const Labels& b) {
  int64_t c = 0;
  for (int64_t v : a) c = std::max(c, v + 1);
  for (int64_t v : b) c = std::max(c, v + 1);
  return c;
}

void check_labels(const Labels& y, int64_t n, const char* what) {
  ARFC_CHECK(int64_t(y.size()) == n, what, ": ", y.size(), " labels for ", n, " rows; expected one per row.");
  check_class_ids(y, what);
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

// Scores of query rows [lo, lo + len) against the whole database, kBlock rows at a time:
// fn(lo, len, s) with s [len, N] (larger = more similar). exclude_self (same items on both
// sides): s[i, lo + i] = -inf, so a query never retrieves itself.
template <class Fn>
void for_each_score_block(const Matrix& query, const Matrix& database, Similarity sim, bool exclude_self, Fn&& fn) {
  torch::NoGradGuard ng;
  Scorer sc(database, sim);
  auto qt = to_tensor(query);
  for (int64_t lo = 0; lo < query.n; lo += kBlock) {
    const int64_t len = std::min(kBlock, query.n - lo);
    auto s = sc.scores(qt.narrow(0, lo, len));
    if (exclude_self) {
      auto rows = torch::arange(len, torch::kInt64);
      s.index_put_({rows, rows + lo}, -INFINITY);
    }
    fn(lo, len, s);
  }
}

// Scores within tie_tolerance(v) of v are level with it (kTieTolerance, relative).
torch::Tensor tie_tolerance(const torch::Tensor& v) { return v.abs().clamp_min(1.0) * kTieTolerance; }

}  // namespace

namespace {

// Preconditioner: eigenbasis of the feature covariance from at most this many rows (it
// only steers the optimiser; the optimum does not depend on it), and only up to this width
// (wider inputs fall back to per-dimension variances).
constexpr int64_t kPrecondRows = 16384;
constexpr int64_t kPrecondMaxWidth = 2048;
// Weight of l2 against the eigenvalues in the preconditioner (about 1 / (p (1 - p)), the
// inverse curvature of the cross-entropy). Measured on Fashion-MNIST PCA-256 features:
// 1, 10, 100 and 1000 need about the same number of evaluations.
constexpr double kPrecondL2Weight = 10.0;
// L-BFGS memory. Measured (same features): 5, 10, 20, 50 within 10% of each other.
constexpr int64_t kLbfgsHistory = 20;

// A training problem: x [n, q] float64 (centred, scaled), y [n, 1] int64 in 0..C-1 and
// its one-hot form [n, C] float64.
struct ProbeData {
  torch::Tensor x, y, onehot;
  ProbeData(torch::Tensor x_, const torch::Tensor& labels, int64_t C) : x(std::move(x_)), y(labels.unsqueeze(1)) {
    onehot = torch::zeros({x.size(0), C}, torch::kFloat64).scatter_(1, y, 1.0);
  }
};

// Mean cross-entropy of logits x W + b, and its gradients (into gW [q, C], gb [C]). Plain
// whole-matrix products: Debian's OpenBLAS serialises concurrent calls, so splitting the
// rows over threads was slower (measured), and its own threads are kept at one.
double cross_entropy_and_grad(const ProbeData& d, const torch::Tensor& W, const torch::Tensor& b,
                              torch::Tensor& gW, torch::Tensor& gb) {
  const double n = double(d.x.size(0));
  auto logp = torch::log_softmax(torch::addmm(b, d.x, W), 1);
  const double loss = -logp.gather(1, d.y).sum().item<double>() / n;
  auto g = logp.exp_().sub_(d.onehot).div_(n);  // softmax - onehot, per row, / n
  gW = d.x.t().mm(g);
  gb = g.sum(0);
  return loss;
}

// The optimiser works on W = V diag(s) U with V the covariance eigenbasis and s_j =
// (e_j + w l2)^-1/2: the Hessian in U is then closer to a multiple of the identity, and
// L-BFGS needs 2-4x fewer evaluations (measured on Fashion-MNIST PCA-256 features; the
// objective and its optimum are unchanged). V is an orthogonal change of variables, so
// the optimisation path itself is rotation-equivariant (up to rounding).
struct Preconditioner {
  torch::Tensor V;  // [q, q] float64, or undefined: the identity
  torch::Tensor e;  // [q] variance along each column of V
};

Preconditioner make_preconditioner(const torch::Tensor& x) {
  const int64_t n = x.size(0), q = x.size(1);
  const int64_t stride = (n + kPrecondRows - 1) / kPrecondRows;
  auto sub = stride > 1 ? x.slice(0, 0, n, stride) : x;
  Preconditioner p;
  if (q <= kPrecondMaxWidth && sub.size(0) >= 2) {
    PcaBasis basis = fit_pca(sub);
    p.V = basis.components;
    p.e = basis.eigenvalues.clamp_min(0);
  } else {
    p.e = sub.pow(2).mean(0);
  }
  return p;
}

// Minimises mean cross-entropy + (l2/2)|W|^2 over W [q, C], b [C] (float64), starting from
// their current values (warm start), until max |gradient| (in U) <= tolerance or max_iter
// iterations; W and b are replaced by the result. Returns the loss/gradient evaluations.
int64_t fit_logistic(const ProbeData& d, const Preconditioner& pre, double l2, double tolerance,
                     int64_t max_iter, torch::Tensor& W, torch::Tensor& b) {
  auto s = (pre.e + kPrecondL2Weight * l2).rsqrt().unsqueeze(1);  // [q, 1]
  auto to_W = [&](const torch::Tensor& U) { return pre.V.defined() ? pre.V.mm(s * U) : s * U; };
  auto U = (pre.V.defined() ? pre.V.t().mm(W) : W) / s;
  U.requires_grad_(true);  // LBFGS reads .grad(); the closure fills it by hand
  auto c = b.clone().requires_grad_(true);
  torch::optim::LBFGS lbfgs({U, c}, torch::optim::LBFGSOptions(1.0)
                                        .max_iter(max_iter)
                                        .tolerance_grad(tolerance)
                                        .tolerance_change(1e-12)
                                        .history_size(kLbfgsHistory)
                                        .line_search_fn("strong_wolfe"));
  int64_t evals = 0;
  auto closure = [&]() {
    torch::NoGradGuard ng;
    auto Wc = to_W(U.detach());
    torch::Tensor gW, gb;
    double loss = cross_entropy_and_grad(d, Wc, c.detach(), gW, gb);
    loss += 0.5 * l2 * Wc.pow(2).sum().item<double>();
    gW.add_(Wc, l2);
    U.mutable_grad() = s * (pre.V.defined() ? pre.V.t().mm(gW) : gW);
    c.mutable_grad() = gb;
    ++evals;
    return torch::tensor(loss, torch::kFloat64);
  };
  lbfgs.step(closure);
  torch::NoGradGuard ng;
  W = to_W(U.detach());
  b = c.detach().clone();
  return evals;
}

int64_t count_correct(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& W,
                      const torch::Tensor& b) {
  torch::NoGradGuard ng;
  return torch::addmm(b, x, W).argmax(1).eq(y).sum().item<int64_t>();
}

void check_probe_options(const ProbeOptions& opt) {
  ARFC_CHECK(!opt.l2_grid.empty(), "linear probe: empty l2 grid; expected at least one value > 0.");
  for (double l : opt.l2_grid)
    ARFC_CHECK(std::isfinite(l) && l > 0, "linear probe: l2 ", l, " in the grid; expected finite values > 0.");
  ARFC_CHECK(opt.holdout_fraction > 0 && opt.holdout_fraction < 1, "linear probe: holdout_fraction ",
             opt.holdout_fraction, "; expected a value in (0, 1).");
  ARFC_CHECK(opt.max_iter >= 1, "linear probe: max_iter ", opt.max_iter, "; expected >= 1.");
  ARFC_CHECK(opt.patience >= 0, "linear probe: patience ", opt.patience, "; expected >= 0 (0: fit every l2).");
  ARFC_CHECK(std::isfinite(opt.tolerance) && opt.tolerance > 0, "linear probe: tolerance ", opt.tolerance,
             "; expected a finite value > 0.");
  ARFC_CHECK(std::isfinite(opt.search_tolerance) && opt.search_tolerance > 0, "linear probe: search_tolerance ",
             opt.search_tolerance, "; expected a finite value > 0.");
}

void check_probe_labels(const Labels& y, const char* what) {
  for (int64_t v : y)
    ARFC_CHECK(v < kMaxProbeClasses, what, ": label ", v, " is too large; expected class ids below ",
               kMaxProbeClasses, ". Hint: relabel classes as 0..C-1.");
}

}  // namespace

ProbeResult linear_probe(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                         const Labels& test_y, const ProbeOptions& opt) {
  check_labels(train_y, train_x.n, "linear probe (train)");
  check_labels(test_y, test_x.n, "linear probe (test)");
  check_probe_labels(train_y, "linear probe (train)");
  check_probe_labels(test_y, "linear probe (test)");
  ARFC_CHECK(train_x.d == test_x.d, "linear probe: train width ", train_x.d, " != test width ", test_x.d, ".");
  ARFC_CHECK(train_x.n >= 1 && test_x.n >= 1, "linear probe: empty train or test split.");
  check_probe_options(opt);
  check_finite(train_x, "linear probe (train)");
  check_finite(test_x, "linear probe (test)");

  // Only classes seen in training can be predicted: map them to 0..C-1 (test labels of
  // other classes stay -1 and always count as errors).
  std::vector<int64_t> cls(size_t(num_classes(train_y, test_y)), -1);
  for (int64_t v : train_y) cls[size_t(v)] = 0;
  int64_t C = 0;
  for (int64_t& c : cls)
    if (c == 0) c = C++;
  Labels ytr(train_y.size()), yte(test_y.size());
  for (size_t i = 0; i < ytr.size(); ++i) ytr[i] = cls[size_t(train_y[i])];
  for (size_t i = 0; i < yte.size(); ++i) yte[i] = cls[size_t(test_y[i])];
  auto y = to_tensor(ytr), yt = to_tensor(yte);

  std::vector<double> grid = opt.l2_grid;
  std::sort(grid.begin(), grid.end(), std::greater<double>());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  ProbeResult res;
  res.l2 = grid.front();
  if (C == 1) {  // one class: nothing to fit
    res.accuracy = yt.eq(0).to(torch::kFloat64).mean().item<double>();
    return res;
  }

  torch::NoGradGuard ng;
  auto x = to_tensor(train_x).to(torch::kFloat64), xt = to_tensor(test_x).to(torch::kFloat64);
  auto mean = x.mean(0, true);
  x.sub_(mean);
  xt.sub_(mean);
  // One scalar for all dimensions keeps every rotation of the features equivalent.
  const double rms = x.pow(2).mean().sqrt().item<double>();
  if (rms > 0) {
    x.div_(rms);
    xt.div_(rms);
  }
  const int64_t n = x.size(0), q = x.size(1);
  auto W = torch::zeros({q, C}, torch::kFloat64), b = torch::zeros({C}, torch::kFloat64);
  const Preconditioner pre = make_preconditioner(x);

  if (grid.size() > 1 && n >= 2) {
    const int64_t n_hold = std::clamp<int64_t>(std::llround(opt.holdout_fraction * double(n)), 1, n - 1);
    std::vector<int64_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), int64_t(0));
    std::mt19937_64 rng(opt.seed);
    std::shuffle(perm.begin(), perm.end(), rng);
    std::sort(perm.begin(), perm.begin() + n_hold);
    std::sort(perm.begin() + n_hold, perm.end());
    auto pt = torch::from_blob(perm.data(), {n}, torch::kInt64);
    auto hold_rows = pt.narrow(0, 0, n_hold), fit_rows = pt.narrow(0, n_hold, n - n_hold);
    const ProbeData fit(x.index_select(0, fit_rows), y.index_select(0, fit_rows), C);
    auto xh = x.index_select(0, hold_rows), yh = y.index_select(0, hold_rows);
    int64_t best = -1, worse = 0;
    torch::Tensor best_W, best_b;
    for (double l2 : grid) {  // largest first: each fit starts from the previous solution
      if (opt.patience > 0 && worse >= opt.patience) break;
      res.evaluations += fit_logistic(fit, pre, l2, opt.search_tolerance, opt.max_iter, W, b);
      const int64_t correct = count_correct(xh, yh, W, b);
      if (correct > best) {  // strict: ties keep the larger l2
        best = correct;
        res.l2 = l2;
        res.holdout_accuracy = double(correct) / double(n_hold);
        best_W = W;
        best_b = b;
      }
      worse = correct < best ? worse + 1 : 0;
    }
    W = best_W;
    b = best_b;
  }
  res.evaluations += fit_logistic(ProbeData(x, y, C), pre, res.l2, opt.tolerance, opt.max_iter, W, b);
  res.accuracy = double(count_correct(xt, yt, W, b)) / double(test_x.n);
  return res;
}

double linear_probe_accuracy(const Matrix& train_x, const Labels& train_y, const Matrix& test_x,
                             const Labels& test_y, const ProbeOptions& opt) {
  return linear_probe(train_x, train_y, test_x, test_y, opt).accuracy;
}

std::string describe_probe(const ProbeOptions& opt) {
  std::vector<double> grid = opt.l2_grid;
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  std::ostringstream os;
  os << "Linear probe: multinomial logistic regression (bias not penalised), inputs centred and scaled by "
        "one global RMS (rotation-invariant), full-batch float64 L-BFGS to convergence (max |grad| <= "
     << opt.tolerance << "; " << opt.search_tolerance << " while choosing L2; at most " << opt.max_iter
     << " iterations per fit); L2 ";
  if (grid.size() == 1) {
    os << "fixed at " << (grid.empty() ? 0.0 : grid.front());
  } else {
    os << "chosen on " << opt.holdout_fraction * 100 << "% held-out training rows (seed " << opt.seed << ") from {";
    for (size_t i = 0; i < grid.size(); ++i) os << (i ? ", " : "") << grid[i];
    os << "}, largest first with warm starts";
    if (opt.patience > 0) os << ", stopping after " << opt.patience << " worse in a row";
  }
  os << "; identical for every method.";
  return os.str();
}

std::vector<int64_t> top_k(const Matrix& query, const Matrix& database, Similarity sim, int64_t k,
                           bool exclude_self) {
  check_pair(query, database, "top-k search");
  ARFC_ASSERT(!exclude_self || query.n == database.n, "exclude_self needs query.n == database.n");
  const int64_t avail = database.n - (exclude_self ? 1 : 0);
  ARFC_CHECK(k >= 1 && k <= avail, "top-k search: k = ", k, " but only ", avail,
             " database rows are searchable. Hint: use more evaluation rows.");
  std::vector<int64_t> out(size_t(query.n * k));
  for_each_score_block(query, database, sim, exclude_self, [&](int64_t lo, int64_t len, const torch::Tensor& s) {
    auto idx = std::get<1>(s.topk(k, 1, /*largest=*/true, /*sorted=*/true)).contiguous();
    std::copy(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + len * k, out.begin() + lo * k);
  });
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
  check_pair(query, database, "retrieval");
  ARFC_CHECK(!ks.empty(), "retrieval: no k given.");
  const int64_t kmax = *std::max_element(ks.begin(), ks.end());
  ARFC_CHECK(*std::min_element(ks.begin(), ks.end()) >= 1 && kmax <= database.n - 1, "retrieval: k must be in [1, ",
             database.n - 1, "] (the other rows), got ", kmax, ". Hint: use more evaluation rows.");
  auto labels = torch::tensor(std::vector<int64_t>(y.begin(), y.end()), torch::kInt64);
  std::vector<double> hits(ks.size(), 0.0);
  for_each_score_block(query, database, sim, /*exclude_self=*/true, [&](int64_t lo, int64_t len,
                                                                         const torch::Tensor& s) {
    auto same = labels.narrow(0, lo, len).unsqueeze(1) == labels.unsqueeze(0);  // [len, N]
    auto kth = std::get<0>(s.topk(kmax, 1, /*largest=*/true, /*sorted=*/true));  // [len, kmax]
    for (size_t t = 0; t < ks.size(); ++t) {
      const int64_t k = ks[t];
      auto v = kth.select(1, k - 1).unsqueeze(1);  // the k-th best score, [len, 1]
      auto tol = tie_tolerance(v);
      auto above = s > v + tol;               // certainly in the top k
      auto level = (s - v).abs() <= tol;      // level with the k-th: a random k - above of them
      auto hit_above = (above & same).any(1).contiguous();
      auto n_above = above.sum(1).contiguous(), n_level = level.sum(1).contiguous();
      auto n_level_same = (level & same).sum(1).contiguous();
      const bool* ha = hit_above.data_ptr<bool>();
      const int64_t* a = n_above.data_ptr<int64_t>();
      const int64_t* g = n_level.data_ptr<int64_t>();
      const int64_t* c = n_level_same.data_ptr<int64_t>();
      for (int64_t i = 0; i < len; ++i) {
        if (ha[i]) {
          hits[t] += 1.0;
          continue;
        }
        // m of the g level items are drawn into the top k; P(none of the c same-label ones).
        const int64_t m = std::max<int64_t>(0, std::min(k - a[i], g[i]));
        double p_none = 1.0;
        for (int64_t j = 0; j < m && p_none > 0; ++j)
          p_none *= std::max(0.0, double(g[i] - c[i] - j)) / double(g[i] - j);
        hits[t] += 1.0 - p_none;
      }
    }
  });
  for (double& h : hits) h /= double(query.n);
  return hits;
}

std::vector<double> paired_recall_at_k(const Matrix& query, const Matrix& database, Similarity sim,
                                       const std::vector<int64_t>& ks) {
  check_pair(query, database, "paired retrieval");
  ARFC_CHECK(query.n == database.n, "paired retrieval: ", query.n, " queries but ", database.n,
             " database rows; row i must pair with row i.");
  std::vector<double> hits(ks.size(), 0.0);
  for_each_score_block(query, database, sim, /*exclude_self=*/false, [&](int64_t lo, int64_t len,
                                                                          const torch::Tensor& s) {
    auto rows = torch::arange(len, torch::kInt64);
    auto own = s.index({rows, rows + lo}).unsqueeze(1);
    auto tol = tie_tolerance(own);
    // The match ranks uniformly among the items level with it, after those scoring higher.
    auto above = (s > own + tol).sum(1).contiguous();
    auto level = ((s - own).abs() <= tol).sum(1).contiguous();  // the match itself included
    const int64_t* a = above.data_ptr<int64_t>();
    const int64_t* g = level.data_ptr<int64_t>();
    for (int64_t i = 0; i < len; ++i)
      for (size_t t = 0; t < ks.size(); ++t)
        hits[t] += double(std::clamp<int64_t>(ks[t] - a[i], 0, g[i])) / double(g[i]);
  });
  for (double& h : hits) h /= double(query.n);
  return hits;
}

double neighbour_overlap(const Matrix& reference, const Representation& codes, int64_t k) {
  ARFC_CHECK(reference.n == codes.codes.n, "neighbour overlap: reference has ", reference.n,
             " rows, codes ", codes.codes.n, "; expected the same items.");
  k = std::min(k, reference.n - 1);
  auto a = top_k(reference, reference, Similarity::Cosine, k, true);
  auto b = top_k(codes.codes, codes.codes, codes.sim, k, true);
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
