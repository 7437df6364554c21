// Reference profiles: JSON round trips, structural errors, and validation
// against a model's config.
#include <gtest/gtest.h>

#include "detectors/drift/profile.h"
#include "detectors/drift/tests/test_util.h"

namespace driftd::detectors {
namespace {

Profile SampleProfile() {
  Profile p;
  p.model = "fraud";
  p.rows = 3000;
  p.source = "train.csv";
  p.preset = config::DriftPreset::kNannyml;
  ProfileFeature amount;
  amount.name = "amount";
  amount.type = config::FeatureType::kNumeric;
  NumericSummary s(NumericSummaryOptions{1000, 200, 3});
  for (int i = 0; i < 3000; ++i) s.Add(i * 0.5 - 100);  // past 1000: a sketch
  s.AddMissing();
  amount.numeric = s;
  amount.bin_edges = ReferenceBinEdges(*amount.numeric, p.preset);
  amount.calibrated = CalibratedThresholdInfo{"jensenshannon", 0.042, 6, 500};
  ProfileFeature country;
  country.name = "country";
  country.type = config::FeatureType::kCategorical;
  country.categorical = testing::Counts({{"DE", 1200}, {"FR", 900}, {"US", 899}, {"a \"quoted\" name", 1}});
  p.features = {amount, country};
  return p;
}

config::ModelConfig Model() {
  config::ModelConfig m;
  m.name = "fraud";
  m.features.push_back(testing::Feature("amount", config::FeatureType::kNumeric));
  m.features.push_back(testing::Feature("country", config::FeatureType::kCategorical));
  return m;
}

TEST(Profile, JsonRoundTripIsExact) {
  const Profile p = SampleProfile();
  ASSERT_EQ(p.features[0].numeric->mode(), SummaryMode::kSketch);
  const std::string text = ProfileToJson(p);
  const ProfileParseResult r = ParseProfileJson(text);
  ASSERT_TRUE(r.profile) << r.error;
  const Profile& q = *r.profile;
  EXPECT_EQ(q.model, "fraud");
  EXPECT_EQ(q.rows, 3000u);
  EXPECT_EQ(q.preset, config::DriftPreset::kNannyml);
  ASSERT_EQ(q.features.size(), 2u);
  EXPECT_TRUE(*q.features[0].numeric == *p.features[0].numeric);
  EXPECT_EQ(q.features[0].bin_edges, p.features[0].bin_edges);
  ASSERT_TRUE(q.features[0].calibrated);
  EXPECT_EQ(q.features[0].calibrated->threshold, 0.042);
  EXPECT_EQ(q.features[0].calibrated->test, "jensenshannon");
  EXPECT_TRUE(*q.features[1].categorical == *p.features[1].categorical);
  EXPECT_EQ(ValidateProfile(q, Model()), "");
  // Human-readable stats are present for people.
  EXPECT_NE(text.find("\"quantiles\""), std::string::npos);
  EXPECT_NE(text.find("\"top_shares\""), std::string::npos);
}

TEST(Profile, ParseRejectsBrokenInput) {
  const std::string good = ProfileToJson(SampleProfile());
  EXPECT_NE(ParseProfileJson("{").error.find("not valid JSON"), std::string::npos);
  EXPECT_NE(ParseProfileJson("{\"format\":\"x\"}").error.find("not a driftd profile"), std::string::npos);
  std::string v2 = good;
  v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
  EXPECT_NE(ParseProfileJson(v2).error.find("version 2 is not supported"), std::string::npos);
  std::string bad64 = good;
  const auto at = bad64.find("\"summary\":\"") + 11;
  bad64[at] = '!';
  EXPECT_NE(ParseProfileJson(bad64).error.find("base64"), std::string::npos);
  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"type\":\"numeric\""), 16, "\"type\":\"categorical\"");
  EXPECT_NE(ParseProfileJson(wrong_type).error.find("not categorical counts"), std::string::npos);
}

TEST(Profile, ValidationNamesTheMismatch) {
  const Profile p = SampleProfile();
  config::ModelConfig other = Model();
  other.name = "churn";
  EXPECT_NE(ValidateProfile(p, other).find("profile is for model \"fraud\", not \"churn\""), std::string::npos);
  config::ModelConfig more = Model();
  more.features.push_back(testing::Feature("age", config::FeatureType::kNumeric));
  EXPECT_NE(ValidateProfile(p, more).find("feature \"age\""), std::string::npos);
  config::ModelConfig retyped = Model();
  retyped.features[0].type = config::FeatureType::kCategorical;
  EXPECT_NE(ValidateProfile(p, retyped).find("categorical in the config but numeric in the profile"),
            std::string::npos);
  config::ModelConfig fewer = Model();
  fewer.features.pop_back();
  EXPECT_NE(ValidateProfile(p, fewer).find("profile feature \"country\" is not a feature"), std::string::npos);
}

TEST(Profile, CalibrationSkipsPValueTestsAndUsesChunks) {
  std::vector<double> ref;
  for (int i = 0; i < 4000; ++i) ref.push_back(std::cos(i * 0.7) * 3 + (i % 7));
  const NumericSummary r = testing::Exact(ref);
  std::vector<NumericSummary> chunks;
  for (int k = 0; k < 8; ++k) {
    chunks.push_back(testing::Exact(std::vector<double>(ref.begin() + k * 500, ref.begin() + (k + 1) * 500)));
  }
  std::vector<ColumnData> data;
  for (const auto& c : chunks) data.push_back({&c, nullptr});
  config::DriftConfig nannyml;
  nannyml.preset = config::DriftPreset::kNannyml;
  const auto t = CalibrateOnChunks(testing::Spec("x", config::FeatureType::kNumeric), {&r, nullptr}, data, nannyml);
  ASSERT_TRUE(t);
  std::vector<double> stats;
  for (const auto& d : data) {
    stats.push_back(EvaluateFeature(testing::Spec("x", config::FeatureType::kNumeric), {&r, nullptr}, d, nannyml, 1).statistic);
  }
  EXPECT_DOUBLE_EQ(*t, CalibratedThreshold(stats, 3.0));
  EXPECT_FALSE(CalibrateOnChunks(testing::Spec("x", config::FeatureType::kNumeric, "ks"), {&r, nullptr}, data, nannyml));
}

}  // namespace
}  // namespace driftd::detectors
