#include "daemon/report_csv.h"

#include <algorithm>
#include <bit>
#include <string_view>

#include "collectors/csv_reader.h"

namespace driftd::report {

bool ScanCsvRange(const char* data, std::size_t n, const std::vector<int>& cols, std::size_t max_record_bytes,
                  TableBuilder* builder, Table* table) {
  // Rows are handed over kBatchRows at a time, column by column: one
  // column's loop keeps its tally and parse branches warm, where a row at a
  // time switched column (and tally) on every field.
  constexpr std::size_t kBatchRows = 128;
  const std::size_t ncols = cols.size();
  std::vector<std::string_view> batch(kBatchRows * ncols);  // row-major
  std::size_t rows = 0;            // complete rows in batch
  std::string_view* fields = batch.data();
  std::size_t f = 0;             // fields of the current record so far
  std::size_t start = 0;         // of the current field
  std::size_t record_start = 0;  // of the current record
  std::uint64_t line = 1;
  bool reserved = false;
  const auto end_record = [&](std::size_t end, bool at_line_feed) {
    if (at_line_feed && f == 1 && (end == record_start || (end == record_start + 1 && data[record_start] == '\r'))) {
      return true;  // a blank line (LF or CRLF)
    }
    if (end - record_start >= max_record_bytes) return false;
    if (f <= ncols) {
      std::string_view& last = fields[f - 1];
      if (!last.empty() && last.back() == '\r') last.remove_suffix(1);
    }
    if (f != ncols) {
      ++table->ragged_rows;
      if (table->ragged_lines.size() < kRaggedLinesKept) table->ragged_lines.push_back(line);
      return true;
    }
    if (++rows == kBatchRows) {
      if (!reserved) {
        // Room for the numbers of the whole range at the first batch's
        // bytes per row (untouched room costs no page): growing by doubling
        // copied and faulted in every value about twice.
        const std::size_t per_row = std::max<std::size_t>(1, (end + 1) / kBatchRows);
        builder->ReserveNumbers(n / per_row + n / per_row / 8 + kBatchRows);
        reserved = true;
      }
      builder->AddRows(cols, batch.data(), rows);
      rows = 0;
    }
    fields = batch.data() + rows * ncols;
    return true;
  };
  for (std::size_t block = 0; block < n; block += 64) {
    std::uint64_t sep, quotes;
    ScanBlock(data + block, &sep, &quotes);
    if (n - block < 64) {
      const std::uint64_t keep = (std::uint64_t{1} << (n - block)) - 1;
      sep &= keep;
      quotes &= keep;
    }
    if (quotes != 0) return false;
    while (sep != 0) {
      const std::size_t pos = block + static_cast<std::size_t>(std::countr_zero(sep));
      sep &= sep - 1;
      if (f < ncols) fields[f] = std::string_view(data + start, pos - start);
      ++f;
      start = pos + 1;
      if (data[pos] == '\n') {
        if (!end_record(pos, true)) return false;
        f = 0;
        record_start = start;
        ++line;
      }
    }
  }
  // A last record without a line break (or ending in a delimiter: one last
  // empty field).
  if (start < n || f > 0) {
    if (f < ncols) fields[f] = std::string_view(data + start, n - start);
    ++f;
    if (!end_record(n, false)) return false;
  }
  builder->AddRows(cols, batch.data(), rows);
  return true;
}

bool ReadCsvRange(const FileBytes& bytes, std::size_t begin, std::size_t end, const std::vector<int>& cols,
                  TableBuilder* builder, Table* table, std::uint64_t* quoted, std::string* error) {
  auto reader = collectors::CsvReader::FromMemory(bytes.data() + begin, end - begin, false, error);
  if (!reader) return false;
  std::vector<std::string_view> fields;
  bool ok = true;
  while (true) {
    const auto status = reader->Next(&fields, error);
    if (status == collectors::CsvReader::Status::kEnd) break;
    if (status == collectors::CsvReader::Status::kError) {
      ok = false;
      break;
    }
    if (fields.size() != cols.size()) {
      ++table->ragged_rows;
      if (table->ragged_lines.size() < kRaggedLinesKept) table->ragged_lines.push_back(reader->record_line());
      continue;
    }
    builder->BeginRow(true);
    for (std::size_t i = 0; i < cols.size(); ++i) builder->AddText(cols[i], fields[i]);
    builder->EndRow();
  }
  *quoted = reader->quoted_fields();
  return ok;
}

}  // namespace driftd::report
