#include "arfc/data/fmnist.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/data/backbone.h"
#include "arfc/data/dual_encoder.h"
#include "arfc/data/reference_metrics.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/json_keys.h"
#include "arfc/nn/tensor_util.h"

namespace arfc {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr int64_t kSide = 28;
constexpr int64_t kClasses = 10;
constexpr int64_t kOpenSetSplit = 5;  // backbone sees classes < 5; retrieval on classes >= 5

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int set_index(const std::string& set) {
  const auto& names = fmnist_set_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == set) return int(i);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  ARFC_THROW("unknown Fashion-MNIST feature set '", set, "'; expected one of: ", list);
}

int resolved_epochs(const std::string& set, const FmnistOptions& opt) {
  ARFC_CHECK(opt.epochs >= 0, "--epochs must be >= 0 (0 = per-set default), got ", opt.epochs);
  return opt.epochs > 0 ? opt.epochs : fmnist_default_epochs(set);
}

json settings(const std::string& set, const FmnistOptions& opt) {
  return json{{"builder_version", kFmnistBuilderVersion},
              {"set", set},
              {"seed", opt.seed},
              {"epochs", set == "pixels" ? 0 : resolved_epochs(set, opt)},
              {"limit", opt.limit}};
}

// [N, 784] in [0,1] -> [N, 1, 28, 28] float32 tensor.
torch::Tensor image_tensor(const Matrix& m) { return to_tensor(m).view({m.n, 1, kSide, kSide}); }

Labels tensor_labels(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU, torch::kInt64).contiguous();
  return Labels(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// Row indices whose label satisfies pred.
template <typename Pred>
torch::Tensor rows_where(const Labels& y, Pred pred) {
  std::vector<int64_t> idx;
  for (size_t i = 0; i < y.size(); ++i)
    if (pred(y[i])) idx.push_back(int64_t(i));
  return torch::tensor(idx, torch::kInt64);
}

json round4(double v) { return std::round(v * 1e4) / 1e4; }

json base_meta(const std::string& set, const FmnistOptions& opt, const FmnistData& d) {
  return json{{"format", "arfc-featureset"},
              {"version", 1},
              {"name", set},
              {"source", {{"dataset", "Fashion-MNIST (Zalando)"},
                          {"dir", opt.source_dir},
                          {"train_images_used", d.train_images.n},
                          {"test_images_used", d.test_images.n}}},
              {"settings", settings(set, opt)},
              {"threads", torch::get_num_threads()},
              {"device", opt.device},
              {"arfc_version", ARFC_VERSION}};
}

BackboneTrainOptions train_options(const std::string& set, const FmnistOptions& opt, torch::Device dev) {
  BackboneTrainOptions t;
  t.epochs = resolved_epochs(set, opt);
  t.seed = opt.seed * 1315423911ULL + uint64_t(set_index(set));
  t.device = dev;
  t.what = set + " backbone";
  if (set == "twoview") {
    t.batch_size = 256;  // more in-batch negatives for InfoNCE
    t.lr = 2e-3;
  }
  return t;
}

json backbone_meta(const std::string& arch, int64_t params, const BackboneTrainOptions& t, const TrainStats& st) {
  return json{{"arch", arch},
              {"parameters", params},
              {"epochs", t.epochs},
              {"batch_size", t.batch_size},
              {"optimizer", "AdamW"},
              {"lr", t.lr},
              {"weight_decay", t.weight_decay},
              {"schedule", "linear warm-up (5% of steps) then cosine to 0"},
              {"steps", st.steps},
              {"final_epoch_loss", round4(st.final_loss)}};
}

const char* kCnnArch =
    "conv3x3(16)-bn-relu, maxpool2, conv3x3(32)-bn-relu, maxpool2, conv3x3(64)-bn-relu, "
    "linear(256)-bn-relu [features], linear(classes)";

FeatureSet build_pixels(const FmnistData& d, const FmnistOptions& opt) {
  FeatureSet fs;
  fs.task = Task::Classification;
  fs.train_x = idx_images_to_matrix(d.train_images);
  fs.test_x = idx_images_to_matrix(d.test_images);
  fs.train_y = d.train_labels;
  fs.test_y = d.test_labels;
  json meta = base_meta("pixels", opt, d);
  meta["split"] = "Fashion-MNIST train split -> train_x/train_y, test split -> test_x/test_y; "
                  "784 = 28x28 pixels row-major, value/255.";
  meta["reference"] = json::object();
  fs.meta_json = meta.dump();
  return fs;
}

FeatureSet build_cls(const FmnistData& d, const FmnistOptions& opt, torch::Device dev) {
  auto xtr = image_tensor(idx_images_to_matrix(d.train_images));
  auto xte = image_tensor(idx_images_to_matrix(d.test_images));
  auto ytr = to_tensor(d.train_labels), yte = to_tensor(d.test_labels);
  CnnBackbone net(CnnBackboneOptions().num_classes(kClasses));
  auto t = train_options("cls", opt, dev);
  auto st = train_classifier(net, xtr, ytr, t);
  auto t0 = std::chrono::steady_clock::now();
  torch::Tensor ltr, lte;
  auto ftr = extract_features(net, xtr, dev, 1000, &ltr);
  auto fte = extract_features(net, xte, dev, 1000, &lte);
  const double acc_test = top1_accuracy(lte, yte), acc_train = top1_accuracy(ltr, ytr);
  log_info("cls backbone: test accuracy " + std::to_string(acc_test) + ", train accuracy " + std::to_string(acc_train));

  FeatureSet fs;
  fs.task = Task::Classification;
  fs.train_x = to_matrix(ftr);
  fs.test_x = to_matrix(fte);
  fs.train_y = d.train_labels;
  fs.test_y = d.test_labels;
  json meta = base_meta("cls", opt, d);
  meta["split"] = "Backbone trained on the train split (all 10 classes); train_x = its features of the "
                  "train split, test_x = features of the test split.";
  meta["backbone"] = backbone_meta(kCnnArch, net->num_parameters(), t, st);
  meta["reference"] = {{"backbone_test_accuracy", round4(acc_test)}, {"backbone_train_accuracy", round4(acc_train)}};
  meta["timing_s"] = {{"train", round4(st.seconds)}, {"features", round4(seconds_since(t0))}};
  fs.meta_json = meta.dump();
  return fs;
}

FeatureSet build_openset(const FmnistData& d, const FmnistOptions& opt, torch::Device dev) {
  auto seen_tr = rows_where(d.train_labels, [](int64_t y) { return y < kOpenSetSplit; });
  auto seen_te = rows_where(d.test_labels, [](int64_t y) { return y < kOpenSetSplit; });
  auto unseen_te = rows_where(d.test_labels, [](int64_t y) { return y >= kOpenSetSplit; });
  auto all_tr = image_tensor(idx_images_to_matrix(d.train_images));
  auto all_te = image_tensor(idx_images_to_matrix(d.test_images));
  auto ytr_all = to_tensor(d.train_labels), yte_all = to_tensor(d.test_labels);
  auto xtr = all_tr.index_select(0, seen_tr), ytr = ytr_all.index_select(0, seen_tr);
  auto xte = all_te.index_select(0, unseen_te), yte = yte_all.index_select(0, unseen_te);
  auto xte_seen = all_te.index_select(0, seen_te), yte_seen = yte_all.index_select(0, seen_te);

  CnnBackbone net(CnnBackboneOptions().num_classes(kOpenSetSplit));
  auto t = train_options("openset", opt, dev);
  auto st = train_classifier(net, xtr, ytr, t);
  auto t0 = std::chrono::steady_clock::now();
  auto ftr = extract_features(net, xtr, dev);
  auto fte = extract_features(net, xte, dev);
  torch::Tensor lseen;
  extract_features(net, xte_seen, dev, 1000, &lseen);
  const double acc_seen = seen_te.numel() > 0 ? top1_accuracy(lseen, yte_seen) : 0.0;
  const std::vector<int64_t> ks = {1, 2, 4, 8};
  auto rec = recall_at_k_labels(fte, yte, ks);
  json recall = json::object();
  for (size_t i = 0; i < ks.size(); ++i) recall["R@" + std::to_string(ks[i])] = round4(rec[i]);
  log_info("openset: closed-set accuracy on test classes 0-4 " + std::to_string(acc_seen) +
           ", open-set R@1 on test classes 5-9 " + std::to_string(rec[0]));

  FeatureSet fs;
  fs.task = Task::Retrieval;
  fs.train_x = to_matrix(ftr);
  fs.test_x = to_matrix(fte);
  fs.train_y = tensor_labels(ytr);
  fs.test_y = tensor_labels(yte);
  json meta = base_meta("openset", opt, d);
  meta["split"] = "Backbone trained on train-split classes 0-4 only. train_x/train_y = features of the "
                  "train-split items of classes 0-4 (for training compressors); test_x/test_y = features "
                  "of the TEST-split items of classes 5-9 (never seen by the backbone), for open-set "
                  "retrieval: each test item queries all other test items by cosine.";
  meta["train_classes"] = {0, 1, 2, 3, 4};
  meta["test_classes"] = {5, 6, 7, 8, 9};
  meta["backbone"] = backbone_meta(kCnnArch, net->num_parameters(), t, st);
  meta["reference"] = {{"recall", recall},
                       {"recall_protocol", "cosine, each test item vs all other test items, hit if any of the k nearest shares its label"},
                       {"backbone_closed_set_test_accuracy_classes_0_4", round4(acc_seen)}};
  meta["timing_s"] = {{"train", round4(st.seconds)}, {"features", round4(seconds_since(t0))}};
  fs.meta_json = meta.dump();
  return fs;
}

FeatureSet build_twoview(const FmnistData& d, const FmnistOptions& opt, torch::Device dev) {
  auto xtr = image_tensor(idx_images_to_matrix(d.train_images));
  auto xte = image_tensor(idx_images_to_matrix(d.test_images));
  DualEncoder net(DualEncoderOptions{});
  auto t = train_options("twoview", opt, dev);
  auto st = train_dual_encoder(net, xtr, t);
  auto t0 = std::chrono::steady_clock::now();
  auto [atr, btr] = extract_pairs(net, xtr, dev);
  auto [ate, bte] = extract_pairs(net, xte, dev);
  const std::vector<int64_t> ks = {1, 5, 10};
  auto l2r = recall_at_k_pairs(ate, bte, ks), r2l = recall_at_k_pairs(bte, ate, ks);
  json ref_l2r = json::object(), ref_r2l = json::object();
  for (size_t i = 0; i < ks.size(); ++i) {
    ref_l2r["R@" + std::to_string(ks[i])] = round4(l2r[i]);
    ref_r2l["R@" + std::to_string(ks[i])] = round4(r2l[i]);
  }
  log_info("twoview: left->right R@1 " + std::to_string(l2r[0]) + ", right->left R@1 " + std::to_string(r2l[0]) +
           " over " + std::to_string(ate.size(0)) + " test pairs");
  int64_t params = 0;
  for (const auto& p : net->parameters()) params += p.numel();

  FeatureSet fs;
  fs.task = Task::Crossmodal;
  fs.train_x = to_matrix(atr);
  fs.train_b = to_matrix(btr);
  fs.test_x = to_matrix(ate);
  fs.test_b = to_matrix(bte);
  fs.train_y = d.train_labels;
  fs.test_y = d.test_labels;
  json meta = base_meta("twoview", opt, d);
  meta["dim_b"] = fs.train_b.d;
  meta["split"] = "Dual encoder trained on train-split pairs. x = embedding of the left 14 pixel columns, "
                  "b = embedding of the right 14 columns of the same image (row i of x pairs with row i of "
                  "b); both L2-normalised. Labels kept for reference.";
  auto bm = backbone_meta(
      "two towers, each conv3x3(16)-bn-relu, maxpool2, conv3x3(32)-bn-relu, maxpool2, conv3x3(64)-bn-relu, "
      "linear(256)-bn, L2 norm; symmetric InfoNCE with a learnable temperature",
      params, t, st);
  bm["final_temperature"] = round4(net->temperature());
  meta["backbone"] = bm;
  meta["reference"] = {{"left_to_right", ref_l2r},
                       {"right_to_left", ref_r2l},
                       {"recall_protocol", "cosine over all test pairs; hit if the paired item ranks within k"}};
  meta["timing_s"] = {{"train", round4(st.seconds)}, {"features", round4(seconds_since(t0))}};
  fs.meta_json = meta.dump();
  return fs;
}

std::vector<std::string> set_files(const std::string& set) {
  std::vector<std::string> f = {"meta.json", "train_x.npy", "train_y.npy", "test_x.npy", "test_y.npy"};
  if (set == "twoview") {
    f.push_back("train_b.npy");
    f.push_back("test_b.npy");
  }
  return f;
}

}  // namespace

const std::vector<std::string>& fmnist_set_names() {
  static const std::vector<std::string> names = {"pixels", "cls", "openset", "twoview"};
  return names;
}

int fmnist_default_epochs(const std::string& set) {
  switch (set_index(set)) {
    case 0: return 0;  // pixels: nothing to train
    case 1: return 3;
    case 2: return 3;
    default: return 3;
  }
}

FmnistData load_fmnist(const std::string& dir, int64_t limit) {
  ARFC_CHECK(fs::is_directory(dir), "Fashion-MNIST directory ", dir,
             " not found. Hint: sudo apt-get install dataset-fashion-mnist (or pass the directory "
             "holding the four *-ubyte.gz IDX files).");
  ARFC_CHECK(limit >= 0, "--limit must be >= 0 (0 = all images), got ", limit);
  FmnistData d;
  const std::string p = dir + "/";
  d.train_images = read_idx_images(p + "train-images-idx3-ubyte.gz");
  d.train_labels = read_idx_labels(p + "train-labels-idx1-ubyte.gz");
  d.test_images = read_idx_images(p + "t10k-images-idx3-ubyte.gz");
  d.test_labels = read_idx_labels(p + "t10k-labels-idx1-ubyte.gz");
  for (const auto* im : {&d.train_images, &d.test_images})
    ARFC_CHECK(im->rows == kSide && im->cols == kSide, "Fashion-MNIST images in ", dir, ": expected ", kSide,
               "x", kSide, ", got ", im->rows, "x", im->cols, ". Hint: the directory holds another IDX dataset.");
  ARFC_CHECK(d.train_images.n == int64_t(d.train_labels.size()), "Fashion-MNIST train split in ", dir, ": ",
             d.train_images.n, " images but ", d.train_labels.size(), " labels");
  ARFC_CHECK(d.test_images.n == int64_t(d.test_labels.size()), "Fashion-MNIST test split in ", dir, ": ",
             d.test_images.n, " images but ", d.test_labels.size(), " labels");
  for (const auto* y : {&d.train_labels, &d.test_labels})
    for (int64_t v : *y)
      ARFC_CHECK(v >= 0 && v < kClasses, "Fashion-MNIST labels in ", dir, ": expected 0..9, got ", v);
  if (limit > 0) {
    auto keep = [](IdxImages& im, Labels& y, int64_t n) {
      n = std::max<int64_t>(1, std::min(n, im.n));
      im.pixels.resize(size_t(n * im.rows * im.cols));
      im.n = n;
      y.resize(size_t(n));
    };
    keep(d.train_images, d.train_labels, limit);
    keep(d.test_images, d.test_labels, limit / 6);
  }
  return d;
}

FeatureSet build_fmnist_set(const std::string& set, const FmnistOptions& opt) {
  set_index(set);  // validate before reading data
  return build_fmnist_set(set, load_fmnist(opt.source_dir, opt.limit), opt);
}

FeatureSet build_fmnist_set(const std::string& set, const FmnistData& data, const FmnistOptions& opt) {
  const int idx = set_index(set);
  resolved_epochs(set, opt);
  const torch::Device dev = parse_device(opt.device);
  seed_everything(opt.seed * 1000003ULL + uint64_t(idx));
  auto t0 = std::chrono::steady_clock::now();
  FeatureSet fs;
  switch (idx) {
    case 0: fs = build_pixels(data, opt); break;
    case 1: fs = build_cls(data, opt, dev); break;
    case 2: fs = build_openset(data, opt, dev); break;
    default: fs = build_twoview(data, opt, dev); break;
  }
  fs.name = set;
  for (const auto* m : {&fs.train_x, &fs.train_b, &fs.test_x, &fs.test_b}) check_finite(*m, set + " features");
  json meta = json::parse(fs.meta_json);
  meta["task"] = task_name(fs.task);
  meta["dim"] = fs.train_x.d;
  meta["n_train"] = fs.train_x.n;
  meta["n_test"] = fs.test_x.n;
  meta["timing_s"]["total"] = round4(seconds_since(t0));
  fs.meta_json = meta.dump(2);
  return fs;
}

std::string fmnist_settings_json(const std::string& set, const FmnistOptions& opt) {
  set_index(set);
  return settings(set, opt).dump();
}

bool fmnist_set_is_cached(const std::string& set_dir, const std::string& set, const FmnistOptions& opt,
                          std::string* meta_text) {
  for (const auto& f : set_files(set))
    if (!fs::is_regular_file(set_dir + "/" + f)) return false;
  std::string text;
  try {
    text = read_file_bytes(set_dir + "/meta.json", int64_t(16) << 20);  // the cap load_feature_set reads with
  } catch (const Error&) {
    return false;  // missing, unreadable or too large: build the set again
  }
  if (!detail::json_depth_within(text)) return false;  // not a meta.json this tool wrote
  json meta = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object() || !meta.contains("settings")) return false;
  if (meta["settings"] != settings(set, opt)) return false;
  if (meta_text) *meta_text = std::move(text);
  return true;
}

namespace {

// Builds each set of `sets` into out_dir/SET unless it is up to date (or force), appending
// one report per set.
void build_missing_sets(const std::string& out_dir, const std::vector<std::string>& sets, const FmnistOptions& opt,
                        bool force, std::vector<FmnistBuildReport>& reports) {
  FmnistData data;
  bool loaded = false;
  std::error_code ec;
  for (const auto& set : sets) {
    FmnistBuildReport r;
    r.set = set;
    r.dir = (fs::path(out_dir) / set).string();
    if (!force && fmnist_set_is_cached(r.dir, set, opt, &r.meta_json)) {
      log_info(set + ": up to date in " + r.dir + " (same settings), skipped; use --force to rebuild");
      r.cached = true;
      reports.push_back(r);
      continue;
    }
    if (!loaded) {
      data = load_fmnist(opt.source_dir, opt.limit);
      loaded = true;
      log_info("Fashion-MNIST: " + std::to_string(data.train_images.n) + " train / " +
               std::to_string(data.test_images.n) + " test images from " + opt.source_dir);
    }
    log_info(set + ": building");
    auto t0 = std::chrono::steady_clock::now();
    FeatureSet f = build_fmnist_set(set, data, opt);
    // Write next to the target, then swap it in, so a crash never leaves a mixed set.
    const std::string tmp = r.dir + ".tmp." + std::to_string(getpid());
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    ARFC_CHECK(!ec, "cannot create ", tmp, ": ", ec.message());
    try {
      save_feature_set(tmp, f);
    } catch (...) {
      fs::remove_all(tmp, ec);
      throw;
    }
    fs::remove_all(r.dir, ec);
    ARFC_CHECK(!ec, "cannot replace ", r.dir, ": ", ec.message(), ". Hint: check permissions.");
    fs::rename(tmp, r.dir, ec);
    ARFC_CHECK(!ec, "cannot rename ", tmp, " to ", r.dir, ": ", ec.message());
    r.seconds = seconds_since(t0);
    r.meta_json = f.meta_json;
    log_info(set + ": written to " + r.dir + " in " + format_duration(r.seconds));
    reports.push_back(r);
  }
}

}  // namespace

std::vector<FmnistBuildReport> build_fmnist_sets(const std::string& out_dir, const std::vector<std::string>& sets,
                                                 const FmnistOptions& opt, bool force) {
  for (const auto& s : sets) set_index(s), resolved_epochs(s, opt);
  std::vector<FmnistBuildReport> reports;
  std::error_code ec;
  // Created up front (a directory that cannot be made fails before minutes of training),
  // and removed again when nothing got into it.
  const bool created = !fs::exists(out_dir, ec);
  fs::create_directories(out_dir, ec);
  ARFC_CHECK(!ec, "cannot create output directory ", out_dir, ": ", ec.message());
  try {
    build_missing_sets(out_dir, sets, opt, force, reports);
  } catch (...) {
    if (created && fs::is_empty(out_dir, ec)) fs::remove(out_dir, ec);
    throw;
  }
  return reports;
}

}  // namespace arfc
