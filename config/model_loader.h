// Reads the [models.<name>] tables of a configuration file. Internal to the
// config library; see config/loader.h for the contract of the whole loader.
#ifndef DRIFTD_CONFIG_MODEL_LOADER_H_
#define DRIFTD_CONFIG_MODEL_LOADER_H_

#include <string>
#include <vector>

#include "config/config.h"
#include "config/table_reader.h"

namespace driftd::config {

// Reads every model of the `models` table (REQUIRES: models.is_table()) in
// file order into *out and reports every problem to *diagnostics; the caller
// discards *out when there is any. Relative baseline paths are joined to
// `base_dir` when it is not empty. `alerts` is the [alerts] section already
// read: a model's [models.<m>.alerts.<AlertName>] override starts from its
// rule (see ReadAlertRules in config/alerts_loader.h).
void ReadModels(const TomlValue& models, const std::string& base_dir, const AlertsConfig& alerts,
                Diagnostics* diagnostics, std::vector<ModelConfig>* out);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_MODEL_LOADER_H_
