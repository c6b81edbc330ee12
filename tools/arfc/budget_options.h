// CLI options shared by `arfc compress` and `arfc truncate`: exactly one of --ratio,
// --tokens, --bytes (a usage error otherwise) and an optional --dtype.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "arfc/codes/ratio.h"

namespace arfc::cli {

struct BudgetOptions {
  double ratio = 0, tokens = 0, bytes = 0;
  std::string dtype;  // "" = choose
  CLI::Option *ratio_opt = nullptr, *tokens_opt = nullptr;

  // dtype_help: what happens without --dtype for this command.
  void add_to(CLI::App* sub, const std::string& dtype_help) {
    auto* g = sub->add_option_group("budget", "Code size: exactly one of --ratio, --tokens, --bytes");
    ratio_opt = g->add_option("--ratio", ratio,
                  "Compression ratio R > 1 (float32 bytes / code bytes); the largest code with ratio >= R "
                  "is chosen, e.g. 8, 10.7, 32");
    tokens_opt = g->add_option("--tokens", tokens, "Number of tokens to keep (each holds the model's token width of values)");
    g->add_option("--bytes", bytes, "Byte budget per vector; the largest code that fits is chosen");
    g->require_option(1);
    sub->add_option("--dtype", dtype,
                    "Storage type: f32, f16, i8 or i4 values (i4: two per byte, models trained since i4 "
                    "existed), or q8 discrete tokens (one byte each; --tokens then counts discrete tokens). " +
                        dtype_help)
        ->check(CLI::IsMember({"f32", "f16", "i8", "i4", "q8"}));
  }

  CodeBudget budget() const {
    CodeBudget b;
    if (ratio_opt->count() > 0) b = CodeBudget::ratio(ratio);
    else if (tokens_opt->count() > 0) b = CodeBudget::tokens(tokens);
    else b = CodeBudget::bytes(bytes);
    if (!dtype.empty()) b.dtype = parse_storage_type(dtype);
    return b;
  }
};

}  // namespace arfc::cli
