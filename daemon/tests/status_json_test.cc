#include "daemon/status_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace driftd {
namespace {

TEST(StatusJsonTest, ListsRecentDependencyChangesPerModel) {
  DaemonInfo info;
  info.recent_changes["fraud"] = {
      {Timestamp(std::chrono::seconds(1'800'000'000)), "model_version", "v42", "v43"}};
  PipelineStatus status;
  status.models.push_back(ModelStatus{});
  status.models[0].name = "fraud";
  status.models.push_back(ModelStatus{});
  status.models[1].name = "churn";

  const auto doc = boost::json::parse(StatusJson(info, status, Timestamp{})).as_object();
  const auto& models = doc.at("models").as_array();
  ASSERT_EQ(models.size(), 2u);
  const auto& changes = models[0].at("recent_changes").as_array();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].at("what").as_string(), "model_version");
  EXPECT_EQ(changes[0].at("from").as_string(), "v42");
  EXPECT_EQ(changes[0].at("to").as_string(), "v43");
  EXPECT_EQ(changes[0].at("at").as_string(), "2027-01-15T08:00:00.000Z");
  EXPECT_TRUE(models[1].at("recent_changes").as_array().empty());
}

}  // namespace
}  // namespace driftd
