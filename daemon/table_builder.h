// Builds one `driftd report` Table from fields handed over row by row (CSV
// records, JSONL events) or in batches of whole CSV rows, and joins tables
// built apart over consecutive row ranges of one file.
//
// Contract:
//  - Columns: Column(name) gives the column's index (created on first use,
//    in first-seen order; -1 when TableOptions::only filters it out, and
//    every Add* ignores index -1). Forced types (TableOptions::forced) are
//    kept; a numeric column turns categorical at its first non-number,
//    earlier numbers becoming categories named by ShortestText.
//  - Rows: BeginRow, then AddText / AddNumber / AddMissing per field, then
//    EndRow. With all_present == false (JSONL) a column the row did not
//    name counts as missing. AddRows adds whole CSV rows column by column
//    and gives the same table as adding them row by row.
//  - Chunks: a new chunk every TableOptions::chunk_rows rows (0: one chunk).
//  - Numbers are held apart (row order, exact) until FinishNumbers moves
//    column i's into its summary; FinishCategories moves the tallies into
//    the table's counts. Finish() does both. After that the table is
//    final: add nothing more.
//  - Joining: CanAbsorb(later) says whether Absorb(later) gives exactly
//    the table one builder would have built over both ranges (unchunked
//    tables, equal column types, no conversion over numbers and no tally
//    overflow in `later`). Absorb moves later's numbers and adds its counts.
//  - Threads: one builder per thread; FinishNumbers(i) for distinct i may
//    run at once after FinishCategories.
// `options` and `table` must outlive the builder.
#ifndef DRIFTD_DAEMON_TABLE_BUILDER_H_
#define DRIFTD_DAEMON_TABLE_BUILDER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/category_tally.h"
#include "daemon/report_input.h"

namespace driftd::report {

// How many ragged-row line numbers a table keeps (Table::ragged_lines).
inline constexpr std::size_t kRaggedLinesKept = 5;

class TableBuilder {
 public:
  TableBuilder(const TableOptions& options, Table* table) : options_(options), table_(table) {
    table_->chunk_rows = options.chunk_rows;
  }

  // Column index, created on first use; -1 when filtered out.
  int Column(std::string_view name);

  // `all_present`: the caller adds a value (or missing) for every column of
  // the row (CSV), so EndRow need not look for absent ones.
  void BeginRow(bool all_present) {
    if (chunks_ == 0 || (options_.chunk_rows > 0 && table_->rows % options_.chunk_rows == 0)) BeginChunk();
    all_present_ = all_present;
    if (!all_present) std::fill(seen_.begin(), seen_.end(), false);
  }

  // `padded`: 8 bytes from text.data() are readable (CategoryTally::Add).
  void AddText(int col, std::string_view text, bool padded = false);

  // `nrows` whole CSV rows (row-major fields, one per entry of `cols`, as
  // padded views: AddText), column by column; the same table as adding
  // them row by row.
  void AddRows(const std::vector<int>& cols, const std::string_view* fields, std::size_t nrows);

  // Capacity for `rows` more numbers in every numeric column.
  void ReserveNumbers(std::size_t rows);

  // A number (JSONL): a value of a numeric column, or the category named by
  // its shortest form in a categorical one.
  void AddNumber(int col, double x);

  void AddMissing(int col) {
    if (col < 0) return;
    if (!all_present_) seen_[static_cast<std::size_t>(col)] = true;
    ++table_->columns[static_cast<std::size_t>(col)].missing;
  }

  void EndRow() {
    if (!all_present_) {
      for (std::size_t i = 0; i < seen_.size(); ++i) {
        if (!seen_[i]) ++table_->columns[i].missing;
      }
    }
    ++table_->rows;
  }

  // Whether Absorb(later) gives exactly the table one reader would have
  // built over both row ranges: every column has the same type in both, and
  // `later` turned none categorical over earlier numbers (one reader would
  // have tallied their text, not their shortest form) and overflowed no
  // tally. Unchunked tables only.
  bool CanAbsorb(const TableBuilder& later) const;

  // Appends the rows `later` read (the next range of the same file, whose
  // line 1 is line `first_line` of the file). REQUIRES: CanAbsorb(later).
  void Absorb(TableBuilder& later, std::uint64_t first_line);

  // The table's final form: FinishCategories(), then FinishNumbers(i) for
  // every column (those may run on different threads at once).
  void Finish();

  void FinishCategories();

  // Column i's numbers into its summary, in row order (the summary adding
  // each value as it was read would give), then frees them.
  void FinishNumbers(std::size_t i);

  std::size_t num_columns() const { return table_->columns.size(); }

 private:
  static bool IsBlank(char ch) { return ch == ' ' || ch == '\t'; }

  // n fields of column i, `stride` apart, padded (AddRows).
  void AddColumn(std::size_t i, const std::string_view* fields, std::size_t stride, std::size_t n);
  void BeginChunk();
  void AddNumberTo(std::size_t i, double x);
  // The current chunk's tallies into its CategoricalCounts.
  void FlushTallies();
  // Earlier numbers become categories, chunk by chunk (the current chunk's
  // through its tally, so first-seen order holds); the sample is freed.
  void ToCategorical(std::size_t i);

  const TableOptions& options_;
  Table* table_;
  std::unordered_map<std::string, int> index_;
  std::vector<CategoryTally> tallies_;  // parallel to table_->columns
  // Finite numbers of numeric columns in row order; into the summaries at
  // Finish() (ranges read apart are joined first, see Absorb).
  std::vector<std::vector<double>> values_;
  std::vector<std::vector<std::vector<double>>> later_values_;  // Absorb()ed, in order
  // Turned categorical over numbers already read (CanAbsorb).
  std::vector<bool> converted_;
  std::vector<bool> seen_;
  bool all_present_ = false;
  std::size_t chunks_ = 0;
};

}  // namespace driftd::report

#endif  // DRIFTD_DAEMON_TABLE_BUILDER_H_
