#include "config/table_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "config/checks.h"
#include "config/duration.h"

namespace driftd::config {
namespace {

using Kind = TomlValue::Kind;

std::string Got(const TomlValue& value) { return ", got " + std::string(KindName(value.kind)); }

bool IsBareKey(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

void Diagnostics::Add(SourcePosition at, std::string key_path, std::string message) {
  errors_.push_back(ConfigError{file_, at.line, at.column, std::move(key_path), std::move(message)});
}

std::vector<ConfigError> Diagnostics::TakeSorted() {
  std::stable_sort(errors_.begin(), errors_.end(), ErrorPositionLess);
  return std::move(errors_);
}

std::string JoinKeyPath(std::string_view parent, std::string_view key) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += IsBareKey(key) ? std::string(key) : Quote(key);
  return out;
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (!p.is_relative() || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

bool NumberRange::Contains(double value) const {
  if (low && (low_inclusive ? value < *low : value <= *low)) return false;
  if (high && (high_inclusive ? value > *high : value >= *high)) return false;
  return true;
}

std::string NumberRange::Describe() const {
  if (low && high) {
    if (low_inclusive && high_inclusive) {
      return "must be between " + FormatNumber(*low) + " and " + FormatNumber(*high);
    }
    return std::string("must be ") + (low_inclusive ? "at least " : "greater than ") +
           FormatNumber(*low) + (high_inclusive ? " and at most " : " and less than ") +
           FormatNumber(*high);
  }
  if (low) {
    if (*low == 0 && low_inclusive) return "must not be negative";
    return std::string("must be ") + (low_inclusive ? "at least " : "greater than ") +
           FormatNumber(*low);
  }
  if (high) {
    return std::string("must be ") + (high_inclusive ? "at most " : "less than ") +
           FormatNumber(*high);
  }
  return "";
}

TableReader::TableReader(const TomlValue& table, std::string path, Diagnostics* diagnostics)
    : table_(table), path_(std::move(path)), diagnostics_(diagnostics) {}

const TomlEntry* TableReader::Find(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  return table_.Find(key);
}

void TableReader::ErrorAt(const TomlEntry& entry, std::string message) {
  diagnostics_->Add(entry.value.position, PathOf(entry.key), std::move(message));
}

void TableReader::ErrorOnTable(std::string message) {
  diagnostics_->Add(table_.position, path_, std::move(message));
}

bool TableReader::ReadString(std::string_view key, std::string* out, bool allow_empty) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  if (entry->value.kind != Kind::kString) {
    ErrorAt(*entry, "expected a string" + Got(entry->value));
    return false;
  }
  if (!allow_empty && entry->value.text.empty()) {
    ErrorAt(*entry, "must not be empty");
    return false;
  }
  *out = entry->value.text;
  return true;
}

bool TableReader::ReadBool(std::string_view key, bool* out) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  if (entry->value.kind != Kind::kBoolean) {
    ErrorAt(*entry, "expected a boolean (true or false)" + Got(entry->value));
    return false;
  }
  *out = entry->value.boolean;
  return true;
}

bool TableReader::ReadInteger(std::string_view key, std::int64_t minimum, std::int64_t* out) {
  return ReadIntegerChecked(key, minimum, INT64_MAX, /*between=*/false, out);
}

bool TableReader::ReadInteger(std::string_view key, std::int64_t minimum, std::int64_t maximum,
                              std::int64_t* out) {
  return ReadIntegerChecked(key, minimum, maximum, /*between=*/true, out);
}

bool TableReader::ReadIntegerChecked(std::string_view key, std::int64_t minimum,
                                     std::int64_t maximum, bool between, std::int64_t* out) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  if (entry->value.kind != Kind::kInteger) {
    ErrorAt(*entry, "expected an integer" + Got(entry->value));
    return false;
  }
  const std::int64_t value = entry->value.integer;
  if (value < minimum || value > maximum) {
    const std::string got = ", got " + std::to_string(value);
    if (between) {
      ErrorAt(*entry, "must be between " + std::to_string(minimum) + " and " +
                          std::to_string(maximum) + got);
    } else if (value < minimum) {
      ErrorAt(*entry, "must be at least " + std::to_string(minimum) + got);
    } else {
      ErrorAt(*entry, "must be at most " + std::to_string(maximum) + got);
    }
    return false;
  }
  *out = value;
  return true;
}

bool TableReader::ReadNumber(std::string_view key, std::optional<double>* out) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  double value = 0;
  if (entry->value.kind == Kind::kInteger) {
    value = static_cast<double>(entry->value.integer);
  } else if (entry->value.kind == Kind::kFloat) {
    value = entry->value.number;
  } else {
    ErrorAt(*entry, "expected a number" + Got(entry->value));
    return false;
  }
  if (!std::isfinite(value)) {
    ErrorAt(*entry, "must be a finite number");
    return false;
  }
  *out = value;
  return true;
}

bool TableReader::ReadNumber(std::string_view key, const NumberRange& range,
                             std::optional<double>* out) {
  std::optional<double> value;
  if (!ReadNumber(key, &value)) return false;
  if (!range.Contains(*value)) {
    ErrorAt(*Find(key), range.Describe() + ", got " + FormatNumber(*value));
    return false;
  }
  *out = value;
  return true;
}

bool TableReader::ReadNumber(std::string_view key, const NumberRange& range, double* out) {
  std::optional<double> value;
  if (!ReadNumber(key, range, &value)) return false;
  *out = *value;
  return true;
}

std::vector<std::pair<const TomlEntry*, std::string>> TableReader::ReadStringTable(
    std::string_view key) {
  std::vector<std::pair<const TomlEntry*, std::string>> out;
  const TomlValue* table = ReadTable(key);
  if (table == nullptr) return out;
  for (const TomlEntry& entry : table->entries) {
    const std::string entry_path = JoinKeyPath(PathOf(key), entry.key);
    if (entry.value.kind != Kind::kString) {
      diagnostics_->Add(entry.value.position, entry_path, "expected a string" + Got(entry.value));
    } else if (entry.value.text.empty()) {
      diagnostics_->Add(entry.value.position, entry_path, "must not be empty");
    } else {
      out.emplace_back(&entry, entry.value.text);
    }
  }
  return out;
}

bool TableReader::ReadDuration(std::string_view key, DurationRule rule,
                               std::optional<Duration>* out) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  if (entry->value.kind != Kind::kString) {
    ErrorAt(*entry, "expected a duration string like \"15s\"" + Got(entry->value));
    return false;
  }
  const std::optional<Duration> parsed = ParseDuration(entry->value.text);
  if (!parsed) {
    ErrorAt(*entry, "invalid duration " + Quote(entry->value.text) +
                        " (expected e.g. \"500ms\", \"15s\", \"1h30m\", \"7d\")");
    return false;
  }
  if (rule == DurationRule::kPositive && *parsed == Duration::zero()) {
    ErrorAt(*entry, "must be greater than 0s");
    return false;
  }
  *out = parsed;
  return true;
}

bool TableReader::ReadDuration(std::string_view key, DurationRule rule, Duration* out) {
  std::optional<Duration> value;
  if (!ReadDuration(key, rule, &value)) return false;
  *out = *value;
  return true;
}

bool TableReader::ReadSize(std::string_view key, std::uint64_t* out) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  std::optional<std::uint64_t> bytes;
  if (entry->value.kind == Kind::kInteger) {
    if (entry->value.integer < 0) {
      ErrorAt(*entry, "must not be negative");
      return false;
    }
    bytes = static_cast<std::uint64_t>(entry->value.integer);
  } else if (entry->value.kind == Kind::kString) {
    bytes = ParseSize(entry->value.text);
    if (!bytes) {
      ErrorAt(*entry, "invalid size " + Quote(entry->value.text) +
                          " (expected e.g. \"512\", \"64KiB\", \"1MiB\", \"10kB\")");
      return false;
    }
  } else {
    ErrorAt(*entry, "expected a size like \"1MiB\" or an integer number of bytes" +
                        Got(entry->value));
    return false;
  }
  if (*bytes == 0) {
    ErrorAt(*entry, "must be greater than 0 bytes");
    return false;
  }
  *out = *bytes;
  return true;
}

bool TableReader::ReadStringList(std::string_view key, std::vector<std::string>* out) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  if (entry->value.kind != Kind::kArray) {
    ErrorAt(*entry, "expected an array of strings" + Got(entry->value));
    return false;
  }
  bool ok = true;
  std::vector<std::string> values;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < entry->value.items.size(); ++i) {
    const TomlValue& item = entry->value.items[i];
    const std::string item_path = PathOf(key) + "[" + std::to_string(i) + "]";
    if (item.kind != Kind::kString) {
      diagnostics_->Add(item.position, item_path, "expected a string" + Got(item));
      ok = false;
    } else if (item.text.empty()) {
      diagnostics_->Add(item.position, item_path, "must not be empty");
      ok = false;
    } else if (!seen.insert(item.text).second) {
      diagnostics_->Add(item.position, item_path, "duplicate value " + Quote(item.text));
      ok = false;
    } else {
      values.push_back(item.text);
    }
  }
  if (ok) *out = std::move(values);
  return ok;
}

bool TableReader::ReadChoice(std::string_view key, std::span<const std::string_view> names,
                             std::size_t* index) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return false;
  if (entry->value.kind != Kind::kString) {
    ErrorAt(*entry, "expected a string" + Got(entry->value));
    return false;
  }
  std::string expected;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == entry->value.text) {
      *index = i;
      return true;
    }
    expected += (i == 0 ? "" : ", ") + Quote(names[i]);
  }
  ErrorAt(*entry, "expected one of " + expected + ", got " + Quote(entry->value.text));
  return false;
}

const TomlValue* TableReader::ReadTable(std::string_view key) {
  const TomlEntry* entry = Find(key);
  if (entry == nullptr) return nullptr;
  if (!entry->value.is_table()) {
    ErrorAt(*entry, "expected a table" + Got(entry->value));
    return nullptr;
  }
  return &entry->value;
}

void TableReader::ReportUnknownKeys() {
  for (const TomlEntry& entry : table_.entries) {
    if (std::find(known_.begin(), known_.end(), entry.key) != known_.end()) continue;
    std::string message = "unknown key";
    if (const auto suggestion = SuggestKey(entry.key, known_)) {
      message += " (did you mean " + *suggestion + "?)";
    }
    diagnostics_->Add(entry.key_position, PathOf(entry.key), std::move(message));
  }
}

}  // namespace driftd::config
