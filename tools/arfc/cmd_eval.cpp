// `arfc eval`: every method at every requested ratio on one feature set, side by side, into
// report.{md,csv,json,gp,png}. `--ablation` evaluates ARFC variants instead.
#include <cstdio>
#include <sstream>
#include <vector>

#include "arfc/codes/ratio.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/core/text.h"
#include "arfc/eval/ablation.h"
#include "arfc/eval/codec_factory.h"
#include "arfc/eval/harness.h"
#include "arfc/eval/report.h"
#include "arfc/eval/report_merge.h"
#include "arfc/io/feature_set.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/arfc_config.h"
#include "cli_checks.h"
#include "commands.h"
#include "config_file.h"

namespace arfc::cli {

namespace {

struct EvalArgs {
  std::string data, out, methods, ratios = "2,3,4,5.3,8,12,16,32,64,128,256,512", device = "cpu", train_config;
  std::string variants;  // --ablation: keys of arfc_ablation_variants(); empty = all
  std::string merge;     // report directories to merge instead of evaluating
  uint64_t seed = 0;
  int threads = 0;
  int64_t limit = 0, epochs = 0;
  bool ablation = false;
  bool replace = false;  // --merge: later parts' rows replace earlier rows of a method
};

std::string default_methods() {
  std::string s;
  for (const auto& e : codec_registry()) s += (s.empty() ? "" : ",") + e.prefix;
  return s;
}

std::string command_line(const EvalArgs& a, bool methods_given) {
  std::ostringstream os;
  os << "arfc eval" << (a.ablation ? " --ablation" : "");
  if (!a.variants.empty()) os << " --variants " << a.variants;
  os << " --data " << a.data;
  if (methods_given) os << " --methods " << a.methods;
  os << " --ratios " << a.ratios << " --out " << a.out << " --seed " << a.seed;
  if (a.limit > 0) os << " --limit " << a.limit;
  if (a.epochs > 0) os << " --epochs " << a.epochs;
  if (a.device != "cpu") os << " --device " << a.device;
  if (!a.train_config.empty()) os << " --train-config " << a.train_config;
  return os.str();
}

// After the report is written: cells that failed (not those a method cannot reach) make
// the run a partial failure (exit code 3), named with the first one's error, so that a
// script sees it; the report marks every one.
void check_cells(const EvalReport& rep, const std::string& out) {
  std::vector<const EvalRecord*> failed;
  for (const EvalRecord& r : rep.records) {
    if (r.error.empty() || r.unreachable) continue;
    bool seen = false;  // one entry per (method, ratio), not per metric
    for (const EvalRecord* f : failed) seen = seen || (f->method == r.method && f->ratio_requested == r.ratio_requested);
    if (!seen) failed.push_back(&r);
  }
  if (failed.empty()) return;
  const EvalRecord& first = *failed.front();
  throw PartialFailure("eval: " + std::to_string(failed.size()) + " cell" + (failed.size() == 1 ? "" : "s") +
                       " failed (first: " + first.method + " at " + format_ratio(first.ratio_requested) + "x: " +
                       first.error + "). The report in " + out + " is written and marks them.");
}

// --merge A,B,...: one report from runs of the same protocol (eval/report_merge.h).
void run_merge(const EvalArgs& a) {
  const std::vector<std::string> dirs = split_list(a.merge);
  for (const auto& d : dirs)
    ARFC_CHECK(!d.empty(), "--merge '", a.merge, "': empty entry. Hint: list report directories separated by single "
               "commas, e.g. --merge runs/a,runs/b.");
  std::vector<EvalReport> parts;
  for (const auto& d : dirs) parts.push_back(read_report(d));
  EvalReport rep = merge_reports(parts, dirs, a.replace);
  rep.command_line = "arfc eval --merge " + a.merge + (a.replace ? " --replace" : "") + " --out " + a.out;
  const bool png = write_report(rep, a.out);
  std::printf("%s", report_markdown(rep).c_str());
  log_info("merged " + std::to_string(dirs.size()) + " reports into " + a.out + "/report.{md,csv,json,gp" +
           (png ? ",png" : "") + "}");
}

void run(const EvalArgs& a, bool methods_given) {
  ARFC_CHECK(!a.replace || !a.merge.empty(), "--replace needs --merge.");
  check_output_dir(a.out);  // before hours of work, not after
  if (!a.merge.empty()) {
    ARFC_CHECK(a.data.empty() && !methods_given && !a.ablation && a.train_config.empty(),
               "--merge combines finished reports; it takes only --out (no --data, --methods, --ablation or "
               "--train-config).");
    run_merge(a);
    return;
  }
  ARFC_CHECK(!a.data.empty(), "--data is required: the feature-set directory to evaluate on (or --merge DIRS).");
  // Bad input fails before any loading or training.
  EvalOptions o;
  o.ratios = parse_ratio_list(a.ratios);
  ARFC_CHECK(a.ablation || a.variants.empty(), "--variants selects ablation variants; it needs --ablation.");
  if (a.ablation) {
    o.methods = select_ablation_variants(a.variants);
    ARFC_CHECK(find_codec_entry("arfc") != nullptr, "--ablation needs the 'arfc' method, which this build does not register.");
  }
  if (methods_given || !a.ablation)
    for (const auto& s : parse_method_list(methods_given ? a.methods : default_methods())) o.methods.push_back({s, s});
  // --train-config: under every learned method's own overrides (ablation variants win).
  const nlohmann::json user_cfg = read_config_file(a.train_config);
  for (auto& m : o.methods) m.overrides_json = merge_config(user_cfg, nlohmann::json::parse(m.overrides_json)).dump();
  ARFC_CHECK(a.limit >= 0, "--limit must be >= 0, got ", a.limit, ".");
  ARFC_CHECK(a.epochs >= 0, "--epochs must be >= 0, got ", a.epochs, ".");
  o.seed = a.seed;
  o.epochs = a.epochs;
  o.threads = a.threads;
  o.device = a.device;
  parse_device(a.device);  // an unknown device fails now, not in every learned cell
  o.limit = a.limit;
  o.command_line = command_line(a, methods_given);

  set_threads(a.threads);
  seed_everything(a.seed);
  FeatureSet fs = load_feature_set(a.data);
  log_info("eval: " + fs.name + " (" + task_name(fs.task) + "), D = " + std::to_string(fs.train_x.d) + ", " +
           std::to_string(fs.train_x.n) + " train / " + std::to_string(fs.test_x.n) + " test rows, " +
           std::to_string(o.methods.size()) + " methods x " + std::to_string(o.ratios.size()) + " ratios");
  EvalReport rep = run_evaluation(fs, o);
  const bool png = write_report(rep, a.out);
  std::printf("%s", report_markdown(rep).c_str());
  log_info("wrote " + a.out + "/report.{md,csv,json,gp" + (png ? ",png" : "") + "} in " + format_duration(rep.seconds));
  check_cells(rep, a.out);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  auto* sub = app.add_subcommand(
      "eval",
      "Side-by-side ratio/quality report: every method at every ratio on one feature set (task from DIR/meta.json)");
  sub->footer("Methods:\n" + describe_methods() +
              "\nExample:\n  arfc eval --data data/fmnist/cls --methods arfc,pca,pca+i8,pq,opq,rq,rabitq "
              "--ratios 2,4,8,16,32,64,128,256,512 --out reports/cls --limit 5000");
  sub->add_option("--data", a->data, "Feature-set directory (meta.json, train_x.npy, ...); required unless --merge");
  sub->add_option("--out", a->out, "Report directory (report.md/.csv/.json/.gp/.png)")->required();
  auto* m = sub->add_option("--methods", a->methods,
                            "Comma-separated methods (default: every registered method; see below)");
  sub->add_option("--ratios", a->ratios, "Comma-separated compression ratios, each > 1")->capture_default_str();
  sub->add_option("--seed", a->seed, "Seed for codecs, probes and subsampling")->capture_default_str();
  add_threads_option(sub, a->threads, "CPU threads");
  sub->add_option("--limit", a->limit, "Use at most N train and N test rows (quick runs; 0 = all)")
      ->capture_default_str();
  sub->add_option("--epochs", a->epochs, "Training epochs of every learned method alike (0 = their default)")
      ->capture_default_str();
  sub->add_option("--device", a->device, "Device for learned methods: cpu, cuda, auto")->capture_default_str();
  sub->add_option("--train-config", a->train_config,
                  "JSON (sections model/train/loss, as for `arfc train --config`) merged into the training "
                  "config of every learned method trained in process (arfc, ae, qformer, mrl)")
      ->check(CLI::ExistingFile);
  sub->add_flag("--ablation", a->ablation,
                "Evaluate ARFC variants (MoS S in {1,2,4,8}, default 1; ERGC off; linear base off; prefix "
                "weighting; Beta settings) instead of the method list; --methods adds reference methods");
  sub->add_option("--variants", a->variants,
                  "With --ablation: comma-separated variants to run (default all): default, s1, s2, s4, s8, ergc_off, "
                  "linear_base_off, base_only, length_prefixes, beta25, beta52");
  sub->add_option("--merge", a->merge,
                  "Comma-separated --out directories of earlier runs of the same protocol (same --data, --limit, "
                  "--seed, --epochs, --ratios, build) to merge into one report in --out instead of evaluating: "
                  "e.g. the baselines in one process and arfc in another; each method in one run only");
  sub->add_flag("--replace", a->replace,
                "With --merge: a method in several reports is taken from the last one listed (re-measure one "
                "method against rows measured before); without it, such a method is an error");
  sub->callback([a, m] { run(*a, m->count() > 0); });
}

}  // namespace arfc::cli
