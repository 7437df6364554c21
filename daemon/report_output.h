// The offline report's value and its JSON / text renderings (the JSON shape
// is documented in docs/detectors.md, "Offline report").
#ifndef DRIFTD_DAEMON_REPORT_OUTPUT_H_
#define DRIFTD_DAEMON_REPORT_OUTPUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "detectors/drift/drift.h"

namespace driftd {

struct ColumnSkips {
  std::uint64_t missing = 0;
  std::uint64_t nan = 0;
  std::uint64_t inf = 0;
  std::uint64_t non_numeric = 0;
};

struct ChunkReport {
  std::size_t index = 0;
  std::string period;  // "reference" or "analysis"
  std::uint64_t rows = 0;
  detectors::DriftReport report;
};

struct InputInfo {
  std::string path;
  std::uint64_t rows = 0;
  std::uint64_t ragged_rows = 0;
  std::uint64_t rejected_events = 0;
};

struct OfflineReport {
  config::DriftPreset preset = config::DriftPreset::kAuto;
  InputInfo reference;
  InputInfo current;
  detectors::DriftReport overall;
  // Per column of `overall.features`: (reference, current) skipped values.
  std::vector<std::pair<ColumnSkips, ColumnSkips>> skips;
  bool chunked = false;
  std::size_t chunk_size = 0;
  std::vector<ChunkReport> chunks;
};

std::string RenderJson(const OfflineReport& report);
std::string RenderText(const OfflineReport& report);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_REPORT_OUTPUT_H_
