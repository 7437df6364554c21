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
// Items a compaction sorts or merges through stack scratch space (4 KiB).
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

void InsertionSort(double* first, double* last) {
  for (double* i = first + 1; i < last; ++i) {
    const double v = *i;
    double* j = i;
    for (; j > first && v < j[-1]; --j) *j = j[-1];
    *j = v;
  }
}

// Insertion sort that gives up after `budget` moves, leaving a permutation
// of the input; returns false then.
bool InsertionSortWithin(double* first, double* last, std::size_t budget) {
  std::size_t moves = 0;
  for (double* i = first + 1; i < last; ++i) {
    const double v = *i;
    double* j = i;
    for (; j > first && v < j[-1]; --j) *j = j[-1];
    *j = v;
    moves += static_cast<std::size_t>(i - j);
    if (moves > budget) return false;
  }
  return true;
}

// Sorts level 0 before it is compacted: the largest single cost of Update
// (std::sort of ~k random doubles was 17% of the window-update profile, most
// of it branch mispredictions). Two stable counting passes (LSD radix) order
// the items by a 16-bit index linear in the value over [min, max]; an
// insertion sort then only has to order items sharing an index, which for
// ~k items over 65536 indexes are few, so it mispredicts rarely. No branch
// depends on the data until that last pass. Skewed data (many items sharing
// an index, e.g. one huge outlier) is caught by the insertion sort's move
// budget and finished by std::sort, so the worst case stays O(n log n).
// Same order as std::sort. REQUIRES: scratch holds last - first items.
void SortLevel0(double* first, double* last, double* scratch) {
  constexpr std::size_t kSmall = 32;
  constexpr std::size_t kMovesPerItem = 4;
  const auto n = static_cast<std::size_t>(last - first);
  if (n < kSmall) {
    InsertionSort(first, last);
    return;
  }
  double lo = first[0];
  double hi = first[0];
  for (std::size_t i = 1; i < n; ++i) {
    lo = std::min(lo, first[i]);
    hi = std::max(hi, first[i]);
  }
  const double range = hi - lo;
  if (!(range > 0.0)) return;  // all equal
  if (!std::isfinite(range)) {
    std::sort(first, last);
    return;
  }
  // (x - lo) * scale is in [0, 65535] and never decreases with x.
  const double scale = 65535.0 / range;
  const auto index = [lo, scale](double x) { return static_cast<std::uint32_t>((x - lo) * scale); };
  std::array<std::uint32_t, 256> low{};
  std::array<std::uint32_t, 256> high{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t k = index(first[i]);
    ++low[k & 0xff];
    ++high[k >> 8];
  }
  std::uint32_t low_sum = 0;
  std::uint32_t high_sum = 0;
  for (std::size_t b = 0; b < 256; ++b) {
    const std::uint32_t l = low[b];
    const std::uint32_t h = high[b];
    low[b] = low_sum;
    high[b] = high_sum;
    low_sum += l;
    high_sum += h;
  }
  for (std::size_t i = 0; i < n; ++i) scratch[low[index(first[i]) & 0xff]++] = first[i];
  for (std::size_t i = 0; i < n; ++i) first[high[index(scratch[i]) >> 8]++] = scratch[i];
  if (!InsertionSortWithin(first, last, kMovesPerItem * n)) std::sort(first, last);
}

// Merges sorted [a, a_last) and [b, b_last) into out. The comparison picks
// which pointer advances instead of branching on it: merging two runs of
// random values mispredicts half of the branches of std::merge. out may
// overlap [b, b_last) from below as long as it never overtakes the read
// position (a compaction merges into the space just under the level above).
void MergeBranchless(const double* a, const double* a_last, const double* b, const double* b_last,
                     double* out) {
  while (a != a_last && b != b_last) {
    const double x = *a;
    const double y = *b;
    const bool take_b = y < x;
    *out++ = take_b ? y : x;
    a += take_b ? 0 : 1;
    b += take_b ? 1 : 0;
  }
  while (a != a_last) *out++ = *a++;
  // What remains of b is already in place when out has caught up with it.
  if (out != b) {
    while (b != b_last) *out++ = *b++;
  }
}

}  // namespace

KllSketch::KllSketch(int k, std::uint64_t seed)
    : k_(std::clamp(k, kMinK, kMaxK)), seed_(seed), rng_state_(seed) {
  Clear();
}

double KllSketch::SingleRankError(int k) { return 2.296 / std::pow(static_cast<double>(k), 0.9723); }

double KllSketch::AllRanksError(int k) { return 2.446 / std::pow(static_cast<double>(k), 0.9433); }

double KllSketch::min() const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  double m = min_;
  for (std::size_t i = offsets_[0]; i < offsets_[1]; ++i) m = std::min(m, items_[i]);
  return m;
}

double KllSketch::max() const {
  if (n_ == 0) return std::numeric_limits<double>::quiet_NaN();
  double m = max_;
  for (std::size_t i = offsets_[0]; i < offsets_[1]; ++i) m = std::max(m, items_[i]);
  return m;
}

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
  // No per-value min/max: level 0 holds every value not yet compacted, and
  // a compaction folds the extremes of what it takes out (kll.h, min_).
  items_[--offsets_[0]] = x;
  ++n_;
}

void KllSketch::GrowBuffer() {
  const std::size_t old_size = items_.size();
  Reframe(std::min(total_capacity_, std::max(kInitialBuffer, 2 * old_size)));
}

void KllSketch::Reframe(std::size_t new_size) {
  const std::size_t old_size = items_.size();
  const std::size_t delta = new_size - old_size;
  if (delta == 0) return;
  const auto retained_begin = static_cast<std::ptrdiff_t>(offsets_[0]);
  if (new_size <= items_.capacity()) {
    // A recycled sketch (Clear keeps the buffer): grow in place, no allocation.
    items_.resize(new_size);
    std::copy_backward(items_.begin() + retained_begin, items_.begin() + static_cast<std::ptrdiff_t>(old_size),
                       items_.end());
  } else {
    std::vector<double> grown(new_size);
    std::copy(items_.begin() + retained_begin, items_.end(), grown.begin() + retained_begin +
                                                                  static_cast<std::ptrdiff_t>(delta));
    items_.swap(grown);
  }
  for (std::size_t& o : offsets_) o += delta;
}

void KllSketch::AddLevel() {
  UpdateCapacities(num_levels() + 1);
  // Rare (O(log n) times): retained items move to the top of a larger buffer.
  Reframe(std::max(items_.size(), total_capacity_));
  offsets_.push_back(items_.size());
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
  double* scratch = stack.data();
  // Larger levels (k above ~500, or level 0 of a merge of many sketches):
  // heap scratch for this compaction only, so a sketch holds no buffer
  // beyond its items.
  std::vector<double> heap;
  if (popped > stack.size()) {
    heap.resize(popped);
    scratch = heap.data();
  }
  if (h == 0) {
    SortLevel0(items + raw_begin, items + end, scratch);
    // The popped items leave level 0 (half of them for good): their
    // extremes, now at the ends, join min_ and max_.
    min_ = std::min(min_, items[raw_begin]);
    max_ = std::max(max_, items[end - 1]);
  }
  const std::size_t offset = NextBit() ? 1 : 0;
  // Every other item into the scratch space, then merged with the level
  // above into the top of the popped range and that level.
  const double* from = items + raw_begin + offset;
  for (std::size_t i = 0; i < half; ++i) scratch[i] = from[2 * i];
  const std::size_t merged_begin = raw_begin + half;
  MergeBranchless(scratch, scratch + half, items + end, items + end_above, items + merged_begin);
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
  // Other's level 0 joins this one; its compacted extremes join min_/max_.
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
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
  min_ = std::numeric_limits<double>::infinity();
  max_ = -std::numeric_limits<double>::infinity();
  rng_state_ = seed_;
  rng_bits_ = 0;
  rng_bits_left_ = 0;
}

std::size_t KllSketch::MemoryBytes() const {
  return sizeof(*this) + items_.capacity() * sizeof(double) +
         (offsets_.capacity() + capacities_.capacity()) * sizeof(std::size_t);
}

WeightedSortedView KllSketch::View() const {
  // Levels above 0 are sorted already: sort level 0 alone, then merge the
  // levels in one by one, rather than sorting all retained items (r log r;
  // the largest cost of an evaluation over sketches). Pairs compare by value
  // then weight, so the order is the one a full sort would give.
  using Item = std::pair<double, std::uint64_t>;
  std::vector<Item> merged;
  std::vector<Item> next;
  merged.reserve(retained());
  next.reserve(retained());
  for (std::size_t i = offsets_[0]; i < offsets_[1]; ++i) merged.emplace_back(items_[i], 1);
  std::sort(merged.begin(), merged.end());
  for (std::size_t h = 1; h < num_levels(); ++h) {
    if (LevelSize(h) == 0) continue;
    const std::uint64_t w = std::uint64_t{1} << h;
    next.clear();
    auto a = merged.begin();
    for (std::size_t i = offsets_[h]; i < offsets_[h + 1]; ++i) {
      const Item item(items_[i], w);
      while (a != merged.end() && *a < item) next.push_back(*a++);
      next.push_back(item);
    }
    next.insert(next.end(), a, merged.end());
    merged.swap(next);
  }
  std::vector<double> items;
  std::vector<std::uint64_t> cumulative;
  items.reserve(merged.size());
  cumulative.reserve(merged.size());
  std::uint64_t sum = 0;
  for (const auto& [v, w] : merged) {
    sum += w;
    items.push_back(v);
    cumulative.push_back(sum);
  }
  return WeightedSortedView::Weighted(std::move(items), std::move(cumulative), min(), max(), epsilon());
}

void KllSketch::AppendTo(std::string* out) const {
  bytes::AppendU32(out, static_cast<std::uint32_t>(k_));
  bytes::AppendU64(out, seed_);
  bytes::AppendU64(out, rng_state_);
  bytes::AppendU64(out, rng_bits_);
  bytes::AppendU8(out, static_cast<std::uint8_t>(rng_bits_left_));
  bytes::AppendU64(out, n_);
  // The true extremes (0 when empty), whatever is still in level 0.
  bytes::AppendF64(out, n_ == 0 ? 0.0 : min());
  bytes::AppendF64(out, n_ == 0 ? 0.0 : max());
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
  if (n > 0) {
    s.min_ = min;
    s.max_ = max;
  }
  return s;
}

bool KllSketch::operator==(const KllSketch& other) const {
  if (k_ != other.k_ || seed_ != other.seed_ || rng_state_ != other.rng_state_ ||
      rng_bits_ != other.rng_bits_ || rng_bits_left_ != other.rng_bits_left_ || n_ != other.n_ ||
      num_levels() != other.num_levels() || (n_ > 0 && (min() != other.min() || max() != other.max()))) {
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
