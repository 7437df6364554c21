#include "alerts/logfmt.h"

#include <cstdio>

namespace driftd::alerts {
namespace {

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

void AppendLogfmt(std::string* line, std::string_view key, std::string_view value) {
  if (!line->empty()) line->push_back(' ');
  line->append(key);
  line->push_back('=');
  if (!NeedsQuotes(value)) {
    line->append(value);
    return;
  }
  line->push_back('"');
  for (unsigned char c : value) {
    switch (c) {
      case '"': line->append("\\\""); break;
      case '\\': line->append("\\\\"); break;
      case '\n': line->append("\\n"); break;
      case '\t': line->append("\\t"); break;
      case '\r': line->append("\\r"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          line->append(buf);
        } else {
          line->push_back(static_cast<char>(c));
        }
    }
  }
  line->push_back('"');
}

}  // namespace driftd::alerts
