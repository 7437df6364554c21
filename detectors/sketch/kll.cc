#include "detectors/sketch/kll.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

constexpr std::size_t kMinLevelCapacity = 8;
// First buffer of a sketch, in items; it doubles up to the total capacity.
constexpr std::size_t kInitialBuffer = 16;
// Items a compaction sorts or merges through stack scratch space (4 KiB);
// larger levels (k above ~500) use the sketch's scratch_ buffer.
constexpr std::size_t kStackScratch = 512;
// Levels beyond this would mean more than 2^60 values: reject in Parse.
constexpr std::uint32_t kMaxLevels = 60;

std::size_t LevelCapacity(int k, std::size_t depth) {
  const double c = std::ceil(static_cast<double>(k) * std::pow(2.0 / 3.0, static_cast<double>(depth)));
  return std::max(kMinLevelCapacity, static_cast<std::size_t>(c));
}

// splitmix64: tiny, seedable with any value, good enough for coin flips.
std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Order-preserving map of a double to an unsigned key (negative values
// reversed below the positive ones).
std::uint64_t SortKey(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

void InsertionSort(double* first, double* last) {
  for (double* i = first + 1; i < last; ++i) {
    const double v = *i;
    double* j = i;
    for (; j > first && v < j[-1]; --j) *j = j[-1];
    *j = v;
  }
}

// Sorts level 0 before it is compacted: the largest single cost of Update
// (std::sort of ~k random doubles was 17% of the window-update profile, most
// of it branch mispredictions). One bucket pass on the top 8 significant bits
// of the keys' spread spreads k items over 256 buckets; the few items per
// bucket are then insertion-sorted, and a crowded bucket (skewed data) falls
// back to std::sort, so the worst case stays O(n log n). Same order as
// std::sort for finite values (except -0.0 before +0.0).
void SortLevel0(double* first, double* last, double* scratch) {
  constexpr std::size_t kSmall = 32;
  constexpr std::size_t kBuckets = 256;
  constexpr std::size_t kCrowded = 24;
  const auto n = static_cast<std::size_t>(last - first);
  if (n < kSmall) {
    InsertionSort(first, last);
    return;
  }
  std::uint64_t lo = SortKey(first[0]);
  std::uint64_t hi = lo;
  for (std::size_t i = 1; i < n; ++i) {
    const std::uint64_t k = SortKey(first[i]);
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  if (lo == hi) return;
  const int width = std::bit_width(hi - lo);
  const int shift = width > 8 ? width - 8 : 0;
  std::array<std::uint32_t, kBuckets + 1> start{};
  for (std::size_t i = 0; i < n; ++i) ++start[((SortKey(first[i]) - lo) >> shift) + 1];
  for (std::size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
  double* out = scratch;
  std::array<std::uint32_t, kBuckets> next{};
  std::copy(start.begin(), start.end() - 1, next.begin());
  for (std::size_t i = 0; i < n; ++i) out[next[(SortKey(first[i]) - lo) >> shift]++] = first[i];
  for (std::size_t b = 0; b < kBuckets; ++b) {
    double* bucket_first = out + start[b];
    double* bucket_last = out + start[b + 1];
    if (bucket_last - bucket_first > static_cast<std::ptrdiff_t>(kCrowded)) {
      std::sort(bucket_first, bucket_last);
    } else if (bucket_last - bucket_first > 1) {
      InsertionSort(bucket_first, bucket_last);
    }
  }
  std::copy(out, out + n, first);
}

}  // namespace

KllSketch::KllSketch(int k, std::uint64_t seed)
    : k_(std::clamp(k, kMinK, kMaxK)), seed_(seed), rng_state_(seed) {
  Clear();
}

double KllSketch::SingleRankError(int k) { return 2.296 / std::pow(static_cast<double>(k), 0.9723); }

double KllSketch::AllRanksError(int k) { return 2.446 / std::pow(static_cast<double>(k), 0.9433); }

double KllSketch::min() const { return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : min_; }

double KllSketch::max() const { return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : max_; }

double KllSketch::epsilon() const { return IsExact() ? 0.0 : AllRanksError(k_); }

void KllSketch::UpdateCapacities(std::size_t num_levels) {
  capacities_.resize(num_levels);
  total_capacity_ = 0;
  for (std::size_t h = 0; h < num_levels; ++h) {
    capacities_[h] = LevelCapacity(k_, num_levels - 1 - h);
    total_capacity_ += capacities_[h];
  }
}

bool KllSketch::NextBit() {
  if (rng_bits_left_ == 0) {
    rng_bits_ = SplitMix64(&rng_state_);
    rng_bits_left_ = 64;
  }
  const bool bit = (rng_bits_ & 1) != 0;
  rng_bits_ >>= 1;
  --rng_bits_left_;
  return bit;
}

void KllSketch::Update(double x) {
  if (!std::isfinite(x)) return;
  if (offsets_[0] == 0) {
    // The buffer is full. Below the total capacity it grows (geometrically,
    // so a pane of a few values holds a few values, not 3k); at the capacity
    // the sketch compacts. Compaction depends on the retained items only,
    // never on the buffer size, so the result is the same either way.
    if (items_.size() < total_capacity_) {
      GrowBuffer();
    } else {
      Compress();
    }
  }
  if (n_ == 0) {
    min_ = max_ = x;
  } else {
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }
  items_[--offsets_[0]] = x;
  ++n_;
}

void KllSketch::GrowBuffer() {
  const std::size_t old_size = items_.size();
  const std::size_t new_size = std::min(total_capacity_, std::max(kInitialBuffer, 2 * old_size));
  const std::size_t delta = new_size - old_size;
  std::vector<double> grown(new_size);
  std::copy(items_.begin(), items_.end(), grown.begin() + static_cast<std::ptrdiff_t>(delta));
  items_.swap(grown);
  for (std::size_t& o : offsets_) o += delta;
}

void KllSketch::AddLevel() {
  UpdateCapacities(num_levels() + 1);
  const std::size_t old_size = items_.size();
  const std::size_t new_size = std::max(old_size, total_capacity_);
  const std::size_t delta = new_size - old_size;
  if (delta > 0) {
    // Rare (O(log n) times): a fresh buffer, retained items moved to its top.
    std::vector<double> grown(new_size);
    std::copy(items_.begin() + static_cast<std::ptrdiff_t>(offsets_[0]), items_.end(),
              grown.begin() + static_cast<std::ptrdiff_t>(offsets_[0] + delta));
    items_.swap(grown);
    for (std::size_t& o : offsets_) o += delta;
  }
  offsets_.push_back(new_size);
}

void KllSketch::Compress() {
  // The lowest level at or over capacity exists whenever the total is.
  const std::size_t num = num_levels();
  for (std::size_t h = 0; h < num; ++h) {
    if (LevelSize(h) >= capacities_[h]) {
      if (h + 1 == num) AddLevel();
      CompactLevel(h);
      return;
    }
  }
}

void KllSketch::CompactLevel(std::size_t h) {
  double* items = items_.data();
  const std::size_t begin = offsets_[h];
  const std::size_t end = offsets_[h + 1];
  const std::size_t end_above = offsets_[h + 2];
  // An odd item stays at this level with its weight; level 0 is unsorted, so
  // the one kept there is simply the newest, which is as good as any.
  const std::size_t raw_begin = begin + ((end - begin) & 1);
  // Scratch space on the stack for the usual k (levels hold about k items);
  // a sketch keeps a scratch buffer of its own only beyond that.
  std::array<double, kStackScratch> stack;
  const std::size_t popped = end - raw_begin;
  const std::size_t half = popped / 2;
  if (h == 0) {
    if (popped <= stack.size()) {
      SortLevel0(items + raw_begin, items + end, stack.data());
    } else {
      std::sort(items + raw_begin, items + end);
    }
  }
  double* scratch = stack.data();
  if (half > stack.size()) {
    scratch_.resize(half);
    scratch = scratch_.data();
  }
  const std::size_t offset = NextBit() ? 1 : 0;
  // Every other item, moved into the upper half of the popped range. Walking
  // downwards never overwrites an item still to be read.
  for (std::size_t i = half; i-- > 0;) items[raw_begin + half + i] = items[raw_begin + 2 * i + offset];
  // Merge the survivors with the level above, in place through a scratch copy.
  const std::size_t merged_begin = raw_begin + half;
  std::copy(items + merged_begin, items + end, scratch);
  std::merge(scratch, scratch + half, items + end, items + end_above, items + merged_begin);
  // Shift the lower levels (and the odd item) up over the freed space.
  std::copy_backward(items + offsets_[0], items + raw_begin, items + raw_begin + half);
  for (std::size_t j = 0; j <= h; ++j) offsets_[j] += half;
  offsets_[h + 1] = merged_begin;
}

void KllSketch::Layout(const std::vector<std::vector<double>>& levels) {
  UpdateCapacities(levels.size());
  std::size_t retained = 0;
  for (const auto& level : levels) retained += level.size();
  // Exactly the retained items (the next Update grows the buffer), so parsed
  // and merged sketches hold no free space.
  const std::size_t size = retained;
  items_.assign(size, 0.0);
  offsets_.assign(levels.size() + 1, size);
  std::size_t pos = size;
  for (std::size_t h = levels.size(); h-- > 0;) {
    pos -= levels[h].size();
    std::copy(levels[h].begin(), levels[h].end(), items_.begin() + static_cast<std::ptrdiff_t>(pos));
    offsets_[h] = pos;
  }
}

void KllSketch::Merge(const KllSketch& other) {
  if (other.n_ == 0) return;
  if (&other == this) {
    const KllSketch copy = other;
    Merge(copy);
    return;
  }
  if (n_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  k_ = std::min(k_, other.k_);
  // Merging is per evaluation, not per event: a plain per-level copy is fine.
  std::vector<std::vector<double>> levels(std::max(num_levels(), other.num_levels()));
  for (std::size_t h = 0; h < levels.size(); ++h) {
    for (const KllSketch* s : {static_cast<const KllSketch*>(this), &other}) {
      if (h >= s->num_levels()) continue;
      const auto first = s->items_.begin() + static_cast<std::ptrdiff_t>(s->offsets_[h]);
      const auto last = s->items_.begin() + static_cast<std::ptrdiff_t>(s->offsets_[h + 1]);
      const std::size_t old = levels[h].size();
      levels[h].insert(levels[h].end(), first, last);
      if (h > 0) {
        std::inplace_merge(levels[h].begin(), levels[h].begin() + static_cast<std::ptrdiff_t>(old),
                           levels[h].end());
      }
    }
  }
  n_ += other.n_;
  Layout(levels);
  while (retained() > total_capacity_) Compress();
  if (offsets_[0] != 0) {
    // Compaction freed room at the bottom: drop it, so the buffer holds
    // exactly the retained items.
    std::vector<std::vector<double>> compact(num_levels());
    for (std::size_t h = 0; h < compact.size(); ++h) {
      compact[h].assign(items_.begin() + static_cast<std::ptrdiff_t>(offsets_[h]),
                        items_.begin() + static_cast<std::ptrdiff_t>(offsets_[h + 1]));
    }
    Layout(compact);
  }
}

void KllSketch::Reset(std::uint64_t seed) {
  seed_ = seed;
  Clear();
}

void KllSketch::Clear() {
  UpdateCapacities(1);
  // assign() keeps the buffer's capacity: a recycled sketch does not
  // allocate until it needs more than it held. A new sketch has no buffer
  // until its first Update.
  const std::size_t size = std::min(items_.capacity(), total_capacity_);
  items_.assign(size, 0.0);
  offsets_.assign(2, size);
  n_ = 0;
  min_ = max_ = 0.0;
  rng_state_ = seed_;
  rng_bits_ = 0;
  rng_bits_left_ = 0;
}

std::size_t KllSketch::MemoryBytes() const {
  return sizeof(*this) + items_.capacity() * sizeof(double) + scratch_.capacity() * sizeof(double) +
         (offsets_.capacity() + capacities_.capacity()) * sizeof(std::size_t);
}

WeightedSortedView KllSketch::View() const {
  std::vector<std::pair<double, std::uint64_t>> pairs;
  pairs.reserve(retained());
  ForEachItem([&pairs](double v, std::uint64_t w) { pairs.emplace_back(v, w); });
  std::sort(pairs.begin(), pairs.end());
  std::vector<double> items;
  std::vector<std::uint64_t> cumulative;
  items.reserve(pairs.size());
  cumulative.reserve(pairs.size());
  std::uint64_t sum = 0;
  for (const auto& [v, w] : pairs) {
    sum += w;
    items.push_back(v);
    cumulative.push_back(sum);
  }
  return WeightedSortedView::Weighted(std::move(items), std::move(cumulative), min_, max_, epsilon());
}

void KllSketch::AppendTo(std::string* out) const {
  bytes::AppendU32(out, static_cast<std::uint32_t>(k_));
  bytes::AppendU64(out, seed_);
  bytes::AppendU64(out, rng_state_);
  bytes::AppendU64(out, rng_bits_);
  bytes::AppendU8(out, static_cast<std::uint8_t>(rng_bits_left_));
  bytes::AppendU64(out, n_);
  bytes::AppendF64(out, min_);
  bytes::AppendF64(out, max_);
  bytes::AppendU32(out, static_cast<std::uint32_t>(num_levels()));
  for (std::size_t h = 0; h < num_levels(); ++h) {
    bytes::AppendU32(out, static_cast<std::uint32_t>(LevelSize(h)));
    for (std::size_t i = offsets_[h]; i < offsets_[h + 1]; ++i) bytes::AppendF64(out, items_[i]);
  }
}

std::optional<KllSketch> KllSketch::Parse(std::string_view* in) {
  std::uint32_t k = 0, num_levels = 0;
  std::uint64_t seed = 0, state = 0, bits = 0, n = 0;
  std::uint8_t bits_left = 0;
  double min = 0, max = 0;
  if (!bytes::ReadU32(in, &k) || !bytes::ReadU64(in, &seed) || !bytes::ReadU64(in, &state) ||
      !bytes::ReadU64(in, &bits) || !bytes::ReadU8(in, &bits_left) || !bytes::ReadU64(in, &n) ||
      !bytes::ReadF64(in, &min) || !bytes::ReadF64(in, &max) || !bytes::ReadU32(in, &num_levels)) {
    return std::nullopt;
  }
  if (k < static_cast<std::uint32_t>(kMinK) || k > static_cast<std::uint32_t>(kMaxK) || bits_left > 64 ||
      num_levels == 0 || num_levels > kMaxLevels) {
    return std::nullopt;
  }
  std::vector<std::vector<double>> levels(num_levels);
  std::uint64_t weight = 0;
  for (std::uint32_t h = 0; h < num_levels; ++h) {
    std::uint32_t size = 0;
    if (!bytes::ReadU32(in, &size) || !bytes::HasRoomFor(*in, size, 8)) return std::nullopt;
    auto& level = levels[h];
    level.resize(size);
    for (auto& v : level) {
      if (!bytes::ReadF64(in, &v) || !std::isfinite(v) || v < min || v > max) return std::nullopt;
    }
    if (h > 0 && !std::is_sorted(level.begin(), level.end())) return std::nullopt;
    weight += std::uint64_t{size} << h;
  }
  if (weight != n || (n > 0 && !(min <= max))) return std::nullopt;
  KllSketch s(static_cast<int>(k), seed);
  s.Layout(levels);
  if (s.retained() > s.total_capacity_) return std::nullopt;  // more retained than capacity
  s.rng_state_ = state;
  s.rng_bits_ = bits;
  s.rng_bits_left_ = bits_left;
  s.n_ = n;
  s.min_ = min;
  s.max_ = max;
  return s;
}

bool KllSketch::operator==(const KllSketch& other) const {
  if (k_ != other.k_ || seed_ != other.seed_ || rng_state_ != other.rng_state_ ||
      rng_bits_ != other.rng_bits_ || rng_bits_left_ != other.rng_bits_left_ || n_ != other.n_ ||
      min_ != other.min_ || max_ != other.max_ || num_levels() != other.num_levels()) {
    return false;
  }
  for (std::size_t h = 0; h < num_levels(); ++h) {
    if (!std::equal(items_.begin() + static_cast<std::ptrdiff_t>(offsets_[h]),
                    items_.begin() + static_cast<std::ptrdiff_t>(offsets_[h + 1]),
                    other.items_.begin() + static_cast<std::ptrdiff_t>(other.offsets_[h]),
                    other.items_.begin() + static_cast<std::ptrdiff_t>(other.offsets_[h + 1]))) {
      return false;
    }
  }
  return true;
}

}  // namespace driftd::detectors
