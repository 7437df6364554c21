#include "alerts/encode.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "alerts/tests/test_util.h"

namespace driftd::alerts {
namespace {

namespace json = boost::json;
using namespace testing;

Notification Sample(NotificationKind kind) {
  Notification n;
  n.kind = kind;
  n.labels = {{"alertname", "FeatureDrift"}, {"model", "fraud"}, {"feature", "amount"},
              {"item", "M3"}, {"severity", "warning"}};
  n.annotations = {{"summary", "drift \"quoted\""}, {"description", "ks = 0.3"}};
  n.starts_at = kT0;
  n.ends_at = kind == NotificationKind::kResolved ? kT0 + 90s : kT0 + 4min;
  n.fingerprint = Fingerprint(n.labels);
  return n;
}

TEST(FingerprintTest, MatchesAlertmanager) {
  // Expected values: the fingerprints Alertmanager 0.25.0 reported
  // (amtool alert query -o json) for these label sets POSTed to /api/v2/alerts.
  EXPECT_EQ(Fingerprint({{"alertname", "FeatureDrift"}, {"model", "fraud"}, {"feature", "amount"},
                         {"item", "M3"}, {"severity", "warning"}}),
            "46eb41eb41c21366");
  EXPECT_EQ(Fingerprint({{"alertname", "DataSilent"}, {"model", "churn x"}, {"item", "M4"},
                         {"severity", "warning"}}),
            "7ea148c80fbfe229");
  // Empty set: Go's FNV-1a 64 offset basis (prometheus/common model.hashNew).
  EXPECT_EQ(Fingerprint({}), "cbf29ce484222325");
}

TEST(Rfc3339Test, FormatsAndParses) {
  EXPECT_EQ(FormatRfc3339(kT0 + 1234ms), "2027-01-15T08:00:01.234Z");
  EXPECT_EQ(ParseRfc3339("2027-01-15T08:00:01.234Z"), kT0 + 1234ms);
  EXPECT_EQ(ParseRfc3339("2027-01-15T08:00:01Z"), kT0 + 1s);
  EXPECT_FALSE(ParseRfc3339("2027-01-15 08:00:01Z"));
  EXPECT_FALSE(ParseRfc3339("2027-13-15T08:00:01Z"));
  EXPECT_FALSE(ParseRfc3339("2027-01-15T08:00:01+01:00"));
}

// Alertmanager API v2 (api/v2/openapi.yaml): postableAlerts is an array of
// postableAlert {labels (required, string map), annotations (string map),
// startsAt, endsAt (date-time), generatorURL (uri)}.
TEST(EncodeTest, AlertmanagerV2MatchesPostableAlerts) {
  Notification with_url = Sample(NotificationKind::kFiring);
  with_url.generator_url = "http://127.0.0.1:7461/api/v1/alerts";
  const json::value v = json::parse(EncodeAlertmanagerV2({with_url, Sample(NotificationKind::kResolved)}));
  ASSERT_TRUE(v.is_array());
  ASSERT_EQ(v.as_array().size(), 2u);
  const json::object& a = v.as_array()[0].as_object();
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a.at("labels").as_object().at("feature"), "amount");
  EXPECT_EQ(a.at("labels").as_object().size(), 5u);
  EXPECT_EQ(a.at("annotations").as_object().at("summary"), "drift \"quoted\"");
  EXPECT_EQ(a.at("startsAt"), "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(a.at("endsAt"), "2027-01-15T08:04:00.000Z");
  EXPECT_EQ(a.at("generatorURL"), "http://127.0.0.1:7461/api/v1/alerts");
  const json::object& r = v.as_array()[1].as_object();
  EXPECT_FALSE(r.contains("generatorURL"));  // an empty string is not a uri
  EXPECT_EQ(r.at("endsAt"), "2027-01-15T08:01:30.000Z");
}

// Alertmanager webhook_config documentation, "version 4" payload.
TEST(EncodeTest, WebhookV4HasEveryDocumentedField) {
  const json::value v = json::parse(
      EncodeWebhookV4({Sample(NotificationKind::kFiring)}, {"ops-webhook", "http://driftd:7461"}));
  const json::object& o = v.as_object();
  for (const char* key : {"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels",
                          "commonLabels", "commonAnnotations", "externalURL", "alerts"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  EXPECT_EQ(o.size(), 10u);
  EXPECT_EQ(o.at("version"), "4");
  EXPECT_EQ(o.at("groupKey"), "{}:{alertname=\"FeatureDrift\", model=\"fraud\"}");
  EXPECT_EQ(o.at("truncatedAlerts"), 0);
  EXPECT_EQ(o.at("status"), "firing");
  EXPECT_EQ(o.at("receiver"), "ops-webhook");
  EXPECT_EQ(o.at("groupLabels").as_object().size(), 2u);
  EXPECT_EQ(o.at("commonLabels").as_object().size(), 5u);
  EXPECT_EQ(o.at("externalURL"), "http://driftd:7461");
  const json::object& a = o.at("alerts").as_array().at(0).as_object();
  for (const char* key : {"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL",
                          "fingerprint"}) {
    EXPECT_TRUE(a.contains(key)) << key;
  }
  EXPECT_EQ(a.at("status"), "firing");
  EXPECT_EQ(a.at("endsAt"), "0001-01-01T00:00:00Z");
  EXPECT_EQ(a.at("fingerprint"), "46eb41eb41c21366");
}

TEST(EncodeTest, WebhookV4ResolvedAndCommonLabels) {
  Notification other = Sample(NotificationKind::kResolved);
  other.labels["feature"] = "country";
  other.annotations["summary"] = "another";
  other.fingerprint = Fingerprint(other.labels);
  const json::value v = json::parse(
      EncodeWebhookV4({Sample(NotificationKind::kResolved), other}, {"hook", ""}));
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("status"), "resolved");
  EXPECT_FALSE(o.at("commonLabels").as_object().contains("feature"));
  EXPECT_EQ(o.at("commonAnnotations").as_object().size(), 1u);  // description only
  EXPECT_EQ(o.at("alerts").as_array()[1].as_object().at("endsAt"), "2027-01-15T08:01:30.000Z");
}

TEST(EncodeTest, LogLineIsLogfmt) {
  EXPECT_EQ(EncodeLogLine(Sample(NotificationKind::kResolved)),
            "alert=resolved alertname=FeatureDrift fingerprint=46eb41eb41c21366 "
            "starts_at=2027-01-15T08:00:00.000Z ends_at=2027-01-15T08:01:30.000Z label_feature=amount "
            "label_item=M3 label_model=fraud label_severity=warning description=\"ks = 0.3\" "
            "summary=\"drift \\\"quoted\\\"\"");
}

TEST(EncodeTest, NotificationRoundTrips) {
  Notification n = Sample(NotificationKind::kResend);
  n.starts_at += 123456789ns;  // below the millisecond: must survive
  n.generator_url = "http://x";
  std::string error;
  auto back = DecodeNotification(EncodeNotification(n), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->kind, n.kind);
  EXPECT_EQ(back->labels, n.labels);
  EXPECT_EQ(back->annotations, n.annotations);
  EXPECT_EQ(back->starts_at, n.starts_at);
  EXPECT_EQ(back->ends_at, n.ends_at);
  EXPECT_EQ(back->generator_url, n.generator_url);
  EXPECT_EQ(back->fingerprint, n.fingerprint);
}

TEST(EncodeTest, DecodeRejectsDamage) {
  std::string error;
  EXPECT_FALSE(DecodeNotification("{\"kind\":\"firing\"", &error));
  EXPECT_FALSE(DecodeNotification("[]", &error));
  std::string text = EncodeNotification(Sample(NotificationKind::kFiring));
  text.replace(text.find("fraud"), 5, "fraue");  // labels no longer match the fingerprint
  EXPECT_FALSE(DecodeNotification(text, &error));
  EXPECT_NE(error.find("fingerprint"), std::string::npos);
}

}  // namespace
}  // namespace driftd::alerts
