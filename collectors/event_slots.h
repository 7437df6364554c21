// The top-level keys of the default event shape (DESIGN.md, events) that the
// decoder and its fast path read in one pass over the root object, and the
// lookup from a key to its slot. Internal to collectors/.
#ifndef DRIFTD_COLLECTORS_EVENT_SLOTS_H_
#define DRIFTD_COLLECTORS_EVENT_SLOTS_H_

#include <array>
#include <cstddef>
#include <string_view>

#include "collectors/fast_scan.h"

namespace driftd::collectors {

enum Slot : int {
  kKind,
  kModel,
  kModelVersion,
  kId,
  kTs,
  kFeatures,
  kPrediction,
  kLatencyMs,
  kLabel,
  kTrainedAt,
  kDeployedAt,
  kDependencies,
  kSlotCount,
};

inline constexpr std::array<std::string_view, kSlotCount> kSlotNames = {
    "kind",       "model",      "model_version", "id",          "ts",          "features",
    "prediction", "latency_ms", "label",         "trained_at", "deployed_at", "dependencies"};

// The keys as compact JSON writes them up to the value: the name, its
// closing quote and the colon (the fast path compares these bytes first).
inline constexpr std::array<std::string_view, kSlotCount> kSlotKeys = {
    "kind\":",        "model\":",      "model_version\":", "id\":",
    "ts\":",          "features\":",   "prediction\":",    "latency_ms\":",
    "label\":",       "trained_at\":", "deployed_at\":",   "dependencies\":"};

inline constexpr bool SlotKeysMatchNames() {
  for (std::size_t i = 0; i < kSlotCount; ++i) {
    const std::string_view key = kSlotKeys[i];
    if (key.size() != kSlotNames[i].size() + 2 || !key.starts_with(kSlotNames[i]) ||
        !key.ends_with("\":")) {
      return false;
    }
  }
  return true;
}
static_assert(SlotKeysMatchNames());

// The slot of a top-level key, or -1. Called for every top-level key:
// dispatch on length first so that most keys cost one comparison at most.
inline int SlotOf(std::string_view key) {
  auto is = [key](int slot) {
    return fast_scan::SameText(key, kSlotNames[static_cast<std::size_t>(slot)]);
  };
  switch (key.size()) {
    case 2: return is(kId) ? kId : is(kTs) ? kTs : -1;
    case 4: return is(kKind) ? kKind : -1;
    case 5: return is(kModel) ? kModel : is(kLabel) ? kLabel : -1;
    case 8: return is(kFeatures) ? kFeatures : -1;
    case 10:
      return is(kPrediction) ? kPrediction
             : is(kLatencyMs) ? kLatencyMs
             : is(kTrainedAt) ? kTrainedAt
                              : -1;
    case 11: return is(kDeployedAt) ? kDeployedAt : -1;
    case 12: return is(kDependencies) ? kDependencies : -1;
    case 13: return is(kModelVersion) ? kModelVersion : -1;
    default: return -1;
  }
}

}  // namespace driftd::collectors

#endif  // DRIFTD_COLLECTORS_EVENT_SLOTS_H_
