// The binary container behind model files (.arfc) and training checkpoints (.ckpt).
// Byte layout (little-endian; docs/FORMAT.md, section "Model checkpoint"):
//   magic[8] | u32 format_version | u64 header_len | header (UTF-8 JSON) |
//   u64 blob_len | blob (torch archive bytes) | u64 FNV-1a of every preceding byte
// Readers check, in order: file size >= fixed part, magic, version (<= max supported),
// header_len and blob_len against the real file size, the checksum, then parse the JSON.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace arfc {

struct ContainerFile {
  uint32_t version = 0;
  nlohmann::json header;
  std::string blob;
};

// Atomic write (temp + rename).
void write_container(const std::string& path, const char magic[8], uint32_t version,
                     const nlohmann::json& header, const std::string& blob);
// `what` names the kind of file in messages ("model file", "training checkpoint").
ContainerFile read_container(const std::string& path, const char magic[8], uint32_t max_version,
                             const std::string& what);

// 64-bit FNV-1a, chainable through `h`.
uint64_t fnv1a64(const void* data, size_t n, uint64_t h = 0xcbf29ce484222325ULL);

}  // namespace arfc
