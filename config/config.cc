#include "config/config.h"

namespace driftd::config {

const FeatureConfig* ModelConfig::FindFeature(std::string_view feature) const {
  for (const auto& f : features) {
    if (f.name == feature) return &f;
  }
  return nullptr;
}

const ModelConfig* Config::FindModel(std::string_view model) const {
  for (const auto& m : models) {
    if (m.name == model) return &m;
  }
  return nullptr;
}

}  // namespace driftd::config
