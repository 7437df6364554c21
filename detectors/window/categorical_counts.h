// CategoricalCounts: counts per category of one categorical feature, with a
// cap on distinct categories so memory is bounded whatever the traffic.
//
// The first `max_categories` distinct values get their own count; any other
// value is added to overflow() ("other / unseen"). Categories keep their
// first-seen order, so iteration, merges and the encoding are deterministic.
// Merge adds counts of known categories, then admits other's categories in
// its order while room remains; the rest (and other's overflow) go to
// overflow(). So a merged summary is capped exactly like a single one.
//
// Memory: an empty summary allocates nothing. Up to kLinearUpTo distinct
// values it holds only the entries (sizeof(std::string) + name bytes beyond
// the small-string buffer + 8 count each) and an 8-byte tag per entry, and
// Add() scans the tags; beyond that a hash index (key copy + ~40 bytes node
// each) replaces the tags and Add() does one hash lookup. At most
// max_categories entries; see docs/detectors.md.
//
// Add() never allocates for a known category. Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_WINDOW_CATEGORICAL_COUNTS_H_
#define DRIFTD_DETECTORS_WINDOW_CATEGORICAL_COUNTS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detectors/window/clone_ptr.h"

namespace driftd::detectors {

class CategoricalCounts {
 public:
  static constexpr std::size_t kDefaultMaxCategories = 1000;
  // Distinct values found by a linear scan; more get a hash index.
  static constexpr std::size_t kLinearUpTo = 16;

  explicit CategoricalCounts(std::size_t max_categories = kDefaultMaxCategories);

  void Add(std::string_view category, std::uint64_t n = 1);
  void AddMissing() { ++missing_; }
  void Merge(const CategoricalCounts& other);
  // Forgets all counts; keeps the cap.
  void Clear();

  std::size_t max_categories() const { return max_categories_; }
  // Distinct categories counted individually.
  std::size_t distinct() const { return entries_.size(); }
  // Count of `category`; 0 if never seen or folded into overflow.
  std::uint64_t count(std::string_view category) const;
  // Values beyond the cap.
  std::uint64_t overflow() const { return overflow_; }
  std::uint64_t missing_count() const { return missing_; }
  // Non-missing values: the sum of all counts plus overflow().
  std::uint64_t total() const { return total_; }
  // (category, count) in first-seen order.
  const std::vector<std::pair<std::string, std::uint64_t>>& entries() const { return entries_; }

  std::size_t MemoryBytes() const;

  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<CategoricalCounts> Parse(std::string_view* in);

  bool operator==(const CategoricalCounts& other) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;
  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
  // Index of `category` in entries_, or kNotFound.
  std::size_t Find(std::string_view category) const;
  // Appends a new entry (and indexes it, building the index past kLinearUpTo).
  void Append(std::string_view category, std::uint64_t n);
  // The scan tag of a category: its size and first bytes (see Find).
  static std::uint64_t TagOf(std::string_view category);

  std::size_t max_categories_;
  std::vector<std::pair<std::string, std::uint64_t>> entries_;
  // TagOf(entries_[i].first) while there is no index (empty after).
  std::vector<std::uint64_t> tags_;
  // Category -> index into entries_, once there are more than kLinearUpTo.
  // Keys are copies; entries_ may reallocate.
  ClonePtr<Index> index_;
  std::uint64_t overflow_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_WINDOW_CATEGORICAL_COUNTS_H_
