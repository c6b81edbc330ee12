#include "arfc/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>
#include <random>
#include <sstream>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/nn/module_bytes.h"
#include "arfc/train/losses.h"
#include "arfc/train/task_head.h"

namespace arfc {

double prefix_weight(const std::string& weighting, int64_t values) {
  if (weighting == "length") return double(values);
  if (weighting == "short") return 1.0 / std::sqrt(double(values));
  return 1.0;
}

torch::Tensor prefix_for_loss(const torch::Tensor& codes, int64_t values, int64_t fixed, double scale) {
  if (!codes.defined()) return codes;
  if (fixed <= 0) return codes.narrow(1, 0, values);
  auto shorter = codes.narrow(1, 0, fixed);
  // Forward value unchanged; the gradient reaching `shorter` is multiplied by `scale`.
  shorter = scale > 0 ? scale * shorter + (1.0 - scale) * shorter.detach() : shorter.detach();
  return torch::cat({shorter, codes.narrow(1, fixed, values - fixed)}, 1);
}

namespace {

constexpr char kCkptMagic[8] = {'A', 'R', 'F', 'C', 'C', 'K', 'P', 'T'};

uint64_t mix_seed(uint64_t seed, uint64_t epoch) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ULL + (epoch + 1) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The prefix lengths (in values) of prefix_mode "fixed": each of fixed_tokens in the
// encoder's units (tokens, or values when granularity is 1), counts above the most units
// trained as the most; unsorted, as listed.
std::vector<int64_t> fixed_prefix_values(const TrainOptions& opt, const PrefixEncoderImpl& model) {
  const int64_t g = model.granularity(), units = model.max_values() / g;
  std::vector<int64_t> out;
  for (int64_t t : opt.fixed_tokens) out.push_back(std::min(t, units) * g);
  return out;
}

// Prefix lengths (in values) for one batch, sorted and unique.
std::vector<int64_t> sample_prefixes(std::mt19937_64& rng, const TrainOptions& opt, const PrefixEncoderImpl& model,
                                     double progress) {
  const int64_t g = model.granularity();
  const int64_t units = model.max_values() / g;
  std::vector<int64_t> out;
  if (model.fixed_length() || opt.prefix_mode == "full") {
    out.push_back(model.max_values());
    return out;
  }
  if (opt.prefix_mode == "fixed") {
    out = fixed_prefix_values(opt, model);
  } else {
    int64_t avail = units;
    if (opt.progressive) avail = std::max<int64_t>(1, int64_t(std::ceil(double(units) * std::min(1.0, progress / 0.5))));
    std::gamma_distribution<double> ga(opt.beta_a, 1.0), gb(opt.beta_b, 1.0);
    for (int64_t i = 0; i < opt.prefixes_per_batch; ++i) {
      const double a = ga(rng), b = gb(rng);
      const double u = a + b > 0 ? a / (a + b) : 0.5;
      out.push_back(std::clamp<int64_t>(1 + int64_t(u * double(avail)), 1, avail) * g);
    }
    if (opt.include_full) out.push_back(avail * g);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Batch {
  torch::Tensor x, b, y;  // b: second modality (crossmodal), y: labels
};

struct LossParts {
  torch::Tensor total;
};

class Objective {
 public:
  Objective(Task task, const LossOptions& lo, PrefixEncoderImpl& model, PrototypeClassifier head)
      : task_(task), lo_(lo), model_(model), head_(std::move(head)) {}

  // Loss of one prefix: codes_a [B, m] (and codes_b for crossmodal); `recon` false leaves
  // out the decoder's reconstruction (quantised views of the code).
  torch::Tensor prefix_loss(const Batch& bt, const torch::Tensor& ca, const torch::Tensor& cb, bool recon = true) {
    torch::Tensor loss = torch::zeros({}, ca.options());
    if (lo_.task_weight > 0) {
      switch (task_) {
        case Task::Classification:
          loss = loss + lo_.task_weight * torch::nn::functional::cross_entropy(head_(ca), bt.y);
          break;
        case Task::Retrieval:
          loss = loss + lo_.task_weight * supcon_loss(ca, bt.y, lo_.task_tau);
          break;
        case Task::Crossmodal:
          loss = loss + lo_.task_weight * infonce_loss(ca, cb, lo_.task_tau);
          break;
        case Task::Generic:
          break;
      }
    }
    if (lo_.ergc_weight > 0) {
      loss = loss + lo_.ergc_weight * (task_ == Task::Crossmodal ? ergc_loss_crossmodal(bt.x, bt.b, ca, cb, lo_.ergc_tau)
                                                                 : ergc_loss(bt.x, ca, lo_.ergc_tau));
    }
    if (recon && lo_.recon_weight > 0) {
      auto in_a = lo_.recon_detach ? ca.detach() : ca;
      loss = loss + lo_.recon_weight * reconstruction_loss(model_.decode(in_a, 0), bt.x);
      if (task_ == Task::Crossmodal) {
        auto in_b = lo_.recon_detach ? cb.detach() : cb;
        loss = loss + lo_.recon_weight * reconstruction_loss(model_.decode(in_b, 1), bt.b);
      }
    }
    return loss;
  }

  // codes [B, m] -> codes + u * step, u ~ U(-1/2, 1/2) per entry, step [m] = max |codes| over
  // the batch / quant_noise (no gradient): what a uniform quantiser of that many levels per
  // side does to the values, in expectation, with the gradient of the identity.
  torch::Tensor add_quant_noise(const torch::Tensor& codes) const {
    if (!(lo_.quant_noise > 0) || !model_.is_training()) return codes;
    auto step = (codes.detach().abs().amax(0, /*keepdim=*/true) / lo_.quant_noise);
    return codes + (torch::rand_like(codes) - 0.5) * step;
  }

  // Weighted sum over prefix lengths, the longest encoded once and sliced; with the code
  // view on, plus view->weight times the mean loss of the quantised views of the full code.
  // A prefix's values up to the next shorter length pass back their gradient times
  // `shorter_gradient` (1: all of it, prefix_gradient "all"; else prefix_gradient_scale).
  torch::Tensor batch_loss(const Batch& bt, const std::vector<int64_t>& lengths, const std::string& weighting,
                           double shorter_gradient) {
    const bool viewed = view_on_ && view_ != nullptr;
    const int64_t longest = viewed ? model_.max_values() : lengths.back();
    auto raw_a = model_.encode(bt.x, longest, 0);
    auto ca_full = add_quant_noise(raw_a);
    torch::Tensor raw_b, cb_full;
    if (task_ == Task::Crossmodal) {
      raw_b = model_.encode(bt.b, longest, 1);
      cb_full = add_quant_noise(raw_b);
    }
    double wsum = 0;
    for (int64_t m : lengths) wsum += prefix_weight(weighting, m);
    torch::Tensor total;
    int64_t shorter = 0;  // lengths are sorted
    for (int64_t m : lengths) {
      const double w = prefix_weight(weighting, m) / wsum;
      const int64_t fixed = shorter_gradient < 1.0 ? shorter : 0;
      auto ca = prefix_for_loss(ca_full, m, fixed, shorter_gradient);
      auto cb = prefix_for_loss(cb_full, m, fixed, shorter_gradient);
      shorter = m;
      auto l = w * prefix_loss(bt, ca, cb);
      total = total.defined() ? total + l : l;
    }
    if (viewed) {
      const auto qa = view_->codes(raw_a);
      const auto qb = raw_b.defined() ? view_->codes(raw_b) : std::vector<torch::Tensor>();
      ARFC_ASSERT(!qa.empty() && (qb.empty() || qb.size() == qa.size()), "code view: no codes or unpaired codes");
      const double w = view_->weight / double(qa.size());
      for (size_t i = 0; i < qa.size(); ++i)
        total = total + w * prefix_loss(bt, qa[i], qb.empty() ? torch::Tensor() : qb[i], /*recon=*/false);
    }
    return total;
  }

  // The code view's losses join from the epoch this is called before (set_view(v, true)).
  void set_view(const CodeView* v, bool on) {
    view_ = v;
    view_on_ = on;
  }

  Task task_;
  LossOptions lo_;
  PrefixEncoderImpl& model_;
  PrototypeClassifier head_;
  const CodeView* view_ = nullptr;
  bool view_on_ = false;
};

Batch make_batch(const torch::Tensor& X, const torch::Tensor& B, const torch::Tensor& Y, const torch::Tensor& idx,
                 torch::Device dev) {
  Batch b;
  b.x = X.index_select(0, idx).to(dev);
  if (B.defined()) b.b = B.index_select(0, idx).to(dev);
  if (Y.defined()) b.y = Y.index_select(0, idx).to(dev);
  return b;
}

// Fraction of rows whose nearest neighbour (cosine, self excluded) in `q` vs `db` has the
// same label (retrieval) or is the paired row (crossmodal, labels empty).
double nn_match_rate(const torch::Tensor& q, const torch::Tensor& db, const torch::Tensor& labels, bool exclude_self) {
  namespace F = torch::nn::functional;
  auto sim = torch::matmul(F::normalize(q, F::NormalizeFuncOptions().dim(1)), F::normalize(db, F::NormalizeFuncOptions().dim(1)).t());
  if (exclude_self) sim.fill_diagonal_(-2.0);
  auto nn = sim.argmax(1);
  torch::Tensor ok;
  if (labels.defined())
    ok = labels.index_select(0, nn).eq(labels);
  else
    ok = nn.eq(torch::arange(q.size(0), nn.options()));
  return ok.to(torch::kFloat64).mean().item<double>();
}

struct ValResult {
  double loss = 0, metric_short = 0, metric_full = 0;
};

// The short code validation reports: the shortest fixed prefix when training uses fixed
// prefixes, else one token (one value for value-level encoders); fixed-length encoders
// have only the full code.
int64_t shortest_trained(const PrefixEncoderImpl& model, const TrainOptions& opt) {
  if (model.fixed_length()) return model.max_values();
  if (opt.prefix_mode == "fixed" && !opt.fixed_tokens.empty()) {
    const std::vector<int64_t> fixed = fixed_prefix_values(opt, model);
    return *std::min_element(fixed.begin(), fixed.end());
  }
  return model.granularity();
}

ValResult validate(Objective& obj, PrefixEncoderImpl& model, const torch::Tensor& X, const torch::Tensor& Bm,
                   const torch::Tensor& Y, const std::vector<int64_t>& idx, int64_t batch_size, int64_t shortest,
                   torch::Device dev) {
  ValResult r;
  if (idx.size() < 2) return r;
  torch::NoGradGuard ng;
  const bool was_training = model.is_training();
  model.eval();
  obj.head_->eval();
  const int64_t full = model.max_values();
  std::vector<int64_t> lengths = {shortest};
  if (full != shortest) lengths.push_back(full);
  std::vector<torch::Tensor> codes_a, codes_b;
  double loss_sum = 0;
  int64_t loss_n = 0;
  const int64_t n = int64_t(idx.size());
  auto all_idx = torch::tensor(idx, torch::kInt64);
  for (int64_t s = 0; s < n; s += batch_size) {
    const int64_t e = std::min(n, s + batch_size);
    Batch bt = make_batch(X, Bm, Y, all_idx.slice(0, s, e), dev);
    auto ca = model.encode(bt.x, full, 0);
    torch::Tensor cb;
    if (Bm.defined()) cb = model.encode(bt.b, full, 1);
    codes_a.push_back(ca.cpu());
    if (cb.defined()) codes_b.push_back(cb.cpu());
    if (e - s >= 2) {
      double l = 0;
      for (int64_t m : lengths)
        l += obj.prefix_loss(bt, ca.narrow(1, 0, m), cb.defined() ? cb.narrow(1, 0, m) : cb).item<double>();
      loss_sum += l / double(lengths.size());
      ++loss_n;
    }
  }
  r.loss = loss_n ? loss_sum / double(loss_n) : 0;
  auto A = torch::cat(codes_a, 0);
  auto Bc = codes_b.empty() ? torch::Tensor() : torch::cat(codes_b, 0);
  auto Yv = Y.defined() ? Y.index_select(0, all_idx) : torch::Tensor();
  auto metric = [&](int64_t m) -> double {
    auto a = A.narrow(1, 0, m);
    switch (obj.task_) {
      case Task::Classification: {
        auto logits = obj.head_->forward(a.to(dev)).cpu();
        return logits.argmax(1).eq(Yv).to(torch::kFloat64).mean().item<double>();
      }
      case Task::Retrieval:
        return nn_match_rate(a, a, Yv, true);
      case Task::Crossmodal:
        return nn_match_rate(a, Bc.narrow(1, 0, m), torch::Tensor(), false);
      case Task::Generic: {
        auto xv = X.index_select(0, all_idx);
        double s = 0;
        int64_t k = 0;
        for (int64_t b0 = 0; b0 + 1 < n; b0 += batch_size, ++k)
          s += ergc_loss(xv.slice(0, b0, std::min(n, b0 + batch_size)), a.slice(0, b0, std::min(n, b0 + batch_size)), obj.lo_.ergc_tau).item<double>();
        return k ? s / double(k) : 0;
      }
    }
    return 0;
  };
  r.metric_short = metric(shortest);
  r.metric_full = metric(full);
  if (was_training) {
    model.train();
    obj.head_->train();
  }
  return r;
}

std::string metric_name(Task t) {
  switch (t) {
    case Task::Classification: return "val_acc";
    case Task::Retrieval: return "val_r1";
    case Task::Crossmodal: return "val_xr1";
    case Task::Generic: return "val_ergc";
  }
  return "val";
}

}  // namespace

double scheduled_lr(const TrainOptions& opt, int64_t step, int64_t total) {
  const int64_t warm = int64_t(std::round(opt.warmup_frac * double(total)));
  if (warm > 0 && step < warm) return opt.lr * double(step + 1) / double(warm);
  const double p = total > warm ? double(step - warm) / double(std::max<int64_t>(1, total - warm)) : 1.0;
  const double c = 0.5 * (1 + std::cos(3.14159265358979323846 * std::clamp(p, 0.0, 1.0)));
  return opt.lr * (opt.min_lr_frac + (1 - opt.min_lr_frac) * c);
}

nlohmann::json TrainSummary::to_json() const {
  nlohmann::json j = {{"epochs_run", epochs_run},
                      {"epochs_total", epochs_total},
                      {"train_rows", train_rows},
                      {"val_rows", val_rows},
                      {"final_train_loss", final_train_loss},
                      {"final_val_loss", final_val_loss},
                      {"val_metric", val_metric_name},
                      {"val_metric_short", val_metric_short},
                      {"val_metric_full", val_metric_full},
                      {"seconds", seconds},
                      {"samples_per_s", samples_per_s},
                      {"ranks", ranks}};
  if (view_seconds > 0) j["view_seconds"] = view_seconds;
  return j;
}

std::vector<int64_t> class_ids(const Labels& y) {
  check_class_ids(y, "training labels");
  std::vector<char> seen;
  for (auto c : y) {
    if (c >= int64_t(seen.size())) seen.resize(size_t(c + 1), 0);
    seen[size_t(c)] = 1;
  }
  std::vector<int64_t> ids;
  for (int64_t c = 0; c < int64_t(seen.size()); ++c)
    if (seen[size_t(c)]) ids.push_back(c);
  return ids;
}

RowSplit split_rows(int64_t n, const TrainOptions& opt, int64_t parts) {
  ARFC_CHECK(n >= 4, "training data: need at least 4 rows, got ", n);
  ARFC_CHECK(parts >= 1, "split_rows: parts must be >= 1, got ", parts);
  // Validation split: a fixed permutation from the seed.
  std::vector<int64_t> perm(static_cast<size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  {
    std::mt19937_64 split_rng(mix_seed(opt.seed, 0xFFFFFFFFULL));
    std::shuffle(perm.begin(), perm.end(), split_rng);
  }
  const int64_t n_val = opt.val_frac > 0 ? std::max<int64_t>(2, int64_t(double(n) * opt.val_frac)) : 0;
  RowSplit s;
  s.val.assign(perm.begin(), perm.begin() + std::min(n_val, opt.max_val_rows));
  s.unused.assign(perm.begin() + int64_t(s.val.size()), perm.begin() + n_val);
  s.train_rows = n - n_val;
  ARFC_CHECK(s.train_rows >= 1, "training data: ", n, " rows leave none for training after ", n_val,
             " validation rows. Hint: lower train.val_frac.");
  s.batch_size = std::min(opt.batch_size, s.train_rows);
  s.steps_per_epoch = std::max<int64_t>(1, s.train_rows / s.batch_size);
  const int64_t bs = s.batch_size;
  ARFC_CHECK(bs / parts >= 2, "training: a batch of ", bs, " rows split into ", parts, " micro-batches (ranks x "
             "train.micro_batches) leaves fewer than 2 rows per part. Hint: raise train.batch_size or use fewer "
             "ranks / micro-batches.");
  // Position i of the training permutation goes to the part that position i mod bs of a
  // batch belongs to: block p holds steps_per_epoch x (its part's size) rows and more.
  s.blocks.assign(size_t(parts), {});
  std::vector<int64_t> block_of(static_cast<size_t>(bs));
  for (int64_t p = 0; p < parts; ++p)
    for (int64_t j = p * bs / parts; j < (p + 1) * bs / parts; ++j) block_of[size_t(j)] = p;
  for (int64_t i = 0; i < s.train_rows; ++i)
    s.blocks[size_t(block_of[size_t(i % bs)])].push_back(perm[size_t(n_val + i)]);
  return s;
}

std::vector<int64_t> rank_rows(const RowSplit& s, int64_t rank, int64_t micro_batches) {
  ARFC_CHECK(micro_batches >= 1 && rank >= 0 && (rank + 1) * micro_batches <= int64_t(s.blocks.size()),
             "rank_rows: rank ", rank, " with ", micro_batches, " micro-batches of a split into ", s.blocks.size(),
             " parts");
  std::vector<int64_t> rows = s.val;
  for (int64_t p = rank * micro_batches; p < (rank + 1) * micro_batches; ++p)
    rows.insert(rows.end(), s.blocks[size_t(p)].begin(), s.blocks[size_t(p)].end());
  std::sort(rows.begin(), rows.end());
  return rows;
}

TrainSummary train_prefix_encoder(const std::shared_ptr<PrefixEncoderImpl>& model_ptr, const FeatureSet& fs,
                                  const TrainOptions& opt, const LossOptions& lo, const std::string& checkpoint_path,
                                  bool resume, const nlohmann::json& checkpoint_meta,
                                  const std::shared_ptr<ProcessGroup>& group, const CodeView* view,
                                  const RowShard* shard) {
  ARFC_ASSERT(model_ptr, "train_prefix_encoder: null model");
  ARFC_CHECK(view == nullptr || (view->epochs >= 0 && view->epochs <= opt.epochs && view->codes),
             "train_prefix_encoder: a code view needs 0 <= epochs <= ", opt.epochs, " and a codes function");
  PrefixEncoderImpl& model = *model_ptr;
  const torch::Device dev = parse_device(opt.device);
  const Task task = fs.task;
  const int64_t held = fs.train_x.n, n = shard ? shard->total_rows : held;
  ARFC_CHECK(n >= 4, "training data: need at least 4 rows, got ", n);
  ARFC_CHECK(!shard || int64_t(shard->rows.size()) == held, "training data: a shard of ",
             shard ? shard->rows.size() : 0, " row numbers holds ", held, " rows");
  ARFC_CHECK(fs.train_x.d == model.input_dim(), "training data: features have dimension ", fs.train_x.d,
             " but the model expects ", model.input_dim(), ". Hint: build the model for this input dimension.");
  // Views of fs's rows (read only, by index_select): the rows are not held twice.
  torch::Tensor X = tensor_view(fs.train_x), Bm, Y;
  int64_t num_classes = 0;
  if (task == Task::Classification || task == Task::Retrieval) {
    ARFC_CHECK(int64_t(fs.train_y.size()) == held, "training labels: expected ", held, " labels (one per row), got ",
               fs.train_y.size(), ". Hint: pass --labels for task ", task_name(task), ".");
    // Classes are numbered by their place among the ids present (every rank numbers them
    // alike, from all N labels), so one stray large id does not size the class head.
    const std::vector<int64_t> ids = shard ? shard->classes : class_ids(fs.train_y);
    num_classes = int64_t(ids.size());
    Labels dense(fs.train_y.size());
    for (size_t i = 0; i < dense.size(); ++i) {
      const auto it = std::lower_bound(ids.begin(), ids.end(), fs.train_y[i]);
      ARFC_CHECK(it != ids.end() && *it == fs.train_y[i], "training labels: class ", fs.train_y[i],
                 " is not among the classes of all rows");
      dense[i] = int64_t(it - ids.begin());
    }
    Y = to_tensor(dense);
  }
  if (task == Task::Crossmodal) {
    ARFC_CHECK(fs.train_b.n == held, "crossmodal training data: second modality has ", fs.train_b.n,
               " rows, expected ", held, ". Hint: pass --pair with one row per row of --train.");
    Bm = tensor_view(fs.train_b);
  }

  // Data parallelism and micro-batches (train/distributed.h): this rank's parts of each
  // batch, each filled from its own block of rows (split_rows).
  const int64_t world = group ? group->world_size() : 1, rank = group ? group->rank() : 0;
  const int64_t parts = world * opt.micro_batches;
  RowSplit split = split_rows(n, opt, parts);
  const int64_t bs = split.batch_size, steps_per_epoch = split.steps_per_epoch;
  // Row numbers -> rows of fs (the identity unless fs holds a shard).
  auto to_local = [&](std::vector<int64_t>& ids) {
    if (!shard) return;
    for (int64_t& i : ids) {
      const auto it = std::lower_bound(shard->rows.begin(), shard->rows.end(), i);
      ARFC_CHECK(it != shard->rows.end() && *it == i, "training data: this rank needs row ", i,
                 ", which its shard does not hold. Hint: read the rows rank_rows() names.");
      i = int64_t(it - shard->rows.begin());
    }
  };
  const std::vector<int64_t> val_idx = [&] {
    std::vector<int64_t> v = split.val;
    to_local(v);
    return v;
  }();
  const int64_t n_train = split.train_rows;
  for (int64_t p = rank * opt.micro_batches; p < (rank + 1) * opt.micro_batches; ++p) to_local(split.blocks[size_t(p)]);
  const bool writes_checkpoint = !checkpoint_path.empty() && rank == 0;
  const int64_t total_steps = steps_per_epoch * opt.epochs;

  PrototypeClassifier head(PrototypeClassifierOptions(model.max_values(), std::max<int64_t>(1, num_classes)).scale(lo.proto_scale));
  head->to(dev);
  Objective obj(task, lo, model, head);
  // What a prefix's loss passes back to the next shorter prefix's values (TrainOptions).
  const double shorter_gradient = opt.prefix_gradient == "new" ? opt.prefix_gradient_scale : 1.0;
  // One parameter group, or two when the base learns at its own rate (base_lr_scale).
  std::vector<torch::Tensor> params, base_params;
  for (const auto& item : model.named_parameters()) {
    const bool is_base = opt.base_lr_scale != 1.0 && item.key().rfind("base", 0) == 0;
    (is_base ? base_params : params).push_back(item.value());
  }
  if (task == Task::Classification)
    for (auto& p : head->parameters()) params.push_back(p);
  std::vector<torch::optim::OptimizerParamGroup> groups{torch::optim::OptimizerParamGroup(params)};
  std::vector<double> group_lr_scale{1.0};
  if (!base_params.empty()) {
    groups.emplace_back(base_params);
    group_lr_scale.push_back(opt.base_lr_scale);
  }
  torch::optim::AdamW optim(groups, torch::optim::AdamWOptions(opt.lr).weight_decay(opt.weight_decay));

  int64_t start_epoch = 0;
  if (resume && !checkpoint_path.empty()) {
    if (!std::filesystem::exists(checkpoint_path)) {
      log_warn("no checkpoint at " + checkpoint_path + "; starting from scratch");
    } else {
      ContainerFile c = read_container(checkpoint_path, kCkptMagic, 1, "training checkpoint");
      ARFC_CHECK(c.header.value("meta", nlohmann::json()) == checkpoint_meta, "training checkpoint '",
                 checkpoint_path, "' was written for a different configuration or data. Hint: delete it or "
                 "run without --resume.");
      const nlohmann::json epoch = c.header.value("epoch", nlohmann::json());
      ARFC_CHECK(epoch.is_number_integer() && epoch.get<int64_t>() >= 0 && epoch.get<int64_t>() <= opt.epochs,
                 "training checkpoint '", checkpoint_path, "': expected an 'epoch' from 0 to ", opt.epochs,
                 ", got ", epoch.dump(), ". Hint: the file is damaged; delete it or run without --resume.");
      // Libtorch's archive reader throws its own and standard exceptions on damaged bytes.
      const std::string what = "training checkpoint '" + checkpoint_path + "'";
      auto read_part = [&](const std::function<void()>& read) {
        try {
          read();
        } catch (const c10::Error& e) {
          ARFC_THROW(what, ": its weights cannot be read (", std::string(e.what_without_backtrace()).substr(0, 300),
                     "). Hint: the file is damaged; delete it or run without --resume.");
        } catch (const std::exception& e) {
          ARFC_THROW(what, ": its weights cannot be read (", std::string(e.what()).substr(0, 300),
                     "). Hint: the file is damaged; delete it or run without --resume.");
        }
      };
      torch::serialize::InputArchive root, am, ah, ao;
      read_part([&] {
        std::istringstream is(c.blob);
        root.load_from(is, dev);
        root.read("model", am);
        root.read("head", ah);
        root.read("optim", ao);
        model.load(am);
        head->load(ah);
      });
      // Weights read from a valid archive may still be NaN or infinite (a damaged or edited
      // file): training would only turn them into a NaN loss later. Checked before the
      // optimiser's state is read.
      check_module_finite(model, what);
      check_module_finite(*head, what);
      read_part([&] { optim.load(ao); });
      start_epoch = epoch.get<int64_t>();
      log_info("resumed from " + checkpoint_path + " after epoch " + std::to_string(start_epoch));
    }
  }

  if (world > 1) {
    // Every rank must start from the same epoch (a checkpoint missing on one machine would
    // make the ranks diverge): equal iff (sum e)^2 == world * sum e^2.
    const double e = double(start_epoch);
    std::vector<torch::Tensor> t = {torch::tensor({e, e * e}, torch::kFloat64)};
    group->all_reduce_sum(t);
    const double s1 = t[0][0].item<double>(), s2 = t[0][1].item<double>();
    ARFC_CHECK(s1 * s1 == double(world) * s2, "distributed: the ranks resume from different epochs (this rank: ",
               start_epoch, ", mean over ranks: ", s1 / double(world), "). Hint: every rank needs the same checkpoint "
               "file OUT.ckpt (a shared path or a copy from rank 0), or start all without --resume.");
  }

  TrainSummary sum;
  sum.epochs_total = opt.epochs;
  sum.train_rows = n_train;
  sum.val_rows = int64_t(val_idx.size());
  sum.val_metric_name = metric_name(task);
  log_info("training " + task_name(task) + ": " + std::to_string(n_train) + " rows, " +
           std::to_string(val_idx.size()) + " validation rows, " + std::to_string(steps_per_epoch) +
           " steps/epoch, " + std::to_string(opt.epochs) + " epochs, device " + dev.str() +
           (world > 1 ? ", rank " + std::to_string(rank) + " of " + std::to_string(world) : std::string()));
  Progress prog("train", (opt.epochs - start_epoch) * steps_per_epoch);
  int64_t done = 0;
  model.train();
  head->train();
  for (int64_t epoch = start_epoch; epoch < opt.epochs; ++epoch) {
    if (view != nullptr && view->epochs > 0 && epoch >= opt.epochs - view->epochs && !obj.view_on_) {
      // The view starts from the network as it is before its first epoch; a run resumed
      // after that epoch has what `start` set in the model's state from its checkpoint.
      if (epoch == opt.epochs - view->epochs && view->start) {
        // The view's fit is not training: kept out of the rate, the ETA and sum.seconds.
        const auto t0 = std::chrono::steady_clock::now();
        model.eval();
        view->start();
        model.train();
        sum.view_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        prog.exclude(sum.view_seconds);
      }
      obj.set_view(view, true);
      log_info("epochs " + std::to_string(epoch + 1) + "-" + std::to_string(opt.epochs) +
               " also train on the quantised codes (straight-through)");
    }
    const uint64_t es = mix_seed(opt.seed, uint64_t(epoch));
    std::mt19937_64 rng(es);
    torch::manual_seed(es);
    // Every block is shuffled on every rank (the generator stays in step across ranks); a
    // rank reads only its own.
    std::vector<std::vector<int64_t>> order = split.blocks;
    for (auto& block : order) std::shuffle(block.begin(), block.end(), rng);
    double loss_acc = 0, lv_last = 0;
    for (int64_t s = 0; s < steps_per_epoch; ++s) {
      const int64_t global_step = epoch * steps_per_epoch + s;
      const double lr = scheduled_lr(opt, global_step, total_steps);
      for (size_t g = 0; g < optim.param_groups().size(); ++g)
        static_cast<torch::optim::AdamWOptions&>(optim.param_groups()[g].options()).lr(lr * group_lr_scale[g]);
      auto lengths = sample_prefixes(rng, opt, model, double(global_step) / double(total_steps));
      optim.zero_grad();
      double lv = 0;
      for (int64_t m = 0; m < opt.micro_batches; ++m) {
        const int64_t part = rank * opt.micro_batches + m;
        const int64_t b0 = part * bs / parts, b1 = (part + 1) * bs / parts;
        auto idx = torch::from_blob(order[size_t(part)].data() + s * (b1 - b0), {b1 - b0}, torch::kInt64).clone();
        Batch bt = make_batch(X, Bm, Y, idx, dev);
        auto loss = obj.batch_loss(bt, lengths, opt.prefix_weighting, shorter_gradient);
        if (parts > 1) loss = loss * (double(b1 - b0) / double(bs));
        loss.backward();
        lv += loss.item<double>();
      }
      if (world > 1) {
        // Sum the ranks' gradients (and losses, for the log) before the shared step.
        std::vector<torch::Tensor> grads;
        for (auto& p : params)
          if (p.grad().defined()) grads.push_back(p.grad());
        grads.push_back(torch::full({1}, lv, torch::kFloat32));
        group->all_reduce_sum(grads);
        lv = grads.back().item<double>();
      }
      if (opt.clip_norm > 0) torch::nn::utils::clip_grad_norm_(params, opt.clip_norm);
      optim.step();
      ARFC_CHECK(std::isfinite(lv), "training diverged at epoch ", epoch + 1, " step ", s + 1, " (loss ", lv,
                 "). Hint: lower train.lr or raise train.warmup_frac.");
      loss_acc += lv;
      lv_last = lv;
      ++done;
      char extra[160];
      std::snprintf(extra, sizeof extra, "epoch %lld/%lld loss %.4f lr %.2e %.0f samples/s", (long long)(epoch + 1),
                    (long long)opt.epochs, loss_acc / double(s + 1), lr,
                    double(done * bs) / std::max(1e-9, prog.elapsed_s()));
      prog.update(done, extra);
    }
    sum.final_train_loss = loss_acc / double(steps_per_epoch);
    // A finite loss does not prove finite weights (bounded tokens saturate): checked once
    // per epoch, before a checkpoint could keep them.
    for (const auto* group_params : {&params, &base_params})
      for (const auto& p : *group_params)
        ARFC_CHECK(torch::isfinite(p).all().item<bool>(), "training diverged in epoch ", epoch + 1,
                   ": the model's weights are no longer finite (last loss ", lv_last, "). Hint: lower train.lr or "
                   "raise train.warmup_frac.");
    ValResult v = validate(obj, model, X, Bm, Y, val_idx, bs, shortest_trained(model, opt), dev);
    sum.final_val_loss = v.loss;
    sum.val_metric_short = v.metric_short;
    sum.val_metric_full = v.metric_full;
    ++sum.epochs_run;
    char line[256];
    std::snprintf(line, sizeof line, "epoch %lld/%lld: train loss %.4f, val loss %.4f, %s short %.4f full %.4f",
                  (long long)(epoch + 1), (long long)opt.epochs, sum.final_train_loss, v.loss,
                  sum.val_metric_name.c_str(), v.metric_short, v.metric_full);
    log_info(line);
    if (writes_checkpoint) {
      torch::serialize::OutputArchive root, am, ah, ao;
      model.save(am);
      head->save(ah);
      optim.save(ao);
      root.write("model", am);
      root.write("head", ah);
      root.write("optim", ao);
      std::ostringstream os;
      root.save_to(os);
      nlohmann::json hdr = {{"epoch", epoch + 1}, {"meta", checkpoint_meta}, {"library_version", ARFC_VERSION}};
      write_container(checkpoint_path, kCkptMagic, 1, hdr, os.str());
    }
  }
  sum.seconds = prog.elapsed_s();
  sum.samples_per_s = sum.seconds > 0 ? double(done * bs) / sum.seconds : 0;
  sum.ranks = world;
  model.eval();
  return sum;
}

}  // namespace arfc
