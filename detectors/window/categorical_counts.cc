#include "detectors/window/categorical_counts.h"

#include <algorithm>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

CategoricalCounts::CategoricalCounts(std::size_t max_categories) : max_categories_(max_categories) {}

std::uint64_t CategoricalCounts::TagOf(std::string_view category) {
  // Size in the top byte, then up to 7 leading bytes: equal tags mean equal
  // categories for names of up to 7 bytes, the usual case ("DE", "c3").
  const std::size_t size = category.size();
  const std::size_t head = std::min<std::size_t>(size, 7);
  std::uint64_t tag = static_cast<std::uint64_t>(std::min<std::size_t>(size, 255)) << 56;
  for (std::size_t i = 0; i < head; ++i) {
    tag |= static_cast<std::uint64_t>(static_cast<unsigned char>(category[i])) << (8 * i);
  }
  return tag;
}

std::size_t CategoricalCounts::Find(std::string_view category) const {
  if (index_) {
    const auto it = index_->find(category);
    return it == index_->end() ? kNotFound : it->second;
  }
  // Few categories: a scan of the entries' tags, without a hash table in the
  // pane. The scan visits every tag and picks the first match without
  // branching on the data: an early exit at a random position was one branch
  // misprediction per value, the largest cost here.
  const std::uint64_t tag = TagOf(category);
  std::size_t hit = kNotFound;
  for (std::size_t i = tags_.size(); i-- > 0;) hit = tags_[i] == tag ? i : hit;
  if (hit == kNotFound || category.size() <= 7) return hit;
  // Longer names: the tag only filtered; confirm, and go on past a false hit.
  for (std::size_t i = hit; i < tags_.size(); ++i) {
    if (tags_[i] == tag && entries_[i].first == category) return i;
  }
  return kNotFound;
}

void CategoricalCounts::Append(std::string_view category, std::uint64_t n) {
  entries_.emplace_back(std::string(category), n);
  if (index_) {
    index_->emplace(entries_.back().first, entries_.size() - 1);
  } else if (entries_.size() > kLinearUpTo) {
    Index& index = index_.Ensure();
    index.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) index.emplace(entries_[i].first, i);
    std::vector<std::uint64_t>().swap(tags_);
  } else {
    tags_.push_back(TagOf(category));
  }
}

void CategoricalCounts::Add(std::string_view category, std::uint64_t n) {
  total_ += n;
  const std::size_t i = Find(category);
  if (i != kNotFound) {
    entries_[i].second += n;
    return;
  }
  if (entries_.size() >= max_categories_) {
    overflow_ += n;
    return;
  }
  Append(category, n);
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
  tags_.clear();
  index_.reset();
  overflow_ = missing_ = total_ = 0;
}

std::uint64_t CategoricalCounts::count(std::string_view category) const {
  const std::size_t i = Find(category);
  return i == kNotFound ? 0 : entries_[i].second;
}

std::size_t CategoricalCounts::MemoryBytes() const {
  // Node size of libstdc++'s unordered_map: next pointer, value, cached hash.
  constexpr std::size_t kNodeBytes =
      sizeof(void*) + sizeof(std::pair<const std::string, std::size_t>) + sizeof(std::size_t);
  std::size_t bytes = sizeof(*this) + entries_.capacity() * sizeof(entries_[0]) +
                      tags_.capacity() * sizeof(std::uint64_t);
  if (index_) bytes += sizeof(Index) + index_->bucket_count() * sizeof(void*) + index_->size() * kNodeBytes;
  for (const auto& [category, n] : entries_) {
    // Heap storage only beyond the small-string buffer; an index's key copy
    // doubles it.
    if (category.capacity() > 15) bytes += (index_ ? 2 : 1) * (category.capacity() + 1);
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
    if (c.Find(category) != kNotFound) return std::nullopt;  // duplicate
    c.Append(category, n);
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
