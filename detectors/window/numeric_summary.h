// NumericSummary: the bounded-memory, mergeable summary of one numeric
// feature over one pane, window, chunk or reference.
//
// Modes (mode() says which one produced a number):
//   kExact   every finite value is kept (8 bytes each) while count() <=
//            exact_up_to. Values are appended unsorted; Sort() sorts in place
//            and SortedSample() hands them to exact tests.
//   kSketch  past exact_up_to the values move into a KLL sketch of
//            parameter kll_k (detectors/sketch/kll.h): O(k) memory, uniform
//            normalized rank error epsilon() (k = 200: 1.65%, 99% confidence).
//            The switch is one-way until Clear().
//
// Always kept exactly, in both modes: count of finite values, mean and
// variance (Welford, merged with Chan et al.'s formula, so a feature like
// 1e6 + N(0, 1e-3) keeps its variance), sum, min, max, and separate counts of
// NaN, +/-Inf, missing (JSON null) and non-numeric (string) values. Non-finite
// values are counted and never enter the sample, sketch or histogram.
//
// Optional histogram over fixed bin edges e_0 < e_1 < ... < e_{E-1} (from the
// reference): E-1 bins, bin i = [e_i, e_{i+1}) and the last bin closed
// [e_{E-2}, e_{E-1}] (numpy.histogram's convention); finite values below e_0
// go to underflow(), above e_{E-1} to overflow(). Edges may be -inf / +inf
// to make the outer bins open. Callers that want values outside the edges in
// the outer bins add underflow() to bin 0 and overflow() to the last bin.
//
// Thread-safety: none; one owner. Const methods may be called concurrently.
#ifndef DRIFTD_DETECTORS_WINDOW_NUMERIC_SUMMARY_H_
#define DRIFTD_DETECTORS_WINDOW_NUMERIC_SUMMARY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/sketch/kll.h"
#include "detectors/sketch/sorted_view.h"
#include "detectors/window/clone_ptr.h"

namespace driftd::detectors {

enum class SummaryMode { kExact, kSketch };
// "exact", "sketch".
const char* SummaryModeName(SummaryMode mode);

struct NumericSummaryOptions {
  // Largest count kept as an exact sample; 0 means sketch from the start.
  std::size_t exact_up_to = 10000;
  int kll_k = KllSketch::kDefaultK;
  // Seed of the sketch's compaction coin flips (reproducible results).
  std::uint64_t seed = 0;
};

using BinEdges = std::shared_ptr<const std::vector<double>>;

// True when `edges` has at least two entries, none NaN, strictly increasing.
bool ValidBinEdges(std::span<const double> edges);

class NumericSummary {
 public:
  // REQUIRES: edges is null or ValidBinEdges(*edges). Edges are shared, not
  // copied, so panes of one feature hold one copy.
  explicit NumericSummary(NumericSummaryOptions options = {}, BinEdges edges = nullptr);

  // One value: NaN and +/-Inf are counted apart; a finite value updates the
  // statistics, the sample or sketch, and the histogram. O(1) amortized
  // (O(log E) for the histogram); no allocation once buffers have grown.
  void Add(double x);
  void AddMissing() { ++missing_; }
  void AddNonNumeric() { ++non_numeric_; }

  // Adds everything `other` summarized. The result is exact when both are
  // exactly representable (exact mode, or a sketch that never compacted),
  // the total count is <= this summary's exact_up_to and `force_sketch` is
  // false; otherwise a sketch. Two sorted samples merge into a sorted sample
  // (linear); otherwise the result is unsorted until Sort(). Histograms add
  // bin by bin when the edges are equal; with different edges the result has
  // no histogram.
  void Merge(const NumericSummary& other, bool force_sketch = false);

  // Forgets all values but keeps options and edges. Releases the exact
  // buffer when its capacity exceeds `keep_capacity` values (bounds the memory
  // of recycled panes). The sketch restarts from `seed`.
  void Clear(std::size_t keep_capacity, std::uint64_t seed);
  // Moves the exact sample into the sketch now (no-op in sketch mode).
  void ToSketch();
  // Sorts the exact sample in place (no-op in sketch mode or when sorted).
  void Sort();

  SummaryMode mode() const { return mode_; }
  const NumericSummaryOptions& options() const { return options_; }
  // Finite values summarized.
  std::uint64_t count() const { return count_; }
  std::uint64_t missing_count() const { return missing_; }
  std::uint64_t nan_count() const { return nan_; }
  std::uint64_t inf_count() const { return inf_; }
  std::uint64_t non_numeric_count() const { return non_numeric_; }
  double sum() const { return sum_; }
  // 0 when count() == 0.
  double mean() const { return mean_; }
  // Population variance M2 / n; 0 when count() < 1.
  double variance() const;
  // Sample variance M2 / (n - 1); 0 when count() < 2.
  double sample_variance() const;
  // Exact extremes of the finite values; NaN when count() == 0.
  double min() const;
  double max() const;

  // The exact sample in its current order (empty in sketch mode).
  std::span<const double> sample() const { return values_; }
  bool sorted() const { return sorted_; }
  // REQUIRES: mode() == kExact and sorted() (call Sort() first). Returns an
  // empty span otherwise.
  std::span<const double> SortedSample() const;
  // The sketch (meaningful in sketch mode; empty in exact mode).
  const KllSketch& sketch() const;
  // True when a sketch is allocated (sketch mode with values, or merged into).
  bool has_sketch() const { return static_cast<bool>(sketch_); }
  // Uniform bound on |Cdf(x) - F(x)|: 0 in exact mode.
  double epsilon() const { return mode_ == SummaryMode::kExact ? 0.0 : sketch().epsilon(); }
  // The step CDF for KS/Wasserstein/quantile queries. Exact and sorted: borrows
  // the sample (invalidated by any modification); exact and unsorted: a
  // sorted copy; sketch: the KLL view.
  WeightedSortedView View() const;

  bool has_histogram() const { return edges_ != nullptr; }
  std::span<const double> bin_edges() const;
  // edges.size() - 1 counts; empty without a histogram.
  std::span<const std::uint64_t> bin_counts() const { return bins_; }
  std::uint64_t underflow() const { return underflow_; }
  std::uint64_t overflow() const { return overflow_; }
  const BinEdges& shared_edges() const { return edges_; }

  // Heap bytes held plus the object itself (shared edges not counted).
  std::size_t MemoryBytes() const;

  // Binary encoding (little-endian, unversioned). Round trips are exact:
  // Parse(AppendTo(s)) == s, and the parsed summary continues identically.
  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<NumericSummary> Parse(std::string_view* in);

  bool operator==(const NumericSummary& other) const;

 private:
  void AddToHistogram(double x);
  bool ExactlyRepresentable() const;
  // The sketch, created (k and seed from the options) on first use.
  KllSketch& MutableSketch();
  bool SameSketch(const NumericSummary& other) const;
  // Appends every value of `other` (exact or uncompacted sketch) to values_.
  void AppendValuesOf(const NumericSummary& other);

  NumericSummaryOptions options_;
  SummaryMode mode_ = SummaryMode::kExact;
  bool sorted_ = true;
  std::vector<double> values_;
  // Allocated on the first value in sketch mode (null: an empty sketch), so
  // an exact or idle summary carries no sketch.
  ClonePtr<KllSketch> sketch_;
  std::uint64_t count_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t nan_ = 0;
  std::uint64_t inf_ = 0;
  std::uint64_t non_numeric_ = 0;
  double sum_ = 0.0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
  BinEdges edges_;
  std::vector<std::uint64_t> bins_;
  std::uint64_t underflow_ = 0;
  std::uint64_t overflow_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_NUMERIC_SUMMARY_H_
