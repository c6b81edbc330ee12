// Validation shared by every JSON reader: the nesting bound every JSON text is checked
// against before it is parsed, the parse of JSON objects from outside (parse_json_object),
// and the key check of the config section parsers (model, train and loss sections).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "arfc/core/error.h"

namespace arfc::detail {

// The deepest nesting any JSON file of arfc holds is 4; a crafted file nested thousands of
// levels deep would exhaust the stack (a crash) or the memory of code that walks the value.
constexpr int kMaxJsonDepth = 64;

// Whether the arrays and objects of `text` nest at most max_depth levels (brackets inside
// strings do not count). Linear in the text; invalid JSON is left to the parser.
inline bool json_depth_within(const std::string& text, int max_depth = kMaxJsonDepth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// Throws arfc::Error naming `what` when json_depth_within(text) is false; call it before
// nlohmann::json::parse on text from a file or the command line.
inline void check_json_depth(const std::string& text, const std::string& what) {
  ARFC_CHECK(json_depth_within(text), what, ": JSON nested more than ", kMaxJsonDepth,
             " levels deep. Hint: is this the right file?");
}

// The JSON object in `text` (a file's content or a command-line value): its nesting checked
// (check_json_depth) before it is parsed, then parsed. The one way arfc reads JSON from
// outside. Errors name `what` ("config 'run.json'", "file 'x/meta.json'"): "<what>: not
// valid JSON (<parser message>)." and "<what>: expected a JSON object, got <type>.", each
// followed by `hint` when given ("Hint: ...").
inline nlohmann::json parse_json_object(const std::string& text, const std::string& what,
                                        const std::string& hint = "") {
  check_json_depth(text, what);
  const std::string tail = hint.empty() ? std::string() : " " + hint;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    ARFC_THROW(what, ": not valid JSON (", e.what(), ").", tail);
  }
  ARFC_CHECK(j.is_object(), what, ": expected a JSON object, got ", j.type_name(), ".", tail);
  return j;
}

// A value as an error message quotes it: its JSON text, cut to max_chars ("..." after).
inline std::string json_excerpt(const nlohmann::json& v, size_t max_chars = 80) {
  std::string t = v.dump();
  return t.size() <= max_chars ? t : t.substr(0, max_chars) + "...";
}

// Throws arfc::Error naming `where` and the unknown key, listing the accepted keys.
inline void check_keys(const nlohmann::json& j, const std::string& where,
                       const std::vector<std::string>& accepted) {
  ARFC_CHECK(j.is_object(), where, ": expected a JSON object, got ", j.type_name());
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(accepted.begin(), accepted.end(), it.key()) != accepted.end()) continue;
    std::string list;
    for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
    ARFC_THROW(where, ": unknown key \"", it.key(), "\". Accepted keys: ", list, ".");
  }
}

}  // namespace arfc::detail
