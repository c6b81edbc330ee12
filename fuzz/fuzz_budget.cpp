// The ratio list parser (`arfc eval --ratios`) and the budget -> layout rules for any
// geometry and budget (choose_layout, choose_truncated_layout, all_layouts).
#include <cstring>
#include <string>

#include "arfc/codes/ratio.h"
#include "fuzz_util.h"

namespace {

// Reads fixed-size fields from the front of the input (zeros once it runs out).
struct Fields {
  const uint8_t* p;
  size_t n;
  template <typename T>
  T take() {
    T v{};
    const size_t k = n < sizeof(T) ? n : sizeof(T);
    std::memcpy(&v, p, k);
    p += k;
    n -= k;
    return v;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arfc;
  fuzz::expect_ok_or_error([&] { parse_ratio_list(std::string(reinterpret_cast<const char*>(data), size)); });

  Fields f{data, size};
  CodeGeometry g;
  g.input_dim = f.take<int32_t>();
  g.token_width = f.take<int16_t>();
  g.max_tokens = f.take<int16_t>();
  g.value_level = f.take<uint8_t>() & 1;
  g.discrete_tokens = f.take<int16_t>();
  const uint8_t kind = f.take<uint8_t>();
  const double value = f.take<double>();
  const uint8_t dtype = f.take<uint8_t>();
  CodeBudget b{CodeBudget::Kind(kind % 3), value, std::nullopt};
  if (dtype & 0x80) b.dtype = StorageType(dtype % 4);
  fuzz::expect_ok_or_error([&] { choose_layout(g, b); });
  fuzz::expect_ok_or_error([&] {
    const int64_t stored = f.take<int16_t>();
    choose_truncated_layout(g, b, stored, StorageType(f.take<uint8_t>() % 4));
  });
  // all_layouts is linear in w * K_max (up to 2^20 layouts): small geometries keep the
  // target fast; the bound itself is a unit test.
  if (g.token_width > 0 && g.max_tokens > 0 && g.token_width * g.max_tokens <= 4096 && g.discrete_tokens <= 4096)
    fuzz::expect_ok_or_error([&] { all_layouts(g); });
  return 0;
}
