// The category counter of `driftd report` tables: counts of one
// categorical column within the current chunk, in first-seen order, capped
// at max_categories distinct values like detectors::CategoricalCounts.
//
// An open-addressing table with a cheap hash of the bytes: hashing and
// looking up every field through std::unordered_map was a quarter of the
// census profile. FlushTo() hands the counts to an empty CategoricalCounts
// in first-seen order, which gives exactly the entries, counts and overflow
// that adding the values one by one would have given.
//
// Keys of up to 7 bytes (census codes, "DE", "yes") are compared as one
// packed word; longer ones by hash, then bytes. Values past the cap are
// lumped into one overflow count (the first such value kept as its example).
// Not thread-safe; one tally per column per reader.
#ifndef DRIFTD_DAEMON_CATEGORY_TALLY_H_
#define DRIFTD_DAEMON_CATEGORY_TALLY_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/window/categorical_counts.h"

namespace driftd::report {

class CategoryTally {
 public:
  explicit CategoryTally(std::size_t max_categories) : max_categories_(max_categories) {}

  // `n` occurrences of key (Absorb: another tally's entries, in its order).
  // `padded`: 8 bytes from key.data() are readable (a CSV field in a
  // FileBytes), so a short key is packed with one load. The common case (a
  // short key found at its first slot) is inline; the table is kept at most
  // a quarter full so that it mostly is.
  void Add(std::string_view key, std::uint64_t n = 1, bool padded = false) {
    if (padded && key.size() <= kMaxPacked && !slots_.empty()) {
      const std::uint64_t packed = PackPadded(key);
      const std::uint32_t slot = slots_[static_cast<std::size_t>(Mix(packed)) & (slots_.size() - 1)];
      if (slot != 0 && hot_[slot - 1].packed == packed) {
        hot_[slot - 1].count += n;
        return;
      }
    }
    AddSlow(key, n, padded);
  }

  // Adds every entry of `other` in its first-seen order: the same as adding
  // other's values one by one after this tally's, provided other never
  // overflowed (its overflow lumps values that may fit here).
  // REQUIRES: other.overflow() == 0.
  void Absorb(const CategoryTally& other);

  // How many values went past the cap (0: every value has its entry).
  std::uint64_t overflow() const { return overflow_; }

  // REQUIRES: out is empty and has the same cap. Resets this tally.
  void FlushTo(detectors::CategoricalCounts* out);

 private:
  struct Entry {
    std::string key;
    std::uint64_t hash;
  };
  // Parallel to entries_: what every lookup reads, 16 bytes apart.
  struct Hot {
    std::uint64_t packed;  // Pack(key) for short keys, else 0
    std::uint64_t count;
  };

  // Keys of up to 7 bytes are compared as one word: the bytes, then 1 + the
  // length in the top byte (never 0).
  static constexpr std::size_t kMaxPacked = 7;

  static std::uint64_t Pack(std::string_view s) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) w |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    return w | (std::uint64_t{s.size() + 1} << 56);
  }

  static std::uint64_t PackPadded(std::string_view s) {
    if constexpr (std::endian::native != std::endian::little) {
      return Pack(s);
    } else {
      std::uint64_t w;
      std::memcpy(&w, s.data(), sizeof w);
      return (w & ((std::uint64_t{1} << (8 * s.size())) - 1)) | (std::uint64_t{s.size() + 1} << 56);
    }
  }

  static std::uint64_t Mix(std::uint64_t w) {
    w = (w ^ (w >> 31)) * 0x9E3779B97F4A7C15ULL;
    return w ^ (w >> 29);
  }

  // Add() past the inline case: a new key, a collision, a long or unpadded
  // key, or the first key of all.
  [[gnu::noinline]] void AddSlow(std::string_view key, std::uint64_t n, bool padded);
  void Place(std::size_t index);
  void Rehash(std::size_t size);

  std::size_t max_categories_;
  std::vector<Entry> entries_;
  std::vector<Hot> hot_;
  std::vector<std::uint32_t> slots_;  // 1 + index into entries_; 0 free
  std::uint64_t overflow_ = 0;
  std::string overflow_example_;
};

}  // namespace driftd::report

#endif  // DRIFTD_DAEMON_CATEGORY_TALLY_H_
