// Profile values: validation against a model's config, reference bins and
// threshold calibration. JSON encoding is in profile_json.cc.
#include "detectors/drift/profile.h"

#include <algorithm>
#include <cmath>

#include "detectors/drift/histogram.h"

namespace driftd::detectors {

const ProfileFeature* Profile::Find(std::string_view name) const {
  for (const ProfileFeature& f : features) {
    if (!f.prediction && f.name == name) return &f;
  }
  return nullptr;
}

const ProfileFeature* Profile::FindPrediction() const {
  for (const ProfileFeature& f : features) {
    if (f.prediction) return &f;
  }
  return nullptr;
}

const char* PresetName(config::DriftPreset preset) {
  switch (preset) {
    case config::DriftPreset::kAuto: return "auto";
    case config::DriftPreset::kEvidently: return "evidently";
    case config::DriftPreset::kNannyml: return "nannyml";
  }
  return "auto";
}

std::optional<config::DriftPreset> ParsePresetName(std::string_view name) {
  if (name == "auto") return config::DriftPreset::kAuto;
  if (name == "evidently") return config::DriftPreset::kEvidently;
  if (name == "nannyml") return config::DriftPreset::kNannyml;
  return std::nullopt;
}

namespace {
const char* TypeName(config::FeatureType type) {
  return type == config::FeatureType::kNumeric ? "numeric" : "categorical";
}
}  // namespace

std::string ValidateProfile(const Profile& profile, const config::ModelConfig& model) {
  if (profile.version != kProfileVersion) {
    return "profile version " + std::to_string(profile.version) + " is not supported (expected " +
           std::to_string(kProfileVersion) + ")";
  }
  if (profile.model != model.name) {
    return "profile is for model \"" + profile.model + "\", not \"" + model.name + "\"";
  }
  for (const config::FeatureConfig& f : model.features) {
    const ProfileFeature* p = profile.Find(f.name);
    if (p == nullptr) {
      return "feature \"" + f.name + "\" of model \"" + model.name +
             "\" is not in the profile (rebuild it with driftd baseline)";
    }
    if (p->type != f.type) {
      return "feature \"" + f.name + "\" is " + TypeName(f.type) + " in the config but " +
             TypeName(p->type) + " in the profile";
    }
  }
  if (const ProfileFeature* p = profile.FindPrediction(); p != nullptr) {
    if (!model.prediction) {
      return "profile holds a prediction but model \"" + model.name + "\" has no [prediction] table";
    }
    const config::FeatureType want = model.prediction->type == config::PredictionType::kClass
                                         ? config::FeatureType::kCategorical
                                         : config::FeatureType::kNumeric;
    if (p->type != want) {
      return std::string("the prediction is ") + TypeName(want) + " in the config but " + TypeName(p->type) +
             " in the profile";
    }
  }
  for (const ProfileFeature& p : profile.features) {
    if (p.prediction) continue;
    if (model.FindFeature(p.name) == nullptr) {
      return "profile feature \"" + p.name + "\" is not a feature of model \"" + model.name + "\"";
    }
  }
  return "";
}

std::vector<double> ReferenceBinEdges(const NumericSummary& reference, config::DriftPreset preset) {
  if (reference.count() == 0) return {};
  const BinRule rule = preset == config::DriftPreset::kNannyml ? BinRule::kDoane : BinRule::kSturges;
  SampleShape shape;
  if (reference.mode() == SummaryMode::kExact) {
    const WeightedSortedView view = reference.View();
    shape = ShapeOf(view.items());
  } else {
    shape.count = reference.count();
    shape.min = reference.min();
    shape.max = reference.max();
    shape.has_spread = reference.variance() > 0;
  }
  auto edges = RuleEdges(rule, shape);
  return edges ? std::move(*edges) : std::vector<double>{};
}

std::optional<double> CalibrateOnChunks(const DriftFeatureSpec& spec, const ColumnData& reference,
                                        std::span<const ColumnData> chunks,
                                        const config::DriftConfig& drift) {
  if (chunks.empty()) return std::nullopt;
  const TestKind test = ChooseTest(spec, reference, chunks.front(), drift.preset);
  if (IsPValueTest(test)) return std::nullopt;
  DriftFeatureSpec fixed = spec;
  fixed.test = TestName(test);
  fixed.threshold.reset();
  std::vector<double> statistics;
  for (const ColumnData& chunk : chunks) {
    const FeatureResult r = EvaluateFeature(fixed, reference, chunk, drift, 1);
    if (r.judged && std::isfinite(r.statistic)) statistics.push_back(r.statistic);
  }
  if (statistics.empty()) return std::nullopt;
  const double t = CalibratedThreshold(statistics, drift.calibration_k);
  if (!std::isfinite(t)) return std::nullopt;
  return t;
}

}  // namespace driftd::detectors
