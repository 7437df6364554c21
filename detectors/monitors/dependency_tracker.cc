#include "detectors/monitors/dependency_tracker.h"

#include <algorithm>

#include "detectors/monitors/value_codec.h"

namespace driftd::detectors {
namespace {

std::string JoinPairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += ',';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

}  // namespace

void DependencyTracker::Record(DependencyChange change) {
  changes_.push_back(std::move(change));
  while (changes_.size() > kMaxChanges) changes_.pop_front();
}

void DependencyTracker::ObserveModelEvent(const Event& event) {
  if (event.trained_at) trained_at_ = event.trained_at;
  if (!event.model_version.empty()) {
    // A version learnt from predictions is replaced silently: model events
    // are the authority, and the first one is a baseline, not a change.
    if (version_from_model_event_ && event.model_version != version_) {
      Record({event.ts, "model_version", version_, event.model_version});
    }
    version_ = event.model_version;
    version_from_model_event_ = true;
  }
  if (event.dependencies) {
    auto sorted = *event.dependencies;
    std::sort(sorted.begin(), sorted.end());
    if (dependencies_ && *dependencies_ != sorted) {
      Record({event.ts, "dependencies", JoinPairs(*dependencies_), JoinPairs(sorted)});
    }
    dependencies_ = std::move(sorted);
  }
}

void DependencyTracker::ObservePredictionVersion(std::string_view version) {
  if (!version_from_model_event_ && !version.empty() && version != version_) version_ = version;
}

bool DependencyTracker::NoteFeatureName(std::string_view name, Timestamp ts) {
  if (names_.find(name) != names_.end()) return false;
  if (names_.size() >= kMaxNames) {
    ++names_over_limit_;
    return false;
  }
  names_.emplace(name);
  if (feature_events_ > 1) Record({ts, "feature_set", "", "+" + std::string(name)});
  return true;
}

std::vector<Finding> DependencyTracker::Evaluate(const FindingBase& base) const {
  std::vector<Finding> out;
  for (const auto& c : changes_) {
    if (c.at + notify_for_ < base.now) continue;
    const double age = ToSeconds(base.now - c.at);
    out.push_back(MakeFinding(
        base, Check::kDependencyChanged, c.what, "changed", age, ToSeconds(notify_for_), true, true,
        1, c.what + " changed: " + (c.from.empty() ? "(none)" : c.from) + " -> " + c.to));
  }
  if (out.empty()) {
    out.push_back(MakeFinding(base, Check::kDependencyChanged, "", "changed", 0,
                              ToSeconds(notify_for_), false, true, 0,
                              "no dependency change in the notification period"));
  }
  return out;
}

void DependencyTracker::AppendTo(std::string* out) const {
  bytes::AppendString(out, version_);
  bytes::AppendU8(out, version_from_model_event_ ? 1 : 0);
  bytes::AppendU8(out, dependencies_ ? 1 : 0);
  if (dependencies_) {
    bytes::AppendU64(out, dependencies_->size());
    for (const auto& [k, v] : *dependencies_) {
      bytes::AppendString(out, k);
      bytes::AppendString(out, v);
    }
  }
  bytes::AppendU8(out, trained_at_ ? 1 : 0);
  codec::AppendTimestamp(out, trained_at_.value_or(Timestamp{}));
  bytes::AppendU64(out, names_.size());
  for (const auto& n : names_) bytes::AppendString(out, n);
  bytes::AppendU64(out, names_over_limit_);
  bytes::AppendU64(out, feature_events_);
  bytes::AppendU64(out, changes_.size());
  for (const auto& c : changes_) {
    codec::AppendTimestamp(out, c.at);
    bytes::AppendString(out, c.what);
    bytes::AppendString(out, c.from);
    bytes::AppendString(out, c.to);
  }
}

bool DependencyTracker::ParseFrom(std::string_view* in) {
  std::uint8_t flag = 0;
  std::uint64_t n = 0;
  if (!bytes::ReadString(in, &version_) || !bytes::ReadU8(in, &flag)) return false;
  version_from_model_event_ = flag != 0;
  if (!bytes::ReadU8(in, &flag)) return false;
  dependencies_.reset();
  if (flag != 0) {
    if (!bytes::ReadU64(in, &n) || !bytes::HasRoomFor(*in, n, 8)) return false;
    dependencies_.emplace();
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string k, v;
      if (!bytes::ReadString(in, &k) || !bytes::ReadString(in, &v)) return false;
      dependencies_->emplace_back(std::move(k), std::move(v));
    }
  }
  Timestamp trained;
  if (!bytes::ReadU8(in, &flag) || !codec::ReadTimestamp(in, &trained)) return false;
  trained_at_ = flag != 0 ? std::optional<Timestamp>(trained) : std::nullopt;
  if (!bytes::ReadU64(in, &n) || !bytes::HasRoomFor(*in, n, 4)) return false;
  names_.clear();
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string name;
    if (!bytes::ReadString(in, &name)) return false;
    names_.insert(std::move(name));
  }
  if (!bytes::ReadU64(in, &names_over_limit_) || !bytes::ReadU64(in, &feature_events_) ||
      !bytes::ReadU64(in, &n) || !bytes::HasRoomFor(*in, n, 20)) {
    return false;
  }
  changes_.clear();
  for (std::uint64_t i = 0; i < n; ++i) {
    DependencyChange c;
    if (!codec::ReadTimestamp(in, &c.at) || !bytes::ReadString(in, &c.what) ||
        !bytes::ReadString(in, &c.from) || !bytes::ReadString(in, &c.to)) {
      return false;
    }
    changes_.push_back(std::move(c));
  }
  return true;
}

}  // namespace driftd::detectors
