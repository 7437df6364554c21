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

  // Summaries in the model's column order; the prediction column, which a
  // profile of the training inputs does not hold, stays empty (not judged).
  ModelWindows shape(model, {});
  std::vector<detectors::FeatureSpec> specs;
  for (const auto& c : shape.columns()) specs.push_back({c.kind, nullptr});
  detectors::SummaryOptions options;
  options.exact_up_to = model.windows.exact_up_to;
  options.kll_k = static_cast<int>(model.windows.sketch_k);
  options.max_categories = model.windows.max_categories;
  auto summaries = std::make_shared<detectors::SummarySet>(specs, options);
  for (std::size_t i = 0; i < shape.columns().size(); ++i) {
    const WindowColumn& column = shape.columns()[i];
    if (column.is_prediction) continue;
    const detectors::ProfileFeature* f = profile.Find(column.name);
    if (f == nullptr) {
      baseline.error = path + ": no feature " + column.name;
      return baseline;
    }
    if (column.kind == detectors::FeatureKind::kNumeric && f->numeric) {
      summaries->numeric(i) = *f->numeric;
      summaries->numeric(i).Sort();
    } else if (column.kind == detectors::FeatureKind::kCategorical && f->categorical) {
      summaries->categorical(i) = *f->categorical;
    } else {
      baseline.error = path + ": feature " + column.name + " has another type than configured";
      return baseline;
    }
  }
  baseline.summaries = std::move(summaries);
  baseline.rows = profile.rows;
  return baseline;
}

}  // namespace driftd
