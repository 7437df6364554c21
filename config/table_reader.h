// Typed, checked access to the tables of a parsed TOML tree, collecting every
// problem instead of stopping at the first. Internal to the config library.
#ifndef DRIFTD_CONFIG_TABLE_READER_H_
#define DRIFTD_CONFIG_TABLE_READER_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/toml_tree.h"

namespace driftd::config {

// Collects the errors of one file.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void Add(SourcePosition at, std::string key_path, std::string message);
  const std::string& file() const { return file_; }
  bool empty() const { return errors_.empty(); }
  // The errors so far, ordered by line and column (stable for ties).
  std::vector<ConfigError> TakeSorted();

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

// "parent.key"; keys that are not bare TOML keys are quoted: models."a b".
std::string JoinKeyPath(std::string_view parent, std::string_view key);

// `path` joined to `base_dir` when it is relative and base_dir is not empty,
// lexically normalised; otherwise `path` unchanged. Relative file names in
// the configuration follow the file, not the working directory.
std::string ResolvePath(const std::string& base_dir, const std::string& path);

enum class DurationRule { kPositive, kNonNegative };

// The allowed values of a number: each bound is optional and inclusive or
// exclusive.
struct NumberRange {
  std::optional<double> low;
  bool low_inclusive = true;
  std::optional<double> high;
  bool high_inclusive = true;

  static NumberRange AtLeast(double low) { return {low, true, std::nullopt, true}; }
  static NumberRange Above(double low) { return {low, false, std::nullopt, true}; }
  static NumberRange Between(double low, double high) { return {low, true, high, true}; }
  // (low, high]
  static NumberRange AboveUpTo(double low, double high) { return {low, false, high, true}; }

  bool Contains(double value) const;
  // "must be between 0 and 1", "must be greater than 0", "must not be negative", ...
  std::string Describe() const;
};

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

// Reads the entries of one table. Every Read* takes the key, declares it
// known, and when the key is present checks its value: on success it stores
// the value in *out and returns true; on a problem it adds an error located at
// the value and returns false; when absent it returns false and leaves *out
// (the default) alone. ReportUnknownKeys then flags every other key.
//
// Not thread-safe; the table and diagnostics must outlive the reader.
class TableReader {
 public:
  // REQUIRES: table.is_table().
  TableReader(const TomlValue& table, std::string path, Diagnostics* diagnostics);
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  const TomlValue& table() const { return table_; }
  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return JoinKeyPath(path_, key); }
  Diagnostics* diagnostics() const { return diagnostics_; }

  // Declares `key` known; returns its entry, or nullptr when absent.
  const TomlEntry* Find(std::string_view key);
  // Adds an error at the value of `entry` (a key of this table).
  void ErrorAt(const TomlEntry& entry, std::string message);
  // Adds an error at the table itself.
  void ErrorOnTable(std::string message);

  bool ReadString(std::string_view key, std::string* out, bool allow_empty = false);
  bool ReadBool(std::string_view key, bool* out);
  // An integer >= minimum.
  bool ReadInteger(std::string_view key, std::int64_t minimum, std::int64_t* out);
  // An integer in [minimum, maximum] ("must be between 1 and 10000, got 0").
  bool ReadInteger(std::string_view key, std::int64_t minimum, std::int64_t maximum,
                   std::int64_t* out);
  // An integer >= minimum that fits in T ("must be at most 4294967295, got ...").
  // REQUIRES: minimum >= 0.
  template <typename T>
  bool ReadUnsigned(std::string_view key, std::int64_t minimum, T* out) {
    constexpr auto kMax = std::numeric_limits<T>::max();
    constexpr std::int64_t kLimit = kMax > static_cast<std::uint64_t>(INT64_MAX)
                                        ? INT64_MAX
                                        : static_cast<std::int64_t>(kMax);
    std::int64_t value = 0;
    if (!ReadIntegerChecked(key, minimum, kLimit, /*between=*/false, &value)) return false;
    *out = static_cast<T>(value);
    return true;
  }
  // An integer or float; must be finite.
  bool ReadNumber(std::string_view key, std::optional<double>* out);
  // A finite number within `range` ("must be between 0 and 1, got 1.5").
  bool ReadNumber(std::string_view key, const NumberRange& range, std::optional<double>* out);
  bool ReadNumber(std::string_view key, const NumberRange& range, double* out);
  // A table of string values (header or label maps): every value must be a
  // non-empty string; keys are checked by the caller. Returns the entries in
  // file order, or nothing when the key is absent or not a table.
  std::vector<std::pair<const TomlEntry*, std::string>> ReadStringTable(std::string_view key);
  // A duration string ("15s"); see config/duration.h.
  bool ReadDuration(std::string_view key, DurationRule rule, Duration* out);
  bool ReadDuration(std::string_view key, DurationRule rule, std::optional<Duration>* out);
  // A size string ("64KiB") or a positive integer number of bytes.
  bool ReadSize(std::string_view key, std::uint64_t* out);
  // An array of non-empty, distinct strings.
  bool ReadStringList(std::string_view key, std::vector<std::string>* out);
  // One of `names`; stores the matching value.
  template <typename E>
  bool ReadEnum(std::string_view key, std::span<const EnumName<E>> names, E* out) {
    std::vector<std::string_view> spellings;
    for (const auto& n : names) spellings.push_back(n.name);
    std::size_t index = 0;
    if (!ReadChoice(key, spellings, &index)) return false;
    *out = names[index].value;
    return true;
  }
  // The value of `key` when it is a table (plain or inline), else nullptr
  // (with an error when present but not a table).
  const TomlValue* ReadTable(std::string_view key);

  // Adds "unknown key" errors, at the key, for every entry never passed to
  // Find, suggesting the closest known key.
  void ReportUnknownKeys();

 private:
  bool ReadIntegerChecked(std::string_view key, std::int64_t minimum, std::int64_t maximum,
                          bool between, std::int64_t* out);
  bool ReadChoice(std::string_view key, std::span<const std::string_view> names,
                  std::size_t* index);

  const TomlValue& table_;
  std::string path_;
  Diagnostics* diagnostics_;
  std::vector<std::string> known_;
};

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_TABLE_READER_H_
