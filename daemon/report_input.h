// Tables for `driftd report` and `driftd baseline`: a CSV file (header
// line) or a JSONL file of events, read in one streaming pass into
// per-column summaries, optionally cut into chunks of N rows.
//
// Column types: a column is numeric while every non-missing value parses as
// a number (decimal or exponent form, an optional sign; NaN and +/-Infinity
// spellings count as numeric but are skipped and counted), categorical from
// its first other value on (earlier numbers become categories named by
// their shortest decimal form). Types given by the caller (forced) are
// kept: a non-number in a forced-numeric column is counted as non_numeric
// and skipped. Missing: an empty field, NA, N/A, null, NULL, None, or a
// JSON null / absent feature.
// Rows whose field count differs from the header's are skipped and counted
// (the first few line numbers are kept for the warning).
//
// Memory: each numeric value is held once (8 bytes, row order, exact) once
// the table is built (twice while it is built: read, then summarized);
// categorical columns hold counts per chunk. Nothing else of the file is
// kept.
#ifndef DRIFTD_DAEMON_REPORT_INPUT_H_
#define DRIFTD_DAEMON_REPORT_INPUT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "detectors/window/categorical_counts.h"
#include "detectors/window/numeric_summary.h"

namespace driftd {

struct TableColumn {
  std::string name;
  bool forced = false;
  config::FeatureType type = config::FeatureType::kNumeric;
  // Numeric: every finite value in row order (exact, unsorted), and where
  // each chunk starts in that sample.
  detectors::NumericSummary numeric;
  std::vector<std::size_t> chunk_starts;
  // Categorical: counts per chunk and in all.
  std::vector<detectors::CategoricalCounts> chunk_counts;
  detectors::CategoricalCounts counts;
  std::uint64_t missing = 0;
  std::uint64_t nan = 0;
  std::uint64_t inf = 0;
  std::uint64_t non_numeric = 0;
};

struct Table {
  std::string path;
  std::vector<TableColumn> columns;  // in header (or first-seen) order
  std::uint64_t rows = 0;
  std::uint64_t ragged_rows = 0;
  std::vector<std::uint64_t> ragged_lines;  // the first few
  std::uint64_t rejected_events = 0;        // JSONL lines that did not decode
  std::size_t chunk_rows = 0;               // 0: no chunks
  std::size_t num_chunks() const;
  std::uint64_t ChunkRows(std::size_t chunk) const;
  const TableColumn* Find(const std::string& name) const;
  TableColumn* Find(const std::string& name);
};

// The column a JSONL event's prediction goes to (TableOptions).
inline constexpr const char* kPredictionColumnName = "prediction";

struct TableOptions {
  std::size_t chunk_rows = 0;                       // 0: no chunks
  std::map<std::string, config::FeatureType> forced;  // column -> type
  std::set<std::string> only;                       // empty: every column
  std::size_t max_categories = detectors::CategoricalCounts::kDefaultMaxCategories;
  // JSONL only: which model's events to take (empty: all).
  std::string model;
  // JSONL only: also read each event's prediction as the column
  // kPredictionColumnName (driftd baseline of a model with a prediction).
  bool prediction_column = false;
  // ReadTables on several threads: the smallest range of a CSV file read
  // apart (tests lower it to cut small files).
  std::size_t min_part_bytes = std::size_t{1} << 18;
};

// Reads `path` (CSV, or JSONL when the name ends in .jsonl/.ndjson or the
// first byte is '{'). std::nullopt with *error set on a hard error.
[[nodiscard]] std::optional<Table> ReadTable(const std::string& path, const TableOptions& options,
                                             std::string* error);

// Reads every path as ReadTable would, on up to `threads` threads: the
// files at once, and an unchunked CSV file cut at line breaks into ranges
// read apart and joined in order. The tables are exactly ReadTable's
// (values in row order, first-seen category order, line numbers): a file
// whose ranges cannot be joined exactly (a quoted field, a column whose
// type differs between ranges, a category tally that overflowed in a later
// range, an error) is read again in one range. Result i is std::nullopt with
// (*errors)[i] set on a hard error.
// Memory: each file is mapped read-only while it is read (no copy); each
// range holds its own numbers until they are joined.
[[nodiscard]] std::vector<std::optional<Table>> ReadTables(const std::vector<std::string>& paths,
                                                           const TableOptions& options, std::size_t threads,
                                                           std::vector<std::string>* errors);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_REPORT_INPUT_H_
