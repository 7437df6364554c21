// PaneRing<T>: a sliding event-time window of per-pane accumulators, the
// building block of the monitors' per-window counters, latency sketches and
// quality sums. Same geometry as detectors/window/sliding_window.h: pane
// width w = length / panes, pane p covers [p*w, (p+1)*w) since the epoch, and
// with c the pane of the watermark the live panes are c-panes+1 .. c.
//
// T must be default-constructible (or built from a prototype, see below) and
// offer `void Merge(const T&)`, `void Clear()`, `void AppendTo(std::string*)
// const` and `static std::optional<T> Parse(std::string_view*)`.
//
// Slot(ts) returns the accumulator of ts's pane, advancing the watermark when
// ts is newer; it returns nullptr for a ts older than the oldest live pane
// (the caller counts it as late). AdvanceTo(now) drains the window when no
// event arrives, so a silent model's window empties on the clock.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_PANE_RING_H_
#define DRIFTD_DETECTORS_MONITORS_PANE_RING_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detectors/sketch/bytes.h"
#include "detectors/time.h"

namespace driftd::detectors {

template <typename T>
class PaneRing {
 public:
  // REQUIRES: panes >= 1, length >= panes nanoseconds. Every pane starts as
  // a copy of `prototype` (which carries options such as sketch sizes).
  PaneRing(Duration length, int panes, T prototype = T())
      : length_(length),
        panes_(std::max(1, panes)),
        width_(std::max<Duration::rep>(1, length.count() / std::max(1, panes))),
        prototype_(std::move(prototype)),
        ring_(static_cast<std::size_t>(panes_), Slot_{0, false, prototype_}) {}

  // The accumulator of ts's pane, or nullptr when ts is older than the window.
  T* Slot(Timestamp ts) {
    const std::int64_t p = PaneOf(ts);
    if (!has_watermark_ || p > current_) Advance(p);
    if (p <= current_ - panes_) return nullptr;
    Slot_& slot = ring_[Index(p)];
    if (!slot.used || slot.index != p) {
      slot.value.Clear();
      slot.index = p;
      slot.used = true;
    }
    return &slot.value;
  }

  // Moves the watermark to t if later.
  void AdvanceTo(Timestamp t) {
    const std::int64_t p = PaneOf(t);
    if (!has_watermark_ || p > current_) Advance(p);
  }

  // Merge of the live panes, leaving out the newest `exclude_newest` panes.
  T Merged(int exclude_newest = 0) const {
    T out = prototype_;
    out.Clear();
    if (!has_watermark_) return out;
    const std::int64_t newest = current_ - exclude_newest;
    for (std::int64_t p = current_ - panes_ + 1; p <= newest; ++p) {
      const Slot_& slot = ring_[Index(p)];
      if (slot.used && slot.index == p) out.Merge(slot.value);
    }
    return out;
  }

  Duration length() const { return length_; }
  Duration pane_width() const { return Duration(width_); }
  int panes() const { return panes_; }
  bool has_watermark() const { return has_watermark_; }
  // End of the newest live pane. REQUIRES: has_watermark().
  Timestamp end() const { return Timestamp(Duration((current_ + 1) * width_)); }

  void AppendTo(std::string* out) const {
    bytes::AppendU8(out, has_watermark_ ? 1 : 0);
    bytes::AppendU64(out, static_cast<std::uint64_t>(current_));
    for (const Slot_& slot : ring_) {
      bytes::AppendU8(out, slot.used ? 1 : 0);
      bytes::AppendU64(out, static_cast<std::uint64_t>(slot.index));
      if (slot.used) slot.value.AppendTo(out);
    }
  }
  // Restores what AppendTo wrote into a ring built with the same length and
  // panes. Returns false (leaving the ring unspecified) on malformed input.
  [[nodiscard]] bool ParseFrom(std::string_view* in) {
    std::uint8_t has = 0;
    std::uint64_t current = 0;
    if (!bytes::ReadU8(in, &has) || !bytes::ReadU64(in, &current)) return false;
    has_watermark_ = has != 0;
    current_ = static_cast<std::int64_t>(current);
    for (Slot_& slot : ring_) {
      std::uint8_t used = 0;
      std::uint64_t index = 0;
      if (!bytes::ReadU8(in, &used) || !bytes::ReadU64(in, &index)) return false;
      slot.used = used != 0;
      slot.index = static_cast<std::int64_t>(index);
      slot.value = prototype_;
      slot.value.Clear();
      if (slot.used) {
        std::optional<T> value = T::Parse(in);
        if (!value) return false;
        slot.value = std::move(*value);
      }
    }
    return true;
  }

 private:
  struct Slot_ {
    std::int64_t index;
    bool used;
    T value;
  };

  std::int64_t PaneOf(Timestamp ts) const {
    const Duration::rep ns = ts.time_since_epoch().count();
    // Floor division, so times before the epoch land in negative panes.
    return ns >= 0 ? ns / width_ : -((-ns + width_ - 1) / width_);
  }
  std::size_t Index(std::int64_t p) const {
    const std::int64_t m = p % panes_;
    return static_cast<std::size_t>(m < 0 ? m + panes_ : m);
  }
  void Advance(std::int64_t p) {
    has_watermark_ = true;
    current_ = p;
    // Stale slots are recognised by their index and cleared on reuse, so
    // advancing is O(1) whatever the jump.
  }

  Duration length_;
  int panes_;
  Duration::rep width_;
  T prototype_;
  std::vector<Slot_> ring_;
  bool has_watermark_ = false;
  std::int64_t current_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_PANE_RING_H_
