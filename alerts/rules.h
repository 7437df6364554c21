// Alert rules: how a finding of the detectors becomes an alert of DESIGN.md
// section 9 — which rule settings apply (defaults, [alerts.rules], per-model
// overrides), which labels identify the alert and which annotations explain it.
#ifndef DRIFTD_ALERTS_RULES_H_
#define DRIFTD_ALERTS_RULES_H_

#include <cstdint>
#include <string>

#include "alerts/alert.h"
#include "config/config.h"
#include "detectors/finding.h"

namespace driftd::alerts {

// The settings of one rule for one model, every default resolved.
struct EffectiveRule {
  bool enabled = true;
  Duration for_duration{};   // condition must hold this long before firing
  Duration clear_after{};    // condition must be clear this long before resolving
  double hysteresis = 0.1;   // relative margin back across the threshold to count as clear
  std::uint64_t min_samples = 0;  // findings with fewer samples conclude nothing
  std::string severity;           // never empty
  std::string runbook_url;        // template, not yet expanded
  std::string dashboard_url;
};

// The severity a rule has when the config names none: "info" for
// DependencyChanged (a notification, not a problem), "warning" otherwise.
const char* DefaultSeverity(Check check);

// Resolves the rule for `check` on `model` (may be null: an unconfigured
// model). Precedence: model.alerts[alertname] if present, else
// alerts.rules[alertname] if present, else the AlertRuleConfig defaults.
// A model override is taken as a whole: the config loader starts it from the
// global rule and applies only the keys the model's table sets, so an unset
// key inherits. Empty URL templates fall back to alerts.runbook_url /
// alerts.dashboard_url. min_samples unset means the model's min_samples for
// checks over a window of samples, and 0 for ModelStale, DataSilent,
// ThroughputDrop and DependencyChanged, whose findings count no samples.
EffectiveRule ResolveRule(const config::AlertsConfig& alerts, const config::ModelConfig* model,
                          Check check);

// The label set of the alert a finding maps to: alertname, model, item,
// severity, the static labels of alerts.labels (which never override these),
// and the finding's subject: as `feature` for FeatureDrift and
// DataInvariantViolated (plus `rule` = finding.test for the latter), as
// `subject` for the other checks (a quantile, a metric, ...). Empty subjects
// add no label.
LabelSet AlertLabels(const config::AlertsConfig& alerts, const EffectiveRule& rule,
                     const Finding& finding);

// Expands {alertname} {model} {feature} {item} {severity} in a URL template
// with the label values, percent-encoding every byte outside RFC 3986's
// unreserved set. "{{" and "}}" are literal braces; unknown {names} and
// lone braces stay as written (the config loader refuses them anyway).
std::string ExpandUrlTemplate(const std::string& url_template, const LabelSet& labels);

// summary: one line naming the check, model, subject and the number against
// the threshold. description: statistic, threshold, p-value when there is
// one, window length, current and reference samples, how it was computed,
// the detector's own sentence, and since when the condition holds. Plus
// runbook_url and dashboard_url when their templates are set.
LabelSet AlertAnnotations(const EffectiveRule& rule, const LabelSet& labels, const Finding& finding,
                          Timestamp active_since);

// Formats a duration the way the config writes them: "1h", "90s", "1h30m", "250ms".
std::string FormatDuration(Duration d);

}  // namespace driftd::alerts

#endif  // DRIFTD_ALERTS_RULES_H_
