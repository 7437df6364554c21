#include <gtest/gtest.h>

#include <string>

#include "daemon/metrics.h"

namespace driftd {
namespace {

ModelDrift Drift(bool x_judged) {
  ModelDrift d;
  d.model = "fraud";
  d.current_samples = 1500;
  d.reference_samples = 500;
  ColumnDrift x;
  x.column = "amount";
  x.test = "ks";
  x.statistic = 0.25;
  x.p_value = 0.001;
  x.threshold = 0.05;
  x.judged = x_judged;
  x.drifted = x_judged;
  ColumnDrift c;
  c.column = "country";
  c.test = "jensenshannon";
  c.statistic = 0.02;
  c.threshold = 0.1;
  c.judged = true;
  d.columns = {x, c};
  d.judged_features = x_judged ? 2 : 1;
  d.dataset_drift_share = x_judged ? 0.5 : 0.0;
  return d;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(DriftMetricsTest, PublishesEverySeriesWithItsLabels) {
  Metrics metrics("1.0", "abc");
  metrics.ModelEvaluated(Drift(true));
  metrics.ObserveEvaluationDuration(0.002);
  const std::string text = metrics.Serialize();
  EXPECT_TRUE(Has(text, R"(driftd_feature_drift_score{feature="amount",model="fraud",test="ks"} 0.25)")) << text;
  EXPECT_TRUE(Has(text, R"(driftd_feature_drift_p_value{feature="amount",model="fraud",test="ks"} 0.001)"));
  EXPECT_TRUE(Has(text, R"(driftd_feature_drifted{feature="amount",model="fraud"} 1)"));
  EXPECT_TRUE(Has(text, R"(driftd_feature_drifted{feature="country",model="fraud"} 0)"));
  EXPECT_TRUE(Has(text, R"(driftd_feature_drift_score{feature="country",model="fraud",test="jensenshannon"} 0.02)"));
  // A distance has no p-value series.
  EXPECT_EQ(text.find(R"(driftd_feature_drift_p_value{feature="country")"), std::string::npos);
  EXPECT_TRUE(Has(text, R"(driftd_dataset_drift_share{model="fraud"} 0.5)"));
  EXPECT_TRUE(Has(text, R"(driftd_window_samples{model="fraud",window="current"} 1500)"));
  EXPECT_TRUE(Has(text, R"(driftd_window_samples{model="fraud",window="reference"} 500)"));
  EXPECT_TRUE(Has(text, "driftd_evaluation_duration_seconds_count 1"));
  EXPECT_NE(text.find("# TYPE driftd_evaluation_duration_seconds histogram"), std::string::npos);
}

TEST(DriftMetricsTest, SeriesOfColumnsNoLongerJudgedAreRemoved) {
  Metrics metrics("1.0", "abc");
  metrics.ModelEvaluated(Drift(true));
  metrics.ModelEvaluated(Drift(false));
  const std::string text = metrics.Serialize();
  EXPECT_EQ(text.find(R"(driftd_feature_drift_score{feature="amount")"), std::string::npos) << text;
  EXPECT_EQ(text.find(R"(driftd_feature_drift_p_value{feature="amount")"), std::string::npos);
  EXPECT_TRUE(Has(text, R"(driftd_feature_drifted{feature="amount",model="fraud"} 0)"));
}

TEST(DriftMetricsTest, ATestChangeReplacesTheSeries) {
  Metrics metrics("1.0", "abc");
  metrics.ModelEvaluated(Drift(true));
  ModelDrift d = Drift(true);
  d.columns[0].test = "wasserstein";
  d.columns[0].p_value.reset();
  metrics.ModelEvaluated(d);
  const std::string text = metrics.Serialize();
  EXPECT_EQ(text.find(R"(test="ks")"), std::string::npos) << text;
  EXPECT_TRUE(Has(text, R"(driftd_feature_drift_score{feature="amount",model="fraud",test="wasserstein"} 0.25)"));
}

TEST(DriftMetricsTest, ModelsRemovedByAReloadLoseTheirSeries) {
  Metrics metrics("1.0", "abc");
  metrics.ModelEvaluated(Drift(true));
  ModelDrift other = Drift(true);
  other.model = "churn";
  metrics.ModelEvaluated(other);
  metrics.RetainDriftModels({"churn"});
  const std::string text = metrics.Serialize();
  EXPECT_EQ(text.find(R"(model="fraud")"), std::string::npos) << text;
  EXPECT_TRUE(Has(text, R"(driftd_dataset_drift_share{model="churn"} 0.5)"));
}

}  // namespace
}  // namespace driftd
