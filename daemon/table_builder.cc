#include "daemon/table_builder.h"

#include <cmath>
#include <limits>
#include <utility>

#include "daemon/report_fields.h"

namespace driftd::report {

int TableBuilder::Column(std::string_view name) {
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
  values_.emplace_back();
  later_values_.emplace_back();
  converted_.push_back(false);
  seen_.push_back(false);
  const int idx = static_cast<int>(table_->columns.size() - 1);
  index_.emplace(std::string(name), idx);
  return idx;
}

void TableBuilder::AddText(int col, std::string_view text, bool padded) {
  if (col < 0) return;
  const auto i = static_cast<std::size_t>(col);
  if (!all_present_) seen_[i] = true;
  TableColumn& c = table_->columns[i];
  // A category that needs no trimming and is no missing or NaN spelling
  // (those are empty or start with N or n): straight to the tally.
  if (c.type == config::FeatureType::kCategorical && !text.empty() && text.front() != 'N' &&
      text.front() != 'n' && !IsBlank(text.front()) && !IsBlank(text.back())) {
    tallies_[i].Add(text, 1, padded);
    return;
  }
  if (!text.empty() && (IsBlank(text.front()) || IsBlank(text.back()))) text = Trim(text);
  if (IsMissingText(text)) {
    ++c.missing;
    return;
  }
  if (c.type == config::FeatureType::kNumeric) {
    if (const auto x = ParseNumber(text)) {
      AddNumberTo(i, *x);
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
  tallies_[i].Add(text, 1, padded);
}

void TableBuilder::AddRows(const std::vector<int>& cols, const std::string_view* fields, std::size_t nrows) {
  const std::size_t ncols = cols.size();
  std::size_t r = 0;
  while (r < nrows) {
    BeginRow(true);  // a new chunk when one is due
    std::size_t run = nrows - r;
    if (options_.chunk_rows > 0) {
      run = std::min<std::size_t>(run, options_.chunk_rows - table_->rows % options_.chunk_rows);
    }
    for (std::size_t i = 0; i < ncols; ++i) {
      if (cols[i] >= 0) AddColumn(static_cast<std::size_t>(cols[i]), fields + r * ncols + i, ncols, run);
    }
    table_->rows += run;
    r += run;
  }
}

void TableBuilder::ReserveNumbers(std::size_t rows) {
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (table_->columns[i].type == config::FeatureType::kNumeric) values_[i].reserve(values_[i].size() + rows);
  }
}

void TableBuilder::AddNumber(int col, double x) {
  if (col < 0) return;
  const auto i = static_cast<std::size_t>(col);
  if (!all_present_) seen_[i] = true;
  TableColumn& c = table_->columns[i];
  if (c.type == config::FeatureType::kNumeric) {
    AddNumberTo(i, x);
  } else {
    tallies_[i].Add(ShortestText(x));
  }
}

bool TableBuilder::CanAbsorb(const TableBuilder& later) const {
  if (chunks_ > 1 || later.chunks_ > 1 || later.table_->columns.size() != table_->columns.size()) return false;
  for (std::size_t i = 0; i < table_->columns.size(); ++i) {
    if (table_->columns[i].type != later.table_->columns[i].type || later.converted_[i] ||
        later.tallies_[i].overflow() > 0) {
      return false;
    }
  }
  return true;
}

void TableBuilder::Absorb(TableBuilder& later, std::uint64_t first_line) {
  if (later.chunks_ > 0 && chunks_ == 0) BeginChunk();
  for (std::size_t i = 0; i < table_->columns.size(); ++i) {
    TableColumn& c = table_->columns[i];
    const TableColumn& l = later.table_->columns[i];
    c.missing += l.missing;
    c.nan += l.nan;
    c.inf += l.inf;
    c.non_numeric += l.non_numeric;
    if (!later.values_[i].empty()) later_values_[i].push_back(std::move(later.values_[i]));
    tallies_[i].Absorb(later.tallies_[i]);
  }
  table_->rows += later.table_->rows;
  table_->ragged_rows += later.table_->ragged_rows;
  for (const std::uint64_t line : later.table_->ragged_lines) {
    if (table_->ragged_lines.size() < kRaggedLinesKept) table_->ragged_lines.push_back(first_line - 1 + line);
  }
}

void TableBuilder::Finish() {
  FinishCategories();
  for (std::size_t i = 0; i < table_->columns.size(); ++i) FinishNumbers(i);
}

void TableBuilder::FinishCategories() {
  FlushTallies();
  for (TableColumn& c : table_->columns) {
    if (c.type == config::FeatureType::kCategorical) {
      for (const auto& chunk : c.chunk_counts) c.counts.Merge(chunk);
    }
  }
}

void TableBuilder::FinishNumbers(std::size_t i) {
  TableColumn& c = table_->columns[i];
  if (c.type == config::FeatureType::kNumeric) {
    // Sized once: growing by doubling faulted in ~2,200 pages per census run.
    std::size_t n = values_[i].size();
    for (const std::vector<double>& more : later_values_[i]) n += more.size();
    c.numeric.Reserve(c.numeric.count() + n);
    for (const double x : values_[i]) c.numeric.Add(x);
    for (const std::vector<double>& more : later_values_[i]) {
      for (const double x : more) c.numeric.Add(x);
    }
  }
  std::vector<double>().swap(values_[i]);
  later_values_[i].clear();
}

void TableBuilder::AddColumn(std::size_t i, const std::string_view* fields, std::size_t stride, std::size_t n) {
  TableColumn& c = table_->columns[i];
  CategoryTally& tally = tallies_[i];
  for (std::size_t k = 0; k < n; ++k) {
    const std::string_view text = fields[k * stride];
    // As in AddText, inline for a category that needs no more checks and
    // a plain decimal.
    double x;
    if (c.type == config::FeatureType::kCategorical) {
      if (!text.empty() && text.front() != 'N' && text.front() != 'n' && !IsBlank(text.front()) &&
          !IsBlank(text.back())) {
        tally.Add(text, 1, true);
        continue;
      }
    } else if (ParsePlainDecimal(text, &x)) {  // finite; no blanks, sign '+' or spelling to check
      values_[i].push_back(x);
      continue;
    }
    AddText(static_cast<int>(i), text, true);
  }
}

void TableBuilder::BeginChunk() {
  FlushTallies();
  ++chunks_;
  for (std::size_t i = 0; i < table_->columns.size(); ++i) {
    table_->columns[i].chunk_starts.push_back(values_[i].size());
    table_->columns[i].chunk_counts.emplace_back(options_.max_categories);
  }
}

void TableBuilder::AddNumberTo(std::size_t i, double x) {
  if (std::isnan(x)) {
    ++table_->columns[i].nan;
  } else if (std::isinf(x)) {
    ++table_->columns[i].inf;
  } else {
    values_[i].push_back(x);
  }
}

void TableBuilder::FlushTallies() {
  if (chunks_ == 0) return;
  for (std::size_t i = 0; i < tallies_.size(); ++i) {
    if (table_->columns[i].type == config::FeatureType::kCategorical) {
      tallies_[i].FlushTo(&table_->columns[i].chunk_counts.back());
    }
  }
}

void TableBuilder::ToCategorical(std::size_t i) {
  TableColumn& c = table_->columns[i];
  c.type = config::FeatureType::kCategorical;
  const std::vector<double>& sample = values_[i];
  converted_[i] = !sample.empty() || c.nan > 0 || c.inf > 0;
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
  std::vector<double>().swap(values_[i]);
}

}  // namespace driftd::report
