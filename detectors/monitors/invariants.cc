#include "detectors/monitors/invariants.h"

#include <charconv>
#include <cmath>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {

const char* InvariantRuleName(InvariantRule rule) {
  switch (rule) {
    case InvariantRule::kType:
      return "type";
    case InvariantRule::kMissing:
      return "missing";
    case InvariantRule::kRange:
      return "range";
    case InvariantRule::kCategory:
      return "category";
    case InvariantRule::kFinite:
      return "finite";
  }
  return "";
}

void InvariantMonitor::Pane::Merge(const Pane& other) {
  events += other.events;
  unconfigured += other.unconfigured;
  if (violations.size() < other.violations.size()) violations.resize(other.violations.size(), 0);
  for (std::size_t i = 0; i < other.violations.size(); ++i) violations[i] += other.violations[i];
}

void InvariantMonitor::Pane::Clear() {
  events = 0;
  unconfigured = 0;
  std::fill(violations.begin(), violations.end(), 0);
}

void InvariantMonitor::Pane::AppendTo(std::string* out) const {
  bytes::AppendU64(out, events);
  bytes::AppendU64(out, unconfigured);
  bytes::AppendU64(out, violations.size());
  for (std::uint64_t v : violations) bytes::AppendU64(out, v);
}

std::optional<InvariantMonitor::Pane> InvariantMonitor::Pane::Parse(std::string_view* in) {
  Pane p;
  std::uint64_t n = 0;
  if (!bytes::ReadU64(in, &p.events) || !bytes::ReadU64(in, &p.unconfigured) ||
      !bytes::ReadU64(in, &n) || !bytes::HasRoomFor(*in, n, 8)) {
    return std::nullopt;
  }
  p.violations.resize(n);
  for (auto& v : p.violations) {
    if (!bytes::ReadU64(in, &v)) return std::nullopt;
  }
  return p;
}

namespace {
InvariantMonitor::Pane Prototype(std::size_t features) {
  InvariantMonitor::Pane p;
  p.violations.assign(features * kInvariantRuleCount, 0);
  return p;
}
}  // namespace

InvariantMonitor::InvariantMonitor(const config::ModelConfig& model)
    : max_share_(model.max_invariant_violation_share),
      ring_(model.window, static_cast<int>(model.windows.panes), Prototype(model.features.size())),
      seen_epoch_(model.features.size(), 0),
      totals_(model.features.size() * kInvariantRuleCount, 0) {
  for (const auto& f : model.features) {
    FeatureRules r;
    r.name = f.name;
    r.numeric = f.type == config::FeatureType::kNumeric;
    r.min = f.min;
    r.max = f.max;
    r.max_missing = f.max_missing;
    r.finite = f.finite;
    r.values.insert(f.values.begin(), f.values.end());
    features_.push_back(std::move(r));
  }
}

bool InvariantMonitor::Applies(std::size_t feature, InvariantRule rule) const {
  const FeatureRules& r = features_[feature];
  switch (rule) {
    case InvariantRule::kType:
      return true;
    case InvariantRule::kMissing:
      return r.max_missing.has_value();
    case InvariantRule::kRange:
      return r.numeric && (r.min || r.max);
    case InvariantRule::kCategory:
      return !r.numeric && !r.values.empty();
    case InvariantRule::kFinite:
      return r.numeric && r.finite;
  }
  return false;
}

void InvariantMonitor::Violate(std::size_t feature, InvariantRule rule) {
  const std::size_t i = feature * kInvariantRuleCount + static_cast<std::size_t>(rule);
  ++totals_[i];
  if (pane_ != nullptr) ++pane_->violations[i];
}

void InvariantMonitor::Begin(Timestamp ts) {
  ++epoch_;
  unconfigured_in_event_ = false;
  pane_ = ring_.Slot(ts);
  if (pane_ != nullptr) ++pane_->events;
}

void InvariantMonitor::ObserveValue(std::size_t feature, const Value& value) {
  seen_epoch_[feature] = epoch_;
  const FeatureRules& r = features_[feature];
  if (std::holds_alternative<Missing>(value)) {
    Violate(feature, InvariantRule::kMissing);
    return;
  }
  if (r.numeric) {
    const std::optional<double> x = NumericOf(value);
    if (!x) {
      Violate(feature, InvariantRule::kType);
    } else if (!std::isfinite(*x)) {
      if (r.finite) Violate(feature, InvariantRule::kFinite);
    } else if ((r.min && *x < *r.min) || (r.max && *x > *r.max)) {
      Violate(feature, InvariantRule::kRange);
    }
    return;
  }
  if (r.values.empty()) return;
  if (const std::string* s = std::get_if<std::string>(&value)) {
    if (!r.values.contains(*s)) Violate(feature, InvariantRule::kCategory);
    return;
  }
  // A number given to a categorical feature names the category by its
  // shortest round-trip form, as detectors/window/summary_set.h does.
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), std::get<double>(value));
  if (ec != std::errc() || !r.values.contains(std::string(buf, end))) {
    Violate(feature, InvariantRule::kCategory);
  }
}

void InvariantMonitor::ObserveUnconfigured() {
  if (unconfigured_in_event_) return;
  unconfigured_in_event_ = true;
  ++unconfigured_total_;
  if (pane_ != nullptr) ++pane_->unconfigured;
}

void InvariantMonitor::End() {
  for (std::size_t f = 0; f < features_.size(); ++f) {
    if (seen_epoch_[f] != epoch_) Violate(f, InvariantRule::kMissing);
  }
}

std::vector<Finding> InvariantMonitor::Evaluate(const FindingBase& base,
                                                std::uint64_t min_samples) const {
  const Pane w = ring_.Merged();
  std::vector<Finding> out;
  const bool judged = w.events >= min_samples && w.events > 0;
  for (std::size_t f = 0; f < features_.size(); ++f) {
    for (int r = 0; r < kInvariantRuleCount; ++r) {
      const auto rule = static_cast<InvariantRule>(r);
      if (!Applies(f, rule)) continue;
      const std::uint64_t bad = f * kInvariantRuleCount + r < w.violations.size()
                                    ? w.violations[f * kInvariantRuleCount + r]
                                    : 0;
      const double share =
          w.events == 0 ? 0.0 : static_cast<double>(bad) / static_cast<double>(w.events);
      const double threshold =
          rule == InvariantRule::kMissing ? *features_[f].max_missing : max_share_;
      std::string details = std::to_string(bad) + " of " + std::to_string(w.events) +
                            " events violate " + InvariantRuleName(rule) + " (share " +
                            FormatNumber(share) + ", limit " + FormatNumber(threshold) + ")";
      out.push_back(MakeFinding(base, Check::kInvariantViolated, features_[f].name,
                                InvariantRuleName(rule), share, threshold, share > threshold,
                                judged, w.events, std::move(details)));
    }
  }
  return out;
}

void InvariantMonitor::AppendTo(std::string* out) const {
  ring_.AppendTo(out);
  bytes::AppendU64(out, totals_.size());
  for (std::uint64_t v : totals_) bytes::AppendU64(out, v);
  bytes::AppendU64(out, unconfigured_total_);
}

bool InvariantMonitor::ParseFrom(std::string_view* in) {
  std::uint64_t n = 0;
  if (!ring_.ParseFrom(in) || !bytes::ReadU64(in, &n) || n != totals_.size()) return false;
  for (auto& v : totals_) {
    if (!bytes::ReadU64(in, &v)) return false;
  }
  return bytes::ReadU64(in, &unconfigured_total_);
}

}  // namespace driftd::detectors
