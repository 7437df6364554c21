// Builders shared by the alerts unit tests.
#ifndef DRIFTD_ALERTS_TESTS_TEST_UTIL_H_
#define DRIFTD_ALERTS_TESTS_TEST_UTIL_H_

#include <memory>
#include <string>

#include "config/config.h"
#include "detectors/finding.h"

namespace driftd::alerts::testing {

using namespace std::chrono_literals;

inline const Timestamp kT0 = Timestamp(std::chrono::seconds(1'800'000'000));

// One model "fraud" (min_samples 100) with features amount and country;
// evaluation every 15 s, re-send every minute.
inline std::shared_ptr<config::Config> TestConfig() {
  auto c = std::make_shared<config::Config>();
  c->daemon.evaluation_interval = 15s;
  c->alerts.resend_interval = 1min;
  config::ModelConfig m;
  m.name = "fraud";
  m.min_samples = 100;
  config::FeatureConfig amount;
  amount.name = "amount";
  config::FeatureConfig country;
  country.name = "country";
  country.type = config::FeatureType::kCategorical;
  m.features = {amount, country};
  c->models.push_back(m);
  config::ModelConfig churn;
  churn.name = "churn";
  c->models.push_back(churn);
  return c;
}

// A KS drift finding of fraud/amount: failing iff statistic >= threshold.
inline Finding DriftFinding(double statistic, double threshold = 0.2, std::uint64_t samples = 500,
                            const std::string& feature = "amount") {
  Finding f;
  f.model = "fraud";
  f.check = Check::kFeatureDrift;
  f.subject = feature;
  f.test = "ks";
  f.statistic = statistic;
  f.threshold = threshold;
  f.failing = statistic >= threshold;
  f.samples = samples;
  f.reference_samples = 10000;
  f.mode = "exact";
  f.window = std::chrono::hours(1);
  return f;
}

inline ModelEvaluation Eval(std::initializer_list<Finding> findings, const std::string& model = "fraud") {
  ModelEvaluation e;
  e.model = model;
  e.findings = findings;
  return e;
}

}  // namespace driftd::alerts::testing

#endif  // DRIFTD_ALERTS_TESTS_TEST_UTIL_H_
