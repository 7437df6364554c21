#include "daemon/category_tally.h"

namespace driftd::report {
namespace {

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

std::uint64_t Hash(std::string_view s) {
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

}  // namespace

void CategoryTally::Absorb(const CategoryTally& other) {
  for (std::size_t k = 0; k < other.entries_.size(); ++k) Add(other.entries_[k].key, other.hot_[k].count);
}

void CategoryTally::FlushTo(detectors::CategoricalCounts* out) {
  for (std::size_t k = 0; k < entries_.size(); ++k) out->Add(entries_[k].key, hot_[k].count);
  // The table is full, so the example is none of its keys: overflow.
  if (overflow_ > 0) out->Add(overflow_example_, overflow_);
  entries_.clear();
  hot_.clear();
  slots_.clear();
  overflow_ = 0;
  overflow_example_.clear();
}

void CategoryTally::AddSlow(std::string_view key, std::uint64_t n, bool padded) {
  if (slots_.empty()) slots_.assign(16, 0);
  const bool short_key = key.size() <= kMaxPacked;
  const std::uint64_t packed = !short_key ? 0 : padded ? PackPadded(key) : Pack(key);
  const std::uint64_t h = short_key ? Mix(packed) : Hash(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) break;
    Hot& e = hot_[slot - 1];
    if (short_key ? e.packed == packed
                  : (e.packed == 0 && entries_[slot - 1].hash == h && SameBytes(entries_[slot - 1].key, key))) {
      e.count += n;
      return;
    }
  }
  if (entries_.size() >= max_categories_) {
    if (overflow_ == 0) overflow_example_ = std::string(key);
    overflow_ += n;
    return;
  }
  entries_.push_back(Entry{std::string(key), h});
  hot_.push_back(Hot{packed, n});
  if (4 * entries_.size() > slots_.size()) {
    Rehash(slots_.size() * 2);
  } else {
    Place(entries_.size() - 1);
  }
}

void CategoryTally::Place(std::size_t index) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>(entries_[index].hash) & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = static_cast<std::uint32_t>(index + 1);
}

void CategoryTally::Rehash(std::size_t size) {
  slots_.assign(size, 0);
  for (std::size_t k = 0; k < entries_.size(); ++k) Place(k);
}

}  // namespace driftd::report
