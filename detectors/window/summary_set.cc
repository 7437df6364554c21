#include "detectors/window/summary_set.h"

#include <charconv>
#include <utility>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

SummarySet::SummarySet(std::span<const FeatureSpec> features, const SummaryOptions& options)
    : options_(options) {
  kinds_.reserve(features.size());
  slot_.reserve(features.size());
  // Exactly sized: summaries are large, and a window holds one set per pane.
  std::size_t numeric = 0;
  for (const FeatureSpec& spec : features) numeric += spec.kind == FeatureKind::kNumeric ? 1 : 0;
  numeric_.reserve(numeric);
  categorical_.reserve(features.size() - numeric);
  const NumericSummaryOptions numeric_options{options.exact_up_to, options.kll_k, options.seed};
  for (const FeatureSpec& spec : features) {
    kinds_.push_back(spec.kind);
    if (spec.kind == FeatureKind::kNumeric) {
      slot_.push_back(static_cast<std::uint32_t>(numeric_.size()));
      numeric_.emplace_back(numeric_options, spec.bin_edges);
    } else {
      slot_.push_back(static_cast<std::uint32_t>(categorical_.size()));
      categorical_.emplace_back(options.max_categories);
    }
  }
}

void SummarySet::AddValue(std::size_t feature, const Value& value) {
  if (kinds_[feature] == FeatureKind::kNumeric) {
    NumericSummary& s = numeric_[slot_[feature]];
    if (const double* d = std::get_if<double>(&value)) {
      s.Add(*d);
    } else if (std::holds_alternative<Missing>(value)) {
      s.AddMissing();
    } else {
      s.AddNonNumeric();
    }
    return;
  }
  CategoricalCounts& c = categorical_[slot_[feature]];
  if (const std::string* str = std::get_if<std::string>(&value)) {
    c.Add(*str);
  } else if (const double* d = std::get_if<double>(&value)) {
    // Shortest round-trip form: booleans decoded as 0/1 become "0"/"1".
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof(buf), *d);
    c.Add(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
  } else {
    c.AddMissing();
  }
}

void SummarySet::AddRow(std::span<const Value> values) {
  const std::size_t n = kinds_.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i < values.size()) {
      AddValue(i, values[i]);
    } else if (kinds_[i] == FeatureKind::kNumeric) {
      numeric_[slot_[i]].AddMissing();
    } else {
      categorical_[slot_[i]].AddMissing();
    }
  }
  ++rows_;
}

void SummarySet::Merge(const SummarySet& other) {
  for (std::size_t i = 0; i < numeric_.size() && i < other.numeric_.size(); ++i) {
    numeric_[i].Merge(other.numeric_[i]);
  }
  for (std::size_t i = 0; i < categorical_.size() && i < other.categorical_.size(); ++i) {
    categorical_[i].Merge(other.categorical_[i]);
  }
  rows_ += other.rows_;
}

void SummarySet::Clear(std::size_t keep_capacity, std::uint64_t seed, std::span<const std::uint8_t> keep_sketch) {
  options_.seed = seed;
  for (std::size_t f = 0; f < kinds_.size(); ++f) {
    if (kinds_[f] == FeatureKind::kNumeric) {
      numeric_[slot_[f]].Clear(keep_capacity, seed, f < keep_sketch.size() && keep_sketch[f] != 0);
    } else {
      categorical_[slot_[f]].Clear();
    }
  }
  rows_ = 0;
}

void SummarySet::SortAll() {
  for (NumericSummary& s : numeric_) s.Sort();
}

std::size_t SummarySet::MemoryBytes() const {
  std::size_t bytes = sizeof(*this) + kinds_.capacity() * sizeof(FeatureKind) +
                      slot_.capacity() * sizeof(std::uint32_t) +
                      (numeric_.capacity() - numeric_.size()) * sizeof(NumericSummary) +
                      (categorical_.capacity() - categorical_.size()) * sizeof(CategoricalCounts);
  for (const NumericSummary& s : numeric_) bytes += s.MemoryBytes();
  for (const CategoricalCounts& c : categorical_) bytes += c.MemoryBytes();
  return bytes;
}

void SummarySet::AppendTo(std::string* out) const {
  bytes::AppendU64(out, options_.exact_up_to);
  bytes::AppendU32(out, static_cast<std::uint32_t>(options_.kll_k));
  bytes::AppendU64(out, options_.max_categories);
  bytes::AppendU64(out, options_.seed);
  bytes::AppendU64(out, rows_);
  bytes::AppendU32(out, static_cast<std::uint32_t>(kinds_.size()));
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    bytes::AppendU8(out, kinds_[i] == FeatureKind::kNumeric ? 0 : 1);
    if (kinds_[i] == FeatureKind::kNumeric) {
      numeric_[slot_[i]].AppendTo(out);
    } else {
      categorical_[slot_[i]].AppendTo(out);
    }
  }
}

std::optional<SummarySet> SummarySet::Parse(std::string_view* in) {
  SummarySet s;
  std::uint64_t exact_up_to = 0, max_categories = 0;
  std::uint32_t k = 0, num = 0;
  if (!bytes::ReadU64(in, &exact_up_to) || !bytes::ReadU32(in, &k) || !bytes::ReadU64(in, &max_categories) ||
      !bytes::ReadU64(in, &s.options_.seed) || !bytes::ReadU64(in, &s.rows_) || !bytes::ReadU32(in, &num) ||
      !bytes::HasRoomFor(*in, num, 1) || k > static_cast<std::uint32_t>(KllSketch::kMaxK)) {
    return std::nullopt;
  }
  s.options_.exact_up_to = exact_up_to;
  s.options_.kll_k = static_cast<int>(k);
  s.options_.max_categories = max_categories;
  for (std::uint32_t i = 0; i < num; ++i) {
    std::uint8_t kind = 0;
    if (!bytes::ReadU8(in, &kind) || kind > 1) return std::nullopt;
    if (kind == 0) {
      std::optional<NumericSummary> n = NumericSummary::Parse(in);
      if (!n) return std::nullopt;
      s.kinds_.push_back(FeatureKind::kNumeric);
      s.slot_.push_back(static_cast<std::uint32_t>(s.numeric_.size()));
      s.numeric_.push_back(std::move(*n));
    } else {
      std::optional<CategoricalCounts> c = CategoricalCounts::Parse(in);
      if (!c) return std::nullopt;
      s.kinds_.push_back(FeatureKind::kCategorical);
      s.slot_.push_back(static_cast<std::uint32_t>(s.categorical_.size()));
      s.categorical_.push_back(std::move(*c));
    }
  }
  return s;
}

bool SummarySet::operator==(const SummarySet& other) const {
  return options_.exact_up_to == other.options_.exact_up_to && options_.kll_k == other.options_.kll_k &&
         options_.max_categories == other.options_.max_categories &&
         options_.seed == other.options_.seed && kinds_ == other.kinds_ && numeric_ == other.numeric_ &&
         categorical_ == other.categorical_ && rows_ == other.rows_;
}

}  // namespace driftd::detectors
