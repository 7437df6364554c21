// InvariantMonitor (M2, "data invariants hold for inputs").
//
// Per configured feature, up to five rules, each checked on every prediction
// or input event that carries features:
//   type      a numeric feature received a string (categorical features
//             accept numbers, named by their shortest decimal form)
//   missing   the feature is null or absent; its window share is compared
//             with the feature's max_missing (rule only when set)
//   range     a finite numeric value outside [min, max] (when either is set)
//   category  a categorical value not in `values` (when non-empty)
//   finite    NaN or +-Infinity (numeric features with finite = true)
// Per window (a PaneRing over event time) the share of events violating a
// rule is compared with the model's max_invariant_violation_share (missing:
// with max_missing); judged once the window holds min_samples events.
// Cumulative totals per (feature, rule) feed
// driftd_invariant_violations_total. Events carrying feature names absent
// from the config are counted (per window and in total), not judged.
//
// Thread-safety: none; one owner.
#ifndef DRIFTD_DETECTORS_MONITORS_INVARIANTS_H_
#define DRIFTD_DETECTORS_MONITORS_INVARIANTS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "detectors/event.h"
#include "detectors/finding.h"
#include "detectors/monitors/monitor_common.h"
#include "detectors/monitors/pane_ring.h"

namespace driftd::detectors {

enum class InvariantRule { kType, kMissing, kRange, kCategory, kFinite };
inline constexpr int kInvariantRuleCount = 5;
// "type", "missing", "range", "category", "finite".
const char* InvariantRuleName(InvariantRule rule);

class InvariantMonitor {
 public:
  // Counters of one pane (public for PaneRing).
  struct Pane {
    std::uint64_t events = 0;
    std::uint64_t unconfigured = 0;         // events with at least one unconfigured feature
    std::vector<std::uint64_t> violations;  // feature * kInvariantRuleCount + rule
    void Merge(const Pane& other);
    void Clear();
    void AppendTo(std::string* out) const;
    [[nodiscard]] static std::optional<Pane> Parse(std::string_view* in);
  };

  explicit InvariantMonitor(const config::ModelConfig& model);

  // Per event: Begin, then Value for each configured feature present (by its
  // index in model.features) and Unconfigured once if any name is not in the
  // config, then End. Absent configured features count as missing at End.
  void Begin(Timestamp ts);
  void ObserveValue(std::size_t feature, const Value& value);
  void ObserveUnconfigured();
  void End();

  void AdvanceTo(Timestamp now) { ring_.AdvanceTo(now); }
  std::vector<Finding> Evaluate(const FindingBase& base, std::uint64_t min_samples) const;

  // Cumulative violations of (feature, rule).
  std::uint64_t total(std::size_t feature, InvariantRule rule) const {
    return totals_[feature * kInvariantRuleCount + static_cast<std::size_t>(rule)];
  }
  std::uint64_t unconfigured_total() const { return unconfigured_total_; }
  // Whether a rule applies to a feature (see the file comment).
  bool Applies(std::size_t feature, InvariantRule rule) const;
  std::size_t num_features() const { return features_.size(); }
  const std::string& feature_name(std::size_t feature) const { return features_[feature].name; }
  // Window share of events carrying unconfigured features.
  Pane Window() const { return ring_.Merged(); }

  void AppendTo(std::string* out) const;
  [[nodiscard]] bool ParseFrom(std::string_view* in);

 private:
  struct FeatureRules {
    std::string name;
    bool numeric = true;
    std::optional<double> min, max, max_missing;
    bool finite = true;
    std::unordered_set<std::string> values;  // empty: any category
  };
  void Violate(std::size_t feature, InvariantRule rule);

  std::vector<FeatureRules> features_;
  double max_share_;
  PaneRing<Pane> ring_;
  Pane* pane_ = nullptr;  // current event's pane (nullptr: late event)
  std::vector<std::uint64_t> seen_epoch_;
  std::uint64_t epoch_ = 0;
  bool unconfigured_in_event_ = false;
  std::vector<std::uint64_t> totals_;
  std::uint64_t unconfigured_total_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_INVARIANTS_H_
