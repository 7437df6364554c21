#include "daemon/report_input.h"

#include <boost/json.hpp>

#include <sys/types.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "collectors/csv_reader.h"

namespace driftd {
namespace {

constexpr std::size_t kRaggedLinesKept = 5;

bool IsMissingText(std::string_view s) {
  return s.empty() || s == "NA" || s == "N/A" || s == "null" || s == "NULL" || s == "None" ||
         s == "nan" || s == "NaN";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A whole-field number, or std::nullopt. NaN and infinities parse (from_chars
// accepts "nan", "inf", "infinity" in any case).
std::optional<double> ParseNumber(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double x = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec == std::errc::result_out_of_range) {
    // Beyond double range: an infinity of the right sign, counted as such.
    return s.front() == '-' ? -std::numeric_limits<double>::infinity()
                            : std::numeric_limits<double>::infinity();
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return x;
}

std::string ShortestText(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

class TableBuilder {
 public:
  TableBuilder(const TableOptions& options, Table* table) : options_(options), table_(table) {
    table_->chunk_rows = options.chunk_rows;
  }

  // Column index, created on first use; -1 when filtered out.
  int Column(std::string_view name) {
    const auto it = index_.find(std::string(name));
    if (it != index_.end()) return it->second;
    if (!options_.only.empty() && options_.only.count(std::string(name)) == 0) {
      index_.emplace(std::string(name), -1);
      return -1;
    }
    TableColumn c;
    c.name = std::string(name);
    c.numeric = detectors::NumericSummary(
        detectors::NumericSummaryOptions{std::numeric_limits<std::size_t>::max(), 200, 0});
    c.counts = detectors::CategoricalCounts(options_.max_categories);
    if (const auto f = options_.forced.find(c.name); f != options_.forced.end()) {
      c.forced = true;
      c.type = f->second;
    }
    // A column first seen mid-stream: earlier rows lacked it.
    c.missing = table_->rows;
    for (std::size_t k = 0; k < chunks_; ++k) {
      c.chunk_starts.push_back(0);
      c.chunk_counts.emplace_back(options_.max_categories);
    }
    table_->columns.push_back(std::move(c));
    seen_.push_back(false);
    const int idx = static_cast<int>(table_->columns.size() - 1);
    index_.emplace(std::string(name), idx);
    return idx;
  }

  void BeginRow() {
    if (chunks_ == 0 || (options_.chunk_rows > 0 && table_->rows % options_.chunk_rows == 0)) {
      ++chunks_;
      for (TableColumn& c : table_->columns) {
        c.chunk_starts.push_back(c.numeric.sample().size());
        c.chunk_counts.emplace_back(options_.max_categories);
      }
    }
    std::fill(seen_.begin(), seen_.end(), false);
  }

  void AddText(int col, std::string_view text) {
    if (col < 0) return;
    seen_[static_cast<std::size_t>(col)] = true;
    TableColumn& c = table_->columns[static_cast<std::size_t>(col)];
    text = Trim(text);
    if (IsMissingText(text) && text != "nan" && text != "NaN") {
      ++c.missing;
      return;
    }
    if (c.type == config::FeatureType::kNumeric) {
      if (const auto x = ParseNumber(text)) {
        AddNumberTo(c, *x);
        return;
      }
      if (c.forced) {
        ++c.non_numeric;
        return;
      }
      ToCategorical(c);
    }
    if (text == "nan" || text == "NaN") {
      ++c.missing;
      return;
    }
    c.chunk_counts.back().Add(text);
  }

  void AddNumber(int col, double x) {
    if (col < 0) return;
    seen_[static_cast<std::size_t>(col)] = true;
    TableColumn& c = table_->columns[static_cast<std::size_t>(col)];
    if (c.type == config::FeatureType::kNumeric) {
      AddNumberTo(c, x);
    } else {
      c.chunk_counts.back().Add(ShortestText(x));
    }
  }

  void AddMissing(int col) {
    if (col < 0) return;
    seen_[static_cast<std::size_t>(col)] = true;
    ++table_->columns[static_cast<std::size_t>(col)].missing;
  }

  void EndRow() {
    for (std::size_t i = 0; i < seen_.size(); ++i) {
      if (!seen_[i]) ++table_->columns[i].missing;
    }
    ++table_->rows;
  }

  void Finish() {
    for (TableColumn& c : table_->columns) {
      if (c.type == config::FeatureType::kCategorical) {
        for (const auto& chunk : c.chunk_counts) c.counts.Merge(chunk);
      }
    }
  }

 private:
  static void AddNumberTo(TableColumn& c, double x) {
    if (std::isnan(x)) {
      ++c.nan;
    } else if (std::isinf(x)) {
      ++c.inf;
    } else {
      c.numeric.Add(x);
    }
  }

  // Earlier numbers become categories, chunk by chunk; the sample is freed.
  void ToCategorical(TableColumn& c) {
    c.type = config::FeatureType::kCategorical;
    const auto sample = c.numeric.sample();
    for (std::size_t k = 0; k < c.chunk_starts.size(); ++k) {
      const std::size_t end = k + 1 < c.chunk_starts.size() ? c.chunk_starts[k + 1] : sample.size();
      for (std::size_t i = c.chunk_starts[k]; i < end; ++i) c.chunk_counts[k].Add(ShortestText(sample[i]));
    }
    c.missing += c.nan;
    c.nan = 0;
    c.inf = 0;
    c.numeric.Clear(0, 0);
  }

  const TableOptions& options_;
  Table* table_;
  std::unordered_map<std::string, int> index_;
  std::vector<bool> seen_;
  std::size_t chunks_ = 0;
};

bool ReadCsv(const std::string& path, TableBuilder* builder, Table* table, std::string* error) {
  auto reader = collectors::CsvReader::Open(path, error);
  if (!reader) return false;
  std::vector<int> cols;
  for (const std::string& name : reader->header()) cols.push_back(builder->Column(name));
  std::vector<std::string_view> fields;
  while (true) {
    const auto status = reader->Next(&fields, error);
    if (status == collectors::CsvReader::Status::kEnd) break;
    if (status == collectors::CsvReader::Status::kError) {
      *error = path + ": " + *error;
      return false;
    }
    if (fields.size() != cols.size()) {
      ++table->ragged_rows;
      if (table->ragged_lines.size() < kRaggedLinesKept) table->ragged_lines.push_back(reader->record_line());
      continue;
    }
    builder->BeginRow();
    for (std::size_t i = 0; i < cols.size(); ++i) builder->AddText(cols[i], fields[i]);
    builder->EndRow();
  }
  return true;
}

bool ReadJsonl(const std::string& path, const TableOptions& options, TableBuilder* builder, Table* table,
               std::string* error, std::FILE* f) {
  namespace json = boost::json;
  char* line = nullptr;
  std::size_t cap = 0;
  ssize_t len;
  json::parser parser;
  while ((len = ::getline(&line, &cap, f)) >= 0) {
    std::string_view text(line, static_cast<std::size_t>(len));
    if (Trim(text).empty() || Trim(text) == "\n" || Trim(text) == "\r\n") continue;
    boost::system::error_code ec;
    parser.reset();
    parser.write(text.data(), text.size(), ec);
    if (ec) {
      ++table->rejected_events;
      continue;
    }
    const json::value v = parser.release();
    if (!v.is_object()) {
      ++table->rejected_events;
      continue;
    }
    const json::object& o = v.get_object();
    if (const auto* kind = o.if_contains("kind")) {
      if (!kind->is_string() || (kind->get_string() != "prediction" && kind->get_string() != "input")) continue;
    }
    if (!options.model.empty()) {
      const auto* model = o.if_contains("model");
      if (model != nullptr && (!model->is_string() || model->get_string() != options.model)) continue;
    }
    const auto* features = o.if_contains("features");
    if (features == nullptr || !features->is_object()) {
      ++table->rejected_events;
      continue;
    }
    builder->BeginRow();
    for (const auto& kv : features->get_object()) {
      const int col = builder->Column(kv.key());
      const json::value& x = kv.value();
      if (x.is_double()) builder->AddNumber(col, x.get_double());
      else if (x.is_int64()) builder->AddNumber(col, static_cast<double>(x.get_int64()));
      else if (x.is_uint64()) builder->AddNumber(col, static_cast<double>(x.get_uint64()));
      else if (x.is_bool()) builder->AddNumber(col, x.get_bool() ? 1.0 : 0.0);
      else if (x.is_string()) builder->AddText(col, x.get_string());
      else builder->AddMissing(col);
    }
    builder->EndRow();
  }
  std::free(line);
  if (std::ferror(f)) {
    *error = path + ": read error";
    return false;
  }
  return true;
}

}  // namespace

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

std::optional<Table> ReadTable(const std::string& path, const TableOptions& options, std::string* error) {
  Table table;
  table.path = path;
  TableBuilder builder(options, &table);
  const auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  bool jsonl = ends_with(".jsonl") || ends_with(".ndjson");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return std::nullopt;
  }
  const int first = std::fgetc(f);
  if (first == EOF) {
    std::fclose(f);
    *error = path + ": empty file (expected a header line or JSONL events)";
    return std::nullopt;
  }
  jsonl = jsonl || first == '{';
  bool ok;
  if (jsonl) {
    std::ungetc(first, f);
    ok = ReadJsonl(path, options, &builder, &table, error, f);
    std::fclose(f);
    if (ok && table.rows == 0) {
      *error = path + ": no prediction or input events with features";
      ok = false;
    }
  } else {
    std::fclose(f);
    ok = ReadCsv(path, &builder, &table, error);
  }
  if (!ok) return std::nullopt;
  builder.Finish();
  return table;
}

}  // namespace driftd
