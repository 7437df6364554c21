#include "alerts/rules.h"

#include <cmath>
#include <cstdio>

namespace driftd::alerts {
namespace {

bool CountsSamples(Check check) {
  switch (check) {
    case Check::kModelStale:
    case Check::kDataSilent:
    case Check::kThroughputDrop:
    case Check::kDependencyChanged:
      return false;
    default:
      return true;
  }
}

bool SubjectIsFeature(Check check) {
  return check == Check::kFeatureDrift || check == Check::kInvariantViolated;
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void PercentEncode(std::string_view in, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : in) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xf]);
    }
  }
}

}  // namespace

const char* DefaultSeverity(Check check) {
  return check == Check::kDependencyChanged ? "info" : "warning";
}

EffectiveRule ResolveRule(const config::AlertsConfig& alerts, const config::ModelConfig* model,
                          Check check) {
  const std::string name = CheckAlertName(check);
  config::AlertRuleConfig rule;
  if (model != nullptr) {
    if (auto it = model->alerts.find(name); it != model->alerts.end()) {
      rule = it->second;
    } else if (auto g = alerts.rules.find(name); g != alerts.rules.end()) {
      rule = g->second;
    }
  } else if (auto g = alerts.rules.find(name); g != alerts.rules.end()) {
    rule = g->second;
  }
  EffectiveRule out;
  out.enabled = rule.enabled;
  out.for_duration = rule.for_duration;
  out.clear_after = rule.clear_after;
  out.hysteresis = rule.hysteresis;
  if (rule.min_samples) {
    out.min_samples = *rule.min_samples;
  } else if (CountsSamples(check) && model != nullptr) {
    out.min_samples = model->min_samples;
  }
  out.severity = rule.severity.empty() ? DefaultSeverity(check) : rule.severity;
  out.runbook_url = rule.runbook_url.empty() ? alerts.runbook_url : rule.runbook_url;
  out.dashboard_url = rule.dashboard_url.empty() ? alerts.dashboard_url : rule.dashboard_url;
  return out;
}

LabelSet AlertLabels(const config::AlertsConfig& alerts, const EffectiveRule& rule,
                     const Finding& finding) {
  LabelSet labels = alerts.labels;
  labels["alertname"] = CheckAlertName(finding.check);
  labels["model"] = finding.model;
  labels["item"] = CheckItem(finding.check);
  labels["severity"] = rule.severity;
  // Static labels must not carry these: a stale value would split the alert.
  labels.erase("feature");
  labels.erase("rule");
  labels.erase("subject");
  if (!finding.subject.empty()) {
    if (SubjectIsFeature(finding.check)) {
      labels["feature"] = finding.subject;
      if (finding.check == Check::kInvariantViolated && !finding.test.empty()) {
        labels["rule"] = finding.test;
      }
    } else {
      labels["subject"] = finding.subject;
    }
  }
  return labels;
}

std::string ExpandUrlTemplate(const std::string& url_template, const LabelSet& labels) {
  std::string out;
  std::size_t i = 0;
  while (i < url_template.size()) {
    const char c = url_template[i];
    const bool doubled = i + 1 < url_template.size() && url_template[i + 1] == c;
    if ((c == '{' || c == '}') && doubled) {  // "{{" and "}}" are literal braces
      out.push_back(c);
      i += 2;
      continue;
    }
    if (c == '{') {
      const std::size_t close = url_template.find('}', i + 1);
      if (close != std::string::npos) {
        const std::string name = url_template.substr(i + 1, close - i - 1);
        const bool known = name == "alertname" || name == "model" || name == "feature" ||
                           name == "item" || name == "severity";
        if (known) {
          auto it = labels.find(name);
          if (it != labels.end()) PercentEncode(it->second, &out);
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

std::string FormatDuration(Duration d) {
  using namespace std::chrono;
  if (d == Duration::zero()) return "0s";
  std::string out;
  if (d < 0ns) {
    out = "-";
    d = -d;
  }
  if (d < 1s) {
    const auto ms = duration_cast<milliseconds>(d).count();
    return out + (ms > 0 ? std::to_string(ms) + "ms" : std::to_string(d.count()) + "ns");
  }
  const auto h = duration_cast<hours>(d);
  const auto m = duration_cast<minutes>(d - h);
  const auto s = duration_cast<seconds>(d - h - m);
  if (h.count() > 0) out += std::to_string(h.count()) + "h";
  if (m.count() > 0) out += std::to_string(m.count()) + "m";
  if (s.count() > 0) out += std::to_string(s.count()) + "s";
  return out;
}

LabelSet AlertAnnotations(const EffectiveRule& rule, const LabelSet& labels, const Finding& finding,
                          Timestamp active_since) {
  const std::string alertname = CheckAlertName(finding.check);
  const std::string test = finding.test.empty() ? "statistic" : finding.test;
  // A failing finding is on the far side of its threshold; which side tells
  // the reader whether higher or lower is worse.
  const bool above = finding.statistic >= finding.threshold;
  const char* op = above ? ">=" : "<";

  std::string summary = alertname + " on model " + finding.model;
  if (!finding.subject.empty()) summary += ", " + finding.subject;
  summary += ": " + test + " " + FormatNumber(finding.statistic) + " " + op + " threshold " +
             FormatNumber(finding.threshold);

  std::string description = test + " = " + FormatNumber(finding.statistic) + " against threshold " +
                            FormatNumber(finding.threshold);
  if (finding.p_value) description += " (p-value " + FormatNumber(*finding.p_value) + ")";
  if (finding.window > Duration::zero()) {
    description += "; current window " + FormatDuration(finding.window);
  }
  description += "; " + std::to_string(finding.samples) + " current samples";
  if (finding.reference_samples > 0) {
    description += ", " + std::to_string(finding.reference_samples) + " reference samples";
  }
  if (!finding.mode.empty()) description += " (" + finding.mode + ")";
  description += "; condition holds since " + FormatRfc3339(active_since) + ".";
  if (!finding.details.empty()) description += " " + finding.details;

  LabelSet annotations;
  annotations["summary"] = summary;
  annotations["description"] = description;
  if (!rule.runbook_url.empty()) {
    annotations["runbook_url"] = ExpandUrlTemplate(rule.runbook_url, labels);
  }
  if (!rule.dashboard_url.empty()) {
    annotations["dashboard_url"] = ExpandUrlTemplate(rule.dashboard_url, labels);
  }
  return annotations;
}

}  // namespace driftd::alerts
