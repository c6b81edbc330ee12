// `arfc compress`: features -> stored codes at a ratio, token count or byte budget.
#include <chrono>
#include <cstdio>
#include <memory>

#include "arfc/codes/code_file.h"
#include "arfc/core/error.h"
#include "arfc/core/log.h"
#include "arfc/io/embeddings.h"
#include "arfc/nn/tensor_util.h"
#include "arfc/train/arfc_model.h"
#include "budget_options.h"
#include "commands.h"
#include "model_dims.h"

namespace arfc::cli {

void add_compress_command(CLI::App& app) {
  struct Opts {
    std::string model, in, out, tensor, device = "cpu";
    BudgetOptions budget;
    int64_t modality = 0;
    int threads = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "compress",
      "Compress features to codes at a ratio, token count or byte budget. The achieved layout (tokens, values, "
      "storage type, bytes/vector, ratio) is printed and stored in the code file.");
  sub->add_option("--model", o->model, "Trained ARFC model (written by arfc train)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--in", o->in, "Features [N, D] float32: .npy, .fvecs, .fbin or .safetensors")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--tensor", o->tensor, "safetensors: name of the tensor to read (default: the only 2-D one)");
  sub->add_option("--out", o->out, "Output code file (.arfc)")->required();
  o->budget.add_to(sub, "Default: the model's rule for the budget (discrete tokens below the model's discrete_tokens bytes, else the best of f32/f16/i8; f32 for --tokens)");
  sub->add_option("--modality", o->modality, "0, or 1 for the second modality of a crossmodal model")->capture_default_str()
      ->check(CLI::Range(0, 1));
  sub->add_option("--device", o->device, "cpu, cuda, cuda:N or auto")->capture_default_str();
  sub->add_option("--threads", o->threads, "CPU threads for libtorch (0 = all)")->capture_default_str()->check(CLI::NonNegativeNumber);
  sub->add_flag("--json", o->json, "Print the written file's description as JSON instead of a summary line");
  sub->callback([o] {
    set_threads(o->threads);
    const ArfcModel model = ArfcModel::load(o->model, o->device);
    const int64_t dim = model_input_dim(model, o->modality, o->model);
    CodeGeometry g = model.geometry();
    g.input_dim = dim;  // the ratio is relative to the features actually compressed
    const CodeLayout layout = choose_layout(g, o->budget.budget());

    ReadOptions ro;
    ro.tensor_name = o->tensor;
    const Matrix x = read_matrix(o->in, ro);
    ARFC_CHECK(x.d == dim, "--in '", o->in, "': expected D = ", dim, " (the input dimension of model '", o->model,
               "'", (o->modality ? ", modality 1" : ""), "), got D = ", x.d, " (", x.shape_str(),
               "). Hint: compress features of the kind the model was trained on.");
    if (layout.dtype == StorageType::I8 && !model.calibrated())
      log_warn("model '" + o->model + "' stores no int8 calibration (written by an older version): int8 scales "
               "are fitted on this file, so codes depend on the file. Hint: retrain to get calibrated codes.");
    const auto t0 = std::chrono::steady_clock::now();
    const CodeSet c = model.compress(x, layout, o->modality);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ARFC_ASSERT(c.n == x.n && c.n_values == layout.n_values && c.dtype == layout.dtype, "compress returned ", c.n,
                " x ", c.n_values, " ", storage_name(c.dtype), ", expected ", x.n, " x ", layout.n_values);
    log_info("encoded " + std::to_string(x.n) + " vectors in " + format_duration(secs));
    write_code_file(o->out, c);
    if (o->json) {
      std::printf("%s\n", describe_code_file(o->out).dump(2).c_str());
    } else {
      std::printf("compressed %lld vectors (D=%lld) to %s -> %s\n", static_cast<long long>(c.n),
                  static_cast<long long>(dim), describe_layout(c.layout(), c.token_width).c_str(), o->out.c_str());
    }
  });
}

}  // namespace arfc::cli
