#include "detectors/window/categorical_counts.h"

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

CategoricalCounts::CategoricalCounts(std::size_t max_categories) : max_categories_(max_categories) {}

void CategoricalCounts::Add(std::string_view category, std::uint64_t n) {
  total_ += n;
  const auto it = index_.find(category);
  if (it != index_.end()) {
    entries_[it->second].second += n;
    return;
  }
  if (entries_.size() >= max_categories_) {
    overflow_ += n;
    return;
  }
  index_.emplace(std::string(category), entries_.size());
  entries_.emplace_back(std::string(category), n);
}

void CategoricalCounts::Merge(const CategoricalCounts& other) {
  if (this == &other) {
    const CategoricalCounts copy = other;
    Merge(copy);
    return;
  }
  for (const auto& [category, n] : other.entries_) Add(category, n);
  overflow_ += other.overflow_;
  total_ += other.overflow_;
  missing_ += other.missing_;
}

void CategoricalCounts::Clear() {
  entries_.clear();
  index_.clear();
  overflow_ = missing_ = total_ = 0;
}

std::uint64_t CategoricalCounts::count(std::string_view category) const {
  const auto it = index_.find(category);
  return it == index_.end() ? 0 : entries_[it->second].second;
}

std::size_t CategoricalCounts::MemoryBytes() const {
  // Node size of libstdc++'s unordered_map: next pointer, value, cached hash.
  constexpr std::size_t kNodeBytes =
      sizeof(void*) + sizeof(std::pair<const std::string, std::size_t>) + sizeof(std::size_t);
  std::size_t bytes = sizeof(*this) + entries_.capacity() * sizeof(entries_[0]) +
                      index_.bucket_count() * sizeof(void*) + index_.size() * kNodeBytes;
  for (const auto& [category, n] : entries_) {
    // Heap storage only beyond the small-string buffer; the key copy doubles it.
    if (category.capacity() > 15) bytes += 2 * (category.capacity() + 1);
  }
  return bytes;
}

void CategoricalCounts::AppendTo(std::string* out) const {
  bytes::AppendU64(out, max_categories_);
  bytes::AppendU64(out, overflow_);
  bytes::AppendU64(out, missing_);
  bytes::AppendU64(out, total_);
  bytes::AppendU32(out, static_cast<std::uint32_t>(entries_.size()));
  for (const auto& [category, n] : entries_) {
    bytes::AppendString(out, category);
    bytes::AppendU64(out, n);
  }
}

std::optional<CategoricalCounts> CategoricalCounts::Parse(std::string_view* in) {
  std::uint64_t cap = 0, overflow = 0, missing = 0, total = 0;
  std::uint32_t num = 0;
  if (!bytes::ReadU64(in, &cap) || !bytes::ReadU64(in, &overflow) || !bytes::ReadU64(in, &missing) ||
      !bytes::ReadU64(in, &total) || !bytes::ReadU32(in, &num) || num > cap ||
      !bytes::HasRoomFor(*in, num, 12)) {
    return std::nullopt;
  }
  CategoricalCounts c(cap);
  c.entries_.reserve(num);
  std::uint64_t sum = overflow;
  for (std::uint32_t i = 0; i < num; ++i) {
    std::string category;
    std::uint64_t n = 0;
    if (!bytes::ReadString(in, &category) || !bytes::ReadU64(in, &n)) return std::nullopt;
    if (!c.index_.emplace(category, c.entries_.size()).second) return std::nullopt;  // duplicate
    c.entries_.emplace_back(std::move(category), n);
    sum += n;
  }
  if (sum != total) return std::nullopt;
  c.overflow_ = overflow;
  c.missing_ = missing;
  c.total_ = total;
  return c;
}

bool CategoricalCounts::operator==(const CategoricalCounts& other) const {
  return max_categories_ == other.max_categories_ && entries_ == other.entries_ &&
         overflow_ == other.overflow_ && missing_ == other.missing_ && total_ == other.total_;
}

}  // namespace driftd::detectors
