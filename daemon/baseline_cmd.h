// `driftd baseline`: builds a model's reference profile from training data
// (detectors/drift/profile.h), and loads profiles for the daemon.
//
//   driftd baseline --config FILE --model M --input train.csv|train.jsonl
//                   --output M.profile.json
//
// Every feature of the model must be a column of the input (CSV header) or
// appear in its events. Numeric summaries use the model's window settings
// (exact_up_to, sketch_k), categorical ones its max_categories; the bins are
// the preset's reference bins, computed on the whole exact input. When the
// model asks for calibration (drift.calibrate, or preset nannyml), distance
// tests get a threshold calibrated on chunks of drift.calibration_chunk rows.
// The output is written to a temporary file and renamed into place.
// Exit codes: 0 written, 1 input or output error, 2 usage or configuration error.
#ifndef DRIFTD_DAEMON_BASELINE_CMD_H_
#define DRIFTD_DAEMON_BASELINE_CMD_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/config.h"
#include "detectors/drift/profile.h"

namespace driftd {

int BaselineCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Reads, parses and validates the profile at `path` against `model`.
// std::nullopt with *error ("<path>: <what>") when the file is unreadable,
// malformed, of another version, or does not match the model's config.
[[nodiscard]] std::optional<detectors::Profile> LoadProfileFile(const std::string& path,
                                                                const config::ModelConfig& model,
                                                                std::string* error);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_BASELINE_CMD_H_
