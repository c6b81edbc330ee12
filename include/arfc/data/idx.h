// Reader for the IDX files of (Fashion-)MNIST, plain or gzip-compressed (zlib reads both).
//
// Layout (big-endian): uint32 magic, then one uint32 size per dimension, then the payload
// as unsigned bytes. Images: magic 0x00000803, dims n x rows x cols. Labels: magic
// 0x00000801, dim n. The readers check, in order: the file opens, magic, dims within
// bounds, the payload is complete (no truncation) and nothing follows it; every failure
// throws arfc::Error naming the file, the field, expected vs actual, and a hint.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arfc/core/matrix.h"

namespace arfc {

struct IdxImages {
  int64_t n = 0, rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // n*rows*cols bytes, row-major per image, 0..255
};

IdxImages read_idx_images(const std::string& path);
// Labels as int64 (0..255 as stored).
Labels read_idx_labels(const std::string& path);

// Images [first, first+count) scaled to [0,1]: count x (rows*cols) float32.
Matrix idx_images_to_matrix(const IdxImages& im, int64_t first = 0, int64_t count = -1);

}  // namespace arfc
