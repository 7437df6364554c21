#include "detectors/monitors/quality_metrics.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "detectors/sketch/bytes.h"

namespace driftd::detectors {
namespace {

// scikit-learn 1.5 log_loss clips to [eps, 1 - eps] with eps the machine
// epsilon of the score's dtype (float64 here).
double PairLogLoss(int y, double p) {
  const double q = std::clamp(p, DBL_EPSILON, 1.0 - DBL_EPSILON);
  return y == 1 ? -std::log(q) : -std::log(1.0 - q);
}

// Mann-Whitney over two step CDFs: walk the distinct values in ascending
// order, crediting each positive with the negatives strictly below it plus
// half of those tied with it. Sums are in long double so that exact mode
// stays exact well past 2^53 pairs.
std::optional<double> AucOfViews(const WeightedSortedView& pos, const WeightedSortedView& neg) {
  if (pos.empty() || neg.empty()) return std::nullopt;
  const auto pi = pos.items();
  const auto ni = neg.items();
  std::size_t i = 0, j = 0;
  std::uint64_t pos_prev = 0, neg_prev = 0;
  long double neg_below = 0, twice_u = 0;
  while (i < pi.size() || j < ni.size()) {
    double v;
    if (j >= ni.size() || (i < pi.size() && pi[i] <= ni[j]))
      v = pi[i];
    else
      v = ni[j];
    long double wp = 0, wn = 0;
    while (i < pi.size() && pi[i] == v) {
      const std::uint64_t c = pos.CumulativeWeight(i);
      wp += static_cast<long double>(c - pos_prev);
      pos_prev = c;
      ++i;
    }
    while (j < ni.size() && ni[j] == v) {
      const std::uint64_t c = neg.CumulativeWeight(j);
      wn += static_cast<long double>(c - neg_prev);
      neg_prev = c;
      ++j;
    }
    twice_u += wp * (2 * neg_below + wn);
    neg_below += wn;
  }
  const long double denom =
      2.0L * static_cast<long double>(pos.total()) * static_cast<long double>(neg.total());
  return static_cast<double>(twice_u / denom);
}

}  // namespace

const char* QualityMetricName(QualityMetric metric) {
  switch (metric) {
    case QualityMetric::kAccuracy:
      return "accuracy";
    case QualityMetric::kPrecision:
      return "precision";
    case QualityMetric::kRecall:
      return "recall";
    case QualityMetric::kAuc:
      return "auc";
    case QualityMetric::kLogLoss:
      return "logloss";
    case QualityMetric::kMae:
      return "mae";
    case QualityMetric::kRmse:
      return "rmse";
  }
  return "";
}

std::optional<QualityMetric> ParseQualityMetric(std::string_view name) {
  for (int m = 0; m < kQualityMetricCount; ++m) {
    if (name == QualityMetricName(static_cast<QualityMetric>(m)))
      return static_cast<QualityMetric>(m);
  }
  return std::nullopt;
}

bool HigherIsBetter(QualityMetric metric) {
  return metric == QualityMetric::kAccuracy || metric == QualityMetric::kPrecision ||
         metric == QualityMetric::kRecall || metric == QualityMetric::kAuc;
}

bool IsRegressionMetric(QualityMetric metric) {
  return metric == QualityMetric::kMae || metric == QualityMetric::kRmse;
}

std::optional<int> BinaryOf(const Value& value) {
  if (const double* d = std::get_if<double>(&value)) {
    if (*d == 0.0) return 0;
    if (*d == 1.0) return 1;
    return std::nullopt;
  }
  if (const std::string* s = std::get_if<std::string>(&value)) {
    if (*s == "0" || *s == "false") return 0;
    if (*s == "1" || *s == "true") return 1;
  }
  return std::nullopt;
}

double Accuracy(std::span<const int> y_true, std::span<const int> y_pred) {
  std::size_t hits = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) hits += y_true[i] == y_pred[i] ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(y_true.size());
}

double Precision(std::span<const int> y_true, std::span<const int> y_pred) {
  std::size_t tp = 0, predicted = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    predicted += y_pred[i] == 1 ? 1 : 0;
    tp += (y_pred[i] == 1 && y_true[i] == 1) ? 1 : 0;
  }
  return predicted == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(predicted);
}

double Recall(std::span<const int> y_true, std::span<const int> y_pred) {
  std::size_t tp = 0, positive = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    positive += y_true[i] == 1 ? 1 : 0;
    tp += (y_pred[i] == 1 && y_true[i] == 1) ? 1 : 0;
  }
  return positive == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(positive);
}

std::optional<double> RocAuc(std::span<const int> y_true, std::span<const double> score) {
  std::vector<double> pos, neg;
  for (std::size_t i = 0; i < y_true.size(); ++i) (y_true[i] == 1 ? pos : neg).push_back(score[i]);
  std::sort(pos.begin(), pos.end());
  std::sort(neg.begin(), neg.end());
  return AucOfViews(WeightedSortedView::Borrow(pos), WeightedSortedView::Borrow(neg));
}

double LogLoss(std::span<const int> y_true, std::span<const double> score) {
  double sum = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) sum += PairLogLoss(y_true[i], score[i]);
  return sum / static_cast<double>(y_true.size());
}

double MeanAbsoluteError(std::span<const double> y_true, std::span<const double> y_pred) {
  double sum = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) sum += std::fabs(y_true[i] - y_pred[i]);
  return sum / static_cast<double>(y_true.size());
}

double RootMeanSquaredError(std::span<const double> y_true, std::span<const double> y_pred) {
  double sum = 0;
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    const double d = y_true[i] - y_pred[i];
    sum += d * d;
  }
  return std::sqrt(sum / static_cast<double>(y_true.size()));
}

QualityAccumulator::QualityAccumulator(NumericSummaryOptions options)
    : positive_scores_(options), negative_scores_(options) {}

void QualityAccumulator::AddBinary(int label, int predicted, std::optional<double> score) {
  if (label == 1) {
    (predicted == 1 ? tp_ : fn_) += 1;
  } else {
    (predicted == 1 ? fp_ : tn_) += 1;
  }
  if (score && std::isfinite(*score)) {
    ++scored_;
    logloss_sum_ += PairLogLoss(label, *score);
    (label == 1 ? positive_scores_ : negative_scores_).Add(*score);
  }
}

void QualityAccumulator::AddRegression(double label, double prediction) {
  if (!std::isfinite(label) || !std::isfinite(prediction)) return;
  ++regression_;
  const double d = label - prediction;
  abs_sum_ += std::fabs(d);
  sq_sum_ += d * d;
}

void QualityAccumulator::Merge(const QualityAccumulator& other) {
  tp_ += other.tp_;
  fp_ += other.fp_;
  tn_ += other.tn_;
  fn_ += other.fn_;
  scored_ += other.scored_;
  logloss_sum_ += other.logloss_sum_;
  positive_scores_.Merge(other.positive_scores_);
  negative_scores_.Merge(other.negative_scores_);
  regression_ += other.regression_;
  abs_sum_ += other.abs_sum_;
  sq_sum_ += other.sq_sum_;
}

void QualityAccumulator::Clear() {
  tp_ = fp_ = tn_ = fn_ = scored_ = regression_ = 0;
  logloss_sum_ = abs_sum_ = sq_sum_ = 0;
  positive_scores_.Clear(0, positive_scores_.options().seed);
  negative_scores_.Clear(0, negative_scores_.options().seed);
}

std::uint64_t QualityAccumulator::Count(QualityMetric metric) const {
  switch (metric) {
    case QualityMetric::kAccuracy:
    case QualityMetric::kPrecision:
    case QualityMetric::kRecall:
      return tp_ + fp_ + tn_ + fn_;
    case QualityMetric::kAuc:
    case QualityMetric::kLogLoss:
      return scored_;
    case QualityMetric::kMae:
    case QualityMetric::kRmse:
      return regression_;
  }
  return 0;
}

std::optional<double> QualityAccumulator::Value(QualityMetric metric) const {
  if (Count(metric) == 0) return std::nullopt;
  const auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  switch (metric) {
    case QualityMetric::kAccuracy:
      return d(tp_ + tn_) / d(tp_ + fp_ + tn_ + fn_);
    case QualityMetric::kPrecision:
      return tp_ + fp_ == 0 ? 0.0 : d(tp_) / d(tp_ + fp_);
    case QualityMetric::kRecall:
      return tp_ + fn_ == 0 ? 0.0 : d(tp_) / d(tp_ + fn_);
    case QualityMetric::kAuc:
      return AucOfViews(positive_scores_.View(), negative_scores_.View());
    case QualityMetric::kLogLoss:
      return logloss_sum_ / d(scored_);
    case QualityMetric::kMae:
      return abs_sum_ / d(regression_);
    case QualityMetric::kRmse:
      return std::sqrt(sq_sum_ / d(regression_));
  }
  return std::nullopt;
}

const char* QualityAccumulator::Mode(QualityMetric metric) const {
  if (metric == QualityMetric::kAuc && (positive_scores_.mode() == SummaryMode::kSketch ||
                                        negative_scores_.mode() == SummaryMode::kSketch)) {
    return "sketch";
  }
  return "exact";
}

void QualityAccumulator::AppendTo(std::string* out) const {
  for (std::uint64_t v : {tp_, fp_, tn_, fn_, scored_, regression_}) bytes::AppendU64(out, v);
  for (double v : {logloss_sum_, abs_sum_, sq_sum_}) bytes::AppendF64(out, v);
  positive_scores_.AppendTo(out);
  negative_scores_.AppendTo(out);
}

std::optional<QualityAccumulator> QualityAccumulator::Parse(std::string_view* in) {
  QualityAccumulator q;
  for (std::uint64_t* v : {&q.tp_, &q.fp_, &q.tn_, &q.fn_, &q.scored_, &q.regression_}) {
    if (!bytes::ReadU64(in, v)) return std::nullopt;
  }
  for (double* v : {&q.logloss_sum_, &q.abs_sum_, &q.sq_sum_}) {
    if (!bytes::ReadF64(in, v)) return std::nullopt;
  }
  auto pos = NumericSummary::Parse(in);
  if (!pos) return std::nullopt;
  auto neg = NumericSummary::Parse(in);
  if (!neg) return std::nullopt;
  q.positive_scores_ = std::move(*pos);
  q.negative_scores_ = std::move(*neg);
  return q;
}

}  // namespace driftd::detectors
