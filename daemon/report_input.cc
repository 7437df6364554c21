#include "daemon/report_input.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "collectors/csv_reader.h"
#include "daemon/for_each_index.h"
#include "daemon/report_csv.h"
#include "daemon/report_files.h"
#include "daemon/report_jsonl.h"
#include "daemon/table_builder.h"

// The parts: report_files (the bytes and the 64-byte scan), report_csv (one
// range of a CSV file), report_jsonl (JSONL events), table_builder (columns,
// chunks and joining ranges) over category_tally and report_fields. This
// file cuts the inputs into tasks, runs them on threads and joins them.
namespace driftd {

std::size_t Table::num_chunks() const {
  if (chunk_rows == 0) return rows > 0 ? 1 : 0;
  return static_cast<std::size_t>((rows + chunk_rows - 1) / chunk_rows);
}

std::uint64_t Table::ChunkRows(std::size_t chunk) const {
  if (chunk_rows == 0) return rows;
  const std::uint64_t start = static_cast<std::uint64_t>(chunk) * chunk_rows;
  return std::min<std::uint64_t>(chunk_rows, rows - start);
}

const TableColumn* Table::Find(const std::string& name) const {
  for (const TableColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TableColumn* Table::Find(const std::string& name) {
  for (TableColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

using report::CutLines;
using report::FileBytes;
using report::ReadCsvRange;
using report::ReadJsonl;
using report::ScanCsvRange;
using report::TableBuilder;

// One range of a CSV file read on its own (ReadTables).
struct CsvPart {
  std::size_t begin = 0, end = 0;
  Table table;
  std::unique_ptr<TableBuilder> builder;
  std::uint64_t quoted = 0;
  bool ok = false;
  std::string error;
};

struct Input {
  std::string path;
  std::unique_ptr<FileBytes> bytes;
  bool jsonl = false;
  std::size_t body = 0;     // CSV: where the first record starts
  std::vector<int> cols;    // CSV: column index of each header field
  std::vector<std::unique_ptr<CsvPart>> parts;
  std::optional<Table> table;
  std::string error;
};


// Opens the file and, for a CSV, reads its header: builds the table's
// columns (input->table) and sets body and cols. False with error set.
bool OpenInput(const TableOptions& options, Input* in) {
  in->bytes = FileBytes::Open(in->path, &in->error);
  if (!in->bytes) return false;
  if (in->bytes->size() == 0) {
    in->error = in->path + ": empty file (expected a header line or JSONL events)";
    return false;
  }
  const auto ends_with = [&](std::string_view suffix) {
    return in->path.size() >= suffix.size() &&
           in->path.compare(in->path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  in->jsonl = ends_with(".jsonl") || ends_with(".ndjson") || in->bytes->data()[0] == '{';
  if (in->jsonl) return true;
  auto reader = collectors::CsvReader::FromMemory(in->bytes->data(), in->bytes->size(), true, &in->error);
  if (!reader) {
    in->error = in->path + ": " + in->error;
    return false;
  }
  in->body = reader->offset();
  in->table.emplace();
  in->table->path = in->path;
  TableBuilder names(options, &*in->table);
  for (const std::string& name : reader->header()) in->cols.push_back(names.Column(name));
  return true;
}

// Reads one range: the quote-free scan, else (nothing of the scan kept)
// CsvReader.
void ReadPart(const Input& in, const TableOptions& options, CsvPart* part) {
  const auto start = [&] {
    part->table = Table{};
    part->table.path = in.path;
    part->builder = std::make_unique<TableBuilder>(options, &part->table);
    for (const TableColumn& c : in.table->columns) part->builder->Column(c.name);
  };
  start();
  if (ScanCsvRange(in.bytes->data() + part->begin, part->end - part->begin, in.cols,
                   collectors::CsvOptions{}.max_record_bytes, part->builder.get(), &part->table)) {
    part->ok = true;
    in.bytes->Release(part->begin, part->end);
    return;
  }
  start();
  part->ok = ReadCsvRange(*in.bytes, part->begin, part->end, in.cols, part->builder.get(), &part->table,
                          &part->quoted, &part->error);
  in.bytes->Release(part->begin, part->end);
}

// Joins a CSV file's parts into the first (numbers still apart: see
// FinishNumbers), or reads the file again in one
// range when they cannot be joined exactly (a quoted field where a cut may
// have fallen, a type that differs between ranges, an error whose line
// number is only known from the start).
void FinishCsv(const TableOptions& options, Input* in) {
  bool joinable = !in->parts.empty();
  for (std::size_t p = 0; p < in->parts.size() && joinable; ++p) {
    const CsvPart& part = *in->parts[p];
    joinable = part.ok && (in->parts.size() == 1 || part.quoted == 0) &&
               (p == 0 || in->parts[0]->builder->CanAbsorb(*part.builder));
  }
  if (!joinable) {
    in->parts.clear();
    auto part = std::make_unique<CsvPart>();
    part->begin = in->body;
    part->end = in->bytes->size();
    ReadPart(*in, options, part.get());
    in->parts.push_back(std::move(part));
  }
  CsvPart& first = *in->parts[0];
  if (!first.ok) {
    in->error = in->path + ": " + first.error;
    in->table.reset();
    return;
  }
  // Line 1 of a range is the file's line 1 + the line breaks before it
  // (counted only when a line number is kept).
  const auto lines_before = [&](const CsvPart& part) {
    return part.table.ragged_rows == 0
               ? std::uint64_t{0}
               : static_cast<std::uint64_t>(std::count(in->bytes->data(), in->bytes->data() + part.begin, '\n'));
  };
  const std::uint64_t first_offset = lines_before(first);
  for (std::uint64_t& line : first.table.ragged_lines) line += first_offset;
  for (std::size_t p = 1; p < in->parts.size(); ++p) {
    CsvPart& part = *in->parts[p];
    first.builder->Absorb(*part.builder, 1 + lines_before(part));
    part.builder.reset();
  }
  first.builder->FinishCategories();
}

}  // namespace

std::vector<std::optional<Table>> ReadTables(const std::vector<std::string>& paths, const TableOptions& options,
                                             std::size_t threads, std::vector<std::string>* errors) {
  std::vector<Input> inputs(paths.size());
  std::size_t csv_bytes = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    inputs[i].path = paths[i];
    if (!OpenInput(options, &inputs[i])) {
      inputs[i].bytes.reset();
      continue;
    }
    if (!inputs[i].jsonl) csv_bytes += inputs[i].bytes->size() - inputs[i].body;
  }
  // Tasks: every JSONL file whole; every CSV file in ranges of about a
  // quarter of a thread's share (threads pick them up as they come free),
  // in one range when chunked (chunks count rows from the file's start).
  const bool split = threads > 1 && options.chunk_rows == 0;
  // At most kMaxPartBytes: a range's pages stay resident until it is read.
  constexpr std::size_t kMaxPartBytes = std::size_t{16} << 20;
  const std::size_t piece =
      std::max<std::size_t>(options.min_part_bytes, std::min(kMaxPartBytes, csv_bytes / (threads * 4 + 1) + 1));
  std::vector<std::pair<std::size_t, std::size_t>> tasks;  // (input, part), part ~0: JSONL
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Input& in = inputs[i];
    if (!in.bytes) continue;
    if (in.jsonl) {
      tasks.emplace_back(i, ~std::size_t{0});
      continue;
    }
    const std::size_t body = in.bytes->size() - in.body;
    const std::size_t pieces = split ? std::max<std::size_t>(1, (body + piece / 2) / piece) : 1;
    for (const auto& [begin, end] : CutLines(*in.bytes, in.body, pieces)) {
      auto part = std::make_unique<CsvPart>();
      part->begin = begin;
      part->end = end;
      tasks.emplace_back(i, in.parts.size());
      in.parts.push_back(std::move(part));
    }
  }
  ForEachIndex(tasks.size(), threads, [&](std::size_t t) {
    Input& in = inputs[tasks[t].first];
    if (tasks[t].second != ~std::size_t{0}) {
      ReadPart(in, options, in.parts[tasks[t].second].get());
      return;
    }
    Table table;
    table.path = in.path;
    TableBuilder builder(options, &table);
    std::FILE* f = ::fmemopen(const_cast<char*>(in.bytes->data()), in.bytes->size(), "rb");
    bool ok = f != nullptr && ReadJsonl(in.path, options, &builder, &table, &in.error, f);
    if (f == nullptr) in.error = in.path + ": " + std::strerror(errno);
    if (f != nullptr) std::fclose(f);
    if (ok && table.rows == 0) {
      in.error = in.path + ": no prediction or input events with features";
      ok = false;
    }
    if (ok) {
      builder.Finish();
      in.table = std::move(table);
    }
  });
  // Joining a file's ranges (categories: cheap), then every numeric
  // column's values into its summary, one column per task.
  std::vector<std::pair<std::size_t, std::size_t>> columns;  // (input, column)
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].bytes || inputs[i].jsonl) continue;
    FinishCsv(options, &inputs[i]);
    if (!inputs[i].table) continue;
    for (std::size_t c = 0; c < inputs[i].parts[0]->builder->num_columns(); ++c) columns.emplace_back(i, c);
  }
  ForEachIndex(columns.size(), threads, [&](std::size_t k) {
    inputs[columns[k].first].parts[0]->builder->FinishNumbers(columns[k].second);
  });
  for (Input& in : inputs) {
    if (in.bytes && !in.jsonl && in.table) {
      in.table = std::move(in.parts[0]->table);
      in.parts.clear();
    }
  }
  std::vector<std::optional<Table>> out(inputs.size());
  errors->assign(inputs.size(), "");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    out[i] = std::move(inputs[i].table);
    if (!out[i]) (*errors)[i] = inputs[i].error;
  }
  return out;
}

std::optional<Table> ReadTable(const std::string& path, const TableOptions& options, std::string* error) {
  std::vector<std::string> errors;
  std::vector<std::optional<Table>> tables = ReadTables({path}, options, 1, &errors);
  if (!tables[0]) *error = errors[0];
  return std::move(tables[0]);
}

}  // namespace driftd
