#include "daemon/baseline.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "detectors/drift/profile.h"

namespace driftd {

BaselineReference LoadBaseline(const config::ModelConfig& model) {
  BaselineReference baseline;
  const std::string& path = model.reference.path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    baseline.error = path + ": cannot open the baseline profile";
    return baseline;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    baseline.error = path + ": read error";
    return baseline;
  }
  detectors::ProfileParseResult parsed = detectors::ParseProfileJson(text.str());
  if (!parsed.profile) {
    baseline.error = path + ": " + parsed.error;
    return baseline;
  }
  const detectors::Profile& profile = *parsed.profile;
  if (std::string problem = detectors::ValidateProfile(profile, model); !problem.empty()) {
    baseline.error = path + ": " + problem;
    return baseline;
  }

  // Summaries in the model's column order. The prediction column is filled
  // when the profile holds the prediction (built from training data with a
  // prediction column); else it stays empty and is not judged.
  ModelWindows shape(model, {});
  std::vector<detectors::FeatureSpec> specs;
  for (const auto& c : shape.columns()) specs.push_back({c.kind, nullptr});
  detectors::SummaryOptions options;
  options.exact_up_to = model.windows.exact_up_to;
  options.kll_k = static_cast<int>(model.windows.sketch_k);
  options.max_categories = model.windows.max_categories;
  auto summaries = std::make_shared<detectors::SummarySet>(specs, options);
  auto calibration = std::make_shared<ReferenceCalibration>();
  calibration->columns.resize(shape.columns().size());
  bool calibrated = false;
  for (std::size_t i = 0; i < shape.columns().size(); ++i) {
    const WindowColumn& column = shape.columns()[i];
    const detectors::ProfileFeature* f =
        column.is_prediction ? profile.FindPrediction() : profile.Find(column.name);
    if (f == nullptr) {
      if (column.is_prediction) continue;
      baseline.error = path + ": no feature " + column.name;
      return baseline;
    }
    if (column.kind == detectors::FeatureKind::kNumeric && f->numeric) {
      summaries->numeric(i) = *f->numeric;
      summaries->numeric(i).Sort();
    } else if (column.kind == detectors::FeatureKind::kCategorical && f->categorical) {
      summaries->categorical(i) = *f->categorical;
    } else {
      baseline.error = path + ": " + (column.is_prediction ? std::string("the prediction") : "feature " + column.name) +
                       " has another type than configured";
      return baseline;
    }
    // A threshold from fewer than 2 chunks has no spread, and one calibrated
    // under another preset is on another scale (log base, normalisation).
    if (f->calibrated && f->calibrated->chunks >= 2 && profile.preset == model.drift.preset) {
      calibration->columns[i] = CalibratedColumn{f->calibrated->test, f->calibrated->threshold,
                                                 f->calibrated->chunks, f->calibrated->chunk_rows};
      calibrated = true;
    }
  }
  if (calibrated) baseline.calibration = std::move(calibration);
  baseline.summaries = std::move(summaries);
  baseline.rows = profile.rows;
  return baseline;
}

}  // namespace driftd
