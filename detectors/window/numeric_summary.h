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
// variance, sum, min, max, and separate counts of NaN, +/-Inf, missing (JSON
// null) and non-numeric (string) values. Non-finite values are counted and
// never enter the sample, sketch or histogram. In exact mode each value
// updates the moments at once (Welford). In sketch mode, the hot path of a
// busy window, they are updated in small batches: Add keeps the last few
// finite values (at most kBatch, in a buffer allocated with the sketch, so
// exact and idle summaries stay small) and folds each full batch in with a
// two-pass mean and M2 over the batch combined by Chan, Golub and LeVeque's
// pairwise formula, which is as stable as Welford's per-value update (a
// feature like 1e6 + N(0, 1e-3) keeps its variance) without a division per
// value. The accessors include the pending values, so batching is invisible
// except in the last bits of a result.
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

  // Values folded into the moments at once (see the file comment).
  static constexpr std::size_t kBatch = 8;

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
  // of recycled panes). The sketch is released too, unless `keep_sketch`
  // (a recycled pane that will summarize in sketch mode again: its buffers
  // are reused instead of grown from nothing); it restarts from `seed`.
  void Clear(std::size_t keep_capacity, std::uint64_t seed, bool keep_sketch = false);
  // Sizes the exact buffer for n values in all (no-op in sketch mode or when
  // n exceeds exact_up_to), so filling a large exact sample allocates once.
  void Reserve(std::size_t n);
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
  double sum() const { return pending_size_ == 0 ? sum_ : Folded().sum; }
  // 0 when count() == 0.
  double mean() const { return pending_size_ == 0 ? mean_ : Folded().mean; }
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
  // Parse(AppendTo(s)) == s, and the parsed summary continues identically
  // (values pending for the moments are encoded; the mode byte's bit 1 says
  // they follow, so encodings without pending values are as before).
  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<NumericSummary> Parse(std::string_view* in);

  bool operator==(const NumericSummary& other) const;

 private:
  struct Moments {
    double sum, mean, m2, min, max;
  };
  // The moments with the pending values folded in.
  Moments Folded() const;
  // Folds the pending values into the moments; none pending afterwards.
  void FoldPending();
  void AddToHistogram(double x);
  bool ExactlyRepresentable() const;
  // The sketch, created (k and seed from the options) on first use.
  KllSketch& MutableSketch();
  bool SameSketch(const NumericSummary& other) const;
  // Appends every value of `other` (exact or uncompacted sketch) to values_.
  void AppendValuesOf(const NumericSummary& other);

  // Values of a batch not yet folded into the moments (sketch mode).
  struct PendingBatch {
    double values[kBatch] = {};
  };

  NumericSummaryOptions options_;
  SummaryMode mode_ = SummaryMode::kExact;
  bool sorted_ = true;
  // Finite values added since the last fold, in pending_: counted in count_,
  // not yet in sum_, mean_, m2_, min_, max_. (Beside mode_ and sorted_: no
  // room of its own in the object.)
  std::uint8_t pending_size_ = 0;
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
  // Allocated on the first sketch-mode value (with the sketch).
  ClonePtr<PendingBatch> pending_;
  BinEdges edges_;
  std::vector<std::uint64_t> bins_;
  std::uint64_t underflow_ = 0;
  std::uint64_t overflow_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_NUMERIC_SUMMARY_H_
