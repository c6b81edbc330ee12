// Small text helpers shared by the command-line parsers (method, ratio, variant and
// directory lists).
#pragma once

#include <string>
#include <vector>

namespace arfc {

// Splits `list` at every `sep` and trims spaces and tabs from each item. Empty items are
// kept (including one after a trailing separator), so callers can reject them with a
// message that names their option; an empty `list` gives no items.
std::vector<std::string> split_list(const std::string& list, char sep = ',');

}  // namespace arfc
