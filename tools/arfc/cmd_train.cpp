// `arfc train`: train one ARFC model (any ratio at inference) on a feature set or on .npy files.
#include <fstream>

#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/io/feature_set.h"
#include "arfc/io/training_rows.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/train_arfc.h"
#include "arfc/train/distributed.h"
#include "cli_checks.h"
#include "commands.h"
#include "config_file.h"

namespace arfc::cli {

namespace {

struct TrainArgs {
  std::string task, train, labels, pair, data, out, config, device;
  int64_t epochs = 0;
  int64_t seed = -1;
  int threads = 0;
  bool resume = false;
  // Data parallelism: -1 / "" = from RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (or defaults).
  int64_t world_size = -1, rank = -1, master_port = -1;
  std::string master_addr;
};

void run(const TrainArgs& a) {
  const std::vector<std::pair<std::string, std::string>> inputs = {
      {"--train", a.train}, {"--labels", a.labels}, {"--pair", a.pair}, {"--config", a.config}};
  for (const std::string& out : {a.out, a.out + ".ckpt"}) check_output_file(out, inputs);
  set_threads(a.threads);
  // Data-parallel ranks join first (a bad address fails before any data is read). Only
  // rank 0 logs progress and writes files; the other ranks print warnings only.
  DistributedOptions dist = distributed_options_from_env();
  if (a.world_size >= 0) dist.world_size = a.world_size;
  if (a.rank >= 0) dist.rank = a.rank;
  if (a.master_port >= 0) dist.master_port = a.master_port;
  if (!a.master_addr.empty()) dist.master_addr = a.master_addr;
  validate(dist);
  std::shared_ptr<ProcessGroup> group;
  if (dist.world_size > 1) {
    group = ProcessGroup::create(dist);
    if (dist.rank > 0) {
      const std::string tag = "[rank " + std::to_string(dist.rank) + "] ";
      set_log_callback(make_text_logger([tag](const std::string& text) { std::fputs((tag + text).c_str(), stderr); },
                                        false, [](LogLevel level) { return level == LogLevel::Warn; }));
    }
  }
  // The training files: a feature set's, or the ones named.
  TrainingFiles files;
  if (!a.data.empty()) {
    ARFC_CHECK(a.train.empty() && a.labels.empty() && a.pair.empty(),
               "--data DIR cannot be combined with --train/--labels/--pair");
    files = training_files(a.data);
    if (!a.task.empty())
      ARFC_CHECK(parse_task(a.task) == files.task, "--task ", a.task, " disagrees with ", a.data,
                 "/meta.json (task ", task_name(files.task), "). Hint: drop --task when using --data.");
  } else {
    ARFC_CHECK(!a.train.empty(), "either --data DIR or --train X.npy is required");
    files.task = parse_task(a.task.empty() ? "generic" : a.task);
    files.x = a.train;
    files.y = a.labels;
    files.b = a.pair;
    if (files.task == Task::Classification || files.task == Task::Retrieval)
      ARFC_CHECK(!a.labels.empty(), "--labels: task ", task_name(files.task), " needs one label per row of ", a.train,
                 ". Hint: pass --labels y.npy.");
    if (files.task == Task::Crossmodal)
      ARFC_CHECK(!a.pair.empty(), "--pair: task crossmodal needs a second modality with one row per row of ",
                 a.train, ". Hint: pass --pair B.npy.");
  }
  nlohmann::json cfg = read_config_file(a.config);
  if (a.epochs > 0) cfg["train"]["epochs"] = a.epochs;
  if (a.seed >= 0) cfg["train"]["seed"] = a.seed;
  if (!a.device.empty()) cfg["train"]["device"] = a.device;
  const std::string ckpt = a.out + ".ckpt";
  ArfcModel m = [&] {
    // Shapes and label counts are checked before any feature is read.
    const TrainingRows rows = TrainingRows::from_files(files);
    // Data-parallel ranks read only their rows (train_arfc_sharded); one process reads all.
    if (group) return train_arfc_sharded(rows, cfg, ckpt, a.resume, group);
    FeatureSet fs;
    fs.task = files.task;
    fs.train_x = read_matrix(files.x);
    if (!files.y.empty()) fs.train_y = rows.labels();
    if (!files.b.empty()) fs.train_b = read_matrix(files.b);
    return train_arfc(fs, cfg, ckpt, a.resume, group);
  }();
  if (dist.rank > 0) return;  // rank 0 writes the model
  m.save(a.out);
  const auto s = m.config()["summary"];
  log_info("wrote " + a.out + " (checkpoint " + ckpt + ")");
  nlohmann::json report = {{"model", a.out},
                           {"task", task_name(m.task())},
                           {"fingerprint", m.fingerprint()},
                           {"token_width", m.geometry().token_width},
                           {"max_tokens", m.geometry().max_tokens},
                           {"summary", s}};
  std::printf("%s\n", report.dump(2).c_str());
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto a = std::make_shared<TrainArgs>();
  auto* sub = app.add_subcommand("train", "Train an ARFC model: one model, any compression ratio at inference");
  sub->add_option("--task", a->task, "generic | classification | retrieval | crossmodal (default generic; "
                                     "with --data it comes from meta.json)");
  sub->add_option("--train", a->train, "Training features [N, D] (.npy, .fvecs, .fbin, .safetensors)")
      ->check(CLI::ExistingFile);
  sub->add_option("--labels", a->labels, "Labels [N] int (.npy) for classification/retrieval")->check(CLI::ExistingFile);
  sub->add_option("--pair", a->pair, "Second modality [N, D_b] for crossmodal (row i pairs with --train row i)")
      ->check(CLI::ExistingFile);
  sub->add_option("--data", a->data, "Feature-set directory (meta.json, train_x.npy, ...) instead of --train")
      ->check(CLI::ExistingDirectory);
  sub->add_option("--out", a->out, "Output model file (.arfc); the checkpoint goes to OUT.ckpt")->required();
  sub->add_option("--config", a->config, "JSON config (sections model/train/loss; missing keys take defaults)")
      ->check(CLI::ExistingFile);
  sub->add_option("--epochs", a->epochs, "Override train.epochs")->check(CLI::Range(int64_t(1), int64_t(1000000)));
  sub->add_option("--seed", a->seed, "Override train.seed")->check(CLI::Range(int64_t(0), int64_t(1) << 62));
  sub->add_option("--device", a->device, "cpu | cuda | cuda:N | auto (overrides train.device)");
  add_threads_option(sub, a->threads, "CPU threads for libtorch");
  sub->add_flag("--resume", a->resume, "Continue from OUT.ckpt (same config) instead of starting over");
  auto* dp =
      "Data-parallel training (c10d, ProcessGroupGloo; start one process per rank; each reads only its shard of the "
      "rows)";
  sub->add_option("--world-size", a->world_size, "Number of data-parallel ranks (default: $WORLD_SIZE or 1)")
      ->group(dp);
  sub->add_option("--rank", a->rank, "This process's rank, 0 .. world size - 1 (default: $RANK or 0); rank 0 writes "
                  "the model and the checkpoint")->group(dp);
  sub->add_option("--master-addr", a->master_addr, "Address of rank 0 (default: $MASTER_ADDR or 127.0.0.1)")
      ->group(dp);
  sub->add_option("--master-port", a->master_port, "TCP port on rank 0 (default: $MASTER_PORT or 29500)")
      ->group(dp);
  sub->callback([a] { run(*a); });
}

}  // namespace arfc::cli
