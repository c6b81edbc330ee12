// `arfc data fmnist`: builds the Fashion-MNIST feature sets (pixels, cls, openset, twoview)
// into DIR/<set>/ and prints one summary line per set to stdout.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/data/fmnist.h"
#include "arfc/nn/tensor_util.h"
#include "cli_checks.h"
#include "commands.h"

namespace arfc::cli {
namespace {

struct DataFmnistArgs {
  std::string out;
  std::vector<std::string> sets = fmnist_set_names();
  FmnistOptions opt;
  int threads = 0;
  bool force = false;
};

// The headline reference number of a set, for the summary table.
std::string headline(const std::string& set, const std::string& meta_json) {
  auto m = nlohmann::json::parse(meta_json, nullptr, false);
  if (m.is_discarded() || !m.contains("reference")) return "";
  const auto& r = m["reference"];
  char buf[160] = "";
  if (set == "cls" && r.contains("backbone_test_accuracy"))
    std::snprintf(buf, sizeof buf, "backbone test acc %.4f", r["backbone_test_accuracy"].get<double>());
  if (set == "openset" && r.contains("recall"))
    std::snprintf(buf, sizeof buf, "R@1 %.4f R@8 %.4f", r["recall"]["R@1"].get<double>(), r["recall"]["R@8"].get<double>());
  if (set == "twoview" && r.contains("left_to_right"))
    std::snprintf(buf, sizeof buf, "L->R R@1 %.4f R@10 %.4f, R->L R@1 %.4f R@10 %.4f",
                  r["left_to_right"]["R@1"].get<double>(), r["left_to_right"]["R@10"].get<double>(),
                  r["right_to_left"]["R@1"].get<double>(), r["right_to_left"]["R@10"].get<double>());
  return buf;
}

void run_fmnist(const DataFmnistArgs& a) {
  check_output_dir(a.out);
  set_threads(a.threads);
  auto reports = build_fmnist_sets(a.out, a.sets, a.opt, a.force);
  std::printf("%-8s %-7s %8s %7s %5s %9s  %s\n", "set", "status", "n_train", "n_test", "dim", "seconds", "reference");
  for (const auto& r : reports) {
    auto m = nlohmann::json::parse(r.meta_json, nullptr, false);
    auto get = [&](const char* k) { return (!m.is_discarded() && m.contains(k)) ? m[k].get<int64_t>() : int64_t(-1); };
    std::printf("%-8s %-7s %8lld %7lld %5lld %9.1f  %s\n", r.set.c_str(), r.cached ? "cached" : "built",
                (long long)get("n_train"), (long long)get("n_test"), (long long)get("dim"), r.seconds,
                headline(r.set, r.meta_json).c_str());
  }
}

}  // namespace

void add_data_command(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Build real feature sets from Fashion-MNIST");
  data->require_subcommand(1);

  auto args = std::make_shared<DataFmnistArgs>();
  auto* fm = data->add_subcommand(
      "fmnist",
      "Build the Fashion-MNIST feature sets into DIR/<set>/ (meta.json + .npy): pixels (784-d raw), cls "
      "(CNN features, classification), openset (CNN trained on classes 0-4, retrieval on test classes 5-9), "
      "twoview (left/right image-half dual encoder, cross-modal). Sets already built with the same settings "
      "are skipped. Details: docs/DATA.md");
  fm->add_option("--out", args->out, "Output directory (one subdirectory per set)")->required();
  fm->add_option("--sets", args->sets, "Comma-separated sets to build")
      ->delimiter(',')
      ->check(CLI::IsMember(fmnist_set_names()))
      ->capture_default_str();
  fm->add_option("--source", args->opt.source_dir, "Directory holding the four Fashion-MNIST *-ubyte.gz IDX files")
      ->capture_default_str();
  fm->add_option("--limit", args->opt.limit, "Use only the first N train and N/6 test images (0 = all; for tests)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  fm->add_option("--seed", args->opt.seed, "Seed for weight init and data order")->capture_default_str();
  fm->add_option("--epochs", args->opt.epochs, "Backbone training epochs (0 = per-set default: cls 3, openset 3, twoview 3)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  add_threads_option(fm, args->threads, "libtorch threads");
  fm->add_option("--device", args->opt.device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  fm->add_flag("--force", args->force, "Rebuild sets even when an identical one is on disk");
  fm->callback([args] { run_fmnist(*args); });
}

}  // namespace arfc::cli
