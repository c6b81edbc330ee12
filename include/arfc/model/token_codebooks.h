// Discrete ARFC tokens: each token is one byte, an index into a codebook of 256 entries
// in the ARC code space (V = max_values values), so a decoder without the input rebuilds
// the code from the bytes alone.
//
// Closed loop (the default, "residual"): token m is chosen to best approximate what the
// already-emitted tokens left unexplained,
//   y_0 = 0,   b_m = argmin_k || t - y_{m-1} - C_m[k] ||^2,   y_m = y_{m-1} + C_m[b_m],
// where t [V] is the continuous ARC code of the input. The codeword token m adds therefore
// depends on the tokens emitted before it (through y_{m-1}), later tokens correct the
// quantisation error of earlier ones, and every prefix b_1..b_m is itself the coarser code
// y_m (the prefix property: encoding at m tokens equals truncating a longer code, exactly:
// greedy encoding decides each token once, and a beam search decides token j from the beam
// after token j + lookahead, or after all M tokens, the same in a code of any length). C_m is fitted by k-means on the residuals of the training
// codes after m-1 steps, level by level (staged training: continuous ARC first).
//
// Open loop ("per_token", for the ablation and tests): token m quantises only the m-th
// slice of the code ([m*s, (m+1)*s), s = V / steps) with its own codebook, blind to the
// error of earlier tokens: a product quantiser of the ARC code.
//
// All tensors on the module's device. Codes are int64 [B, m] with values in [0, 256).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

namespace arfc {

namespace detail {
class BeamTableCache;
}

constexpr int64_t kCodebookSize = 256;  // one byte per token
constexpr int64_t kMaxBeam = 256;  // most candidates per row of the token search (model.discrete_beam too)
constexpr int64_t kTrainBeamRowsPerRow = 2;  // fit with train_beam: residuals per training row
// A beam search on the CPU runs its first kTableTokens steps over inner-product tables of
// the codebooks and the later ones over residuals. The tables are kept with the module once
// made, sized to the longest search so far: T (T - 1) / 2 blocks of 256 x 256 floats for T
// steps (11 MiB for the 10 steps of a 2-byte code, 30 MiB at most). Later steps stay on
// residuals for precision too: the tables sum inner products with the whole code, whose
// rounding grows against the small residuals of late steps (on the test's data 24 table
// steps changed 3% of 28-token codes, 16 steps 0.25% of 20-token codes, at equal error).
constexpr int64_t kTableTokens = 16;

struct TokenCodebooksOptions {
  TokenCodebooksOptions(int64_t steps, int64_t dim) : steps_(steps), dim_(dim) {}
  TORCH_ARG(int64_t, steps);                    // M: most tokens a code can have
  TORCH_ARG(int64_t, dim);                      // V: the code space (ARC max_values)
  TORCH_ARG(std::string, mode) = "residual";  // "residual" (closed loop) or "per_token" (open)
  // Residual mode: candidates kept per row while encoding (1 = greedy). With beam > 1 a code
  // is the beam search over all M tokens, cut to the tokens asked for, so every prefix is
  // still the shorter code.
  TORCH_ARG(int64_t, beam) = 1;
  // The first greedy_tokens tokens are chosen greedily (beam 1), the rest by the beam.
  TORCH_ARG(int64_t, greedy_tokens) = 0;
  // Beam search: token j is decided once the beam has extended lookahead tokens past it
  // (candidates that disagree with the best one there are dropped), so a code of n tokens
  // runs n + lookahead steps instead of M. 0: decided after all M tokens (the search over
  // the whole code). Every prefix is still the shorter code.
  TORCH_ARG(int64_t, lookahead) = 0;
  // Quantise the direction of each code: rows are scaled to the training codes' RMS norm
  // (stored as target_norm) before fit and encode. Search compares codes by cosine, so
  // the tokens spend no bits on a row's norm.
  TORCH_ARG(bool, unit_norm) = false;
  // fit: tokens from this one on use progressive-dimension k-means (FAISS's scheme; see
  // fit), the ones before plain Lloyd from random rows (best of 3 for the first 4). Only
  // fitting depends on it, not how codes encode or decode.
  TORCH_ARG(int64_t, progressive_from) = 4;
  // fit: candidates the training codes keep per row between levels (1 = greedy residuals).
  // With train_beam > 1 token m's codebook is fitted on the residuals of every candidate of
  // a beam search over tokens 0 .. m-1 (the first greedy_tokens greedy, as in encoding), as
  // FAISS trains its residual quantiser: the codebooks then fit the residuals the beam
  // encoder meets. At most kTrainBeamRowsPerRow x N residuals per level (a seeded subset).
  TORCH_ARG(int64_t, train_beam) = 1;
  // Residual mode: the values each codebook spans. 0 (files written before the option):
  // every codebook spans all V values. b > 0: codebook m (0-based) spans the first
  // span_unit * ceil(8 (m + 1) / (b * span_unit)) values (at most V) and is zero beyond, so
  // a code of m bytes spends about b bits per value on the leading values, where a prefix
  // model puts what its task needs first (span_unit: the model's token width, so spans are
  // whole tokens). Zero words leave the search unchanged in kind: the error beyond a span
  // is the same for every candidate.
  TORCH_ARG(int64_t, bits_per_value) = 0;
  TORCH_ARG(int64_t, span_unit) = 1;
};

class TokenCodebooksImpl : public torch::nn::Cloneable<TokenCodebooksImpl> {
 public:
  explicit TokenCodebooksImpl(const TokenCodebooksOptions& o);
  // Number of codebook values TokenCodebooksImpl(o) holds, without building it.
  static int64_t parameter_count(const TokenCodebooksOptions& o);
  void reset() override;

  // targets [N, V] (continuous codes of training rows, N >= 1) -> fits all M codebooks by
  // k-means (plain: iters Lloyd iterations per level; progressive: the residuals rotated
  // onto their principal axes, clustered on 1, 3, 5, ..., V leading axes, 10 iterations
  // each, warm-started; the first tokens best of 3 starts; starts drawn with `seed`), on
  // the residuals of a greedy or (train_beam > 1) beam encoding by the levels before.
  // first > 0 keeps the codebooks of tokens [0, first) (and target_norm) and refits the rest
  // on the residuals those leave (greedy, or every beam candidate with train_beam > 1), e.g.
  // after the first ones were tuned. last >= 0 fits only the tokens before it and leaves the
  // later codebooks as they are (codes of up to `last` tokens, or fewer with a beam's
  // lookahead, do not read them). Token m's random draws depend on (seed, m) alone, so
  // fitting [0, a) and then [a, b) gives the codebooks of fitting [0, b) at once.
  void fit(const torch::Tensor& targets, uint64_t seed, int64_t iters = 16, int64_t first = 0, int64_t last = -1);
  // Codebooks encode(targets, n_tokens, beam, lookahead) reads: n_tokens, or more with a
  // beam search (n_tokens + lookahead, or all M with lookahead 0). beam 0: options.beam();
  // lookahead -1: options.lookahead().
  int64_t tokens_read(int64_t n_tokens, int64_t beam = 0, int64_t lookahead = -1) const;
  // targets [B, V] -> codes [B, n_tokens] int64 (1 <= n_tokens <= M). beam: candidates per
  // row of the residual search (0: options.beam(); 1: greedy); lookahead: how many tokens
  // later a beam decides each token (-1: options.lookahead(); 0: after all M). Any setting
  // gives codes decode() reads, each with the prefix property among codes of the same
  // setting; a smaller beam or lookahead is cheaper and its codes a little coarser.
  torch::Tensor encode(const torch::Tensor& targets, int64_t n_tokens, int64_t beam = 0,
                       int64_t lookahead = -1) const;
  // Residual mode: targets [B, V] -> codes [B, n_tokens] of a beam search with `beam`
  // candidates per row over the first n_tokens codebooks (beam 1 = greedy; the first
  // greedy_tokens greedy; token j decided after token j + lookahead, 0 = at the end).
  // On the CPU with beam > 1 its first min(table_tokens, kTableTokens) steps search
  // inner-product tables instead of residuals: the same search, rounded differently
  // (src/model/beam_tables.h), several times faster; table_tokens 0 searches residuals only.
  torch::Tensor beam_encode(const torch::Tensor& targets, int64_t n_tokens, int64_t beam,
                            int64_t greedy_tokens = 0, int64_t lookahead = 0,
                            int64_t table_tokens = kTableTokens) const;
  // codes [B, m] int64 in [0, 256) -> [B, V] the code-space vector y_m the bytes stand for.
  torch::Tensor decode(const torch::Tensor& codes) const;

  // targets [B, V] -> float32 [B, V] the rows the tokens quantise (see unit_norm).
  torch::Tensor prepare(const torch::Tensor& targets) const;
  // Values codebook m (0-based) spans (options.bits_per_value): its words are zero beyond.
  int64_t span(int64_t m) const;

  TokenCodebooksOptions options;
  torch::Tensor codebooks;  // [M, 256, V] (residual) or [M, 256, V / M] (per_token); no grad
  torch::Tensor target_norm;  // [1] with unit_norm (fitted), else undefined

 private:
  bool residual() const { return options.mode() != "per_token"; }
  int64_t slice() const;  // values per token in per_token mode
  // r [B, q] -> index [B] of the nearest row of cb [256, q].
  static torch::Tensor nearest(const torch::Tensor& r, const torch::Tensor& cb);
  // Greedy residual step: r [B, V] loses, in place, its nearest word of cb [256, V] (zero
  // beyond `span`, so only the first span values take part) -> the chosen indices [B].
  static torch::Tensor subtract_nearest(torch::Tensor& r, const torch::Tensor& cb, int64_t span);
  // Tables of the beam search, made on first use (reset() gives every copy its own).
  std::shared_ptr<detail::BeamTableCache> tables_;
};
TORCH_MODULE(TokenCodebooks);

}  // namespace arfc
