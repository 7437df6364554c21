#include "detectors/window/numeric_summary.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

namespace {

constexpr std::uint8_t kPendingFlag = 2;

// Radix keys: an order-preserving map of a double's bits to an unsigned
// integer (negative values reversed below the positive ones). The sort keeps
// keys in the values' own storage (copied bit for bit with memcpy), so it
// needs one scratch buffer of n keys and no key array beside it.
constexpr std::uint64_t kSign = std::uint64_t{1} << 63;

std::uint64_t KeyOf(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  return (bits & kSign) != 0 ? ~bits : bits | kSign;
}

double ValueOf(std::uint64_t key) { return std::bit_cast<double>((key & kSign) != 0 ? key & ~kSign : ~key); }

std::uint64_t LoadKey(const double* p) {
  std::uint64_t k;
  std::memcpy(&k, p, sizeof(k));
  return k;
}
std::uint64_t LoadKey(const std::uint64_t* p) { return *p; }
void StoreKey(double* p, std::uint64_t k) { std::memcpy(p, &k, sizeof(k)); }
void StoreKey(std::uint64_t* p, std::uint64_t k) { *p = k; }

// One stable counting pass on the digit at `shift`; `count` holds the
// digit's bucket starts and is advanced.
template <typename From, typename To>
void ScatterPass(const From* from, To* to, std::size_t n, std::size_t* count, int shift, std::uint64_t mask) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = LoadKey(from + i);
    StoreKey(to + count[(key >> shift) & mask]++, key);
  }
}

// Sorts finite doubles ascending. Large samples (a merged window, a report
// column of 10^6 values) use an LSD radix sort on the keys above: profiling
// `driftd report` on 10^6-row columns showed std::sort of the samples as the
// largest cost, and the radix sort is several times faster there. The order
// is the same as std::sort's (equal values are identical doubles, except that
// -0.0 comes before +0.0).
void SortFinite(std::vector<double>& values) {
  constexpr std::size_t kRadixFrom = 4096;
  const std::size_t n = values.size();
  if (n < kRadixFrom) {
    std::sort(values.begin(), values.end());
    return;
  }
  constexpr int kBits = 11;
  constexpr int kPasses = 6;  // 6 x 11 >= 64
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  constexpr std::uint64_t kMask = kBuckets - 1;
  double* data = values.data();
  std::vector<std::uint64_t> scratch(n);
  std::vector<std::size_t> counts(kBuckets * kPasses, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = KeyOf(data[i]);
    StoreKey(data + i, key);
    for (int p = 0; p < kPasses; ++p) ++counts[p * kBuckets + ((key >> (p * kBits)) & kMask)];
  }
  // The keys live in `data` or in `scratch`, alternately.
  bool in_scratch = false;
  const std::uint64_t first_key = LoadKey(data);
  for (int p = 0; p < kPasses; ++p) {
    std::size_t* count = &counts[p * kBuckets];
    const int shift = p * kBits;
    // A digit shared by every key (high exponent bits, usually) moves nothing.
    if (count[(first_key >> shift) & kMask] == n) continue;
    std::size_t offset = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const std::size_t c = count[b];
      count[b] = offset;
      offset += c;
    }
    if (in_scratch) {
      ScatterPass(scratch.data(), data, n, count, shift, kMask);
    } else {
      ScatterPass(data, scratch.data(), n, count, shift, kMask);
    }
    in_scratch = !in_scratch;
  }
  if (in_scratch) {
    for (std::size_t i = 0; i < n; ++i) data[i] = ValueOf(scratch[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) data[i] = ValueOf(LoadKey(data + i));
  }
}

}  // namespace

const char* SummaryModeName(SummaryMode mode) {
  return mode == SummaryMode::kExact ? "exact" : "sketch";
}

bool ValidBinEdges(std::span<const double> edges) {
  if (edges.size() < 2) return false;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (std::isnan(edges[i])) return false;
    if (i > 0 && !(edges[i - 1] < edges[i])) return false;
  }
  return true;
}

NumericSummary::NumericSummary(NumericSummaryOptions options, BinEdges edges)
    : options_(options), edges_(std::move(edges)) {
  if (edges_ != nullptr) bins_.assign(edges_->size() - 1, 0);
  if (options_.exact_up_to == 0) mode_ = SummaryMode::kSketch;
}

void NumericSummary::Add(double x) {
  if (!std::isfinite(x)) {
    if (std::isnan(x)) {
      ++nan_;
    } else {
      ++inf_;
    }
    return;
  }
  if (mode_ == SummaryMode::kExact && values_.size() < options_.exact_up_to) {
    if (sorted_ && !values_.empty() && x < values_.back()) sorted_ = false;
    values_.push_back(x);
    // Welford, at once: an exact summary holds no pending batch.
    if (count_ == 0) {
      min_ = max_ = x;
    } else {
      min_ = std::min(min_, x);
      max_ = std::max(max_, x);
    }
    ++count_;
    sum_ += x;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
  } else {
    if (mode_ == SummaryMode::kExact) {
      ToSketch();
    }
    MutableSketch().Update(x);
    ++count_;
    // Moments per batch: Welford's per-value update divides by the count
    // every time, and that division was the largest cost of a sketch-mode Add.
    pending_.Ensure().values[pending_size_++] = x;
    if (pending_size_ == kBatch) FoldPending();
  }
  if (edges_ != nullptr) AddToHistogram(x);
}

namespace {

struct BatchMoments {
  double sum, mean, m2, min, max;
};

// Two passes over a batch: mean, then squared deviations from it. With
// kSize > 0 the batch has exactly kSize values (loops of a constant count,
// and the mean a multiplication when kSize is a power of two); 0: `size`.
template <std::uint32_t kSize>
BatchMoments MomentsOf(const double* values, std::uint32_t size) {
  const std::uint32_t n = kSize > 0 ? kSize : size;
  double sum = 0.0;
  double lo = values[0];
  double hi = values[0];
  for (std::uint32_t i = 0; i < n; ++i) {
    sum += values[i];
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  const double mean = sum / static_cast<double>(n);
  double m2 = 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double d = values[i] - mean;
    m2 += d * d;
  }
  return {sum, mean, m2, lo, hi};
}

}  // namespace

NumericSummary::Moments NumericSummary::Folded() const {
  const std::uint32_t b = pending_size_;
  if (b == 0) return {sum_, mean_, m2_, min_, max_};
  const double* values = pending_->values;
  const BatchMoments batch = b == kBatch ? MomentsOf<kBatch>(values, b) : MomentsOf<0>(values, b);
  const std::uint64_t folded = count_ - b;
  if (folded == 0) return {batch.sum, batch.mean, batch.m2, batch.min, batch.max};
  // Chan, Golub and LeVeque's pairwise combination with what came before.
  const double n_a = static_cast<double>(folded);
  const double n_b = static_cast<double>(b);
  const double inv_n = 1.0 / (n_a + n_b);
  const double delta = batch.mean - mean_;
  return {sum_ + batch.sum, mean_ + delta * (n_b * inv_n), m2_ + batch.m2 + delta * delta * (n_a * n_b * inv_n),
          std::min(min_, batch.min), std::max(max_, batch.max)};
}

void NumericSummary::FoldPending() {
  if (pending_size_ == 0) return;
  const Moments m = Folded();
  sum_ = m.sum;
  mean_ = m.mean;
  m2_ = m.m2;
  min_ = m.min;
  max_ = m.max;
  pending_size_ = 0;
}

void NumericSummary::AddToHistogram(double x) {
  const std::vector<double>& e = *edges_;
  if (x < e.front()) {
    ++underflow_;
  } else if (x > e.back()) {
    ++overflow_;
  } else if (x == e.back()) {
    ++bins_.back();
  } else {
    // First edge > x; the bin is the one starting at the edge before it.
    const auto it = std::upper_bound(e.begin(), e.end(), x);
    ++bins_[static_cast<std::size_t>(it - e.begin()) - 1];
  }
}

bool NumericSummary::ExactlyRepresentable() const {
  return mode_ == SummaryMode::kExact || !sketch_ || sketch_->IsExact();
}

KllSketch& NumericSummary::MutableSketch() { return sketch_.Ensure(options_.kll_k, options_.seed); }

const KllSketch& NumericSummary::sketch() const {
  if (sketch_) return *sketch_;
  // What a summary without a sketch reports: an empty one (immutable).
  static const KllSketch kEmpty;
  return kEmpty;
}

void NumericSummary::AppendValuesOf(const NumericSummary& other) {
  if (other.mode_ == SummaryMode::kExact) {
    const std::size_t old = values_.size();
    values_.insert(values_.end(), other.values_.begin(), other.values_.end());
    if (sorted_ && other.sorted_) {
      std::inplace_merge(values_.begin(), values_.begin() + static_cast<std::ptrdiff_t>(old), values_.end());
    } else {
      sorted_ = false;
    }
  } else if (other.sketch_) {
    other.sketch_->ForEachItem([this](double v, std::uint64_t) { values_.push_back(v); });
    sorted_ = false;
  }
}

void NumericSummary::Merge(const NumericSummary& other, bool force_sketch) {
  if (&other == this) {
    const NumericSummary copy = other;
    Merge(copy, force_sketch);
    return;
  }
  FoldPending();
  const std::uint64_t total = count_ + other.count_;
  if (other.count_ > 0) {
    if (!force_sketch && ExactlyRepresentable() && other.ExactlyRepresentable() &&
        total <= options_.exact_up_to) {
      if (mode_ == SummaryMode::kSketch) {
        // An uncompacted sketch holds every value: go back to the exact form.
        std::vector<double> items;
        if (sketch_) sketch_->ForEachItem([&items](double v, std::uint64_t) { items.push_back(v); });
        sketch_.reset();
        values_ = std::move(items);
        sorted_ = std::is_sorted(values_.begin(), values_.end());
        mode_ = SummaryMode::kExact;
      }
      AppendValuesOf(other);
    } else {
      ToSketch();
      if (other.mode_ == SummaryMode::kSketch) {
        if (other.sketch_) MutableSketch().Merge(*other.sketch_);
      } else {
        KllSketch& sketch = MutableSketch();
        for (double v : other.values_) sketch.Update(v);
      }
    }
    const Moments o = other.Folded();
    if (count_ == 0) {
      min_ = o.min;
      max_ = o.max;
    } else {
      min_ = std::min(min_, o.min);
      max_ = std::max(max_, o.max);
    }
    // Chan, Golub, LeVeque (1979) pairwise update of mean and M2.
    const double n_a = static_cast<double>(count_);
    const double n_b = static_cast<double>(other.count_);
    const double n = n_a + n_b;
    const double delta = o.mean - mean_;
    mean_ += delta * (n_b / n);
    m2_ += o.m2 + delta * delta * (n_a * n_b / n);
    sum_ += o.sum;
    count_ = total;
  }
  missing_ += other.missing_;
  nan_ += other.nan_;
  inf_ += other.inf_;
  non_numeric_ += other.non_numeric_;
  if (edges_ != nullptr) {
    const bool same = other.edges_ != nullptr && (other.edges_ == edges_ || *other.edges_ == *edges_);
    if (same) {
      for (std::size_t i = 0; i < bins_.size(); ++i) bins_[i] += other.bins_[i];
      underflow_ += other.underflow_;
      overflow_ += other.overflow_;
    } else {
      edges_.reset();
      bins_.clear();
      underflow_ = overflow_ = 0;
    }
  }
}

void NumericSummary::ToSketch() {
  if (mode_ == SummaryMode::kSketch) return;
  KllSketch& sketch = MutableSketch();
  for (double v : values_) sketch.Update(v);
  // Release the exact buffer: sketch mode must not keep exact_up_to doubles.
  std::vector<double>().swap(values_);
  sorted_ = true;
  mode_ = SummaryMode::kSketch;
}

void NumericSummary::Sort() {
  if (mode_ != SummaryMode::kExact || sorted_) return;
  SortFinite(values_);
  sorted_ = true;
}

void NumericSummary::Clear(std::size_t keep_capacity, std::uint64_t seed, bool keep_sketch) {
  values_.clear();
  if (values_.capacity() > keep_capacity) std::vector<double>().swap(values_);
  sorted_ = true;
  options_.seed = seed;
  // The sketch goes too unless the caller will use it again: it is recreated
  // (from `seed`) when needed, so a recycled pane holds memory only for what
  // it summarizes now. A kept one restarts from `seed` exactly as a new one
  // would (the buffer size never changes what a sketch computes).
  if (keep_sketch && sketch_ && sketch_->k() == options_.kll_k) {
    sketch_->Reset(seed);
  } else {
    sketch_.reset();
    pending_.reset();
  }
  pending_size_ = 0;
  mode_ = options_.exact_up_to == 0 ? SummaryMode::kSketch : SummaryMode::kExact;
  count_ = missing_ = nan_ = inf_ = non_numeric_ = 0;
  sum_ = mean_ = m2_ = min_ = max_ = 0.0;
  std::fill(bins_.begin(), bins_.end(), 0);
  underflow_ = overflow_ = 0;
}

void NumericSummary::Reserve(std::size_t n) {
  if (mode_ == SummaryMode::kExact && n <= options_.exact_up_to) values_.reserve(n);
}

double NumericSummary::variance() const {
  return count_ < 1 ? 0.0 : Folded().m2 / static_cast<double>(count_);
}

double NumericSummary::sample_variance() const {
  return count_ < 2 ? 0.0 : Folded().m2 / static_cast<double>(count_ - 1);
}

double NumericSummary::min() const {
  return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : Folded().min;
}

double NumericSummary::max() const {
  return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : Folded().max;
}

std::span<const double> NumericSummary::SortedSample() const {
  if (mode_ != SummaryMode::kExact || !sorted_) return {};
  return values_;
}

WeightedSortedView NumericSummary::View() const {
  if (mode_ == SummaryMode::kSketch) return sketch().View();
  if (sorted_) return WeightedSortedView::Borrow(values_);
  std::vector<double> copy = values_;
  SortFinite(copy);
  return WeightedSortedView::Own(std::move(copy));
}

std::span<const double> NumericSummary::bin_edges() const {
  if (edges_ == nullptr) return {};
  return *edges_;
}

std::size_t NumericSummary::MemoryBytes() const {
  return sizeof(*this) + (sketch_ ? sketch_->MemoryBytes() : 0) + (pending_ ? sizeof(PendingBatch) : 0) +
         values_.capacity() * sizeof(double) + bins_.capacity() * sizeof(std::uint64_t);
}

void NumericSummary::AppendTo(std::string* out) const {
  bytes::AppendU64(out, options_.exact_up_to);
  bytes::AppendU32(out, static_cast<std::uint32_t>(options_.kll_k));
  bytes::AppendU64(out, options_.seed);
  // Mode byte: bit 0 sketch mode, bit 1 pending values follow the moments.
  bytes::AppendU8(out, static_cast<std::uint8_t>((mode_ == SummaryMode::kExact ? 0 : 1) |
                                                 (pending_size_ > 0 ? kPendingFlag : 0)));
  bytes::AppendU8(out, sorted_ ? 1 : 0);
  for (std::uint64_t c : {count_, missing_, nan_, inf_, non_numeric_}) bytes::AppendU64(out, c);
  for (double d : {sum_, mean_, m2_, min_, max_}) bytes::AppendF64(out, d);
  if (pending_size_ > 0) {
    bytes::AppendU8(out, static_cast<std::uint8_t>(pending_size_));
    for (std::uint32_t i = 0; i < pending_size_; ++i) bytes::AppendF64(out, pending_->values[i]);
  }
  if (mode_ == SummaryMode::kExact) {
    bytes::AppendU64(out, values_.size());
    for (double v : values_) bytes::AppendF64(out, v);
  } else if (sketch_) {
    sketch_->AppendTo(out);
  } else {
    // Encoded as the empty sketch it stands for.
    KllSketch(options_.kll_k, options_.seed).AppendTo(out);
  }
  bytes::AppendU8(out, edges_ != nullptr ? 1 : 0);
  if (edges_ != nullptr) {
    bytes::AppendU32(out, static_cast<std::uint32_t>(edges_->size()));
    for (double e : *edges_) bytes::AppendF64(out, e);
    for (std::uint64_t b : bins_) bytes::AppendU64(out, b);
    bytes::AppendU64(out, underflow_);
    bytes::AppendU64(out, overflow_);
  }
}

std::optional<NumericSummary> NumericSummary::Parse(std::string_view* in) {
  NumericSummaryOptions options;
  std::uint64_t exact_up_to = 0;
  std::uint32_t k = 0;
  std::uint8_t mode = 0, sorted = 0;
  if (!bytes::ReadU64(in, &exact_up_to) || !bytes::ReadU32(in, &k) || !bytes::ReadU64(in, &options.seed) ||
      !bytes::ReadU8(in, &mode) || !bytes::ReadU8(in, &sorted) || mode > (1 | kPendingFlag) || sorted > 1) {
    return std::nullopt;
  }
  const bool has_pending = (mode & kPendingFlag) != 0;
  mode &= 1;
  // Only sketch mode batches its moments.
  if (has_pending && mode == 0) return std::nullopt;
  options.exact_up_to = exact_up_to;
  options.kll_k = static_cast<int>(std::min<std::uint32_t>(k, KllSketch::kMaxK));
  NumericSummary s(options);
  for (std::uint64_t* c : {&s.count_, &s.missing_, &s.nan_, &s.inf_, &s.non_numeric_}) {
    if (!bytes::ReadU64(in, c)) return std::nullopt;
  }
  for (double* d : {&s.sum_, &s.mean_, &s.m2_, &s.min_, &s.max_}) {
    if (!bytes::ReadF64(in, d)) return std::nullopt;
  }
  if (has_pending) {
    // A full batch is always folded: 1 .. kBatch - 1 pending values.
    std::uint8_t size = 0;
    if (!bytes::ReadU8(in, &size) || size == 0 || size >= kBatch || size > s.count_) return std::nullopt;
    double* values = s.pending_.Ensure().values;
    for (std::uint8_t i = 0; i < size; ++i) {
      if (!bytes::ReadF64(in, &values[i]) || !std::isfinite(values[i])) return std::nullopt;
    }
    s.pending_size_ = size;
  }
  s.sorted_ = sorted == 1;
  if (mode == 0) {
    std::uint64_t n = 0;
    if (!bytes::ReadU64(in, &n) || n != s.count_ || !bytes::HasRoomFor(*in, n, 8)) return std::nullopt;
    s.mode_ = SummaryMode::kExact;
    s.values_.resize(n);
    for (double& v : s.values_) {
      if (!bytes::ReadF64(in, &v) || !std::isfinite(v)) return std::nullopt;
    }
    if (s.sorted_ && !std::is_sorted(s.values_.begin(), s.values_.end())) return std::nullopt;
  } else {
    std::optional<KllSketch> sketch = KllSketch::Parse(in);
    if (!sketch || sketch->count() != s.count_) return std::nullopt;
    if (!sketch->empty() || !(*sketch == KllSketch(s.options_.kll_k, s.options_.seed))) {
      s.sketch_ = ClonePtr<KllSketch>(std::make_unique<KllSketch>(std::move(*sketch)));
    }
    s.mode_ = SummaryMode::kSketch;
  }
  std::uint8_t has_edges = 0;
  if (!bytes::ReadU8(in, &has_edges) || has_edges > 1) return std::nullopt;
  if (has_edges == 1) {
    std::uint32_t num_edges = 0;
    if (!bytes::ReadU32(in, &num_edges) || !bytes::HasRoomFor(*in, num_edges, 16)) return std::nullopt;
    std::vector<double> edges(num_edges);
    for (double& e : edges) {
      if (!bytes::ReadF64(in, &e)) return std::nullopt;
    }
    if (!ValidBinEdges(edges)) return std::nullopt;
    s.bins_.assign(edges.size() - 1, 0);
    for (std::uint64_t& b : s.bins_) {
      if (!bytes::ReadU64(in, &b)) return std::nullopt;
    }
    if (!bytes::ReadU64(in, &s.underflow_) || !bytes::ReadU64(in, &s.overflow_)) return std::nullopt;
    s.edges_ = std::make_shared<const std::vector<double>>(std::move(edges));
  }
  return s;
}

bool NumericSummary::SameSketch(const NumericSummary& other) const {
  if (sketch_ && other.sketch_) return *sketch_ == *other.sketch_;
  if (!sketch_ && !other.sketch_) return true;
  // No sketch equals the empty sketch it would create.
  const NumericSummary& with = sketch_ ? *this : other;
  const NumericSummary& without = sketch_ ? other : *this;
  return *with.sketch_ == KllSketch(without.options_.kll_k, without.options_.seed);
}

bool NumericSummary::operator==(const NumericSummary& other) const {
  const bool same_edges = (edges_ == nullptr) == (other.edges_ == nullptr) &&
                          (edges_ == nullptr || *edges_ == *other.edges_);
  return options_.exact_up_to == other.options_.exact_up_to && options_.kll_k == other.options_.kll_k &&
         options_.seed == other.options_.seed && mode_ == other.mode_ && sorted_ == other.sorted_ &&
         values_ == other.values_ && SameSketch(other) && count_ == other.count_ &&
         missing_ == other.missing_ && nan_ == other.nan_ && inf_ == other.inf_ &&
         non_numeric_ == other.non_numeric_ && sum_ == other.sum_ && mean_ == other.mean_ &&
         m2_ == other.m2_ && min_ == other.min_ && max_ == other.max_ &&
         pending_size_ == other.pending_size_ &&
         (pending_size_ == 0 || std::equal(pending_->values, pending_->values + pending_size_,
                                           other.pending_->values)) &&
         same_edges &&
         bins_ == other.bins_ && underflow_ == other.underflow_ && overflow_ == other.overflow_;
}

}  // namespace driftd::detectors
