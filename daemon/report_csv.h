// One range of a CSV file (whole lines after the header) read into a
// TableBuilder: the quote-free 64-byte scan, and CsvReader for the rest.
//
// Contract (both readers):
//  - `cols[i]` is the builder column of header field i (-1: not kept); a
//    record with another field count is skipped and counted in
//    table->ragged_rows, its line number (line 1 = the range's first line)
//    kept in table->ragged_lines while fewer than kRaggedLinesKept are.
//  - Records, fields, blank lines, CR handling and line numbers are
//    CsvReader's (collectors/csv_reader.h), so either reader gives the same
//    table for a range without quotes.
//  - ScanCsvRange returns false, with `builder` and `table` to be thrown
//    away, on a double quote or a record of max_record_bytes or more: the
//    caller reads the range again with ReadCsvRange.
//  - ReadCsvRange returns false with *error set on a CsvReader error (the
//    rows before it stay added); *quoted gets how many quoted fields the
//    range had (a cut inside a quoted field cannot be joined exactly).
#ifndef DRIFTD_DAEMON_REPORT_CSV_H_
#define DRIFTD_DAEMON_REPORT_CSV_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/report_files.h"
#include "daemon/report_input.h"
#include "daemon/table_builder.h"

namespace driftd::report {

// The records of [data, data + n) (whole lines, after the header; kScanPadding
// readable bytes past the end) into `builder`, when the range has no double
// quote at all: fields are found 64 bytes at a time from a bit mask of
// separators, and handed over as views (padded, CategoryTally::Add).
[[nodiscard]] bool ScanCsvRange(const char* data, std::size_t n, const std::vector<int>& cols,
                                std::size_t max_record_bytes, TableBuilder* builder, Table* table);

// Reads the CSV records in [begin, end) of `bytes` (whole lines, after the
// header) into `builder`, whose columns follow the header (`cols`).
// `quoted` receives how many quoted fields the range had.
[[nodiscard]] bool ReadCsvRange(const FileBytes& bytes, std::size_t begin, std::size_t end,
                                const std::vector<int>& cols, TableBuilder* builder, Table* table,
                                std::uint64_t* quoted, std::string* error);

}  // namespace driftd::report

#endif  // DRIFTD_DAEMON_REPORT_CSV_H_
