// Turns one model's window snapshot into verdicts with the drift decision
// layer (detectors/drift/drift.h): per feature EvaluateFeature, then Decide
// for the correction, effect-size gating and the dataset verdict. The
// prediction column is judged alone (its own Decide) and never counts
// towards the dataset drift share.
#ifndef DRIFTD_DAEMON_DRIFT_JUDGE_H_
#define DRIFTD_DAEMON_DRIFT_JUDGE_H_

#include "config/config.h"
#include "daemon/evaluation_probe.h"
#include "daemon/model_windows.h"
#include "detectors/finding.h"

namespace driftd {

struct Judgement {
  ModelDrift drift;
  // One kFeatureDrift finding per feature (subject = feature), one
  // kPredictionDrift when the prediction is configured (subject =
  // "prediction") and one kDatasetDrift (no subject). For p-value tests a
  // finding's statistic is the adjusted p-value, the number compared with
  // the threshold (failing below it); otherwise the distance (failing at or
  // above it). Without a reference every finding has judged = false.
  ModelEvaluation evaluation;
};

// Pure: no I/O, no clock. REQUIRES: snapshot was taken under `model`.
[[nodiscard]] Judgement JudgeModel(const config::ModelConfig& model, const ModelWindowSnapshot& snapshot);

}  // namespace driftd

#endif  // DRIFTD_DAEMON_DRIFT_JUDGE_H_
