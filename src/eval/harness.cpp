#include "arfc/eval/harness.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/eval/codec_factory.h"

namespace arfc {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<int64_t> sample_indices(int64_t n, int64_t limit, uint64_t seed) {
  std::vector<int64_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), int64_t(0));
  if (limit <= 0 || n <= limit) return idx;
  std::mt19937_64 rng(seed);
  std::shuffle(idx.begin(), idx.end(), rng);
  idx.resize(size_t(limit));
  std::sort(idx.begin(), idx.end());
  return idx;
}

Labels gather_labels(const Labels& y, const std::vector<int64_t>& idx) {
  if (y.empty()) return y;
  Labels out;
  out.reserve(idx.size());
  for (int64_t i : idx) out.push_back(y[size_t(i)]);
  return out;
}

// The uncompressed reference: the raw features, cosine.
class IdentityCodec : public Codec {
 public:
  explicit IdentityCodec(int64_t d) : d_(d) {}
  std::string name() const override { return "uncompressed"; }
  std::string distance() const override { return "cosine"; }
  void fit(const FeatureSet&) override {}
  Representation encode(const Matrix& x, int64_t) const override { return {x, Similarity::Cosine}; }
  int64_t bytes_per_vector() const override { return 4 * d_; }
  bool can_decode() const override { return true; }
  Matrix decode(const Representation& r, int64_t) const override { return r.codes; }

 private:
  int64_t d_;
};

// Index of the requested ratio nearest (in log space) to `achieved`.
size_t nearest_column(const std::vector<double>& ratios, double achieved) {
  size_t best = 0;
  for (size_t i = 1; i < ratios.size(); ++i)
    if (std::abs(std::log(ratios[i] / achieved)) < std::abs(std::log(ratios[best] / achieved))) best = i;
  return best;
}

std::string percent_list(const std::vector<std::string>& names, const std::vector<double>& v) {
  std::ostringstream os;
  os.precision(4);
  for (size_t i = 0; i < names.size() && i < v.size(); ++i) os << (i ? ", " : "") << names[i] << " " << v[i];
  return os.str();
}

}  // namespace

std::vector<std::string> task_metrics(Task t) {
  switch (t) {
    case Task::Classification: return {"probe_acc", "knn_acc"};
    case Task::Retrieval: return {"R@1", "R@2", "R@4", "R@8", "R@1 asym"};
    case Task::Crossmodal:
      return {"R@1 mean", "A->B R@1", "A->B R@5", "A->B R@10", "B->A R@1", "B->A R@5", "B->A R@10", "R@1 mean asym"};
    case Task::Generic: return {"nn_overlap@10"};
  }
  return {};
}

const std::vector<double>& default_ratio_grid() {
  static const std::vector<double> g = {2, 3, 4, 5.3, 8, 12, 16, 32, 64, 128, 256, 512};
  return g;
}

FeatureSet limit_feature_set(const FeatureSet& fs, int64_t limit, uint64_t seed) {
  if (limit <= 0) return fs;
  FeatureSet out = fs;
  auto tr = sample_indices(fs.train_x.n, limit, seed);
  auto te = sample_indices(fs.test_x.n, limit, seed + 1);
  out.train_x = gather_rows(fs.train_x, tr);
  out.test_x = gather_rows(fs.test_x, te);
  if (!fs.train_b.empty()) out.train_b = gather_rows(fs.train_b, tr);
  if (!fs.test_b.empty()) out.test_b = gather_rows(fs.test_b, te);
  out.train_y = gather_labels(fs.train_y, tr);
  out.test_y = gather_labels(fs.test_y, te);
  return out;
}

std::vector<double> evaluate_codec(Codec& codec, const FeatureSet& fs, const EvalOptions& opt) {
  codec.fit(fs);
  ProbeOptions probe = opt.probe;
  probe.seed = opt.seed;
  const double no_decoder = std::nan("");
  switch (fs.task) {
    case Task::Classification: {
      Representation tr = codec.encode(fs.train_x, 0), te = codec.encode(fs.test_x, 0);
      check_finite(tr.codes, codec.name() + " codes of the train split");
      check_finite(te.codes, codec.name() + " codes of the test split");
      const ProbeResult pr = linear_probe(tr.codes, fs.train_y, te.codes, fs.test_y, probe);
      const double acc = pr.accuracy;
      std::ostringstream why;  // the probe's own choices, for reading a surprising cell (-v)
      why << codec.name() << " probe: l2 " << pr.l2 << " (held-out accuracy " << pr.holdout_accuracy << ", "
          << pr.evaluations << " loss evaluations)";
      log_debug(why.str());
      double knn = knn_accuracy(tr.codes, fs.train_y, te.codes, fs.test_y, tr.sim, opt.knn_k);
      return {acc, knn};
    }
    case Task::Retrieval: {
      Representation te = codec.encode(fs.test_x, 0);
      check_finite(te.codes, codec.name() + " codes of the test split");
      std::vector<double> v = recall_at_k(te.codes, te.codes, fs.test_y, te.sim, {1, 2, 4, 8});
      if (codec.can_decode()) {
        const Matrix db = codec.decode(te, 0);
        check_finite(db, codec.name() + " decoded test split");
        v.push_back(recall_at_k(fs.test_x, db, fs.test_y, Similarity::Cosine, {1})[0]);
      } else {
        v.push_back(no_decoder);
      }
      return v;
    }
    case Task::Crossmodal: {
      Representation a = codec.encode(fs.test_x, 0), b = codec.encode(fs.test_b, 1);
      check_finite(a.codes, codec.name() + " codes of test_x");
      check_finite(b.codes, codec.name() + " codes of test_b");
      auto ab = paired_recall_at_k(a.codes, b.codes, b.sim, {1, 5, 10});
      auto ba = paired_recall_at_k(b.codes, a.codes, a.sim, {1, 5, 10});
      double asym = no_decoder;
      if (codec.can_decode()) {
        const Matrix da = codec.decode(a, 0), db = codec.decode(b, 1);
        asym = 0.5 * (paired_recall_at_k(fs.test_x, db, Similarity::Cosine, {1})[0] +
                      paired_recall_at_k(fs.test_b, da, Similarity::Cosine, {1})[0]);
      }
      return {0.5 * (ab[0] + ba[0]), ab[0], ab[1], ab[2], ba[0], ba[1], ba[2], asym};
    }
    case Task::Generic: {
      Representation te = codec.encode(fs.test_x, 0);
      return {neighbour_overlap(fs.test_x, te, 10)};
    }
  }
  ARFC_ASSERT(false, "unhandled task");
  return {};
}

EvalReport run_evaluation(const FeatureSet& fs_in, const EvalOptions& opt) {
  ARFC_CHECK(!opt.methods.empty(), "no methods to evaluate. Hint: --methods pca,rp,ptq.");
  ARFC_CHECK(!opt.ratios.empty(), "no ratios to evaluate. Hint: --ratios 2,4,8.");
  for (double r : opt.ratios)
    ARFC_CHECK(std::isfinite(r) && r > 1.0, "ratio ", r, " must be > 1.");
  for (const auto& m : opt.methods)
    ARFC_CHECK(find_codec_entry(m.spec) != nullptr, "unknown method '", m.spec, "'.\n", describe_methods());
  ARFC_CHECK(fs_in.train_x.n >= 1 && fs_in.test_x.n >= 2, "feature set '", fs_in.name,
             "': needs a non-empty train split and at least 2 test rows, got ", fs_in.train_x.n, " and ",
             fs_in.test_x.n, ".");

  const double t_start = now_s();
  const FeatureSet fs = limit_feature_set(fs_in, opt.limit, opt.seed);
  EvalReport rep;
  rep.dataset = fs.name;
  rep.task = task_name(fs.task);
  rep.dim = fs.train_x.d;
  rep.n_train = fs.train_x.n;
  rep.n_test = fs.test_x.n;
  rep.ratios = opt.ratios;
  rep.metrics = task_metrics(fs.task);
  rep.command_line = opt.command_line;
  rep.seed = opt.seed;
  rep.epochs = opt.epochs;
  rep.limit = opt.limit;
  const int64_t D = rep.dim;

  auto add_records = [&](const std::string& label, double requested, int64_t bytes, const std::string& dist,
                         const std::string& variant, const std::vector<double>& values, double seconds,
                         const std::string& err, bool unreachable) {
    for (size_t i = 0; i < rep.metrics.size(); ++i) {
      EvalRecord r;
      r.task = rep.task;
      r.method = label;
      r.ratio_requested = requested;
      r.bytes_per_vector = bytes;
      r.ratio_achieved = bytes > 0 ? 4.0 * double(D) / double(bytes) : 0.0;
      r.metric = rep.metrics[i];
      r.value = err.empty() ? values.at(i) : std::nan("");
      // One query per test item: "R@1 mean" averages two directions over the same items,
      // which agree far more often than independent queries would, so 2 n would understate it.
      const double q = double(fs.test_x.n);
      r.se = std::isfinite(r.value) ? std::sqrt(std::max(0.0, r.value * (1 - r.value)) / q) : std::nan("");
      r.distance = dist;
      r.variant = variant;
      r.seconds = seconds;
      r.error = err;
      r.unreachable = unreachable;
      rep.records.push_back(r);
    }
  };

  // Work list: (method index, requested ratio); fixed-rate methods once, in the column
  // nearest to their native ratio.
  struct Unit {
    size_t method;
    double ratio;
  };
  std::vector<Unit> units;
  for (size_t m = 0; m < opt.methods.size(); ++m) {
    const CodecEntry* e = find_codec_entry(opt.methods[m].spec);
    if (e->fixed_rate()) {
      units.push_back({m, opt.ratios[nearest_column(opt.ratios, e->fixed_ratio(D))]});
    } else {
      for (double r : opt.ratios) units.push_back({m, r});
    }
  }

  Progress progress("eval", int64_t(units.size()) + 1);
  {
    const double t0 = now_s();
    IdentityCodec ref(D);
    auto v = evaluate_codec(ref, fs, opt);
    add_records("uncompressed", 1.0, 4 * D, ref.distance(), "f32 x " + std::to_string(D), v, now_s() - t0, "", false);
    rep.methods.push_back("uncompressed");
    rep.distances.push_back(ref.distance());
    log_info("uncompressed: " + percent_list(rep.metrics, v));
    progress.update(1, "uncompressed");
  }

  // One cache per distinct overrides text, so ablation variants never share a model.
  std::map<std::string, CodecCache> caches;
  // (label, bytes) -> values already measured: ratios that land on the same code size.
  std::map<std::pair<std::string, int64_t>, std::vector<double>> done;
  int64_t n_done = 1;
  for (const Unit& u : units) {
    const EvalMethod& m = opt.methods[u.method];
    if (std::find(rep.methods.begin(), rep.methods.end(), m.label) == rep.methods.end()) {
      rep.methods.push_back(m.label);
      rep.distances.push_back("");
    }
    const size_t row = size_t(std::find(rep.methods.begin(), rep.methods.end(), m.label) - rep.methods.begin());
    CodecCache& cache = caches[m.overrides_json];
    cache.seed = opt.seed;
    cache.epochs = opt.epochs;
    cache.threads = opt.threads;
    cache.device = opt.device;
    cache.overrides_json = m.overrides_json;
    cache.ratios = opt.ratios;

    const double t0 = now_s();
    int64_t bytes = 0;
    std::string dist, variant;
    std::ostringstream what;
    what << m.label << " @ " << u.ratio << "x";
    std::unique_ptr<Codec> codec;
    try {
      codec = make_codec(m.spec, u.ratio, D, cache);
    } catch (const std::exception& ex) {
      // A size the method cannot make: shown as "-" with the reason.
      add_records(m.label, u.ratio, 0, "", "", {}, now_s() - t0, ex.what(), true);
      log_info(what.str() + ": not reachable (" + ex.what() + ")");
      progress.update(++n_done, what.str());
      continue;
    }
    try {
      dist = codec->distance();
      rep.distances[row] = dist;
      try {
        bytes = codec->bytes_per_vector();
      } catch (const Error&) {
        bytes = 0;  // learned codecs may know their size only after fit
      }
      auto hit = done.find(std::make_pair(m.label, bytes));
      std::vector<double> v;
      if (bytes > 0 && hit != done.end()) {
        v = hit->second;
      } else {
        v = evaluate_codec(*codec, fs, opt);
        bytes = codec->bytes_per_vector();
        done[std::make_pair(m.label, bytes)] = v;
      }
      variant = codec->variant();
      const double secs = now_s() - t0;
      add_records(m.label, u.ratio, bytes, dist, variant, v, secs, "", false);
      std::ostringstream os;
      os.precision(4);
      os << what.str() << " (achieved " << 4.0 * double(D) / double(bytes) << "x, " << bytes << " B"
         << (variant.empty() ? "" : ", " + variant) << "): " << percent_list(rep.metrics, v) << " ["
         << format_duration(secs) << "]";
      log_info(os.str());
    } catch (const std::exception& ex) {
      add_records(m.label, u.ratio, bytes, dist, variant, {}, now_s() - t0, ex.what(), false);
      log_warn(what.str() + " failed: " + ex.what());
    }
    progress.update(++n_done, what.str());
  }
  progress.finish();

  rep.notes.push_back("Ratio = 4 D / stored bytes per vector (D = " + std::to_string(D) +
                      "); cells show the metric at the achieved ratio.");
  if (fs.task == Task::Classification) {
    ProbeOptions probe = opt.probe;
    probe.seed = opt.seed;  // as evaluate_codec uses it
    rep.notes.push_back(describe_probe(probe));
  }
  rep.notes.push_back("Storage: every float codec (pca, rp, trunc, ae, qformer, mrl, arfc) stores its values as "
                      "f32, f16, int8 or int4 (two values per byte); '+f32/+f16/+i8/+i4' fixes the type, a plain "
                      "name picks per budget by ARFC's rule (largest code that fits; ties to more values at lower "
                      "precision; int4 competes for budgets of at most D/8 bytes, 32x and up; an ARFC model's "
                      "training checks that limit on held-out rows and moves it only beyond noise). int8 "
                      "scales (max |value|) and int4 scales (least squared error clip) are fitted on training "
                      "rows and belong to the codec/model: nothing per vector or per file. ARFC also stores discrete tokens (q8: one "
                      "byte = one of 256 codewords) for the budgets its model measured them better for (always "
                      "those below its smallest continuous code); they are compared by cosine of the code-space "
                      "vectors they stand for.");
  rep.notes.push_back("Fixed-rate methods (f16, i8, i4, bin, rabitq) appear once, in the column nearest their "
                      "native ratio.");
  rep.notes.push_back("Search is symmetric (both sides compressed) in every table except '... asym': raw query "
                      "vs decoded database vector, cosine, for methods that decode (PQ/OPQ/RQ/RaBitQ: the decoded "
                      "vector; PCA: mean + components; AE/MRL/Q-Former/ARFC: their decoder heads). PQ/OPQ/RQ "
                      "train on at most 20000 L2-normalised training rows and compare decoded vectors by L2; RaBitQ "
                      "(centroid from all training rows) compares its decoded vectors by cosine. Retrieval "
                      "scores level within 1e-6 (identical codes) count as a random order among them.");
  rep.notes.push_back("Standard error: binomial, sqrt(p (1 - p) / n) over the " + std::to_string(fs.test_x.n) +
                      " test items (for the mean of two directions too); a difference within one SE of the best "
                      "is a tie.");
  if (fs.task == Task::Crossmodal)
    rep.notes.push_back("Crossmodal: PCA/RP/PQ/OPQ/RQ/RaBitQ fit one space on both modalities' train features.");
  if (opt.limit > 0)
    rep.notes.push_back("--limit " + std::to_string(opt.limit) + ": train and test subsampled (seeded).");
  rep.seconds = now_s() - t_start;
  return rep;
}

}  // namespace arfc
