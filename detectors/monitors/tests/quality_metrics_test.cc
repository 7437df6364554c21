// Quality metrics against scikit-learn: detectors/monitors/tests/data/
// quality_cases.json holds inputs and the values sklearn.metrics 1.5.2
// computed from them (scripts/gen_quality_cases.py); each case names its
// functions in "source".
#include "detectors/monitors/quality_metrics.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

namespace driftd::detectors {
namespace {

constexpr double kRelTol = 1e-9;

boost::json::array LoadCases() {
  std::ifstream in(DRIFTD_MONITORS_TEST_DATA "/quality_cases.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return boost::json::parse(ss.str()).as_object().at("cases").as_array();
}

template <typename T>
std::vector<T> Numbers(const boost::json::value& v) {
  std::vector<T> out;
  for (const auto& x : v.as_array())
    out.push_back(static_cast<T>(x.is_double() ? x.as_double() : x.to_number<double>()));
  return out;
}

void ExpectNear(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, kRelTol * std::max(1.0, std::fabs(want))) << what;
}

TEST(QualityMetricsTest, CasesFileHasBinaryAndRegressionCases) {
  const auto cases = LoadCases();
  int binary = 0, regression = 0;
  for (const auto& c : cases) (c.at("kind").as_string() == "binary" ? binary : regression) += 1;
  EXPECT_GE(binary, 5);
  EXPECT_GE(regression, 2);
}

TEST(QualityMetricsTest, FunctionsAgreeWithScikitLearn) {
  for (const auto& cv : LoadCases()) {
    const auto& c = cv.as_object();
    const std::string name(c.at("name").as_string());
    const auto& expected = c.at("expected").as_object();
    SCOPED_TRACE(name + " (" + std::string(c.at("source").as_string()) + ")");
    if (c.at("kind").as_string() == "regression") {
      const auto y = Numbers<double>(c.at("y_true"));
      const auto p = Numbers<double>(c.at("prediction"));
      ExpectNear(MeanAbsoluteError(y, p), expected.at("mae").as_double(), "mae");
      ExpectNear(RootMeanSquaredError(y, p), expected.at("rmse").as_double(), "rmse");
      continue;
    }
    const auto y = Numbers<int>(c.at("y_true"));
    const auto p = Numbers<double>(c.at("score"));
    const double threshold = c.at("threshold").to_number<double>();
    std::vector<int> pred;
    for (double s : p) pred.push_back(s >= threshold ? 1 : 0);
    ExpectNear(Accuracy(y, pred), expected.at("accuracy").as_double(), "accuracy");
    ExpectNear(Precision(y, pred), expected.at("precision").as_double(), "precision");
    ExpectNear(Recall(y, pred), expected.at("recall").as_double(), "recall");
    ExpectNear(LogLoss(y, p), expected.at("logloss").as_double(), "logloss");
    const auto auc = RocAuc(y, p);
    if (expected.contains("auc")) {
      ASSERT_TRUE(auc.has_value());
      ExpectNear(*auc, expected.at("auc").as_double(), "auc");
    } else {
      EXPECT_FALSE(auc.has_value()) << "AUC is undefined with one class";
    }
  }
}

// The accumulator, fed in three uneven parts and merged as panes are, gives
// the same numbers as sklearn.
TEST(QualityMetricsTest, MergedAccumulatorAgreesWithScikitLearn) {
  for (const auto& cv : LoadCases()) {
    const auto& c = cv.as_object();
    const auto& expected = c.at("expected").as_object();
    SCOPED_TRACE(std::string(c.at("name").as_string()));
    QualityAccumulator parts[3];
    if (c.at("kind").as_string() == "regression") {
      const auto y = Numbers<double>(c.at("y_true"));
      const auto p = Numbers<double>(c.at("prediction"));
      for (std::size_t i = 0; i < y.size(); ++i)
        parts[i % 7 == 0 ? 0 : (i % 2) + 1].AddRegression(y[i], p[i]);
      parts[0].Merge(parts[1]);
      parts[0].Merge(parts[2]);
      ExpectNear(*parts[0].Value(QualityMetric::kMae), expected.at("mae").as_double(), "mae");
      ExpectNear(*parts[0].Value(QualityMetric::kRmse), expected.at("rmse").as_double(), "rmse");
      EXPECT_EQ(parts[0].Count(QualityMetric::kMae), y.size());
      continue;
    }
    const auto y = Numbers<int>(c.at("y_true"));
    const auto p = Numbers<double>(c.at("score"));
    const double threshold = c.at("threshold").to_number<double>();
    for (std::size_t i = 0; i < y.size(); ++i) {
      parts[i % 7 == 0 ? 0 : (i % 2) + 1].AddBinary(y[i], p[i] >= threshold ? 1 : 0, p[i]);
    }
    parts[0].Merge(parts[1]);
    parts[0].Merge(parts[2]);
    const QualityAccumulator& q = parts[0];
    for (const char* metric : {"accuracy", "precision", "recall", "logloss", "auc"}) {
      const auto m = ParseQualityMetric(metric);
      ASSERT_TRUE(m.has_value());
      if (!expected.contains(metric)) {
        EXPECT_FALSE(q.Value(*m).has_value()) << metric;
        continue;
      }
      ASSERT_TRUE(q.Value(*m).has_value()) << metric;
      ExpectNear(*q.Value(*m), expected.at(metric).as_double(), metric);
    }
    EXPECT_STREQ(q.Mode(QualityMetric::kAuc), "exact");
  }
}

// Past exact_up_to the scores go to KLL sketches; the AUC stays within the
// stated bound epsilon(pos) + epsilon(neg) of the exact one (RocAuc above,
// itself checked against sklearn).
TEST(QualityMetricsTest, SketchAucWithinStatedBound) {
  NumericSummaryOptions options;
  options.exact_up_to = 500;
  options.kll_k = 200;
  QualityAccumulator q(options);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 1);
  std::vector<int> y;
  std::vector<double> s;
  for (int i = 0; i < 50000; ++i) {
    const int label = i % 3 == 0 ? 1 : 0;
    const double score = 1 / (1 + std::exp(-(noise(rng) + 1.2 * label)));
    y.push_back(label);
    s.push_back(score);
    q.AddBinary(label, score >= 0.5, score);
  }
  EXPECT_STREQ(q.Mode(QualityMetric::kAuc), "sketch");
  const double exact = *RocAuc(y, s);
  const double bound = 2 * KllSketch::AllRanksError(200);
  EXPECT_NEAR(*q.Value(QualityMetric::kAuc), exact, bound);
  // The additive metrics stay exact in sketch mode.
  std::vector<int> pred;
  for (double v : s) pred.push_back(v >= 0.5 ? 1 : 0);
  ExpectNear(*q.Value(QualityMetric::kAccuracy), Accuracy(y, pred), "accuracy");
  ExpectNear(*q.Value(QualityMetric::kLogLoss), LogLoss(y, s), "logloss");
}

TEST(QualityMetricsTest, BinaryOfReadsLabels) {
  EXPECT_EQ(BinaryOf(Value(1.0)), 1);
  EXPECT_EQ(BinaryOf(Value(0.0)), 0);
  EXPECT_EQ(BinaryOf(Value(std::string("true"))), 1);
  EXPECT_EQ(BinaryOf(Value(std::string("0"))), 0);
  EXPECT_FALSE(BinaryOf(Value(2.0)).has_value());
  EXPECT_FALSE(BinaryOf(Value(std::string("cat"))).has_value());
  EXPECT_FALSE(BinaryOf(Value(Missing{})).has_value());
}

TEST(QualityMetricsTest, AccumulatorRoundTrips) {
  QualityAccumulator q;
  q.AddBinary(1, 1, 0.9);
  q.AddBinary(0, 1, 0.6);
  q.AddRegression(3.0, 2.5);
  std::string bytes;
  q.AppendTo(&bytes);
  std::string_view in(bytes);
  auto back = QualityAccumulator::Parse(&in);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(in.empty());
  for (int m = 0; m < kQualityMetricCount; ++m) {
    EXPECT_EQ(back->Value(static_cast<QualityMetric>(m)), q.Value(static_cast<QualityMetric>(m)));
  }
  std::string_view truncated(bytes.data(), bytes.size() - 3);
  EXPECT_FALSE(QualityAccumulator::Parse(&truncated).has_value());
}

}  // namespace
}  // namespace driftd::detectors
