// Discrete ARFC tokens (model/token_codebooks.h): the prefix property, decoding without
// the input, closed loop (residual) against open loop (per-token) at equal bytes, checks.
#include <gtest/gtest.h>

#include "arfc/core/error.h"
#include "arfc/model/token_codebooks.h"

using namespace arfc;

namespace {

// [n, V] codes whose value j has standard deviation 0.8^j (ordered by importance, like
// ARC codes), mixed by a shared random factor so that the values are correlated.
torch::Tensor ordered_codes(int64_t n, int64_t V, uint64_t seed) {
  torch::manual_seed(seed);
  auto scale = torch::pow(0.8, torch::arange(V, torch::kFloat32));
  auto mix = torch::eye(V) + 0.3 * torch::randn({V, V}, torch::Generator(at::detail::createCPUGenerator(99)));
  return torch::randn({n, V}).matmul(mix) * scale;
}

double mse(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).pow(2).sum(1).mean().item<double>(); }

// Encoding `test` at m tokens equals truncating the `tokens`-token code `full` for every m,
// and the bytes alone rebuild the code, each token lowering the error.
void expect_prefixes_with_falling_error(TokenCodebooksImpl& cb, const torch::Tensor& test, const torch::Tensor& full,
                                        int64_t tokens) {
  double prev = test.pow(2).sum(1).mean().item<double>();
  for (int64_t m = 1; m <= tokens; ++m) {
    EXPECT_TRUE(torch::equal(cb.encode(test, m), full.narrow(1, 0, m))) << m << " tokens";
    const double e = mse(cb.decode(full.narrow(1, 0, m)), test);
    EXPECT_LT(e, prev) << m << " tokens";
    prev = e;
  }
}

}  // namespace

TEST(TokenCodebooks, PrefixPropertyAndDecodeWithoutInput) {
  auto train = ordered_codes(3000, 16, 1), test = ordered_codes(500, 16, 2);
  TokenCodebooks cb(TokenCodebooksOptions(8, 16));
  cb->fit(train, 3);
  auto full = cb->encode(test, 8);
  ASSERT_EQ(full.sizes(), (std::vector<int64_t>{500, 8}));
  EXPECT_GE(full.min().item<int64_t>(), 0);
  EXPECT_LT(full.max().item<int64_t>(), kCodebookSize);
  expect_prefixes_with_falling_error(*cb, test, full, 8);
  // Same seed, same codebooks; fitted in parts too (each token's draws are its own).
  TokenCodebooks again(TokenCodebooksOptions(8, 16));
  again->fit(train, 3);
  EXPECT_TRUE(torch::equal(again->codebooks, cb->codebooks));
  TokenCodebooks parts(TokenCodebooksOptions(8, 16));
  parts->fit(train, 3, 16, 0, 3);
  EXPECT_TRUE(torch::equal(parts->codebooks.narrow(0, 0, 3), cb->codebooks.narrow(0, 0, 3)));
  EXPECT_EQ(parts->codebooks.narrow(0, 3, 5).abs().sum().item<float>(), 0.f) << "tokens past `last` stay unfitted";
  parts->fit(train, 3, 16, 3, 8);
  EXPECT_TRUE(torch::equal(parts->codebooks, cb->codebooks));
}

TEST(TokenCodebooks, ClosedLoopBeatsOpenLoopAtEqualBytes) {
  // Closed loop: each token quantises what the emitted tokens left unexplained; open loop:
  // each token quantises its own slice of the code, blind to earlier errors.
  auto train = ordered_codes(4000, 16, 3), test = ordered_codes(1000, 16, 4);
  TokenCodebooks closed(TokenCodebooksOptions(4, 16)), open(TokenCodebooksOptions(4, 16).mode("per_token"));
  closed->fit(train, 1);
  open->fit(train, 1);
  for (int64_t m : {1, 2, 4}) {
    const double c = mse(closed->decode(closed->encode(test, m)), test);
    const double o = mse(open->decode(open->encode(test, m)), test);
    EXPECT_LT(c, 0.9 * o) << m << " tokens: closed loop " << c << " vs open loop " << o;
  }
}

TEST(TokenCodebooks, FitsOnFewRowsAndRejectsBadInput) {
  TokenCodebooks cb(TokenCodebooksOptions(2, 4));
  cb->fit(torch::randn({10, 4}), 0);  // fewer rows than codewords: repeats, no crash
  EXPECT_TRUE(torch::isfinite(cb->codebooks).all().item<bool>());
  EXPECT_THROW(cb->encode(torch::randn({3, 5}), 1), Error);
  EXPECT_THROW(cb->encode(torch::randn({3, 4}), 3), Error);
  EXPECT_THROW(cb->decode(torch::full({1, 1}, 256, torch::kLong)), Error);
  EXPECT_THROW(cb->decode(torch::zeros({1, 3}, torch::kLong)), Error);
  EXPECT_THROW(TokenCodebooks(TokenCodebooksOptions(3, 16).mode("per_token")), Error);  // 16 % 3 != 0
  EXPECT_THROW(TokenCodebooks(TokenCodebooksOptions(2, 16).mode("tree")), Error);
}

TEST(TokenCodebooks, BeamSearchLowersTheErrorAndKeepsThePrefixProperty) {
  auto train = ordered_codes(3000, 16, 5), test = ordered_codes(500, 16, 6);
  TokenCodebooks greedy(TokenCodebooksOptions(6, 16));
  greedy->fit(train, 7);
  // Beam 1 is the greedy code.
  EXPECT_TRUE(torch::equal(greedy->beam_encode(test, 6, 1), greedy->encode(test, 6)));
  // A wider beam finds codes at least as close at the searched length, and on average closer.
  const double g = mse(greedy->decode(greedy->encode(test, 6)), test);
  const double b = mse(greedy->decode(greedy->beam_encode(test, 6, 8)), test);
  EXPECT_LT(b, 0.97 * g) << "beam 8 " << b << " vs greedy " << g;
  // With the beam as an option, a code of m tokens is the first m tokens of the full code.
  TokenCodebooks beam(TokenCodebooksOptions(6, 16).beam(8));
  beam->codebooks.copy_(greedy->codebooks);
  auto full = beam->encode(test, 6);
  EXPECT_TRUE(torch::equal(full, greedy->beam_encode(test, 6, 8)));
  for (int64_t m = 1; m < 6; ++m) EXPECT_TRUE(torch::equal(beam->encode(test, m), full.narrow(1, 0, m))) << m;
  // Codes within the greedy first tokens skip the beam (encode stops early): still prefixes.
  TokenCodebooks mixed(TokenCodebooksOptions(6, 16).beam(8).greedy_tokens(2));
  mixed->codebooks.copy_(greedy->codebooks);
  auto mixed_full = mixed->encode(test, 6);
  EXPECT_FALSE(torch::equal(mixed_full, full)) << "greedy first tokens change the code";
  for (int64_t m = 1; m < 6; ++m) EXPECT_TRUE(torch::equal(mixed->encode(test, m), mixed_full.narrow(1, 0, m))) << m;
  EXPECT_THROW(greedy->beam_encode(test, 6, 0), Error);
  EXPECT_THROW(greedy->beam_encode(test, 7, 2), Error);
}

TEST(TokenCodebooks, BeamLookaheadKeepsThePrefixPropertyWithFewerSteps) {
  auto train = ordered_codes(3000, 16, 5), test = ordered_codes(500, 16, 6);
  TokenCodebooks full(TokenCodebooksOptions(8, 16).beam(8).greedy_tokens(1));
  full->fit(train, 7);
  // A lookahead reaching past the last token decides nothing early: the full search.
  TokenCodebooks far(TokenCodebooksOptions(8, 16).beam(8).greedy_tokens(1).lookahead(8));
  far->codebooks.copy_(full->codebooks);
  const auto full_code = full->encode(test, 8);
  EXPECT_TRUE(torch::equal(far->encode(test, 8), full_code));
  // Lookahead 2: token j is decided after token j + 2, so a code of m tokens runs m + 2 steps
  // and is still the first m tokens of the longest code.
  TokenCodebooks near(TokenCodebooksOptions(8, 16).beam(8).greedy_tokens(1).lookahead(2));
  near->codebooks.copy_(full->codebooks);
  const auto near_code = near->encode(test, 8);
  for (int64_t m = 1; m < 8; ++m) EXPECT_TRUE(torch::equal(near->encode(test, m), near_code.narrow(1, 0, m))) << m;
  EXPECT_TRUE(torch::equal(near->encode(test, 3), near->beam_encode(test, 5, 8, 1, 2).narrow(1, 0, 3)));
  EXPECT_FALSE(torch::equal(near_code, full_code)) << "an early decision changes some codes";
  // Still a beam: closer than greedy at every length past the greedy token.
  TokenCodebooks greedy(TokenCodebooksOptions(8, 16));
  greedy->codebooks.copy_(full->codebooks);
  for (int64_t m : {4, 8}) {
    const double g = mse(greedy->decode(greedy->encode(test, m)), test);
    const double l = mse(near->decode(near->encode(test, m)), test);
    EXPECT_LT(l, 0.99 * g) << m << " tokens: lookahead 2 " << l << " vs greedy " << g;
  }
  EXPECT_THROW(full->beam_encode(test, 8, 8, 1, -1), Error);
}

// The beam search over inner-product tables (its first kTableTokens steps on the CPU) is
// the residual search rounded differently: the same codes for nearly every row, the same
// error, the prefix property across the step where residuals take over, dropped
// candidates of the lookahead kept dropped there, and the tables follow new codebooks.
TEST(TokenCodebooks, TableBeamSearchIsTheResidualSearch) {
  const int64_t M = kTableTokens + 4;
  auto train = ordered_codes(1500, 16, 31), test = ordered_codes(400, 16, 32);
  TokenCodebooks cb(TokenCodebooksOptions(M, 16).beam(8).greedy_tokens(1).lookahead(3));
  cb->fit(train, 9);
  const auto residual = cb->beam_encode(test, M, 8, 1, 3, /*table_tokens=*/0);
  for (int64_t tables : {int64_t(5), kTableTokens}) {
    const auto mixed = cb->beam_encode(test, M, 8, 1, 3, tables);
    const double same = mixed.eq(residual).all(1).to(torch::kFloat).mean().item<double>();
    EXPECT_GE(same, 0.98) << tables << " table steps: rows with the residual search's code";
    const double em = mse(cb->decode(mixed), test), er = mse(cb->decode(residual), test);
    EXPECT_NEAR(em, er, 1e-3 * er) << tables << " table steps";
  }
  // encode() runs the tables; every prefix is still the shorter code, on both sides of the
  // step where the search turns to residuals.
  const auto full = cb->encode(test, M);
  for (int64_t m : {int64_t(1), kTableTokens - 4, kTableTokens - 3, kTableTokens - 1, kTableTokens, M - 1})
    EXPECT_TRUE(torch::equal(cb->encode(test, m), full.narrow(1, 0, m))) << m << " tokens";
  // A beam over tables still beats greedy.
  const double g = mse(cb->decode(cb->encode(test, 8, 1)), test), b = mse(cb->decode(full.narrow(1, 0, 8)), test);
  EXPECT_LT(b, 0.99 * g);
  // New codebooks (a refit) replace the tables: the codes are those of a fresh module.
  cb->fit(ordered_codes(3000, 16, 33), 4);
  TokenCodebooks fresh(TokenCodebooksOptions(M, 16).beam(8).greedy_tokens(1).lookahead(3));
  fresh->codebooks.copy_(cb->codebooks);
  EXPECT_TRUE(torch::equal(cb->encode(test, 6), fresh->encode(test, 6)));
  EXPECT_THROW(cb->beam_encode(test, 4, 8, 1, 3, -1), Error);
}

TEST(TokenCodebooks, EncodeBeamOverridesTheModelsBeam) {
  auto train = ordered_codes(3000, 16, 21), test = ordered_codes(500, 16, 22);
  TokenCodebooks beam8(TokenCodebooksOptions(8, 16).beam(8).lookahead(2));
  beam8->fit(train, 5);
  TokenCodebooks greedy(TokenCodebooksOptions(8, 16));
  greedy->codebooks.copy_(beam8->codebooks);
  // beam 1: the greedy search, which reads only the tokens it emits; 0: the model's own.
  EXPECT_TRUE(torch::equal(beam8->encode(test, 5, 1), greedy->encode(test, 5)));
  EXPECT_EQ(beam8->tokens_read(5, 1), 5);
  EXPECT_EQ(beam8->tokens_read(5), 7);
  EXPECT_TRUE(torch::equal(beam8->encode(test, 5, 0), beam8->encode(test, 5, 8)));
  EXPECT_TRUE(torch::equal(beam8->encode(test, 5, 0), beam8->beam_encode(test, 7, 8, 0, 2).narrow(1, 0, 5)));
  EXPECT_FALSE(torch::equal(beam8->encode(test, 5, 1), beam8->encode(test, 5, 8))) << "the beam changes codes";
  // Another beam width is the same search with that width, and keeps its prefixes.
  const auto beam2 = beam8->encode(test, 8, 2);
  EXPECT_TRUE(torch::equal(beam2, beam8->beam_encode(test, 8, 2, 0, 2)));
  for (int64_t m = 1; m < 8; ++m) EXPECT_TRUE(torch::equal(beam8->encode(test, m, 2), beam2.narrow(1, 0, m))) << m;
  // A wider beam searches better: greedy > beam 2 > beam 8 in squared error at 4 tokens.
  const double e1 = mse(beam8->decode(beam8->encode(test, 4, 1)), test);
  const double e2 = mse(beam8->decode(beam8->encode(test, 4, 2)), test);
  const double e8 = mse(beam8->decode(beam8->encode(test, 4)), test);
  EXPECT_LT(e2, e1);
  EXPECT_LT(e8, e2);
  EXPECT_THROW(beam8->encode(test, 4, -1), Error);
  EXPECT_THROW(beam8->encode(test, 4, kMaxBeam + 1), Error);
}

TEST(TokenCodebooks, EncodeLookaheadOverridesTheModelsLookahead) {
  auto train = ordered_codes(3000, 16, 23), test = ordered_codes(500, 16, 24);
  TokenCodebooks cb(TokenCodebooksOptions(12, 16).beam(8).lookahead(4));
  cb->fit(train, 6);
  // -1: the model's lookahead; another value is the same search deciding that much later,
  // reading that many more codebooks (never more than the model holds).
  EXPECT_EQ(cb->tokens_read(3), 7);
  EXPECT_EQ(cb->tokens_read(3, 0, 1), 4);
  EXPECT_EQ(cb->tokens_read(3, 0, 0), 12);
  EXPECT_EQ(cb->tokens_read(10, 0, 6), 12);
  EXPECT_TRUE(torch::equal(cb->encode(test, 3), cb->encode(test, 3, 0, 4)));
  const auto one = cb->encode(test, 6, 0, 1);
  EXPECT_TRUE(torch::equal(one, cb->beam_encode(test, 7, 8, 0, 1).narrow(1, 0, 6)));
  EXPECT_FALSE(torch::equal(one, cb->encode(test, 6))) << "the lookahead changes codes";
  // Codes of one lookahead keep their prefixes; the full search (0) reads every codebook.
  for (int64_t m = 1; m < 6; ++m) EXPECT_TRUE(torch::equal(cb->encode(test, m, 0, 1), one.narrow(1, 0, m))) << m;
  EXPECT_TRUE(torch::equal(cb->encode(test, 5, 0, 0), cb->beam_encode(test, 12, 8, 0, 0).narrow(1, 0, 5)));
  // Greedy codes have no lookahead.
  EXPECT_TRUE(torch::equal(cb->encode(test, 5, 1, 3), cb->encode(test, 5, 1)));
  EXPECT_THROW(cb->encode(test, 4, 0, -2), Error);
}

TEST(TokenCodebooks, TrainBeamFitsTheResidualsTheBeamEncoderMeets) {
  auto train = ordered_codes(3000, 16, 11), test = ordered_codes(500, 16, 12);
  const auto opts = TokenCodebooksOptions(8, 16).beam(8).lookahead(2);
  TokenCodebooks greedy_fit(opts), beam_fit(TokenCodebooksOptions(opts).train_beam(8));
  greedy_fit->fit(train, 3);
  beam_fit->fit(train, 3);
  EXPECT_FALSE(torch::equal(greedy_fit->codebooks, beam_fit->codebooks)) << "the training beam changes the fit";
  // A fit in parts (as ArfcModel::fit_codebooks runs it) gives the same codebooks.
  TokenCodebooks parts(TokenCodebooksOptions(opts).train_beam(8));
  parts->fit(train, 3, 16, 0, 5);
  parts->fit(train, 3, 16, 5, 8);
  EXPECT_TRUE(torch::equal(parts->codebooks, beam_fit->codebooks));
  // Every prefix is still the shorter code, and each token lowers the error.
  const auto full = beam_fit->encode(test, 8);
  expect_prefixes_with_falling_error(*beam_fit, test, full, 8);
  // Codebooks fitted where the beam encoder goes serve it at least as well as greedy ones.
  for (int64_t m : {4, 8}) {
    const double g = mse(greedy_fit->decode(greedy_fit->encode(test, m)), test);
    const double b = mse(beam_fit->decode(beam_fit->encode(test, m)), test);
    EXPECT_LT(b, g) << m << " tokens";
  }
  EXPECT_THROW(TokenCodebooks(TokenCodebooksOptions(opts).train_beam(0))->fit(train, 3), Error);
}

// Spans (bits_per_value): codebook m covers the first whole tokens of about 8 (m + 1) / b
// values and is zero beyond; codes keep the prefix property, and a short code spends its
// bytes on the leading values, which it then reconstructs better than codebooks spanning
// the whole code. The values here have equal variance (codebooks over the whole code spread
// their bytes over all of them): what a prefix model's short code needs is in the leading
// values whatever the variance of the rest.
TEST(TokenCodebooks, SpansKeepTheLeadingValuesAndThePrefixProperty) {
  torch::manual_seed(13);
  auto train = torch::randn({3000, 32}), test = torch::randn({500, 32});
  const auto opts = TokenCodebooksOptions(8, 32).beam(8).lookahead(2).train_beam(4);
  TokenCodebooks spans(TokenCodebooksOptions(opts).bits_per_value(2).span_unit(4)), whole(opts);
  // 2 bits per value, whole tokens of 4 values: 4 (m + 1) values, at most 32.
  for (int64_t m = 0; m < 8; ++m) EXPECT_EQ(spans->span(m), 4 * (m + 1)) << m;
  EXPECT_EQ(TokenCodebooks(TokenCodebooksOptions(opts).bits_per_value(3).span_unit(4))->span(0), 4);  // 8/3 -> 4
  EXPECT_EQ(TokenCodebooks(TokenCodebooksOptions(opts).bits_per_value(1).span_unit(4))->span(5), 32);  // 48 -> V
  EXPECT_EQ(whole->span(0), 32);
  spans->fit(train, 3);
  whole->fit(train, 3);
  for (int64_t m = 0; m < 7; ++m) {
    const int64_t s = spans->span(m);
    EXPECT_EQ(spans->codebooks[m].narrow(1, s, 32 - s).abs().max().item<float>(), 0.0f) << m;
    EXPECT_GT(spans->codebooks[m].narrow(1, 0, s).abs().max().item<float>(), 0.0f) << m;
  }
  const auto full = spans->encode(test, 8);
  expect_prefixes_with_falling_error(*spans, test, full, 8);
  for (int64_t m : {1, 2, 4}) {
    const int64_t s = spans->span(m - 1);
    auto lead = [&](TokenCodebooksImpl& cb) {
      return mse(cb.decode(cb.encode(test, m)).narrow(1, 0, s), test.narrow(1, 0, s));
    };
    const double a = lead(*spans), b = lead(*whole);
    EXPECT_LT(a, 0.9 * b) << m << " tokens, error on the first " << s << " values: spans " << a << " vs whole " << b;
  }
  EXPECT_THROW(TokenCodebooks(TokenCodebooksOptions(4, 16).mode("per_token").bits_per_value(2)), Error);
  EXPECT_THROW(TokenCodebooks(TokenCodebooksOptions(4, 16).bits_per_value(-1)), Error);
}
