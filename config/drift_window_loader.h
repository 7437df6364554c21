// Reads the [models.<m>.drift] and [models.<m>.windows] tables, the tuning
// of how a model's drift verdicts are reached and how its windows are
// summarised. Internal to the config library; see config/loader.h for the
// contract of the whole loader and docs/configuration.md for the keys.
#ifndef DRIFTD_CONFIG_DRIFT_WINDOW_LOADER_H_
#define DRIFTD_CONFIG_DRIFT_WINDOW_LOADER_H_

#include <optional>

#include "config/config.h"
#include "config/table_reader.h"

namespace driftd::config {

// The shortest pane a window may be split into.
inline constexpr Duration kMinPane = std::chrono::milliseconds(1);

// Reads the keys of a drift table into *drift. `reference` is the model's
// reference (already read): calibration needs at least two chunks of a
// "first" reference.
void ReadDrift(TableReader& r, const ReferenceConfig& reference, DriftConfig* drift);

// Reads the keys of a windows table into *windows. `window` is the model's
// current window when it was read without error: panes shorter than
// kMinPane are refused at `panes`.
void ReadWindows(TableReader& r, std::optional<Duration> window, WindowConfig* windows);

// The message for a window that `panes` would split into panes shorter
// than kMinPane, or "" when the panes are long enough.
std::string PaneLengthProblem(Duration window, std::uint32_t panes);

}  // namespace driftd::config

#endif  // DRIFTD_CONFIG_DRIFT_WINDOW_LOADER_H_
