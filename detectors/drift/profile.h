// Reference profiles: what a model's drift windows need from its training
// data, built offline by `driftd baseline` and loaded as the reference
// ({ type = "baseline", path = ... } in the model's config).
//
// A profile is versioned JSON (docs/detectors.md, "Reference profiles"):
//   {"format": "driftd-profile", "version": 1, "model": "fraud", "rows": N,
//    "source": "train.csv", "preset": "auto",
//    "features": [{"name", "type": "numeric"|"categorical",
//                  "summary": "<base64 of NumericSummary/CategoricalCounts::AppendTo>",
//                  "bin_edges": [...],            // numeric; the preset's reference bins
//                  "calibrated": {"test", "threshold", "chunks", "chunk_rows"},  // optional
//                  "role": "prediction",       // optional; the model's prediction
//                  "stats": {...}}]}             // human-readable, informational only
// The base64 summary is authoritative; "stats" (count, mean, std, min, max,
// quantiles, missing; top category shares) is for people and is ignored on
// load.
//
// Pure computation: (de)serialization is to and from strings; the caller
// does the file I/O. Profiles are plain values.
#ifndef DRIFTD_DETECTORS_DRIFT_PROFILE_H_
#define DRIFTD_DETECTORS_DRIFT_PROFILE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "detectors/drift/drift.h"
#include "detectors/window/categorical_counts.h"
#include "detectors/window/numeric_summary.h"

namespace driftd::detectors {

inline constexpr int kProfileVersion = 1;

// A threshold calibrated on reference chunks (NannyML: mean + k std of the
// chunk statistics against the whole reference).
struct CalibratedThresholdInfo {
  std::string test;  // TestName() of the test it applies to
  double threshold = 0.0;
  std::uint64_t chunks = 0;
  std::uint64_t chunk_rows = 0;
};

struct ProfileFeature {
  std::string name;
  config::FeatureType type = config::FeatureType::kNumeric;
  // Exactly one is set, matching `type`.
  std::optional<NumericSummary> numeric;
  std::optional<CategoricalCounts> categorical;
  // Numeric: the reference bins of the model's preset (Doane for nannyml,
  // Sturges otherwise); empty when the feature had no finite value.
  std::vector<double> bin_edges;
  std::optional<CalibratedThresholdInfo> calibrated;
  // The model's prediction ("role": "prediction" in the JSON), built from a
  // prediction column of the training data; not a feature.
  bool prediction = false;

  ColumnData Column() const { return ColumnData{numeric ? &*numeric : nullptr,
                                                categorical ? &*categorical : nullptr}; }
};

struct Profile {
  int version = kProfileVersion;
  std::string model;
  std::uint64_t rows = 0;
  std::string source;  // the input it was built from (informational)
  config::DriftPreset preset = config::DriftPreset::kAuto;
  std::vector<ProfileFeature> features;  // in config order

  // The feature called `name` (never the prediction entry).
  const ProfileFeature* Find(std::string_view name) const;
  // The prediction entry, or null when the profile has none.
  const ProfileFeature* FindPrediction() const;
};

// "auto", "evidently", "nannyml".
const char* PresetName(config::DriftPreset preset);
[[nodiscard]] std::optional<config::DriftPreset> ParsePresetName(std::string_view name);

// The JSON text of the profile (one line per feature, stable key order).
[[nodiscard]] std::string ProfileToJson(const Profile& profile);

struct ProfileParseResult {
  std::optional<Profile> profile;
  std::string error;  // set when profile is empty
};
// Parses and checks the structure (format, version, types, summaries
// decodable and of the declared type, edges ascending).
[[nodiscard]] ProfileParseResult ParseProfileJson(std::string_view json);

// Empty when the profile fits the model; otherwise a message naming the
// first mismatch (model name, a feature missing on either side, a type).
[[nodiscard]] std::string ValidateProfile(const Profile& profile, const config::ModelConfig& model);

// The preset's reference bin edges for a numeric reference summary (exact:
// Doane or Sturges of the sample; sketch: the rule over count/min/max with
// zero skewness). Empty when the summary holds no finite value.
[[nodiscard]] std::vector<double> ReferenceBinEdges(const NumericSummary& reference,
                                                    config::DriftPreset preset);

// Calibrates the threshold of a distance test on reference chunks: each
// chunk's statistic against the whole reference, then mean + k * population
// std (CalibratedThreshold). std::nullopt for p-value tests and when no
// chunk gives a finite statistic.
[[nodiscard]] std::optional<double> CalibrateOnChunks(const DriftFeatureSpec& spec,
                                                      const ColumnData& reference,
                                                      std::span<const ColumnData> chunks,
                                                      const config::DriftConfig& drift);

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_DRIFT_PROFILE_H_
