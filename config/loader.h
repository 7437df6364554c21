// Loads driftd's TOML configuration file (docs/configuration.md) into a
// validated, immutable Config.
//
// Loading never throws and never stops at the first problem: every error of
// the file (unknown keys at any depth, wrong types, invalid values, missing
// required keys, cross-field conflicts) is collected and returned at once,
// sorted by line and column. Each error names the file, the 1-based line and
// column where toml++ saw the offending key or value, and the dotted key
// path. A TOML syntax error stops parsing, so it is reported alone.
//
// Defaults are those documented in config/config.h. Some values are derived:
//   * relative file names (a baseline model's reference.path, and a sink's
//     bearer_token_file, basic_auth_password_file and ca_file) are resolved
//     against the directory of the config file (LoadConfigFile: made
//     absolute; ParseConfig: joined with the directory part of source_name,
//     if any). Files other than the config itself are not opened here;
//   * sinks without a name are named after their type, or "<type>-<index>"
//     when several sinks share a type; with no [[sinks]] at all, one log sink
//     is configured so that alerts are never dropped silently;
//   * ModelConfig::alerts holds, for each alert a model overrides, the
//     effective settings: the [alerts.rules.<AlertName>] values (or the
//     defaults) with the keys written under [models.<m>.alerts.<AlertName>]
//     applied over them. Alerts the model does not mention are absent: use
//     Config::alerts.rules, then the defaults. Rule runbook_url and
//     dashboard_url stay empty when unset; [alerts] holds the fallbacks.
//
// Thread-safe: the functions share no state.
#ifndef DRIFTD_CONFIG_LOADER_H_
#define DRIFTD_CONFIG_LOADER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"

namespace driftd::config {

struct LoadResult {
  std::shared_ptr<const Config> config;  // set only when errors is empty
  std::vector<ConfigError> errors;       // sorted by (line, column)
  bool ok() const { return errors.empty() && config; }
};

// Reads and validates the file at `path`. Errors use `path` as given for
// ConfigError::file. A missing or unreadable file gives one error with line 0.
[[nodiscard]] LoadResult LoadConfigFile(const std::string& path);

// Validates `toml_text`; `source_name` is used as ConfigError::file and
// Config::path, and its directory part (if any) as the base of relative paths.
[[nodiscard]] LoadResult ParseConfig(std::string_view toml_text, std::string_view source_name);

// One line describing a loaded config for `driftd check-config`, e.g.
// "2 models (fraud, churn), kafka source (3 topics), 2 sinks, http 127.0.0.1:7461".
std::string ConfigSummary(const Config& config);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_LOADER_H_
