// Reads the [[sinks]] array of tables. Internal to the config library; see
// config/loader.h for the contract of the whole loader and
// docs/configuration.md for the keys.
#ifndef DRIFTD_CONFIG_SINK_LOADER_H_
#define DRIFTD_CONFIG_SINK_LOADER_H_

#include <string>
#include <vector>

#include "config/config.h"
#include "config/table_reader.h"

namespace driftd::config {

// Reads the `sinks` key of the root table `root` into *sinks and reports
// every problem to root.diagnostics(). Without a `sinks` key one log sink is
// configured. Unnamed sinks are named after their type ("<type>-<index>"
// when the type repeats); relative bearer_token_file,
// basic_auth_password_file and ca_file paths are joined to `base_dir` when
// it is not empty. The files themselves are read when the sink starts.
void ReadSinks(TableReader& root, const std::string& base_dir, std::vector<SinkConfig>* sinks);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_SINK_LOADER_H_
