// M7 prediction-quality metrics: plain functions over joined (label,
// prediction) pairs, which tests check against scikit-learn, and
// QualityAccumulator, the mergeable per-pane form the monitors keep.
//
// Definitions (scikit-learn 1.5 names and conventions):
//   accuracy   share of pairs with predicted class == label (accuracy_score)
//   precision  tp / (tp + fp); 0 when nothing is predicted positive
//              (precision_score, zero_division=0)
//   recall     tp / (tp + fn); 0 when no label is positive (recall_score)
//   auc        area under the ROC curve with ties counted half, i.e. the
//              Mann-Whitney U / (n+ n-) (roc_auc_score); undefined (nullopt)
//              unless both classes occur
//   logloss    -mean(y log p + (1-y) log(1-p)) with p clipped to
//              [eps, 1-eps], eps = DBL_EPSILON (log_loss in 1.5, whose eps
//              is np.finfo(float64).eps)
//   mae, rmse  mean_absolute_error, root of mean_squared_error
// Binary labels are 0 or 1; scores are P(label = 1).
//
// Thread-safety: none; values.
#ifndef DRIFTD_DETECTORS_MONITORS_QUALITY_METRICS_H_
#define DRIFTD_DETECTORS_MONITORS_QUALITY_METRICS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "detectors/event.h"
#include "detectors/window/numeric_summary.h"

namespace driftd::detectors {

enum class QualityMetric { kAccuracy, kPrecision, kRecall, kAuc, kLogLoss, kMae, kRmse };
inline constexpr int kQualityMetricCount = 7;

// "accuracy", "precision", "recall", "auc", "logloss", "mae", "rmse".
const char* QualityMetricName(QualityMetric metric);
std::optional<QualityMetric> ParseQualityMetric(std::string_view name);
// accuracy, precision, recall, auc: floors apply; logloss, mae, rmse: ceilings.
bool HigherIsBetter(QualityMetric metric);
// Regression metrics need numeric predictions and labels; the rest binary ones.
bool IsRegressionMetric(QualityMetric metric);

// 0/1 from a label or class value: numbers 0 and 1 (booleans decode to
// them), strings "0"/"1"/"false"/"true"; anything else is nullopt.
std::optional<int> BinaryOf(const Value& value);

// REQUIRES for all: equal, non-zero lengths; labels 0 or 1.
double Accuracy(std::span<const int> y_true, std::span<const int> y_pred);
double Precision(std::span<const int> y_true, std::span<const int> y_pred);
double Recall(std::span<const int> y_true, std::span<const int> y_pred);
std::optional<double> RocAuc(std::span<const int> y_true, std::span<const double> score);
double LogLoss(std::span<const int> y_true, std::span<const double> score);
double MeanAbsoluteError(std::span<const double> y_true, std::span<const double> y_pred);
double RootMeanSquaredError(std::span<const double> y_true, std::span<const double> y_pred);

// The additive state behind every metric, for one pane, window or reference
// period. Accuracy, precision, recall, log-loss, MAE and RMSE are exact sums.
// AUC keeps the scores of positives and of negatives in two NumericSummary
// (exact up to `exact_up_to` values each, then KLL sketches): exact while
// both are exact; beyond, within epsilon(pos) + epsilon(neg) of the exact
// AUC (the AUC is an integral of one empirical CDF against the other, and
// each CDF is off by at most its epsilon).
class QualityAccumulator {
 public:
  explicit QualityAccumulator(NumericSummaryOptions options = {});

  // A joined binary pair; `score` when the prediction carries one.
  void AddBinary(int label, int predicted, std::optional<double> score);
  // A joined regression pair.
  void AddRegression(double label, double prediction);

  void Merge(const QualityAccumulator& other);
  void Clear();

  // Pairs that can produce `metric`.
  std::uint64_t Count(QualityMetric metric) const;
  // nullopt when Count(metric) == 0 (or, for auc, one class is absent).
  std::optional<double> Value(QualityMetric metric) const;
  // "exact" or "sketch" (auc only; every other metric is exact).
  const char* Mode(QualityMetric metric) const;

  void AppendTo(std::string* out) const;
  [[nodiscard]] static std::optional<QualityAccumulator> Parse(std::string_view* in);

 private:
  std::uint64_t tp_ = 0, fp_ = 0, tn_ = 0, fn_ = 0;
  std::uint64_t scored_ = 0;
  double logloss_sum_ = 0;
  NumericSummary positive_scores_;
  NumericSummary negative_scores_;
  std::uint64_t regression_ = 0;
  double abs_sum_ = 0;
  double sq_sum_ = 0;
};

}  // namespace driftd::detectors

#endif  // DRIFTD_DETECTORS_MONITORS_QUALITY_METRICS_H_
