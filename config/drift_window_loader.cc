#include "config/drift_window_loader.h"

#include <array>
#include <string>

#include "config/duration.h"

namespace driftd::config {
namespace {

constexpr std::array<EnumName<DriftPreset>, 3> kPresets = {{
    {"auto", DriftPreset::kAuto},
    {"evidently", DriftPreset::kEvidently},
    {"nannyml", DriftPreset::kNannyml},
}};
constexpr std::array<EnumName<Correction>, 3> kCorrections = {{
    {"none", Correction::kNone},
    {"bonferroni", Correction::kBonferroni},
    {"benjamini_hochberg", Correction::kBenjaminiHochberg},
}};

constexpr std::int64_t kMaxPanes = 10000;
// The range KllSketch (detectors/sketch/kll.h) accepts; it would clamp
// anything else silently.
constexpr std::int64_t kMinSketchK = 8;
constexpr std::int64_t kMaxSketchK = 65535;

}  // namespace

void ReadDrift(TableReader& r, const ReferenceConfig& reference, DriftConfig* drift) {
  r.ReadEnum<DriftPreset>("preset", kPresets, &drift->preset);
  r.ReadEnum<Correction>("correction", kCorrections, &drift->correction);
  r.ReadNumber("drift_share", NumberRange::AboveUpTo(0, 1), &drift->drift_share);
  r.ReadNumber("min_effect_size", NumberRange::AtLeast(0), &drift->min_effect_size);
  r.ReadBool("calibrate", &drift->calibrate);
  r.ReadNumber("calibration_k", NumberRange::Above(0), &drift->calibration_k);
  const bool chunk_ok = r.ReadUnsigned("calibration_chunk", 2, &drift->calibration_chunk) ||
                        r.Find("calibration_chunk") == nullptr;
  // Calibration takes a mean and a standard deviation over reference chunks,
  // so a first-N reference must hold at least two of them.
  if (drift->calibrate && chunk_ok && reference.type == ReferenceType::kFirst &&
      reference.events / drift->calibration_chunk < 2) {
    const TomlEntry* at = r.Find("calibration_chunk");
    if (at == nullptr) at = r.Find("calibrate");
    r.ErrorAt(*at, "calibration needs at least 2 reference chunks, but reference.events (" +
                       std::to_string(reference.events) + ") / calibration_chunk (" +
                       std::to_string(drift->calibration_chunk) + ") gives " +
                       std::to_string(reference.events / drift->calibration_chunk));
  }
  // A rolling reference moves: a threshold calibrated on its chunks would
  // describe a past the verdicts no longer compare with.
  if (drift->calibrate && reference.type == ReferenceType::kRolling) {
    const std::string message =
        "calibration needs a fixed reference (type \"first\" or \"baseline\"), not a rolling one";
    if (const TomlEntry* at = r.Find("calibrate"); at != nullptr) {
      r.ErrorAt(*at, message);
    } else {
      r.ErrorOnTable(message);
    }
  }
}

std::string PaneLengthProblem(Duration window, std::uint32_t panes) {
  const Duration pane = window / panes;
  if (pane >= kMinPane) return "";
  return "gives panes of " + FormatDuration(pane) + " (window " + FormatDuration(window) + " / " +
         std::to_string(panes) + " panes); a pane must be at least " + FormatDuration(kMinPane);
}

void ReadWindows(TableReader& r, std::optional<Duration> window, WindowConfig* windows) {
  std::int64_t panes = 0;
  if (r.ReadInteger("panes", 1, kMaxPanes, &panes)) {
    const std::string problem =
        window ? PaneLengthProblem(*window, static_cast<std::uint32_t>(panes)) : "";
    if (problem.empty()) {
      windows->panes = static_cast<std::uint32_t>(panes);
    } else {
      r.ErrorAt(*r.Find("panes"), problem);
    }
  }
  r.ReadDuration("allowed_lateness", DurationRule::kNonNegative, &windows->allowed_lateness);
  r.ReadUnsigned("exact_up_to", 0, &windows->exact_up_to);
  std::int64_t sketch_k = 0;
  if (r.ReadInteger("sketch_k", kMinSketchK, kMaxSketchK, &sketch_k)) {
    windows->sketch_k = static_cast<std::uint32_t>(sketch_k);
  }
  r.ReadUnsigned("max_categories", 1, &windows->max_categories);
}

}  // namespace driftd::config
