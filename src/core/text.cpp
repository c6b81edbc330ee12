#include "arfc/core/text.h"

namespace arfc {

std::vector<std::string> split_list(const std::string& list, char sep) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  size_t begin = 0;
  while (true) {
    const size_t end = list.find(sep, begin);
    std::string item = list.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    const size_t first = item.find_first_not_of(" \t");
    item = first == std::string::npos ? std::string() : item.substr(first, item.find_last_not_of(" \t") - first + 1);
    out.push_back(std::move(item));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return out;
}

}  // namespace arfc
