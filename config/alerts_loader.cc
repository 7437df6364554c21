#include "config/alerts_loader.h"

#include <algorithm>
#include <array>
#include <vector>

#include "config/checks.h"

namespace driftd::config {
namespace {

constexpr std::array<EnumName<std::string_view>, 3> kSeverities = {{
    {"info", "info"},
    {"warning", "warning"},
    {"critical", "critical"},
}};

// Labels driftd sets itself (DESIGN.md section 9, and `rule` and `subject`
// from alerts/rules.h AlertLabels); a static label of the same name would be
// dropped or would replace them and break grouping and routing.
constexpr std::array<std::string_view, 7> kReservedLabels = {
    "alertname", "model", "feature", "item", "severity", "rule", "subject"};

// Reads a runbook or dashboard URL template.
void ReadTemplate(TableReader& r, std::string_view key, std::string* out) {
  std::string text;
  if (!r.ReadString(key, &text)) return;
  std::string why;
  if (IsValidUrlTemplate(text, &why)) {
    *out = text;
  } else {
    r.ErrorAt(*r.Find(key), why);
  }
}

void ReadAlertRule(TableReader& r, AlertRuleConfig* rule) {
  r.ReadBool("enabled", &rule->enabled);
  r.ReadDuration("for", DurationRule::kNonNegative, &rule->for_duration);
  std::string_view severity;
  if (r.ReadEnum<std::string_view>("severity", kSeverities, &severity)) {
    rule->severity = std::string(severity);
  }
  r.ReadDuration("clear_after", DurationRule::kNonNegative, &rule->clear_after);
  r.ReadNumber("hysteresis", NumberRange::Between(0, 1), &rule->hysteresis);
  std::uint64_t min_samples = 0;
  if (r.ReadUnsigned("min_samples", 1, &min_samples)) rule->min_samples = min_samples;
  ReadTemplate(r, "runbook_url", &rule->runbook_url);
  ReadTemplate(r, "dashboard_url", &rule->dashboard_url);
}

void ReadLabels(TableReader& r, std::map<std::string, std::string>* labels) {
  for (const auto& [entry, value] : r.ReadStringTable("labels")) {
    const std::string path = JoinKeyPath(r.PathOf("labels"), entry->key);
    if (!IsLabelName(entry->key)) {
      r.diagnostics()->Add(entry->key_position, path,
                           "label name must match [a-zA-Z_][a-zA-Z0-9_]*");
    } else if (entry->key.starts_with("__")) {
      r.diagnostics()->Add(entry->key_position, path,
                           "label names starting with __ are reserved for internal use");
    } else if (std::find(kReservedLabels.begin(), kReservedLabels.end(), entry->key) !=
               kReservedLabels.end()) {
      r.diagnostics()->Add(entry->key_position, path,
                           "label \"" + entry->key + "\" is set by driftd");
    } else {
      (*labels)[entry->key] = value;
    }
  }
}

std::string UnknownAlertMessage(std::string_view name) {
  std::vector<std::string> names(std::begin(kAlertNames), std::end(kAlertNames));
  std::string message = "unknown alert \"" + std::string(name) + "\"";
  if (const auto suggestion = SuggestKey(name, names)) {
    return message + " (did you mean " + *suggestion + "?)";
  }
  message += " (expected one of ";
  for (std::size_t i = 0; i < names.size(); ++i) message += (i == 0 ? "" : ", ") + names[i];
  return message + ")";
}

}  // namespace

bool IsAlertName(std::string_view name) {
  return std::find(std::begin(kAlertNames), std::end(kAlertNames), name) != std::end(kAlertNames);
}

void ReadAlertRules(const TomlValue& table, const std::string& path, const AlertsConfig& base,
                    Diagnostics* diagnostics, std::map<std::string, AlertRuleConfig>* out) {
  for (const TomlEntry& entry : table.entries) {
    const std::string rule_path = JoinKeyPath(path, entry.key);
    if (!IsAlertName(entry.key)) {
      diagnostics->Add(entry.key_position, rule_path, UnknownAlertMessage(entry.key));
      continue;
    }
    if (!entry.value.is_table()) {
      diagnostics->Add(entry.value.position, rule_path,
                       "expected a table like { for = \"5m\", severity = \"critical\" }, got " +
                           std::string(KindName(entry.value.kind)));
      continue;
    }
    const auto configured = base.rules.find(entry.key);
    AlertRuleConfig rule =
        configured == base.rules.end() ? AlertRuleConfig{} : configured->second;
    TableReader r(entry.value, rule_path, diagnostics);
    ReadAlertRule(r, &rule);
    r.ReportUnknownKeys();
    (*out)[entry.key] = rule;
  }
}

void ReadAlerts(TableReader& r, AlertsConfig* alerts) {
  r.ReadDuration("resend_interval", DurationRule::kPositive, &alerts->resend_interval);
  ReadLabels(r, &alerts->labels);
  ReadTemplate(r, "runbook_url", &alerts->runbook_url);
  ReadTemplate(r, "dashboard_url", &alerts->dashboard_url);
  r.ReadUnsigned("outbox_max_entries", 1, &alerts->outbox_max_entries);
  if (const TomlValue* rules = r.ReadTable("rules")) {
    ReadAlertRules(*rules, r.PathOf("rules"), AlertsConfig{}, r.diagnostics(), &alerts->rules);
  }
}

}  // namespace driftd::config
