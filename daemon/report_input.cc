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

// Missing-value spellings (NaN is handled by the caller: numeric columns
// count it as NaN, categorical ones as missing).
bool IsMissingText(std::string_view s) {
  // Every spelling but the empty one starts with N or n: one test for most fields.
  if (!s.empty() && s[0] != 'N' && s[0] != 'n') return false;
  switch (s.size()) {
    case 0: return true;
    case 2: return s == "NA";
    case 3: return s == "N/A";
    case 4: return s == "null" || s == "NULL" || s == "None";
    default: return false;
  }
}

bool IsNanText(std::string_view s) { return s.size() == 3 && (s == "nan" || s == "NaN"); }

// Short keys compare inline: a memcmp call per field was a tenth of the
// census profile (categories of one or two characters).
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Plain decimals ("-12.3456"): when the digits form an integer m < 2^53 and
// there are at most 22 of them after the point, m / 10^k is one correctly
// rounded division of two exact doubles (Clinger's fast path), so the result
// is bit-identical to from_chars'. Anything else (exponents, long mantissas,
// nan/inf spellings, junk) returns false and goes to from_chars.
bool ParsePlainDecimal(std::string_view s, double* out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0;
  int fraction = -1;  // digits after the point; -1: no point
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d < 10) {
      if (++digits > 19) return false;
      m = m * 10 + d;
      if (fraction >= 0) ++fraction;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || m > (std::uint64_t{1} << 53) || fraction > 22) return false;
  double x = static_cast<double>(m);
  if (fraction > 0) x /= kPow10[fraction];
  *out = negative ? -x : x;
  return true;
}

// A whole-field number (s already trimmed), or std::nullopt. NaN and
// infinities parse (from_chars accepts "nan", "inf", "infinity" in any case).
std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double x = 0;
  if (ParsePlainDecimal(s, &x)) return x;
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

// Counts of one categorical column within the current chunk, in first-seen
// order, capped at max_categories distinct values like CategoricalCounts.
// An open-addressing table with a cheap hash of the bytes: hashing and
// looking up every field through std::unordered_map was a quarter of the
// census profile. FlushTo() hands the counts to an empty CategoricalCounts
// in first-seen order, which gives exactly the entries, counts and overflow
// that adding the values one by one would have given.
class CategoryTally {
 public:
  explicit CategoryTally(std::size_t max_categories) : max_categories_(max_categories) {}

  void Add(std::string_view key) {
    if (slots_.empty()) slots_.assign(16, 0);
    const std::uint64_t h = Hash(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const std::uint32_t slot = slots_[i];
      if (slot == 0) break;
      Entry& e = entries_[slot - 1];
      if (e.hash == h && SameBytes(e.key, key)) {
        ++e.count;
        return;
      }
    }
    if (entries_.size() >= max_categories_) {
      if (overflow_ == 0) overflow_example_ = std::string(key);
      ++overflow_;
      return;
    }
    entries_.push_back(Entry{std::string(key), h, 1});
    if (2 * entries_.size() > slots_.size()) {
      Rehash(slots_.size() * 2);
    } else {
      Place(entries_.size() - 1);
    }
  }

  // REQUIRES: out is empty and has the same cap. Resets this tally.
  void FlushTo(detectors::CategoricalCounts* out) {
    for (const Entry& e : entries_) out->Add(e.key, e.count);
    // The table is full, so the example is none of its keys: overflow.
    if (overflow_ > 0) out->Add(overflow_example_, overflow_);
    entries_.clear();
    slots_.clear();
    overflow_ = 0;
    overflow_example_.clear();
  }

 private:
  struct Entry {
    std::string key;
    std::uint64_t hash;
    std::uint64_t count;
  };

  static std::uint64_t Hash(std::string_view s) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 29;
    }
    std::uint64_t w = 0;
    for (; i < s.size(); ++i) w = (w << 8) | static_cast<unsigned char>(s[i]);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 32);
  }

  void Place(std::size_t index) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(entries_[index].hash) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<std::uint32_t>(index + 1);
  }

  void Rehash(std::size_t size) {
    slots_.assign(size, 0);
    for (std::size_t k = 0; k < entries_.size(); ++k) Place(k);
  }

  std::size_t max_categories_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> slots_;  // 1 + index into entries_; 0 free
  std::uint64_t overflow_ = 0;
  std::string overflow_example_;
};

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
    tallies_.emplace_back(options_.max_categories);
    seen_.push_back(false);
    const int idx = static_cast<int>(table_->columns.size() - 1);
    index_.emplace(std::string(name), idx);
    return idx;
  }

  // `all_present`: the caller adds a value (or missing) for every column of
  // the row (CSV), so EndRow need not look for absent ones.
  void BeginRow(bool all_present) {
    if (chunks_ == 0 || (options_.chunk_rows > 0 && table_->rows % options_.chunk_rows == 0)) {
      FlushTallies();
      ++chunks_;
      for (TableColumn& c : table_->columns) {
        c.chunk_starts.push_back(c.numeric.sample().size());
        c.chunk_counts.emplace_back(options_.max_categories);
      }
    }
    all_present_ = all_present;
    if (!all_present) std::fill(seen_.begin(), seen_.end(), false);
  }

  void AddText(int col, std::string_view text) {
    if (col < 0) return;
    const auto i = static_cast<std::size_t>(col);
    if (!all_present_) seen_[i] = true;
    TableColumn& c = table_->columns[i];
    if (!text.empty() && (IsBlank(text.front()) || IsBlank(text.back()))) text = Trim(text);
    if (IsMissingText(text)) {
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
      ToCategorical(i);
    }
    if (IsNanText(text)) {
      ++c.missing;
      return;
    }
    tallies_[i].Add(text);
  }

  void AddNumber(int col, double x) {
    if (col < 0) return;
    const auto i = static_cast<std::size_t>(col);
    if (!all_present_) seen_[i] = true;
    TableColumn& c = table_->columns[i];
    if (c.type == config::FeatureType::kNumeric) {
      AddNumberTo(c, x);
    } else {
      tallies_[i].Add(ShortestText(x));
    }
  }

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

  void Finish() {
    FlushTallies();
    for (TableColumn& c : table_->columns) {
      if (c.type == config::FeatureType::kCategorical) {
        for (const auto& chunk : c.chunk_counts) c.counts.Merge(chunk);
      }
    }
  }

 private:
  static bool IsBlank(char ch) { return ch == ' ' || ch == '\t'; }

  static void AddNumberTo(TableColumn& c, double x) {
    if (std::isnan(x)) {
      ++c.nan;
    } else if (std::isinf(x)) {
      ++c.inf;
    } else {
      c.numeric.Add(x);
    }
  }

  // The current chunk's tallies into its CategoricalCounts.
  void FlushTallies() {
    if (chunks_ == 0) return;
    for (std::size_t i = 0; i < tallies_.size(); ++i) {
      if (table_->columns[i].type == config::FeatureType::kCategorical) {
        tallies_[i].FlushTo(&table_->columns[i].chunk_counts.back());
      }
    }
  }

  // Earlier numbers become categories, chunk by chunk (the current chunk's
  // through its tally, so first-seen order holds); the sample is freed.
  void ToCategorical(std::size_t i) {
    TableColumn& c = table_->columns[i];
    c.type = config::FeatureType::kCategorical;
    const auto sample = c.numeric.sample();
    for (std::size_t k = 0; k < c.chunk_starts.size(); ++k) {
      const std::size_t end = k + 1 < c.chunk_starts.size() ? c.chunk_starts[k + 1] : sample.size();
      const bool current = k + 1 == c.chunk_starts.size();
      for (std::size_t j = c.chunk_starts[k]; j < end; ++j) {
        if (current) {
          tallies_[i].Add(ShortestText(sample[j]));
        } else {
          c.chunk_counts[k].Add(ShortestText(sample[j]));
        }
      }
    }
    c.missing += c.nan;
    c.nan = 0;
    c.inf = 0;
    c.numeric.Clear(0, 0);
  }

  const TableOptions& options_;
  Table* table_;
  std::unordered_map<std::string, int> index_;
  std::vector<CategoryTally> tallies_;  // parallel to table_->columns
  std::vector<bool> seen_;
  bool all_present_ = false;
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
    builder->BeginRow(true);
    for (std::size_t i = 0; i < cols.size(); ++i) builder->AddText(cols[i], fields[i]);
    builder->EndRow();
  }
  return true;
}

// The event's prediction as column "prediction" (driftd baseline): a number
// or a class label, or {"label", "score"} (the score for a numeric column,
// the label for a categorical one).
void AddPrediction(const boost::json::object& event, const TableOptions& options, TableBuilder* builder) {
  const auto* p = event.if_contains("prediction");
  if (p == nullptr) return;
  const auto forced = options.forced.find(kPredictionColumnName);
  const bool numeric = forced == options.forced.end() || forced->second == config::FeatureType::kNumeric;
  const boost::json::value* x = p;
  if (p->is_object()) x = p->get_object().if_contains(numeric ? "score" : "label");
  const int col = builder->Column(kPredictionColumnName);
  if (x == nullptr) builder->AddMissing(col);
  else if (x->is_double()) builder->AddNumber(col, x->get_double());
  else if (x->is_int64()) builder->AddNumber(col, static_cast<double>(x->get_int64()));
  else if (x->is_uint64()) builder->AddNumber(col, static_cast<double>(x->get_uint64()));
  else if (x->is_bool()) builder->AddNumber(col, x->get_bool() ? 1.0 : 0.0);
  else if (x->is_string()) builder->AddText(col, x->get_string());
  else builder->AddMissing(col);
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
    builder->BeginRow(false);
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
    if (options.prediction_column) AddPrediction(o, options, builder);
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
