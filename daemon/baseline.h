// Loading a model's baseline profile (reference type "baseline") into
// summaries in the model's column order (daemon/model_windows.h).
#ifndef DRIFTD_DAEMON_BASELINE_H_
#define DRIFTD_DAEMON_BASELINE_H_

#include "config/config.h"
#include "daemon/model_windows.h"

namespace driftd {

// Reads model.reference.path (already resolved against the config file's
// directory). Never throws: a missing, unreadable or mismatching profile
// (another feature set or feature types than the model's columns) gives
// null summaries and an error naming the file and the problem.
// REQUIRES: model.reference.type == kBaseline.
[[nodiscard]] BaselineReference LoadBaseline(const config::ModelConfig& model);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_BASELINE_H_
