// IEEE 754 binary16 (float16) and bfloat16 <-> float32, by hand (no compiler _Float16).
// float16 -> float32 is exact, including subnormals, +-0, +-inf and NaN (payload kept).
// float32 -> float16 rounds to nearest even; overflow -> inf, tiny -> subnormal/zero.
#pragma once

#include <cstdint>

namespace arfc {

float half_to_float(uint16_t h);
uint16_t float_to_half(float f);
float bfloat16_to_float(uint16_t b);

}  // namespace arfc
