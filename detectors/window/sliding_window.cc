#include "detectors/window/sliding_window.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::uint64_t PaneSeed(std::uint64_t seed, std::int64_t pane) {
  // splitmix64 finalizer over (seed, pane): neighbouring panes get unrelated
  // coin flips, and the same pane always gets the same ones.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(pane) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::optional<std::string> ValidateWindowOptions(const WindowOptions& o) {
  if (o.panes < 1) return "panes must be at least 1";
  if (o.length <= Duration::zero()) return "window length must be positive";
  if (o.length.count() % o.panes != 0) return "window length must be a multiple of panes (in nanoseconds)";
  if (o.allowed_lateness < Duration::zero()) return "allowed lateness must not be negative";
  if (o.kll_k < KllSketch::kMinK || o.kll_k > KllSketch::kMaxK) return "kll_k must be in [8, 65535]";
  return std::nullopt;
}

SlidingWindow::SlidingWindow(const WindowOptions& options, std::vector<FeatureSpec> features)
    : options_(options), features_(std::move(features)), pane_width_(options.length / options.panes) {
  // Slots get their summaries when first used (Recycle): a pane that never
  // sees an event costs only its slot.
  ring_.resize(static_cast<std::size_t>(options_.panes));
  live_values_.assign(features_.size(), 0);
  keep_sketch_.assign(features_.size(), 0);
}

void SlidingWindow::SetCurrent(std::int64_t pane) {
  current_ = pane;
  current_slot_ = static_cast<std::size_t>(&SlotOf(pane) - ring_.data());
}

SummaryOptions SlidingWindow::PaneOptions() const {
  return SummaryOptions{options_.exact_up_to, options_.kll_k, options_.max_categories, options_.seed};
}

std::int64_t SlidingWindow::PaneOf(Timestamp ts) const {
  return FloorDiv(ts.time_since_epoch().count(), pane_width_.count());
}

SlidingWindow::Pane& SlidingWindow::SlotOf(std::int64_t pane) {
  const auto n = static_cast<std::int64_t>(ring_.size());
  return ring_[static_cast<std::size_t>(((pane % n) + n) % n)];
}

void SlidingWindow::Evict(Pane& slot, PaneSink* evicted) {
  if (!slot.used) return;
  if (evicted != nullptr && slot.events > 0) {
    evicted->TakePane(watermark_, Timestamp{pane_width_ * slot.index}, slot.events, slot.summaries);
  }
  events_ -= slot.events;
  for (std::size_t f = 0; f < features_.size(); ++f) {
    if (features_[f].kind == FeatureKind::kNumeric) live_values_[f] -= slot.summaries.numeric(f).count();
  }
  slot.used = false;
  slot.events = 0;
}

void SlidingWindow::Recycle(Pane& slot, std::int64_t index, PaneSink* evicted) {
  Evict(slot, evicted);
  if (slot.summaries.num_features() != features_.size() && spare_.num_features() == features_.size()) {
    slot.summaries = std::move(spare_);
    spare_ = SummarySet();
  }
  if (slot.summaries.num_features() != features_.size()) {
    SummaryOptions o = PaneOptions();
    o.seed = PaneSeed(options_.seed, index);
    slot.summaries = SummarySet(features_, o);
  } else {
    // Keep about this pane's share of exact_up_to: recycled slots stay small.
    const std::size_t keep = std::max<std::size_t>(64, 2 * options_.exact_up_to / ring_.size());
    // A feature whose live values already fill exact_up_to summarizes this
    // pane in sketch mode from its first value: its sketch is kept and reused
    // rather than released and grown again (allocations and copies that
    // showed in the window-update profile).
    for (std::size_t f = 0; f < features_.size(); ++f) {
      keep_sketch_[f] = features_[f].kind == FeatureKind::kNumeric && live_values_[f] >= options_.exact_up_to;
    }
    slot.summaries.Clear(keep, PaneSeed(options_.seed, index), keep_sketch_);
  }
  slot.index = index;
  slot.used = true;
  slot.events = 0;
}

void SlidingWindow::AdvanceTo(Timestamp t, PaneSink* evicted) {
  if (!has_watermark_) {
    has_watermark_ = true;
    watermark_ = t;
    SetCurrent(PaneOf(t));
    return;
  }
  if (t <= watermark_) return;
  watermark_ = t;
  const std::int64_t target = PaneOf(t);
  if (target <= current_) return;
  const auto n = static_cast<std::int64_t>(ring_.size());
  // Only the last n new panes can be live; older slots are recycled by them.
  for (std::int64_t q = std::max(current_ + 1, target - n + 1); q <= target; ++q) {
    // The slot's summaries go with its pane: an expired slot holds nothing
    // until an event reaches the pane that reuses it (a lagged reference's
    // lag panes may stay empty for as long as the lag).
    Pane& slot = SlotOf(q);
    Evict(slot, evicted);
    // One expired set is kept as the spare the next new pane reuses, so a
    // steady stream allocates nothing per pane either.
    if (spare_.num_features() != features_.size()) spare_ = std::move(slot.summaries);
    slot.summaries = SummarySet();
  }
  SetCurrent(target);
}

AddResult SlidingWindow::Add(Timestamp ts, std::span<const Value> values, PaneSink* evicted) {
  Pane* slot = nullptr;
  const Timestamp current_start{pane_width_ * current_};
  if (has_watermark_ && ts >= current_start && ts - current_start < pane_width_) {
    // The watermark's pane, the common case: no integer division to find
    // the pane or its slot (they were several per event).
    if (ts < watermark_) {
      if (ts < watermark_ - options_.allowed_lateness) {
        ++late_events_;
        return AddResult::kLate;
      }
    } else {
      watermark_ = ts;
    }
    slot = &ring_[current_slot_];
    if (!slot->used || slot->index != current_) Recycle(*slot, current_, evicted);
  } else {
    if (has_watermark_ && ts < watermark_) {
      const std::int64_t p = PaneOf(ts);
      if (ts < watermark_ - options_.allowed_lateness ||
          p <= current_ - static_cast<std::int64_t>(ring_.size())) {
        ++late_events_;
        return AddResult::kLate;
      }
    } else {
      AdvanceTo(ts, evicted);
    }
    const std::int64_t p = PaneOf(ts);
    slot = &SlotOf(p);
    if (!slot->used || slot->index != p) Recycle(*slot, p, evicted);
  }
  ++slot->events;
  ++events_;
  SummarySet& s = slot->summaries;
  const std::size_t num = features_.size();
  const std::size_t given = std::min(num, values.size());
  for (std::size_t f = 0; f < given; ++f) {
    const Value& v = values[f];
    const double* d = std::get_if<double>(&v);
    if (d == nullptr || s.kind(f) != FeatureKind::kNumeric) {
      s.AddValue(f, v);
      continue;
    }
    // A number into a numeric feature (the hot case), without SummarySet's
    // second dispatch on kind and value.
    NumericSummary& ns = s.numeric(f);
    if (std::isfinite(*d)) {
      if (live_values_[f] >= options_.exact_up_to && ns.mode() == SummaryMode::kExact) ns.ToSketch();
      ++live_values_[f];
    }
    ns.Add(*d);
  }
  for (std::size_t f = given; f < num; ++f) s.AddValue(f, Value{});
  return AddResult::kAccepted;
}

AddResult SlidingWindow::AddPane(Timestamp start, std::uint64_t events, const SummarySet& pane) {
  const std::int64_t p = PaneOf(start);
  if (!has_watermark_ || p <= current_ - static_cast<std::int64_t>(ring_.size()) || p > current_) {
    return AddResult::kLate;
  }
  Pane& slot = SlotOf(p);
  if (!slot.used || slot.index != p) Recycle(slot, p, nullptr);
  slot.events += events;
  events_ += events;
  SummarySet& s = slot.summaries;
  for (std::size_t f = 0; f < features_.size() && f < pane.num_features(); ++f) {
    if (features_[f].kind == FeatureKind::kNumeric) {
      // The batch form of Add's rule: exact only while the live exact values
      // stay within exact_up_to.
      const std::uint64_t n = pane.numeric(f).count();
      const bool sketch = live_values_[f] + n > options_.exact_up_to;
      live_values_[f] += n;
      s.numeric(f).Merge(pane.numeric(f), sketch);
    } else {
      s.categorical(f).Merge(pane.categorical(f));
    }
  }
  return AddResult::kAccepted;
}

void SlidingWindow::Clear() {
  for (Pane& slot : ring_) {
    Evict(slot, nullptr);
    slot.summaries = SummarySet();
  }
  spare_ = SummarySet();
  has_watermark_ = false;
  watermark_ = Timestamp{};
  SetCurrent(0);
}

NumericSummary SlidingWindow::MergedNumeric(std::size_t feature, int exclude_newest) const {
  NumericSummary out(NumericSummaryOptions{options_.exact_up_to, options_.kll_k, options_.seed},
                     features_[feature].bin_edges);
  if (!has_watermark_) return out;
  const auto n = static_cast<std::int64_t>(ring_.size());
  for (std::int64_t q = current_ - n + 1; q <= current_ - exclude_newest; ++q) {
    const Pane& slot = ring_[static_cast<std::size_t>(((q % n) + n) % n)];
    if (slot.used && slot.index == q) out.Merge(slot.summaries.numeric(feature));
  }
  out.Sort();
  return out;
}

CategoricalCounts SlidingWindow::MergedCategorical(std::size_t feature, int exclude_newest) const {
  CategoricalCounts out(options_.max_categories);
  if (!has_watermark_) return out;
  const auto n = static_cast<std::int64_t>(ring_.size());
  for (std::int64_t q = current_ - n + 1; q <= current_ - exclude_newest; ++q) {
    const Pane& slot = ring_[static_cast<std::size_t>(((q % n) + n) % n)];
    if (slot.used && slot.index == q) out.Merge(slot.summaries.categorical(feature));
  }
  return out;
}

SummarySet SlidingWindow::Merged(int exclude_newest) const {
  SummarySet out(features_, PaneOptions());
  if (!has_watermark_) return out;
  const auto n = static_cast<std::int64_t>(ring_.size());
  for (std::int64_t q = current_ - n + 1; q <= current_ - exclude_newest; ++q) {
    const Pane& slot = ring_[static_cast<std::size_t>(((q % n) + n) % n)];
    if (slot.used && slot.index == q) out.Merge(slot.summaries);
  }
  out.SortAll();
  return out;
}

std::uint64_t SlidingWindow::events(int exclude_newest) const {
  if (exclude_newest <= 0) return events_;
  std::uint64_t total = 0;
  const auto n = static_cast<std::int64_t>(ring_.size());
  for (std::int64_t q = current_ - n + 1; q <= current_ - exclude_newest; ++q) {
    const Pane& slot = ring_[static_cast<std::size_t>(((q % n) + n) % n)];
    if (slot.used && slot.index == q) total += slot.events;
  }
  return total;
}

Timestamp SlidingWindow::start() const {
  return Timestamp{pane_width_ * (current_ - static_cast<std::int64_t>(ring_.size()) + 1)};
}

Timestamp SlidingWindow::end() const { return Timestamp{pane_width_ * (current_ + 1)}; }

std::size_t SlidingWindow::MemoryBytes() const {
  std::size_t bytes = sizeof(*this) + features_.capacity() * sizeof(FeatureSpec) +
                      live_values_.capacity() * sizeof(std::uint64_t);
  for (const Pane& slot : ring_) bytes += slot.summaries.MemoryBytes() + sizeof(Pane) - sizeof(SummarySet);
  bytes += spare_.MemoryBytes() - sizeof(SummarySet);
  return bytes;
}

void SlidingWindow::AppendTo(std::string* out) const {
  bytes::AppendU64(out, static_cast<std::uint64_t>(options_.length.count()));
  bytes::AppendU32(out, static_cast<std::uint32_t>(options_.panes));
  bytes::AppendU64(out, static_cast<std::uint64_t>(options_.allowed_lateness.count()));
  bytes::AppendU64(out, options_.exact_up_to);
  bytes::AppendU32(out, static_cast<std::uint32_t>(options_.kll_k));
  bytes::AppendU64(out, options_.max_categories);
  bytes::AppendU64(out, options_.seed);
  bytes::AppendU32(out, static_cast<std::uint32_t>(features_.size()));
  for (const FeatureSpec& f : features_) {
    bytes::AppendU8(out, f.kind == FeatureKind::kNumeric ? 0 : 1);
    const std::size_t num_edges = f.bin_edges ? f.bin_edges->size() : 0;
    bytes::AppendU32(out, static_cast<std::uint32_t>(num_edges));
    for (std::size_t i = 0; i < num_edges; ++i) bytes::AppendF64(out, (*f.bin_edges)[i]);
  }
  bytes::AppendU8(out, has_watermark_ ? 1 : 0);
  bytes::AppendU64(out, static_cast<std::uint64_t>(watermark_.time_since_epoch().count()));
  bytes::AppendU64(out, static_cast<std::uint64_t>(current_));
  bytes::AppendU64(out, late_events_);
  for (const Pane& slot : ring_) {
    bytes::AppendU8(out, slot.used ? 1 : 0);
    if (!slot.used) continue;
    bytes::AppendU64(out, static_cast<std::uint64_t>(slot.index));
    bytes::AppendU64(out, slot.events);
    slot.summaries.AppendTo(out);
  }
}

std::optional<SlidingWindow> SlidingWindow::Parse(std::string_view* in) {
  WindowOptions o;
  std::uint64_t length = 0, lateness = 0, exact = 0, max_categories = 0;
  std::uint32_t panes = 0, k = 0, num_features = 0;
  if (!bytes::ReadU64(in, &length) || !bytes::ReadU32(in, &panes) || !bytes::ReadU64(in, &lateness) ||
      !bytes::ReadU64(in, &exact) || !bytes::ReadU32(in, &k) || !bytes::ReadU64(in, &max_categories) ||
      !bytes::ReadU64(in, &o.seed) || !bytes::ReadU32(in, &num_features) ||
      !bytes::HasRoomFor(*in, num_features, 5) || panes > (1u << 24) || k > (1u << 16)) {
    return std::nullopt;
  }
  o.length = Duration(static_cast<std::int64_t>(length));
  o.panes = static_cast<int>(panes);
  o.allowed_lateness = Duration(static_cast<std::int64_t>(lateness));
  o.exact_up_to = exact;
  o.kll_k = static_cast<int>(k);
  o.max_categories = max_categories;
  if (ValidateWindowOptions(o)) return std::nullopt;
  std::vector<FeatureSpec> features(num_features);
  for (FeatureSpec& f : features) {
    std::uint8_t kind = 0;
    std::uint32_t num_edges = 0;
    if (!bytes::ReadU8(in, &kind) || kind > 1 || !bytes::ReadU32(in, &num_edges) ||
        !bytes::HasRoomFor(*in, num_edges, 8)) {
      return std::nullopt;
    }
    f.kind = kind == 0 ? FeatureKind::kNumeric : FeatureKind::kCategorical;
    if (num_edges > 0) {
      std::vector<double> edges(num_edges);
      for (double& e : edges) {
        if (!bytes::ReadF64(in, &e)) return std::nullopt;
      }
      if (!ValidBinEdges(edges) || kind != 0) return std::nullopt;
      f.bin_edges = std::make_shared<const std::vector<double>>(std::move(edges));
    }
  }
  SlidingWindow w(o, std::move(features));
  std::uint8_t has = 0;
  std::uint64_t wm = 0, current = 0;
  if (!bytes::ReadU8(in, &has) || has > 1 || !bytes::ReadU64(in, &wm) || !bytes::ReadU64(in, &current) ||
      !bytes::ReadU64(in, &w.late_events_)) {
    return std::nullopt;
  }
  w.has_watermark_ = has == 1;
  w.watermark_ = Timestamp{Duration(static_cast<std::int64_t>(wm))};
  w.SetCurrent(static_cast<std::int64_t>(current));
  if (w.has_watermark_ && w.current_ != w.PaneOf(w.watermark_)) return std::nullopt;
  const auto n = static_cast<std::int64_t>(w.ring_.size());
  for (std::size_t i = 0; i < w.ring_.size(); ++i) {
    Pane& slot = w.ring_[i];
    std::uint8_t used = 0;
    if (!bytes::ReadU8(in, &used) || used > 1) return std::nullopt;
    if (used == 0) continue;
    std::uint64_t index = 0;
    if (!bytes::ReadU64(in, &index) || !bytes::ReadU64(in, &slot.events)) return std::nullopt;
    slot.index = static_cast<std::int64_t>(index);
    if (((slot.index % n) + n) % n != static_cast<std::int64_t>(i)) return std::nullopt;
    std::optional<SummarySet> s = SummarySet::Parse(in);
    if (!s || s->num_features() != w.features_.size()) return std::nullopt;
    for (std::size_t f = 0; f < w.features_.size(); ++f) {
      if (s->kind(f) != w.features_[f].kind) return std::nullopt;
    }
    slot.summaries = std::move(*s);
    slot.used = true;
    // Only live panes count towards the window's totals.
    if (slot.index > w.current_ - n && slot.index <= w.current_) {
      w.events_ += slot.events;
      for (std::size_t f = 0; f < w.features_.size(); ++f) {
        if (w.features_[f].kind == FeatureKind::kNumeric) {
          w.live_values_[f] += slot.summaries.numeric(f).count();
        }
      }
    }
  }
  return w;
}

bool SlidingWindow::operator==(const SlidingWindow& other) const {
  if (options_.length != other.options_.length || options_.panes != other.options_.panes ||
      options_.allowed_lateness != other.options_.allowed_lateness ||
      options_.exact_up_to != other.options_.exact_up_to || options_.kll_k != other.options_.kll_k ||
      options_.max_categories != other.options_.max_categories || options_.seed != other.options_.seed ||
      features_.size() != other.features_.size() || has_watermark_ != other.has_watermark_ ||
      watermark_ != other.watermark_ || current_ != other.current_ || events_ != other.events_ ||
      late_events_ != other.late_events_ || live_values_ != other.live_values_) {
    return false;
  }
  for (std::size_t i = 0; i < ring_.size(); ++i) {
    const Pane& a = ring_[i];
    const Pane& b = other.ring_[i];
    if (a.used != b.used) return false;
    if (a.used && (a.index != b.index || a.events != b.events || !(a.summaries == b.summaries))) return false;
  }
  return true;
}

}  // namespace driftd::detectors
