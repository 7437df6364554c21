#include "daemon/drift_judge.h"

#include <cstdio>
#include <utility>

#include "detectors/drift/drift.h"

namespace driftd {
namespace {

using detectors::FeatureKind;

std::uint64_t ValuesOf(const detectors::SummarySet& set, std::size_t column) {
  return set.kind(column) == FeatureKind::kNumeric ? set.numeric(column).count()
                                                    : set.categorical(column).total();
}

// Why `set` cannot be compared column by column with the snapshot's columns
// (a baseline built for another feature set), or empty.
std::string ShapeProblem(const detectors::SummarySet& set, const std::vector<WindowColumn>& columns,
                         const char* what) {
  if (set.num_features() != columns.size()) {
    return std::string(what) + " has " + std::to_string(set.num_features()) + " columns, the model " +
           std::to_string(columns.size());
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (set.kind(i) != columns[i].kind) {
      return std::string(what) + " column " + columns[i].name + " has another type than configured";
    }
  }
  return "";
}

ColumnDrift FromResult(const detectors::FeatureResult& r, bool is_prediction) {
  ColumnDrift c;
  c.column = r.name;
  c.is_prediction = is_prediction;
  c.test = detectors::TestName(r.test);
  c.statistic = r.statistic;
  c.p_value = r.p_value;
  c.adjusted_p_value = r.adjusted_p_value;
  c.effect_size = r.effect_size;
  c.threshold = r.threshold;
  c.drifted = r.drifted;
  c.judged = r.judged;
  c.mode = r.judged ? r.mode : "";
  c.samples = r.current_count;
  c.reference_samples = r.reference_count;
  c.note = r.note;
  return c;
}

std::string Number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

Finding ToFinding(const std::string& model, Check check, const ColumnDrift& c, const ModelDrift& drift,
                  Duration window) {
  Finding f;
  f.model = model;
  f.check = check;
  f.subject = c.column;
  f.failing = c.drifted;
  f.judged = c.judged;
  f.test = c.test;
  // The number compared with the threshold (see drift_judge.h).
  const std::optional<double> p = c.adjusted_p_value ? c.adjusted_p_value : c.p_value;
  f.statistic = p ? *p : c.statistic;
  f.threshold = c.threshold;
  f.p_value = c.p_value;
  f.samples = c.samples;
  f.reference_samples = c.reference_samples;
  f.mode = c.mode;
  f.evaluated_at = drift.evaluated_at;
  f.window = window;
  if (!c.judged) {
    f.details = c.column + ": not judged (" + (c.note.empty() ? "no verdict" : c.note) + ")";
  } else {
    f.details = c.column + ": " + c.test + " statistic " + Number(c.statistic);
    if (c.p_value) f.details += ", p-value " + Number(*c.p_value);
    if (c.adjusted_p_value) f.details += " (adjusted " + Number(*c.adjusted_p_value) + ")";
    if (c.effect_size) f.details += ", effect size " + Number(*c.effect_size);
    f.details += ", threshold " + Number(c.threshold) + ", " + std::to_string(c.samples) +
                 " current vs " + std::to_string(c.reference_samples) + " reference values (" + c.mode + ")";
    if (!c.note.empty()) f.details += "; " + c.note;
  }
  return f;
}

ColumnDrift NotJudged(const WindowColumn& column, const ModelWindowSnapshot& s, std::size_t i,
                      const std::string& why) {
  ColumnDrift c;
  c.column = column.name;
  c.is_prediction = column.is_prediction;
  c.note = why;
  if (s.current && i < s.current->num_features()) c.samples = ValuesOf(*s.current, i);
  return c;
}

// The calibrated threshold that applies to column i, if any (see
// daemon/calibration.h), set into *spec: only when the model calibrates, the
// column has no configured threshold and its test is the calibrated one
// ("auto" takes the calibrated test).
const CalibratedColumn* CalibrationFor(const config::ModelConfig& model, const ModelWindowSnapshot& s,
                                       std::size_t i, detectors::DriftFeatureSpec* spec) {
  const bool calibrates = model.drift.calibrate || model.drift.preset == config::DriftPreset::kNannyml;
  if (!calibrates || spec->threshold || s.calibration == nullptr) return nullptr;
  const CalibratedColumn* c = s.calibration->Find(i);
  if (c == nullptr) return nullptr;
  const auto configured = detectors::ParseTestName(spec->test);
  const auto calibrated = detectors::ParseTestName(c->test);
  if (!calibrated) return nullptr;
  if (configured && *configured != *calibrated) return nullptr;
  spec->test = c->test;
  spec->threshold = c->threshold;
  return c;
}

// A distance against a threshold calibrated on reference chunks, NannyML's
// way: drift only strictly above it (a column without spread calibrates to
// 0 and must not drift at 0), and only on a current window of at least one
// chunk's rows: the threshold describes the noise of chunks that size, and a
// smaller window is noisier.
void ApplyCalibration(const CalibratedColumn& calibrated, detectors::FeatureResult* r) {
  if (!r->note.empty()) r->note += "; ";
  r->note += "threshold calibrated on " + std::to_string(calibrated.chunks) + " reference chunks of " +
             std::to_string(calibrated.chunk_rows) + " rows";
  if (!r->judged) return;
  if (r->current_count < calibrated.chunk_rows) {
    r->judged = false;
    r->drifted = false;
    r->note += "; not judged: the current window has " + std::to_string(r->current_count) +
               " values, fewer than a calibration chunk";
    return;
  }
  r->drifted = r->statistic > r->threshold;
}

}  // namespace

Judgement JudgeModel(const config::ModelConfig& model, const ModelWindowSnapshot& s) {
  Judgement out;
  ModelDrift& drift = out.drift;
  drift.model = s.model;
  drift.evaluated_at = s.taken_at;
  drift.drift_share_threshold = model.drift.drift_share;
  drift.current_samples = s.status.current_events;
  drift.reference_samples = s.status.reference_events;

  std::string why;
  if (!s.current) {
    why = s.not_ready_reason.empty() ? "no current window" : s.not_ready_reason;
  } else if (!s.reference) {
    why = s.not_ready_reason.empty() ? "no reference" : s.not_ready_reason;
  } else if (std::string p = ShapeProblem(*s.reference, s.columns, "reference"); !p.empty()) {
    why = p;
  } else if (std::string q = ShapeProblem(*s.current, s.columns, "current window"); !q.empty()) {
    why = q;
  }

  if (!why.empty()) {
    drift.not_judged_reason = why;
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      drift.columns.push_back(NotJudged(s.columns[i], s, i, why));
    }
  } else {
    std::vector<detectors::FeatureResult> features;
    std::optional<detectors::FeatureResult> prediction;
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
      detectors::DriftFeatureSpec spec;
      spec.name = s.columns[i].name;
      spec.type = s.columns[i].kind == FeatureKind::kNumeric ? config::FeatureType::kNumeric
                                                             : config::FeatureType::kCategorical;
      if (s.columns[i].is_prediction) {
        spec.test = model.prediction->test;
        spec.threshold = model.prediction->threshold;
      } else if (const config::FeatureConfig* f = model.FindFeature(spec.name)) {
        spec.test = f->test;
        spec.threshold = f->threshold;
      }
      const CalibratedColumn* calibrated = CalibrationFor(model, s, i, &spec);
      detectors::FeatureResult r = detectors::EvaluateFeature(
          spec, detectors::ColumnOf(*s.reference, i), detectors::ColumnOf(*s.current, i), model.drift,
          model.min_samples);
      if (calibrated != nullptr) ApplyCalibration(*calibrated, &r);
      if (s.columns[i].is_prediction) {
        prediction = std::move(r);
      } else {
        features.push_back(std::move(r));
      }
    }
    detectors::DriftReport report = detectors::Decide(std::move(features), model.drift);
    for (const auto& r : report.features) drift.columns.push_back(FromResult(r, false));
    if (prediction) {
      detectors::DriftReport alone = detectors::Decide({std::move(*prediction)}, model.drift);
      drift.columns.push_back(FromResult(alone.features.front(), true));
    }
    drift.dataset_drift_share = report.drift_share;
    drift.dataset_drift = report.dataset_drift;
    drift.judged_features = report.judged;
  }

  ModelEvaluation& evaluation = out.evaluation;
  evaluation.model = s.model;
  evaluation.evaluated_at = s.taken_at;
  for (const auto& c : drift.columns) {
    evaluation.findings.push_back(ToFinding(
        s.model, c.is_prediction ? Check::kPredictionDrift : Check::kFeatureDrift, c, drift, model.window));
  }
  Finding dataset;
  dataset.model = s.model;
  dataset.check = Check::kDatasetDrift;
  dataset.failing = drift.dataset_drift;
  dataset.judged = drift.judged_features > 0;
  dataset.test = "drift_share";
  dataset.statistic = drift.dataset_drift_share;
  dataset.threshold = drift.drift_share_threshold;
  dataset.samples = drift.current_samples;
  dataset.reference_samples = drift.reference_samples;
  dataset.evaluated_at = s.taken_at;
  dataset.window = model.window;
  std::uint64_t drifted = 0;
  for (const auto& c : drift.columns) drifted += (!c.is_prediction && c.drifted) ? 1 : 0;
  dataset.details = dataset.judged
                        ? std::to_string(drifted) + " of " + std::to_string(drift.judged_features) +
                              " judged features drifted (share " + Number(drift.dataset_drift_share) +
                              ", threshold " + Number(drift.drift_share_threshold) + ")"
                        : "not judged (" + (why.empty() ? std::string("no feature judged") : why) + ")";
  evaluation.findings.push_back(std::move(dataset));
  return out;
}

}  // namespace driftd
