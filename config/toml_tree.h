// A TOML document as a plain tree of values that remember where they were
// written. The loader walks this tree instead of toml++'s own types so that
// only toml_tree.cc includes toml++ and every table keeps file order (toml++
// tables are sorted by key).
#ifndef DRIFTD_CONFIG_TOML_TREE_H_
#define DRIFTD_CONFIG_TOML_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace driftd::config {

struct SourcePosition {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct TomlEntry;

struct TomlValue {
  enum class Kind {
    kString,
    kInteger,
    kFloat,
    kBoolean,
    kDate,            // 2026-11-27
    kTime,            // 01:02:03
    kLocalDateTime,   // 2026-11-27T01:02:03 (no offset)
    kOffsetDateTime,  // 2026-11-27T01:02:03Z
    kArray,
    kTable,
  };

  Kind kind = Kind::kTable;
  SourcePosition position;        // where the value (or table header) starts
  std::string text;               // kString; date and time kinds in RFC 3339 spelling
  std::int64_t integer = 0;       // kInteger
  double number = 0;              // kFloat (may be inf or nan: TOML allows them)
  bool boolean = false;           // kBoolean
  bool inline_table = false;      // kTable written as { ... }
  std::vector<TomlValue> items;   // kArray
  std::vector<TomlEntry> entries; // kTable, in the order the keys appear in the file

  bool is_table() const { return kind == Kind::kTable; }
  // The entry named `key`, or nullptr. REQUIRES: is_table().
  const TomlEntry* Find(std::string_view key) const;
};

struct TomlEntry {
  std::string key;
  SourcePosition key_position;  // where the key itself is written
  TomlValue value;
};

// "string", "integer", "float", "boolean", "date", "time", "date-time",
// "array", "table": the words used in "expected X, got Y" messages.
std::string_view KindName(TomlValue::Kind kind);

struct TomlParseResult {
  std::optional<TomlValue> root;     // the top-level table, when the text parsed
  std::optional<ConfigError> error;  // the syntax error, with file, line and column
};

// Parses `text` as TOML 1.0. `source_name` is used as ConfigError::file.
// A syntax error stops parsing: TOML has no reliable recovery, so at most one
// error is returned.
[[nodiscard]] TomlParseResult ParseToml(std::string_view text, std::string_view source_name);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_TOML_TREE_H_
