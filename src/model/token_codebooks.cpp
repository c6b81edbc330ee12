#include "arfc/model/token_codebooks.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <limits>

#include "arfc/core/error.h"
#include "arfc/core/interrupt.h"
#include "arfc/core/log.h"
#include "arfc/nn/pca.h"
#include "beam_tables.h"

namespace arfc {

TokenCodebooksImpl::TokenCodebooksImpl(const TokenCodebooksOptions& o) : options(o) { reset(); }

void TokenCodebooksImpl::reset() {
  const int64_t M = options.steps(), V = options.dim();
  ARFC_CHECK(M >= 1 && V >= 1, "token codebooks: expected steps and dim >= 1, got steps = ", M, ", dim = ", V);
  ARFC_CHECK(options.mode() == "residual" || options.mode() == "per_token",
             "model.discrete_mode must be \"residual\" or \"per_token\", got \"", options.mode(), "\"");
  ARFC_CHECK(options.bits_per_value() >= 0 && options.span_unit() >= 1, "token codebooks: expected bits_per_value "
             ">= 0 and span_unit >= 1, got ", options.bits_per_value(), " and ", options.span_unit());
  ARFC_CHECK(options.bits_per_value() == 0 || residual(), "token codebooks: bits_per_value (spans) needs "
             "model.discrete_mode \"residual\"");
  if (!residual())
    ARFC_CHECK(V % M == 0, "model.discrete_mode \"per_token\" needs max_values (", V,
               ") to be a multiple of model.discrete_tokens (", M, ")");
  codebooks = register_parameter("codebooks", torch::zeros({M, kCodebookSize, residual() ? V : V / M}),
                                 /*requires_grad=*/false);
  // Registered only when on: files written before the option existed hold no such buffer.
  if (options.unit_norm()) target_norm = register_buffer("target_norm", torch::ones({1}));
  tables_ = std::make_shared<detail::BeamTableCache>();
}

torch::Tensor TokenCodebooksImpl::prepare(const torch::Tensor& targets) const {
  auto t = targets.to(codebooks.device(), torch::kFloat32);
  if (!options.unit_norm()) return t.clone();
  return t * (target_norm / t.norm(2, 1, true).clamp_min(1e-12));
}

int64_t TokenCodebooksImpl::parameter_count(const TokenCodebooksOptions& o) {
  return o.steps() * kCodebookSize * (o.mode() != "per_token" ? o.dim() : o.dim() / o.steps());
}

int64_t TokenCodebooksImpl::slice() const { return options.dim() / options.steps(); }

int64_t TokenCodebooksImpl::span(int64_t m) const {
  const int64_t V = options.dim(), b = options.bits_per_value(), u = options.span_unit();
  if (b == 0) return V;
  const int64_t values = (8 * (m + 1) + b - 1) / b;  // ceil(8 (m + 1) / b)
  return std::min(V, (values + u - 1) / u * u);
}

namespace {

// r [B, q], cb [K, q] -> [B, K] squared distances minus ||r||^2 (which no argmin needs).
torch::Tensor partial_sq_distances(const torch::Tensor& r, const torch::Tensor& cb) {
  return cb.pow(2).sum(1).unsqueeze(0) - 2 * r.matmul(cb.t());
}

constexpr int64_t kRestartTokens = 4;  // tokens fitted with restarts
constexpr int64_t kRestarts = 3;
constexpr int64_t kProgressiveIters = 10;  // Lloyd iterations per stage (FAISS's default)

// K distinct rows of x [N, q] (with repeats when N < K) -> initial centroids [K, q].
torch::Tensor random_rows(const torch::Tensor& x, int64_t K, at::Generator& gen) {
  const int64_t N = x.size(0);
  auto init = N >= K ? torch::randperm(N, gen, torch::kLong).narrow(0, 0, K) : torch::randint(N, {K}, gen, torch::kLong);
  return x.index_select(0, init.to(x.device())).clone();
}

// Lloyd's k-means of x [N, q] from centroids c [K, q] (empty cells re-seeded at the
// worst-served rows) -> centroids [K, q].
torch::Tensor lloyd(const torch::Tensor& x, torch::Tensor c, int64_t iters) {
  const int64_t N = x.size(0), K = c.size(0);
  for (int64_t it = 0; it < iters; ++it) {
    check_interrupt();
    auto a = partial_sq_distances(x, c).argmin(1);
    auto sums = torch::zeros_like(c).index_add_(0, a, x);
    auto counts = torch::zeros({K}, x.options()).index_add_(0, a, torch::ones({N}, x.options()));
    auto filled = counts > 0;
    c = torch::where(filled.unsqueeze(1), sums / counts.clamp_min(1).unsqueeze(1), c);
    const int64_t empty = K - filled.sum().item<int64_t>();
    if (empty > 0 && empty <= N) {
      auto err = (x - c.index_select(0, a)).pow(2).sum(1);
      c.index_put_({filled.logical_not().nonzero().squeeze(1)}, x.index_select(0, std::get<1>(err.topk(empty))));
    }
  }
  return c;
}

torch::Tensor kmeans(const torch::Tensor& x, int64_t K, int64_t iters, at::Generator& gen) {
  return lloyd(x, random_rows(x, K, gen), iters);
}

// Progressive-dimension k-means (the scheme of FAISS's residual quantiser training): x is
// rotated onto its principal axes and clustered on the leading q^(s/10) axes for s = 1..10,
// each stage warm-started from the previous centroids (zero on the new axes), `iters`
// Lloyd iterations per stage; the centroids are rotated back. The coarse axes settle the
// cells before the fine ones can pull them into poor local optima.
torch::Tensor kmeans_progressive(const torch::Tensor& x, int64_t K, int64_t iters, at::Generator& gen) {
  const int64_t q = x.size(1);
  const PcaBasis pca = fit_pca(x);
  auto mean = pca.mean.to(x.dtype()).unsqueeze(0), axes = pca.components.to(x.dtype());  // [1, q], [q, q]
  auto xr = (x - mean).matmul(axes);
  torch::Tensor c;
  for (int64_t s = 1; s <= 10; ++s) {
    const int64_t di = std::max<int64_t>(1, int64_t(std::pow(double(q), s / 10.0)));
    if (c.defined() && di <= c.size(1)) continue;
    auto xs = xr.narrow(1, 0, di).contiguous();
    c = c.defined() ? torch::cat({c, torch::zeros({K, di - c.size(1)}, c.options())}, 1) : random_rows(xs, K, gen);
    c = lloyd(xs, c, iters);
  }
  return c.matmul(axes.t()) + mean;
}

// One step of the beam search: residuals r [B, b, V] with squared norms err [B, b] are
// extended by every codeword of cb [K, V]; the `keep` best (by squared error, sorted) stay.
// Returns the new residuals and errors and, per kept candidate, its parent and codeword
// ([B, keep] each).
struct BeamStep {
  torch::Tensor r, err, parent, word;
};
// cb is zero beyond its first `span` values, so only those enter the distances and change.
BeamStep beam_step(const torch::Tensor& r, const torch::Tensor& err, const torch::Tensor& cb, int64_t keep,
                   int64_t span) {
  const int64_t B = r.size(0), b = r.size(1), V = r.size(2), K = cb.size(0);
  keep = std::min(keep, b * K);
  auto cbs = cb.narrow(1, 0, span);
  // ||r - c||^2 = ||r||^2 + ||c||^2 - 2 r.c for every candidate and codeword: [B, b * K].
  auto d = (err.unsqueeze(2) + partial_sq_distances(r.narrow(2, 0, span).reshape({B * b, span}), cbs).view({B, b, K}))
               .view({B, b * K});
  auto best = std::get<1>(d.topk(keep, 1, /*largest=*/false, /*sorted=*/true));  // [B, keep]
  BeamStep s;
  s.parent = best.div(K, "floor");
  s.word = best.remainder(K);
  s.r = r.gather(1, s.parent.unsqueeze(2).expand({B, keep, V}));
  s.r.narrow(2, 0, span).sub_(cbs.index_select(0, s.word.reshape(-1)).view({B, keep, span}));
  s.err = s.r.pow(2).sum(2);
  return s;
}

// Mean squared norm of x minus its nearest centroid: what a token leaves unexplained.
double leftover(const torch::Tensor& x, const torch::Tensor& c) {
  auto d = partial_sq_distances(x, c);
  return (x.pow(2).sum(1) + std::get<0>(d.min(1))).clamp_min(0).mean().item<double>();
}

}  // namespace

torch::Tensor TokenCodebooksImpl::nearest(const torch::Tensor& r, const torch::Tensor& cb) {
  return partial_sq_distances(r, cb).argmin(1);
}

torch::Tensor TokenCodebooksImpl::subtract_nearest(torch::Tensor& r, const torch::Tensor& cb, int64_t span) {
  auto rs = r.narrow(1, 0, span);
  auto cbs = cb.narrow(1, 0, span);
  auto a = nearest(rs, cbs);
  rs -= cbs.index_select(0, a);
  return a;
}

int64_t TokenCodebooksImpl::tokens_read(int64_t n_tokens, int64_t beam, int64_t lookahead) const {
  const int64_t M = options.steps(), L = std::min(M, lookahead < 0 ? options.lookahead() : lookahead);
  if (beam == 0) beam = options.beam();
  if (!residual() || beam <= 1 || n_tokens <= options.greedy_tokens()) return std::min(M, n_tokens);
  return L > 0 ? std::min(M, n_tokens + L) : M;
}

void TokenCodebooksImpl::fit(const torch::Tensor& targets, uint64_t seed, int64_t iters, int64_t first, int64_t last) {
  const int64_t M = options.steps(), V = options.dim(), K = kCodebookSize;
  const int64_t end = last < 0 ? M : last;
  ARFC_CHECK(end >= first && end <= M, "token codebooks: last fitted token must be in [", first, ", ", M, "], got ",
             last);
  ARFC_CHECK(targets.dim() == 2 && targets.size(1) == V, "token codebooks: expected training codes [N, ", V,
             "], got ", targets.sizes());
  ARFC_CHECK(targets.size(0) >= 1, "token codebooks: no training rows to fit them on.");
  torch::NoGradGuard ng;
  ARFC_CHECK(first >= 0 && first <= M, "token codebooks: first refitted token must be in [0, ", M, "], got ", first);
  ARFC_CHECK(options.train_beam() >= 1, "token codebooks: train_beam must be >= 1, got ", options.train_beam());
  if (options.unit_norm() && first == 0)
    target_norm.fill_(targets.to(torch::kFloat32).pow(2).sum(1).mean().sqrt().item<float>());
  auto r = prepare(targets);
  const int64_t N = r.size(0);
  // Residual mode: the residuals of every candidate the training encoder keeps [N, b, V].
  auto beam_r = r.unsqueeze(1);
  auto advance = [&](int64_t m) {
    const int64_t keep = m < options.greedy_tokens() ? 1 : options.train_beam();
    if (keep == 1 && beam_r.size(1) == 1) {
      // Greedy: the nearest codeword by argmin, exactly as fits before train_beam existed.
      auto flat = beam_r.select(1, 0).clone();
      subtract_nearest(flat, codebooks[m], span(m));
      beam_r = flat.unsqueeze(1);
      return;
    }
    beam_r = beam_step(beam_r, beam_r.pow(2).sum(2), codebooks[m], keep, span(m)).r;
  };
  for (int64_t m = 0; m < first && residual(); ++m) advance(m);
  // One line per codebook (or every few seconds) with rate and ETA: a full fit takes minutes.
  Progress progress("codebooks", end - first);
  for (int64_t m = first; m < end; ++m) {
    // Each token's draws from its own stream: a fit in parts (first > 0, last) gives the
    // codebooks of a fit at once.
    at::Generator gen = at::detail::createCPUGenerator(seed ^ (uint64_t(m + 1) * 0x9E3779B97F4A7C15ULL));
    torch::Tensor x;
    if (!residual()) {
      x = r.narrow(1, m * slice(), slice());
    } else {
      x = beam_r.reshape({-1, V}).narrow(1, 0, span(m)).contiguous();
      if (x.size(0) > kTrainBeamRowsPerRow * N) {
        auto pick = torch::randperm(x.size(0), gen, torch::kLong).narrow(0, 0, kTrainBeamRowsPerRow * N);
        x = x.index_select(0, pick.to(x.device()));
      }
    }
    // The first tokens decide the coarsest codes (the highest ratios), where one k-means
    // run depends visibly on its start: they keep the best of kRestarts runs.
    torch::Tensor c;
    double best = 0;
    for (int64_t run = 0; run < (m < kRestartTokens ? kRestarts : 1); ++run) {
      const bool progressive = m >= options.progressive_from() && x.size(0) >= 2;  // PCA needs two rows
      auto cand = progressive ? kmeans_progressive(x, K, kProgressiveIters, gen) : kmeans(x, K, iters, gen);
      const double left = leftover(x, cand);
      if (!c.defined() || left < best) c = cand, best = left;
    }
    codebooks[m].zero_();
    codebooks[m].narrow(1, 0, c.size(1)).copy_(c);
    if (residual() && m + 1 < end) advance(m);
    progress.update(m - first + 1);
  }
}

torch::Tensor TokenCodebooksImpl::encode(const torch::Tensor& targets, int64_t n_tokens, int64_t beam,
                                         int64_t lookahead) const {
  ARFC_CHECK(targets.dim() == 2 && targets.size(1) == options.dim(), "token codebooks: expected codes [B, ",
             options.dim(), "], got ", targets.sizes());
  ARFC_CHECK(n_tokens >= 1 && n_tokens <= options.steps(), "discrete token count must be in [1, ",
             options.steps(), "], got ", n_tokens);
  ARFC_CHECK(beam >= 0 && beam <= kMaxBeam, "token search: beam must be in [1, ", kMaxBeam, "] (0: the model's), got ",
             beam);
  ARFC_CHECK(lookahead >= -1, "token search: lookahead must be >= 0 (-1: the model's), got ", lookahead);
  if (beam == 0) beam = options.beam();
  if (lookahead < 0) lookahead = options.lookahead();
  if (residual() && beam > 1) {
    // Token j is decided after token j + lookahead (or after all M tokens), whatever length
    // is asked for, so running the search that far and cutting it gives every prefix the
    // bytes of the longer code. Codes within the greedy tokens are decided before the beam
    // opens: the same computation stopped after n_tokens steps, without the beam's cost.
    return beam_encode(targets, tokens_read(n_tokens, beam, lookahead), beam, options.greedy_tokens(), lookahead)
        .narrow(1, 0, n_tokens)
        .contiguous();
  }
  torch::NoGradGuard ng;
  auto r = prepare(targets);
  std::vector<torch::Tensor> out;
  for (int64_t m = 0; m < n_tokens; ++m) {
    const auto& cb = codebooks[m];
    if (residual()) {
      out.push_back(subtract_nearest(r, cb, span(m)));
    } else {
      out.push_back(nearest(r.narrow(1, m * slice(), slice()), cb));
    }
  }
  return torch::stack(out, 1);
}

torch::Tensor TokenCodebooksImpl::beam_encode(const torch::Tensor& targets, int64_t n_tokens, int64_t beam,
                                              int64_t greedy_tokens, int64_t lookahead, int64_t table_tokens) const {
  ARFC_CHECK(residual(), "token codebooks: beam search needs model.discrete_mode \"residual\"");
  ARFC_CHECK(targets.dim() == 2 && targets.size(1) == options.dim(), "token codebooks: expected codes [B, ",
             options.dim(), "], got ", targets.sizes());
  ARFC_CHECK(n_tokens >= 1 && n_tokens <= options.steps(), "discrete token count must be in [1, ",
             options.steps(), "], got ", n_tokens);
  ARFC_CHECK(beam >= 1, "token codebooks: beam must be >= 1, got ", beam);
  ARFC_CHECK(lookahead >= 0, "token codebooks: lookahead must be >= 0, got ", lookahead);
  ARFC_CHECK(table_tokens >= 0, "token codebooks: table_tokens must be >= 0, got ", table_tokens);
  torch::NoGradGuard ng;
  const int64_t B = targets.size(0), V = options.dim(), K = kCodebookSize;
  auto z = prepare(targets);
  auto r = z.reshape({B, 1, V});                                     // [B, b, V] residual per candidate
  auto err = r.pow(2).sum(2);                                        // [B, b]
  auto codes = torch::zeros({B, 1, 0}, z.options().dtype(torch::kLong));
  int64_t m = 0;
  if (z.is_cpu() && beam > 1 && table_tokens > 0) {
    // The first steps over inner-product tables; the search goes on over residuals (the
    // rows' codes minus what each candidate's tokens decode to) from step kTableTokens.
    const int64_t T = std::min({n_tokens, table_tokens, kTableTokens});
    const auto tables = tables_->get(codebooks, T);
    auto zc = z.matmul(codebooks.narrow(0, 0, T).reshape({T * K, V}).t()).view({B, T, K}).contiguous();
    detail::TableBeam tb = detail::table_beam_search(*tables, zc, z.pow(2).sum(1).contiguous(), beam, greedy_tokens,
                                                     lookahead);
    codes = tb.codes;
    m = T;
    if (m == n_tokens) return codes.select(1, 0).contiguous();
    const int64_t b = codes.size(1);
    r = z.unsqueeze(1) - decode(codes.reshape({B * b, T})).view({B, b, V});
    err = r.pow(2).sum(2).masked_fill(tb.err.isinf(), std::numeric_limits<float>::infinity());
  }
  for (; m < n_tokens; ++m) {
    BeamStep st = beam_step(r, err, codebooks[m], m < greedy_tokens ? 1 : beam, span(m));
    const int64_t keep = st.word.size(1);
    r = st.r;
    err = st.err;
    codes = torch::cat({codes.gather(1, st.parent.unsqueeze(2).expand({B, keep, m})), st.word.unsqueeze(2)}, 2);
    if (lookahead > 0 && m >= lookahead && keep > 1) {
      // Decide token j = m - lookahead: the best candidate's byte there. Candidates with
      // another byte get an infinite error, so neither they nor their extensions are kept.
      const int64_t j = m - lookahead;
      auto agree = codes.select(2, j).eq(codes.select(2, j).select(1, 0).unsqueeze(1));  // [B, keep]
      err = err.masked_fill(agree.logical_not(), std::numeric_limits<float>::infinity());
    }
  }
  return codes.select(1, 0).contiguous();  // candidates stay sorted by error: 0 is the best
}

torch::Tensor TokenCodebooksImpl::decode(const torch::Tensor& codes) const {
  ARFC_CHECK(codes.dim() == 2 && codes.size(1) >= 1 && codes.size(1) <= options.steps(),
             "token codebooks: expected codes [B, 1..", options.steps(), "], got ", codes.sizes());
  ARFC_CHECK(codes.numel() == 0 || (codes.min().item<int64_t>() >= 0 && codes.max().item<int64_t>() < kCodebookSize),
             "token codebooks: code bytes must be in [0, ", kCodebookSize, ")");
  const int64_t B = codes.size(0), m = codes.size(1);
  auto y = torch::zeros({B, options.dim()}, codebooks.options());
  auto idx = codes.to(codebooks.device(), torch::kLong);
  for (int64_t s = 0; s < m; ++s) {
    auto c = codebooks[s].index_select(0, idx.select(1, s));
    if (residual()) y += c;
    else y.narrow(1, s * slice(), slice()).copy_(c);
  }
  return y;
}

}  // namespace arfc
