// ARC and nn blocks: prefix property (MoS on), KV cache == full recomputation, gradients
// through the cache, input checks; losses on cases with known answers.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/model/arc.h"
#include "arfc/model/model_config.h"
#include "arfc/nn/attention.h"
#include "arfc/nn/blas_threads.h"
#include "arfc/nn/mlp.h"
#include "arfc/nn/pca.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/nn/transformer.h"
#include "arfc/train/losses.h"
#include "arfc/train/task_head.h"

using namespace arfc;

namespace {

ArcOptions tiny(int64_t D = 24) {
  return ArcOptions(D).token_width(4).max_tokens(6).d_model(32).num_heads(4).context_chunks(4).solutions(2).decoder_hidden(32);
}

class Seeded : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(7); }
};

}  // namespace

// parameter_count(options) sizes untrusted model configs before anything is built: it must
// equal the built module's count for every kind of sub-module the options switch on.
TEST(ParameterCount, EqualsTheBuiltModule) {
  auto numel = [](const torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
  };
  std::vector<ArcOptions> variants = {
      tiny(),
      tiny().solutions(1),
      tiny().solutions(3).context_layers(0).generator_layers(3).mlp_ratio(1.5),
      tiny(25).context_chunks(7).linear_base(true).decoder_layers(0),
      tiny().input_dim_b(17).linear_base(true).discrete_tokens(5).decoder_layers(2),
      tiny().input_dim_b(17).linear_base(true).base_hidden(9),
      tiny().discrete_tokens(6).discrete_mode("per_token").value_level(true),
  };
  for (size_t i = 0; i < variants.size(); ++i) {
    Arc arc(variants[i]);
    EXPECT_EQ(ArcImpl::parameter_count(variants[i]), numel(*arc)) << "variant " << i;
  }
  MlpOptions mlp = MlpOptions(5, 7, 3).hidden_layers(2).layer_norm(true);
  EXPECT_EQ(MlpImpl::parameter_count(mlp), numel(*Mlp(mlp)));
  MultiheadAttentionOptions mha = MultiheadAttentionOptions(8, 2).kv_dim(5).bias(false);
  EXPECT_EQ(MultiheadAttentionImpl::parameter_count(mha), numel(*MultiheadAttention(mha)));
}

TEST_F(Seeded, AttentionStepEqualsCausalForward) {
  MultiheadAttention mha(MultiheadAttentionOptions(16, 4));
  auto x = torch::randn({3, 5, 16});
  auto full = mha(x, x, causal_mask(5));
  KVCache cache;
  for (int64_t t = 0; t < 5; ++t) {
    auto y = mha->forward_step(x.narrow(1, t, 1), cache);
    EXPECT_TRUE(torch::allclose(y.squeeze(1), full.select(1, t), 1e-5, 1e-6)) << "position " << t;
  }
  EXPECT_EQ(cache.length(), 5);
}

TEST_F(Seeded, TransformerBlockStepEqualsForward) {
  TransformerBlock blk(TransformerBlockOptions(16, 2).cross_attention(true));
  auto x = torch::randn({2, 4, 16});
  auto ctx = torch::randn({2, 3, 16});
  auto full = blk(x, causal_mask(4), ctx);
  BlockCache cache;
  blk->prepare_context(ctx, cache);
  for (int64_t t = 0; t < 4; ++t)
    EXPECT_TRUE(torch::allclose(blk->forward_step(x.narrow(1, t, 1), cache).squeeze(1), full.select(1, t), 1e-5, 1e-6));
}

class ArcVariants : public ::testing::TestWithParam<std::tuple<int64_t, std::string, std::string>> {};

TEST_P(ArcVariants, PrefixPropertyAndCacheEqualsRecompute) {
  torch::manual_seed(3);
  auto [S, ctx_mode, feedback] = GetParam();
  Arc arc(tiny().solutions(S).mos_context(ctx_mode).mos_feedback(feedback));
  arc->eval();
  torch::NoGradGuard ng;
  auto x = torch::randn({5, 24}) * 3;
  auto full = arc->encode(x, 24);
  ASSERT_EQ(full.sizes(), (std::vector<int64_t>{5, 24}));
  for (int64_t k = 1; k <= 6; ++k) {
    auto part = arc->encode(x, 4 * k);
    // The first k steps run the same operations on the same inputs: exact equality.
    EXPECT_TRUE(torch::equal(part, full.narrow(1, 0, 4 * k))) << "k=" << k;
  }
  // Tolerance: the cached path attends over concatenated keys, the reference over a masked
  // full sequence; the sums differ only by float32 rounding.
  auto cached = arc->generate(x, 6);
  auto ref = arc->generate_uncached(x, 6);
  EXPECT_TRUE(torch::allclose(cached, ref, 1e-4, 1e-5)) << (cached - ref).abs().max().item<float>();
  EXPECT_LE(full.abs().max().item<double>(), 3.0);  // token bound
  // Without autograd the self-attention cache is preallocated storage; with it the cache
  // grows by concatenation (so training can backpropagate through it): same tokens.
  torch::Tensor grown;
  {
    torch::AutoGradMode on(true);
    grown = arc->generate(x, 6).detach();
  }
  EXPECT_TRUE(torch::allclose(cached, grown, 1e-5, 1e-6)) << (cached - grown).abs().max().item<float>();
}

// A reserved cache stays correct when autograd is switched on part-way (that step and the
// rest of the sequence concatenate) and equals an unreserved cache.
TEST_F(Seeded, ReservedCacheSurvivesAutogradSwitchedOnMidSequence) {
  MultiheadAttention mha(MultiheadAttentionOptions(16, 2));
  auto xs = torch::randn({5, 4, 1, 16});
  KVCache grown, reserved;
  reserved.reserve(5);
  for (int64_t t = 0; t < 5; ++t) {
    torch::Tensor a, b;
    {
      torch::NoGradGuard ng;
      a = mha->forward_step(xs[t], grown);
    }
    {
      torch::AutoGradMode mode(t == 2);  // autograd on at step 2 only
      b = mha->forward_step(xs[t], reserved).detach();
    }
    EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-6)) << "step " << t;
  }
  EXPECT_EQ(reserved.length(), 5);
}

// Row blocks (nn/tensor_util.h): every row once, in blocks aligned to the block size, with
// autograd off in the workers; an error in one block reaches the caller; the caller's
// thread setting survives.
TEST(RowBlocks, EveryRowOnceAndErrorsReachTheCaller) {
  set_threads(2);
  std::vector<std::atomic<int>> seen(1000);
  std::atomic<bool> grad_seen{false};
  for_each_row_block(1000, 64, torch::kCPU, [&](int64_t b, int64_t e) {
    if (b % 64 != 0 || e - b > 64 || (e - b < 64 && e != 1000)) ADD_FAILURE() << "block [" << b << ", " << e << ")";
    if (torch::GradMode::is_enabled()) grad_seen = true;
    for (int64_t i = b; i < e; ++i) ++seen[size_t(i)];
  });
  EXPECT_FALSE(grad_seen);
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << "row " << i;
  EXPECT_THROW(for_each_row_block(1000, 64, torch::kCPU,
                                  [](int64_t b, int64_t) { ARFC_CHECK(b != 320, "block at row 320 failed"); }),
               Error);
  EXPECT_EQ(at::get_num_threads(), 2);
  int64_t calls = 0;
  for_each_row_block(0, 64, torch::kCPU, [&](int64_t, int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

// Row blocks hold OpenBLAS at one thread (codes must not depend on the caller's BLAS
// threads). The setting is process-wide: when two host threads encode at once, the first to
// finish must not restore the caller's setting under the second (A enters, B enters, A
// leaves, B checks, B leaves), and the setting is restored once both have left.
TEST(RowBlocks, HoldOpenBlasAtOneThreadWhileAnyCallerRuns) {
  if (blas_threads() == 0) GTEST_SKIP() << "the BLAS is not OpenBLAS";
  set_threads(1);
  set_blas_threads(3);
  if (blas_threads() != 3) GTEST_SKIP() << "this OpenBLAS runs at most " << blas_threads();
  std::atomic<int> stage{0};
  std::atomic<int> in_a{-1};
  std::atomic<int> in_b_after_a{-1};
  auto wait_for = [&](int s) {
    while (stage.load() < s) std::this_thread::yield();
  };
  std::thread a([&] {
    for_each_row_block(1, 1, torch::kCPU, [&](int64_t, int64_t) {
      stage = 1;
      wait_for(2);
      in_a = blas_threads();
    });
    stage = 3;
  });
  std::thread b([&] {
    wait_for(1);
    for_each_row_block(1, 1, torch::kCPU, [&](int64_t, int64_t) {
      stage = 2;
      wait_for(3);
      in_b_after_a = blas_threads();
    });
  });
  a.join();
  b.join();
  EXPECT_EQ(in_a.load(), 1);
  EXPECT_EQ(in_b_after_a.load(), 1) << "the first caller to leave restored OpenBLAS's threads under the second";
  EXPECT_EQ(blas_threads(), 3) << "the caller's setting was not restored";
  set_threads(1);
}

INSTANTIATE_TEST_SUITE_P(Mos, ArcVariants,
                         ::testing::Values(std::make_tuple(int64_t(1), std::string("film"), std::string("fused")),
                                           std::make_tuple(int64_t(2), std::string("film"), std::string("fused")),
                                           std::make_tuple(int64_t(3), std::string("shared"), std::string("own"))));

TEST_F(Seeded, GradientsFlowThroughTheCachedUnroll) {
  Arc arc(tiny());
  arc->train();
  auto x = torch::randn({4, 24});
  auto codes = arc->encode(x, 24);
  codes.narrow(1, 20, 4).pow(2).sum().backward();  // last token only: reaches early steps via the cache
  int64_t with_grad = 0, total = 0;
  for (const auto& p : arc->named_parameters()) {
    if (p.key().rfind("decoder", 0) == 0) continue;
    ++total;
    if (p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0) ++with_grad;
  }
  EXPECT_EQ(with_grad, total);
}

// With the transformer's head zeroed, a PCA-initialised linear base must emit exactly the
// PCA coefficients of the normalised rows, and codes stay nested.
TEST_F(Seeded, LinearBaseStartsAtPcaAndKeepsPrefixes) {
  Arc arc(tiny().linear_base(true));
  auto x = torch::randn({300, 24}).mm(torch::randn({24, 24})) + 2.0;
  arc->init_linear_base({x});
  torch::NoGradGuard ng;
  for (auto& p : arc->named_parameters())
    if (p.key().rfind("head.", 0) == 0) p.value().zero_();
  arc->eval();
  PcaBasis pca = fit_pca(ArcImpl::normalize_rows(x));
  auto want = (ArcImpl::normalize_rows(x).to(torch::kFloat64) - pca.mean).mm(pca.components).to(torch::kFloat32);
  auto got = arc->encode(x, 24);
  EXPECT_TRUE(torch::allclose(got, want, 1e-3, 1e-3)) << (got - want).abs().max().item<float>();
  EXPECT_TRUE(torch::equal(arc->encode(x, 8), got.narrow(1, 0, 8)));

  // Two modalities of one dimension share one PCA (aligned start); other dimensions get
  // their own, zero beyond D.
  Arc two(tiny().input_dim_b(24).linear_base(true).solutions(1));
  auto xb = x + 0.1 * torch::randn({300, 24});
  two->init_linear_base({x, xb});
  for (auto& p : two->named_parameters())
    if (p.key().rfind("head.", 0) == 0) p.value().zero_();
  PcaBasis joint = fit_pca(torch::cat({ArcImpl::normalize_rows(x), ArcImpl::normalize_rows(xb)}, 0));
  auto want_b = (ArcImpl::normalize_rows(xb).to(torch::kFloat64) - joint.mean).mm(joint.components).to(torch::kFloat32);
  EXPECT_TRUE(torch::allclose(two->encode(xb, 24, 1), want_b, 1e-3, 1e-3));
  Arc mixed(tiny().input_dim_b(10).linear_base(true).solutions(1));
  mixed->init_linear_base({x, torch::randn({300, 10})});
  for (auto& p : mixed->named_parameters())
    if (p.key().rfind("head.", 0) == 0) p.value().zero_();
  auto cb = mixed->encode(torch::randn({5, 10}), 24, 1);
  EXPECT_EQ(cb.narrow(1, 10, 14).abs().max().item<float>(), 0.0f);
  EXPECT_THROW(mixed->init_linear_base({x}), Error);  // one modality missing
}

// model.input_norm "set": each modality is divided by the RMS of its training features
// (fit_input_scale), so rows keep their relative norms, and the base starts at the PCA of
// the scaled rows (of both modalities, each by its own scale, when they share D).
TEST_F(Seeded, SetInputNormScalesEachModalityByItsTrainingRms) {
  torch::NoGradGuard ng;
  auto x = (torch::randn({300, 24}).mm(torch::randn({24, 24})) + 2.0) * (1 + 4 * torch::rand({300, 1}));
  Arc arc(tiny().linear_base(true).base_only(true).input_norm("set"));
  EXPECT_TRUE(torch::equal(arc->normalize(x, 0), x));  // scale 1 until fitted
  arc->fit_input_scale({x});
  const double rms = x.to(torch::kFloat64).pow(2).mean().sqrt().item<double>();
  EXPECT_NEAR(arc->named_buffers()["input_scale"][0].item<double>(), rms, 1e-5 * rms);
  EXPECT_TRUE(torch::allclose(arc->normalize(x, 0), x / rms, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(arc->normalize(2 * x, 0), 2 * arc->normalize(x, 0)));  // row norms kept
  arc->init_linear_base({x});
  arc->eval();
  PcaBasis pca = fit_pca(x / rms);
  auto want = ((x / rms).to(torch::kFloat64) - pca.mean).mm(pca.components).to(torch::kFloat32);
  auto got = arc->encode(x, 24);
  EXPECT_TRUE(torch::allclose(got, want, 1e-3, 1e-3)) << (got - want).abs().max().item<float>();

  // Two modalities of one D at scales 1 and 10: one PCA of both, each divided by its own scale.
  Arc two(tiny().input_dim_b(24).linear_base(true).base_only(true).input_norm("set"));
  auto xb = 10 * (x + 0.3 * torch::randn({300, 24}));
  two->fit_input_scale({x, xb});
  auto scale = two->named_buffers()["input_scale"];
  const double rms_b = xb.to(torch::kFloat64).pow(2).mean().sqrt().item<double>();
  EXPECT_NEAR(scale[1].item<double>(), rms_b, 1e-5 * rms_b);
  two->init_linear_base({x, xb});
  two->eval();
  PcaBasis joint = fit_pca(torch::cat({x / rms, xb / rms_b}, 0));
  auto want_b = ((xb / rms_b).to(torch::kFloat64) - joint.mean).mm(joint.components).to(torch::kFloat32);
  EXPECT_TRUE(torch::allclose(two->encode(xb, 24, 1), want_b, 1e-3, 1e-3));

  // "row" (the default) divides each row by its own RMS and fits nothing.
  Arc row(tiny().linear_base(true).base_only(true));
  row->fit_input_scale({x});
  EXPECT_TRUE(row->named_buffers().is_empty() || !row->named_buffers().contains("input_scale"));
  EXPECT_TRUE(torch::allclose(row->normalize(2 * x, 0), row->normalize(x, 0), 1e-5, 1e-5));

  // Features of no scale, a wrong option, the wrong modalities.
  try {
    Arc(tiny().input_norm("set"))->fit_input_scale({torch::zeros({10, 24})});
    ADD_FAILURE() << "accepted all-zero features";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("have RMS 0"), std::string::npos) << e.what();
  }
  auto with_nan = x.clone();
  with_nan[0][0] = NAN;
  EXPECT_THROW(Arc(tiny().input_norm("set"))->fit_input_scale({with_nan}), Error);
  EXPECT_THROW(arc->fit_input_scale({x, x}), Error);
  EXPECT_THROW(Arc(tiny().input_norm("layer")), Error);
  EXPECT_EQ(arc_options_from_json(to_json(tiny().input_norm("set")), "model").input_norm(), "set");
  EXPECT_FALSE(to_json(tiny()).contains("input_norm"));  // files of the default stay as they were
}

// The nonlinear base (model.base_hidden) starts as the PCA base (its MLP's output layer is
// zero) and is trained with the rest: a few steps towards nonlinear targets move it away.
TEST_F(Seeded, NonlinearBaseStartsAtPcaAndLearns) {
  Arc lin(tiny().linear_base(true).base_only(true));
  Arc mlp(tiny().linear_base(true).base_only(true).base_hidden(32));
  auto x = torch::randn({300, 24}).mm(torch::randn({24, 24})) + 2.0;
  lin->init_linear_base({x});
  mlp->init_linear_base({x});
  auto start = mlp->encode(x, 24).detach();
  EXPECT_TRUE(torch::allclose(start, lin->encode(x, 24), 1e-5, 1e-5));
  auto target = torch::tanh(start).detach();  // a nonlinear function of the input
  torch::optim::Adam opt(mlp->parameters(), torch::optim::AdamOptions(1e-2));
  const double before = (start - target).pow(2).mean().item<double>();
  for (int step = 0; step < 50; ++step) {
    opt.zero_grad();
    auto loss = (mlp->encode(x, 24) - target).pow(2).mean();
    loss.backward();
    opt.step();
  }
  const double after = (mlp->encode(x, 24) - target).pow(2).mean().item<double>();
  EXPECT_LT(after, 0.5 * before) << "before " << before << ", after " << after;
  EXPECT_TRUE(torch::equal(mlp->encode(x, 8), mlp->encode(x, 24).narrow(1, 0, 8)));  // prefixes
  // base_code: the base alone, whatever base_only says; the same as the base-only model's code.
  Arc full(tiny().linear_base(true).base_hidden(32));
  full->init_linear_base({x});
  for (const auto& p : mlp->named_parameters()) full->named_parameters()[p.key()].data().copy_(p.value());
  EXPECT_TRUE(torch::equal(full->base_code(x), mlp->encode(x, 24)));
  EXPECT_FALSE(torch::allclose(full->encode(x, 24), full->base_code(x)));  // the transformer corrects it
  EXPECT_THROW(Arc(tiny())->base_code(x), Error);  // no base
  EXPECT_THROW(Arc(tiny().base_hidden(32)), Error);  // the MLP is added to a linear base
  EXPECT_THROW(Arc(tiny().linear_base(true).base_hidden(-1)), Error);
}

// model.base_init: how init_linear_base starts the base. "balanced" keeps PCA's directions
// and caps each value's variance near the mean eigenvalue m (lambda m / (lambda + m));
// "random" leaves the constructed Linear; "zero" starts the code as the nonlinear base.
TEST_F(Seeded, BaseInitOptions) {
  torch::NoGradGuard ng;
  auto x = torch::randn({400, 24}) * torch::logspace(1, -1, 24) + 2.0;  // column scales 10 .. 0.1
  Arc pca(tiny().linear_base(true).base_only(true));
  Arc bal(tiny().linear_base(true).base_only(true).base_init("balanced"));
  pca->init_linear_base({x});
  bal->init_linear_base({x});
  auto var_pca = pca->encode(x, 24).to(torch::kFloat64).var(0), var_bal = bal->encode(x, 24).to(torch::kFloat64).var(0);
  const double m = var_pca.mean().item<double>();  // V = D: the code values' variances are the eigenvalues
  EXPECT_GT(var_pca[0].item<double>(), 4 * m);      // this data has a dominant top direction
  EXPECT_TRUE(torch::allclose(var_bal, var_pca * m / (var_pca + m), 1e-3, 1e-6))
      << var_bal.slice(0, 0, 4) << (var_pca * m / (var_pca + m)).slice(0, 0, 4);
  EXPECT_LT(var_bal.max().item<double>(), m);

  Arc rnd(tiny().linear_base(true).base_only(true).base_init("random"));
  auto before = rnd->encode(x, 24);
  rnd->init_linear_base({x});
  EXPECT_TRUE(torch::equal(before, rnd->encode(x, 24)));  // left as constructed

  Arc zero(tiny().linear_base(true).base_only(true).base_hidden(16).base_init("zero"));
  Arc mlp_only(tiny().linear_base(true).base_only(true).base_hidden(16));
  zero->init_linear_base({x});
  EXPECT_EQ(zero->named_parameters()["base.weight"].abs().max().item<double>(), 0.0);
  EXPECT_GT(zero->encode(x, 24).abs().mean().item<double>(), 1e-3);  // the MLP's output layer is live
  mlp_only->init_linear_base({x});
  EXPECT_EQ(mlp_only->encode(x, 24).sub(pca->encode(x, 24)).abs().max().item<double>(), 0.0);  // default: PCA

  EXPECT_THROW(Arc(tiny().linear_base(true).base_init("whitened")), Error);
  EXPECT_THROW(Arc(tiny().linear_base(true).base_init("zero")), Error);  // needs the nonlinear base
  EXPECT_EQ(arc_options_from_json(to_json(tiny().linear_base(true).base_init("balanced")), "model").base_init(),
            "balanced");
  EXPECT_FALSE(to_json(tiny().linear_base(true)).contains("base_init"));  // files of the default stay as they were
}

TEST_F(Seeded, ValueLevelCodesAndDecoder) {
  Arc arc(tiny().value_level(true));
  torch::NoGradGuard ng;
  arc->eval();
  auto x = torch::randn({3, 24});
  auto c7 = arc->encode(x, 7);
  EXPECT_EQ(c7.size(1), 7);
  EXPECT_TRUE(torch::equal(c7, arc->encode(x, 24).narrow(1, 0, 7)));
  for (int64_t m : {1, 7, 24}) EXPECT_EQ(arc->decode(arc->encode(x, m)).sizes(), (std::vector<int64_t>{3, 24}));
}

TEST_F(Seeded, InputChecksThrowArfcError) {
  Arc arc(tiny());
  torch::NoGradGuard ng;
  EXPECT_THROW(arc->encode(torch::randn({2, 23}), 8), Error);
  EXPECT_THROW(arc->encode(torch::randn({2, 24}), 7), Error);   // not whole tokens
  EXPECT_THROW(arc->encode(torch::randn({2, 24}), 28), Error);  // above max_values
  EXPECT_THROW(arc->encode(torch::randn({2, 24}), 8, 1), Error);  // no second modality
  EXPECT_THROW(arc->decode(torch::randn({2, 25})), Error);
  EXPECT_THROW(Arc(tiny().mos_context("nope")), Error);
}

TEST_F(Seeded, CrossmodalModelHasTwoInputs) {
  Arc arc(tiny().input_dim_b(10));
  torch::NoGradGuard ng;
  EXPECT_EQ(arc->encode(torch::randn({2, 10}), 8, 1).sizes(), (std::vector<int64_t>{2, 8}));
  EXPECT_EQ(arc->decode(torch::randn({2, 8}), 1).sizes(), (std::vector<int64_t>{2, 10}));
}

TEST_F(Seeded, ErgcIsZeroForTheSameGeometryAndPositiveOtherwise) {
  auto f = torch::randn({16, 12});
  EXPECT_NEAR(ergc_loss(f, f, 0.1).item<double>(), 0.0, 1e-6);
  EXPECT_NEAR(ergc_loss(f, 2.5 * f, 0.1).item<double>(), 0.0, 1e-6);  // cosine: scale-free
  EXPECT_GT(ergc_loss(f, torch::randn({16, 4}), 0.1).item<double>(), 0.1);
  auto b = torch::randn({16, 7});
  auto same = ergc_loss_crossmodal(f, b, f.narrow(1, 0, 4), f.narrow(1, 0, 4), 0.1).item<double>();
  auto rnd = ergc_loss_crossmodal(f, b, torch::randn({16, 4}), torch::randn({16, 4}), 0.1).item<double>();
  EXPECT_GT(rnd, same);
}

TEST_F(Seeded, ContrastiveLossesPreferAlignedCodes) {
  auto a = torch::randn({12, 8});
  EXPECT_LT(infonce_loss(a, a, 0.1).item<double>(), 0.05);
  EXPECT_GT(infonce_loss(a, torch::randn({12, 8}), 0.1).item<double>(), 1.0);
  auto y = torch::tensor({0, 0, 1, 1, 2, 2}, torch::kInt64);
  auto centers = torch::randn({3, 8}) * 5;
  auto good = centers.index_select(0, y) + 0.01 * torch::randn({6, 8});
  EXPECT_LT(supcon_loss(good, y, 0.1).item<double>(), supcon_loss(torch::randn({6, 8}), y, 0.1).item<double>());
  auto lone = torch::tensor({0, 1, 2}, torch::kInt64);
  EXPECT_EQ(supcon_loss(torch::randn({3, 8}), lone, 0.1).item<double>(), 0.0);
  auto r = torch::randn({4, 6});
  EXPECT_NEAR(reconstruction_loss(r, r).item<double>(), 0.0, 1e-9);
}

TEST_F(Seeded, PrototypeClassifierIsNested) {
  PrototypeClassifier head(PrototypeClassifierOptions(8, 3));
  auto c = torch::randn({5, 8});
  EXPECT_EQ(head(c.narrow(1, 0, 3)).sizes(), (std::vector<int64_t>{5, 3}));
  auto p = head->prototypes.detach();
  auto expect = 10.0 * torch::nn::functional::normalize(c.narrow(1, 0, 3), torch::nn::functional::NormalizeFuncOptions().dim(1))
                           .matmul(torch::nn::functional::normalize(p.narrow(1, 0, 3), torch::nn::functional::NormalizeFuncOptions().dim(1)).t());
  EXPECT_TRUE(torch::allclose(head(c.narrow(1, 0, 3)), expect, 1e-5, 1e-6));
}
