// Reads the [alerts] table and the per-model [models.<m>.alerts] overrides.
// Internal to the config library; see config/loader.h for the contract of
// the whole loader and docs/configuration.md for the keys.
#ifndef DRIFTD_CONFIG_ALERTS_LOADER_H_
#define DRIFTD_CONFIG_ALERTS_LOADER_H_

#include <map>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/table_reader.h"

namespace driftd::config {

// The alert names of DESIGN.md section 9, in that order.
inline constexpr std::string_view kAlertNames[] = {
    "FeatureDrift",
    "PredictionDrift",
    "DatasetDrift",
    "DataInvariantViolated",
    "ModelStale",
    "DataSilent",
    "NonFinitePredictions",
    "LatencyRegression",
    "ThroughputDrop",
    "QualityRegression",
    "DependencyChanged",
};

// Whether `name` is one of kAlertNames (case-sensitive, as Alertmanager
// label values are).
bool IsAlertName(std::string_view name);

// Reads the keys of the [alerts] table `r` into *alerts: resend_interval,
// labels, runbook_url, dashboard_url, outbox_max_entries and the
// [alerts.rules.<AlertName>] tables. Every problem goes to r.diagnostics();
// the caller reports r's unknown keys.
void ReadAlerts(TableReader& r, AlertsConfig* alerts);

// Reads a table of rule settings keyed by alert name, such as the value of
// [models.<m>.alerts] at `path`. Each entry starts from base.rules[name] (or
// the defaults when the rule is not configured there) and takes the keys
// written in the entry over it, so *out holds each overridden rule's
// effective settings. REQUIRES: table.is_table().
void ReadAlertRules(const TomlValue& table, const std::string& path, const AlertsConfig& base,
                    Diagnostics* diagnostics, std::map<std::string, AlertRuleConfig>* out);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_ALERTS_LOADER_H_
