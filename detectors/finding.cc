#include "detectors/finding.h"

namespace driftd {

const char* CheckAlertName(Check check) {
  switch (check) {
    case Check::kFeatureDrift: return "FeatureDrift";
    case Check::kPredictionDrift: return "PredictionDrift";
    case Check::kDatasetDrift: return "DatasetDrift";
    case Check::kInvariantViolated: return "DataInvariantViolated";
    case Check::kModelStale: return "ModelStale";
    case Check::kDataSilent: return "DataSilent";
    case Check::kNonFinite: return "NonFinitePredictions";
    case Check::kLatencyRegression: return "LatencyRegression";
    case Check::kThroughputDrop: return "ThroughputDrop";
    case Check::kQualityRegression: return "QualityRegression";
    case Check::kDependencyChanged: return "DependencyChanged";
  }
  return "Unknown";
}

const char* CheckItem(Check check) {
  switch (check) {
    case Check::kDependencyChanged: return "M1";
    case Check::kInvariantViolated: return "M2";
    case Check::kFeatureDrift:
    case Check::kDatasetDrift: return "M3";
    case Check::kModelStale:
    case Check::kDataSilent: return "M4";
    case Check::kNonFinite: return "M5";
    case Check::kLatencyRegression:
    case Check::kThroughputDrop: return "M6";
    case Check::kPredictionDrift:
    case Check::kQualityRegression: return "M7";
  }
  return "";
}

}  // namespace driftd
