// `arfc export`: stored codes as a plain float32 matrix for other tools.
#include <cstdio>
#include <memory>

#include "arfc/codes/code_file.h"
#include "arfc/io/embeddings.h"
#include "commands.h"

namespace arfc::cli {

void add_export_command(CLI::App& app) {
  struct Opts {
    std::string in, out;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "export", "Write stored codes as a dequantised float32 matrix [N, n_values] (.npy, .fvecs, .fbin or "
                ".safetensors, by extension), e.g. to index them with another tool");
  sub->add_option("--in", o->in, "Code file written by arfc compress or arfc truncate (.arfc)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--out", o->out, "Output matrix file: .npy, .fvecs, .fbin or .safetensors")->required();
  sub->callback([o] {
    const FileFormat format = format_from_path(o->out);  // unknown extension -> arfc::Error before reading
    const CodeSet c = read_code_file(o->in);
    write_matrix(o->out, dequantize_codes(c), format, "codes");
    std::printf("exported %lld codes (%s) as a %lld x %lld float32 matrix -> %s\n", static_cast<long long>(c.n),
                describe_layout(c.layout(), c.token_width).c_str(), static_cast<long long>(c.n),
                static_cast<long long>(c.n_values), o->out.c_str());
  });
}

}  // namespace arfc::cli
