// KLL quantile sketch of doubles (Karnin, Lang, Liberty, "Optimal Quantile
// Approximation in Streams", FOCS 2016), in the lazy-compaction form used by
// Apache DataSketches.
//
// The sketch is a stack of compactors. Level h holds items of weight 2^h.
// With L levels, level h has capacity max(8, ceil(k * (2/3)^(L-1-h))), so the
// top level holds about k items and the whole sketch about 3k. When the total
// retained count reaches the total capacity, the lowest level at or over its
// capacity is compacted: it is sorted, and every other item (starting at a
// random offset 0 or 1) moves up one level with doubled weight; an odd item
// stays behind. Each compaction is unbiased, which is where the error bound
// comes from. The random bits come from a seeded generator held in the
// sketch, so the same seed and input give the same sketch bit for bit.
//
// Error: with probability about 99%, the normalized rank error of a single
// query, |Cdf(x) - F(x)|, is at most SingleRankError(k) = 2.296 / k^0.9723
// (k = 200: 1.33%), and simultaneously for all x at most
// AllRanksError(k) = 2.446 / k^0.9433 (k = 200: 1.65%). Both are the
// DataSketches empirical fits of the KLL bound at 99% confidence. A sketch
// that has never compacted holds every value with weight 1 and is exact
// (error 0). Sup-type statistics (KS, Wasserstein) need the uniform bound:
// epsilon() returns it.
//
// Memory: O(k) whatever the stream length; about 3k retained doubles at most
// (k = 200: see docs/detectors.md for measured bytes at 10^6 values).
//
// Memory grows with the values up to that bound: the buffer starts at 16
// items and doubles while below the total capacity, so a sketch of n < k
// values holds at most max(16, 2n) items (an idle sketch holds none).
//
// Update is O(1) amortized; it allocates only while the buffer grows
// (O(log k) times) and when a level is added (O(log n) times). Queries build
// a WeightedSortedView in O(r log r) for r retained items; build it once for
// many queries.
//
// Thread-safety: none; one owner. Const methods may be called concurrently.
#ifndef DRIFTD_DETECTORS_SKETCH_KLL_H_
#define DRIFTD_DETECTORS_SKETCH_KLL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/sketch/sorted_view.h"

namespace driftd::detectors {

class KllSketch {
 public:
  static constexpr int kDefaultK = 200;
  static constexpr int kMinK = 8;
  static constexpr int kMaxK = 65535;

  // k is clamped to [kMinK, kMaxK]. `seed` fixes the compaction coin flips.
  explicit KllSketch(int k = kDefaultK, std::uint64_t seed = 0);

  // The DataSketches 99%-confidence fits quoted in the file comment.
  static double SingleRankError(int k);
  static double AllRanksError(int k);

  // Adds one value. REQUIRES: std::isfinite(x) (callers count non-finite
  // values separately; a non-finite x is ignored here).
  void Update(double x);
  // Adds everything `other` summarized. The result keeps min(k, other.k()),
  // and the error bound is that of the smaller k.
  void Merge(const KllSketch& other);
  // Forgets all values; keeps k, the seed (the generator restarts from it)
  // and the allocated buffers.
  void Clear();
  // Clear() and restart the generator from a new seed.
  void Reset(std::uint64_t seed);

  int k() const { return k_; }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t count() const { return n_; }
  bool empty() const { return n_ == 0; }
  // True extremes; NaN when empty. O(size of level 0).
  double min() const;
  double max() const;
  // No compaction has happened: every value is retained with weight 1.
  bool IsExact() const { return offsets_.size() == 2; }
  // Uniform normalized rank error bound: 0 when IsExact(), else AllRanksError(k()).
  double epsilon() const;
  std::size_t retained() const { return items_.size() - offsets_[0]; }
  std::size_t num_levels() const { return offsets_.size() - 1; }
  // Heap bytes held (vector capacities) plus the object itself.
  std::size_t MemoryBytes() const;

  // The sketch as a weighted step CDF, with epsilon() attached.
  WeightedSortedView View() const;
  // Convenience single queries; each builds a view (O(r log r)).
  double Cdf(double x) const { return View().Cdf(x); }
  double Quantile(double q) const { return View().Quantile(q); }

  // Calls f(value, weight) for every retained item, level by level.
  template <typename F>
  void ForEachItem(F&& f) const {
    for (std::size_t h = 0; h + 1 < offsets_.size(); ++h) {
      for (std::size_t i = offsets_[h]; i < offsets_[h + 1]; ++i) f(items_[i], std::uint64_t{1} << h);
    }
  }

  // Binary encoding (little-endian, unversioned; see detectors/sketch/bytes.h).
  // Round trips are exact, including the generator state, so a parsed sketch
  // continues exactly as the original would.
  void AppendTo(std::string* out) const;
  // Consumes one encoded sketch from the front of *in. std::nullopt on
  // truncated or inconsistent input (weights not summing to the count,
  // unsorted levels, non-finite items, k out of range).
  [[nodiscard]] static std::optional<KllSketch> Parse(std::string_view* in);

  bool operator==(const KllSketch& other) const;

 private:
  std::size_t LevelSize(std::size_t h) const { return offsets_[h + 1] - offsets_[h]; }
  void UpdateCapacities(std::size_t num_levels);
  // Appends an empty top level; grows the buffer to the new total capacity.
  void AddLevel();
  // Doubles a full buffer below the total capacity (from kInitialBuffer).
  void GrowBuffer();
  // Resizes the buffer to new_size >= its size, retained items moved to the
  // top; reuses the allocation when its capacity allows.
  void Reframe(std::size_t new_size);
  void Compress();
  void CompactLevel(std::size_t h);
  // Lays `levels` out in a buffer of exactly max(total capacity, retained).
  void Layout(const std::vector<std::vector<double>>& levels);
  bool NextBit();

  int k_;
  std::uint64_t seed_;
  std::uint64_t rng_state_;
  std::uint64_t rng_bits_ = 0;
  int rng_bits_left_ = 0;
  std::uint64_t n_ = 0;
  // Extremes of the values that have left level 0 (+inf/-inf before any
  // has): min() and max() fold in level 0, which holds all the others, so
  // Update does not compare every value.
  double min_ = 0.0;
  double max_ = 0.0;
  // All levels in one buffer (as in DataSketches): free space first, then
  // level 0 (unsorted, grows downwards), level 1, ... each sorted. Level h is
  // items_[offsets_[h], offsets_[h + 1]); offsets_.back() == items_.size().
  // The buffer is empty (offsets all 0) until the first value, then doubles
  // from 16 items up to the total capacity, which bounds it.
  std::vector<double> items_;
  std::vector<std::size_t> offsets_;
  std::vector<std::size_t> capacities_;  // per level, for the current depth
  std::size_t total_capacity_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_SKETCH_KLL_H_
