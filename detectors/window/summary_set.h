// SummarySet: one summary per feature of a model, addressed by dense feature
// index, for one pane, window, reference or chunk.
//
// Features are declared once (FeatureSpec: numeric with optional histogram
// edges, or categorical); a row is a span of Values in feature-index order.
// Value handling per kind:
//   numeric      double -> NumericSummary::Add; Missing -> missing; string ->
//                non_numeric (counted, not summarized)
//   categorical  string -> its category; double -> the category named by its
//                shortest round-trip decimal form ("1", "0.5"); Missing -> missing
// A row shorter than the feature list counts the absent features as missing;
// values beyond the list are ignored.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_WINDOW_SUMMARY_SET_H_
#define DRIFTD_DETECTORS_WINDOW_SUMMARY_SET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/event.h"
#include "detectors/window/categorical_counts.h"
#include "detectors/window/numeric_summary.h"

namespace driftd::detectors {

enum class FeatureKind { kNumeric, kCategorical };

struct FeatureSpec {
  FeatureKind kind = FeatureKind::kNumeric;
  // Numeric only: histogram edges (ValidBinEdges), or null for no histogram.
  BinEdges bin_edges;
};

struct SummaryOptions {
  std::size_t exact_up_to = 10000;
  int kll_k = KllSketch::kDefaultK;
  std::size_t max_categories = CategoricalCounts::kDefaultMaxCategories;
  std::uint64_t seed = 0;
};

class SummarySet {
 public:
  SummarySet() = default;
  SummarySet(std::span<const FeatureSpec> features, const SummaryOptions& options);

  std::size_t num_features() const { return kinds_.size(); }
  FeatureKind kind(std::size_t feature) const { return kinds_[feature]; }
  const SummaryOptions& options() const { return options_; }

  // REQUIRES: feature < num_features().
  void AddValue(std::size_t feature, const Value& value);
  // One row: values[i] goes to feature i; also counts the row.
  void AddRow(std::span<const Value> values);
  // Rows added (or merged in).
  std::uint64_t rows() const { return rows_; }

  // REQUIRES: kind(feature) is the matching kind.
  NumericSummary& numeric(std::size_t feature) { return numeric_[slot_[feature]]; }
  const NumericSummary& numeric(std::size_t feature) const { return numeric_[slot_[feature]]; }
  CategoricalCounts& categorical(std::size_t feature) { return categorical_[slot_[feature]]; }
  const CategoricalCounts& categorical(std::size_t feature) const {
    return categorical_[slot_[feature]];
  }

  // REQUIRES: same feature kinds in the same order.
  void Merge(const SummarySet& other);
  // Forgets everything; exact buffers above `keep_capacity` values are
  // released, and so are sketches, except those of the numeric features f
  // with keep_sketch[f] != 0 (NumericSummary::Clear); keep_sketch is empty
  // or has num_features() entries.
  void Clear(std::size_t keep_capacity, std::uint64_t seed, std::span<const std::uint8_t> keep_sketch = {});
  // Sorts every exact numeric sample (ready for SortedSample()).
  void SortAll();

  std::size_t MemoryBytes() const;

  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<SummarySet> Parse(std::string_view* in);

  bool operator==(const SummarySet& other) const;

 private:
  SummaryOptions options_;
  std::vector<FeatureKind> kinds_;
  std::vector<std::uint32_t> slot_;  // feature -> index into numeric_ or categorical_
  std::vector<NumericSummary> numeric_;
  std::vector<CategoricalCounts> categorical_;
  std::uint64_t rows_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_SUMMARY_SET_H_
