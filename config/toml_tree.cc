#include "config/toml_tree.h"

#include <algorithm>
#include <sstream>
#include <toml++/toml.h>
#include <utility>

namespace driftd::config {
namespace {

SourcePosition PositionOf(const toml::source_region& region) {
  return SourcePosition{static_cast<int>(region.begin.line),
                        static_cast<int>(region.begin.column)};
}

template <typename T>
std::string Spell(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

TomlValue Convert(const toml::node& node);

TomlValue ConvertTable(const toml::table& table) {
  TomlValue out;
  out.kind = TomlValue::Kind::kTable;
  out.inline_table = table.is_inline();
  for (const auto& [key, child] : table) {
    out.entries.push_back(TomlEntry{std::string(key.str()), PositionOf(key.source()), Convert(child)});
  }
  // Restore file order; keys of implicit tables without a position go first.
  std::stable_sort(out.entries.begin(), out.entries.end(),
                   [](const TomlEntry& a, const TomlEntry& b) {
                     if (a.key_position.line != b.key_position.line) {
                       return a.key_position.line < b.key_position.line;
                     }
                     return a.key_position.column < b.key_position.column;
                   });
  return out;
}

TomlValue Convert(const toml::node& node) {
  TomlValue out;
  switch (node.type()) {
    case toml::node_type::table:
      out = ConvertTable(*node.as_table());
      break;
    case toml::node_type::array:
      out.kind = TomlValue::Kind::kArray;
      for (const toml::node& item : *node.as_array()) out.items.push_back(Convert(item));
      break;
    case toml::node_type::string:
      out.kind = TomlValue::Kind::kString;
      out.text = node.as_string()->get();
      break;
    case toml::node_type::integer:
      out.kind = TomlValue::Kind::kInteger;
      out.integer = node.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      out.kind = TomlValue::Kind::kFloat;
      out.number = node.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.kind = TomlValue::Kind::kBoolean;
      out.boolean = node.as_boolean()->get();
      break;
    case toml::node_type::date:
      out.kind = TomlValue::Kind::kDate;
      out.text = Spell(node.as_date()->get());
      break;
    case toml::node_type::time:
      out.kind = TomlValue::Kind::kTime;
      out.text = Spell(node.as_time()->get());
      break;
    case toml::node_type::date_time: {
      const toml::date_time& dt = node.as_date_time()->get();
      out.kind = dt.is_local() ? TomlValue::Kind::kLocalDateTime : TomlValue::Kind::kOffsetDateTime;
      out.text = Spell(dt);
      break;
    }
    case toml::node_type::none:
      break;
  }
  out.position = PositionOf(node.source());
  return out;
}

}  // namespace

const TomlEntry* TomlValue::Find(std::string_view key) const {
  for (const TomlEntry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

std::string_view KindName(TomlValue::Kind kind) {
  switch (kind) {
    case TomlValue::Kind::kString:
      return "string";
    case TomlValue::Kind::kInteger:
      return "integer";
    case TomlValue::Kind::kFloat:
      return "float";
    case TomlValue::Kind::kBoolean:
      return "boolean";
    case TomlValue::Kind::kDate:
      return "date";
    case TomlValue::Kind::kTime:
      return "time";
    case TomlValue::Kind::kLocalDateTime:
    case TomlValue::Kind::kOffsetDateTime:
      return "date-time";
    case TomlValue::Kind::kArray:
      return "array";
    case TomlValue::Kind::kTable:
      return "table";
  }
  return "value";
}

TomlParseResult ParseToml(std::string_view text, std::string_view source_name) {
  TomlParseResult result;
  // toml++ reports syntax errors by exception in this build; it must not
  // escape the loader, whose callers expect values.
  try {
    toml::table table = toml::parse(text, source_name);
    result.root = ConvertTable(table);
    result.root->position = SourcePosition{1, 1};
  } catch (const toml::parse_error& e) {
    const SourcePosition at = PositionOf(e.source());
    result.error = ConfigError{std::string(source_name), at.line, at.column, "",
                               std::string(e.description())};
  }
  return result;
}

}  // namespace driftd::config
