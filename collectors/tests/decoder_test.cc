#include "collectors/decoder.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "collectors/tests/decoder_reject_cases.h"
#include "collectors/tests/decoder_test_util.h"

namespace driftd::collectors {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

const Timestamp kIngest = Timestamp(seconds(1'900'000'000));
const Timestamp kBroker = Timestamp(seconds(1'850'000'000));

Timestamp At(std::int64_t s, std::int64_t ns = 0) {
  return Timestamp(seconds(s)) + nanoseconds(ns);
}

class DecoderTest : public ::testing::Test {
 protected:
  std::optional<DecodeError> Run(std::string_view text, std::string_view topic = "",
                                 std::optional<Timestamp> broker = std::nullopt) {
    SourceMessage message;
    message.payload = text;
    message.size = text.size();
    message.topic = topic;
    message.timestamp = broker;
    return decoder_.Decode(message, kIngest, &event_);
  }
  // Decodes text that must be accepted.
  const Event& Ok(std::string_view text, std::string_view topic = "",
                  std::optional<Timestamp> broker = std::nullopt) {
    std::optional<DecodeError> error = Run(text, topic, broker);
    EXPECT_FALSE(error.has_value()) << text << " -> " << RejectReasonName(error->reason)
                                    << ": " << error->detail;
    return event_;
  }

  config::Config config_ = testing::MakeConfig();
  Decoder decoder_{config_};
  Event event_;
};

using testing::ManyFeatures;
using testing::Nested;
using testing::RejectCase;
using testing::RejectCases;

TEST_F(DecoderTest, RejectsMalformedInputWithExactReason) {
  std::set<std::string> names;
  for (const RejectCase& c : RejectCases()) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
    const std::string_view topic = c.name == "unknown topic" ? "ml.other" : "";
    std::optional<DecodeError> error = Run(c.input, topic);
    ASSERT_TRUE(error.has_value()) << c.name;
    EXPECT_EQ(RejectReasonName(error->reason), std::string(RejectReasonName(c.reason)))
        << c.name << ": " << error->detail;
    EXPECT_FALSE(error->detail.empty()) << c.name;
  }
  EXPECT_GE(names.size(), 30u);
}

// The decoder remembers the last duplicate-free feature key list to skip the
// duplicate search; a duplicate right after a clean event with the same
// prefix, or the same keys reordered, must still be found.
TEST_F(DecoderTest, DuplicateFeatureAfterCleanEventOfSameShapeIsRejected) {
  Ok(ManyFeatures(40, false));
  Ok(ManyFeatures(40, false));
  std::optional<DecodeError> error = Run(ManyFeatures(40, true));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kDuplicateKey);
  Ok(R"({"model":"fraud","features":{"a":1,"b":2}})");
  error = Run(R"({"model":"fraud","features":{"a":1,"a":2}})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kDuplicateKey);
  EXPECT_EQ(Ok(R"({"model":"fraud","features":{"b":1,"a":2}})").features[0].name, "b");
}

TEST_F(DecoderTest, AcceptsNestingOf64Levels) {
  const Event& event = Ok(Nested(64));
  EXPECT_EQ(event.model, "fraud");
}

TEST_F(DecoderTest, AcceptsSizeAtLimit) {
  std::string text = R"({"model":"fraud","id":""})";
  const std::size_t frame = text.size();
  text.insert(text.size() - 2, std::string(testing::kTestMaxEventBytes - frame, 'x'));
  ASSERT_EQ(text.size(), testing::kTestMaxEventBytes);
  EXPECT_EQ(Ok(text).id.size(), testing::kTestMaxEventBytes - frame);
}

TEST_F(DecoderTest, PayloadCutBySourceIsTooLarge) {
  // A source that cut a long line delivers a prefix and the full size.
  SourceMessage message;
  message.payload = R"({"model":"fraud"})";
  message.size = testing::kTestMaxEventBytes + 10;
  std::optional<DecodeError> error = decoder_.Decode(message, kIngest, &event_);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kTooLarge);
}

TEST_F(DecoderTest, DecodesDesignExamplePrediction) {
  const Event& event = Ok(
      R"({"kind": "prediction", "model": "fraud", "model_version": "v42", "id": "req-7f3c",
          "ts": "2026-11-27T01:02:03.456Z",
          "features": {"amount": 42.5, "country": "DE", "age": null},
          "prediction": 0.93, "latency_ms": 12.4})");
  EXPECT_EQ(event.kind, EventKind::kPrediction);
  EXPECT_EQ(event.model, "fraud");
  EXPECT_EQ(event.model_version, "v42");
  EXPECT_EQ(event.id, "req-7f3c");
  EXPECT_EQ(event.ts, At(1795741323, 456'000'000));  // date -u -d 2026-11-27T01:02:03Z +%s
  ASSERT_EQ(event.features.size(), 3u);
  EXPECT_EQ(event.features[0].name, "amount");
  EXPECT_EQ(event.features[0].value, Value(42.5));
  EXPECT_EQ(event.features[1].name, "country");
  EXPECT_EQ(event.features[1].value, Value(std::string("DE")));
  EXPECT_EQ(event.features[2].name, "age");
  EXPECT_EQ(event.features[2].value, Value(Missing{}));
  EXPECT_EQ(event.prediction, Value(0.93));
  EXPECT_FALSE(event.score.has_value());
  EXPECT_EQ(event.latency_ms, 12.4);
  EXPECT_FALSE(event.label.has_value());
  EXPECT_FALSE(event.trained_at.has_value());
  EXPECT_FALSE(event.dependencies.has_value());
}

TEST_F(DecoderTest, DecodesDesignExampleLabelWithNumericId) {
  const Event& event =
      Ok(R"({"kind": "label", "model": "fraud", "id": 12345, "ts": "2026-11-28T09:00:00Z", "label": 1})");
  EXPECT_EQ(event.kind, EventKind::kLabel);
  EXPECT_EQ(event.id, "12345");
  EXPECT_EQ(event.label, Value(1.0));
  EXPECT_FALSE(event.prediction.has_value());
  // date -u -d 2026-11-28T09:00:00Z +%s
  EXPECT_EQ(event.ts, At(1795856400));
}

TEST_F(DecoderTest, LabelFormsAndIdNumbers) {
  EXPECT_EQ(Ok(R"({"kind":"label","model":"fraud","id":"a","label":"spam"})").label,
            Value(std::string("spam")));
  EXPECT_EQ(Ok(R"({"kind":"label","model":"fraud","id":"a","label":true})").label, Value(1.0));
  EXPECT_EQ(Ok(R"({"kind":"label","model":"fraud","id":"a","label":false})").label, Value(0.0));
  EXPECT_EQ(Ok(R"({"kind":"label","model":"fraud","id":-7,"label":0})").id, "-7");
  EXPECT_EQ(Ok(R"({"kind":"label","model":"fraud","id":2.5,"label":0})").id, "2.5");
  EXPECT_EQ(Ok(R"({"kind":"label","model":"fraud","id":18446744073709551615,"label":0})").id,
            "18446744073709551615");
}

TEST_F(DecoderTest, DecodesModelEventWithDependencies) {
  const Event& event = Ok(
      R"({"kind": "model", "model": "fraud", "model_version": "v43", "trained_at": "2026-11-20T00:00:00Z",
          "deployed_at": 1795737600.5, "dependencies": {"feature_schema": 7, "sklearn": "1.5.2", "ratio": 0.25}})");
  EXPECT_EQ(event.kind, EventKind::kModel);
  EXPECT_EQ(event.model_version, "v43");
  // date -u -d 2026-11-20T00:00:00Z +%s -> 1795132800
  EXPECT_EQ(event.trained_at, At(1795132800));
  EXPECT_EQ(event.deployed_at, At(1795737600, 500'000'000));
  ASSERT_TRUE(event.dependencies.has_value());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"feature_schema", "7"}, {"sklearn", "1.5.2"}, {"ratio", "0.25"}};
  EXPECT_EQ(*event.dependencies, expected);
  EXPECT_EQ(event.ts, kIngest);
}

TEST_F(DecoderTest, KindDefaultsToPredictionAndAcceptsInput) {
  EXPECT_EQ(Ok(R"({"model":"fraud"})").kind, EventKind::kPrediction);
  EXPECT_EQ(Ok(R"({"model":"fraud","kind":null})").kind, EventKind::kPrediction);
  const Event& input = Ok(R"({"model":"fraud","kind":"input","features":{"a":1}})");
  EXPECT_EQ(input.kind, EventKind::kInput);
  EXPECT_FALSE(input.prediction.has_value());
}

TEST_F(DecoderTest, TimestampForms) {
  struct Case {
    const char* ts_json;
    Timestamp expected;  // epoch seconds from `date -u -d ... +%s`
  };
  const Case cases[] = {
      {R"("2026-11-27T01:02:03Z")", At(1795741323)},
      {R"("2026-11-27T01:02:03.000000001Z")", At(1795741323, 1)},
      {R"("2026-11-27T06:32:03.25+05:30")", At(1795741323, 250'000'000)},
      {R"("2026-11-26T17:02:03-08:00")", At(1795741323)},
      {"1795741323", At(1795741323)},
      {"1795741323.5", At(1795741323, 500'000'000)},
      {"0", At(0)},
  };
  for (const Case& c : cases) {
    const Event& event = Ok(std::string(R"({"model":"fraud","ts":)") + c.ts_json + "}");
    EXPECT_EQ(event.ts, c.expected) << c.ts_json;
  }
}

TEST_F(DecoderTest, MissingTimestampFallsBackToBrokerThenIngest) {
  EXPECT_EQ(Ok(R"({"model":"fraud"})", "", kBroker).ts, kBroker);
  EXPECT_EQ(Ok(R"({"model":"fraud","ts":null})", "", kBroker).ts, kBroker);
  EXPECT_EQ(Ok(R"({"model":"fraud"})").ts, kIngest);
  EXPECT_EQ(Ok(R"({"model":"fraud","ts":5})", "", kBroker).ts, At(5));
}

TEST_F(DecoderTest, FeatureValueForms) {
  const Event& event = Ok(
      R"({"model":"fraud","features":{"t":true,"f":false,"n":null,"i":-3,"u":18446744073709551615,
          "d":1.5e-3,"s":"x\"y\u00e9","":0,"a\"b":1}})");
  ASSERT_EQ(event.features.size(), 9u);
  EXPECT_EQ(event.features[0].value, Value(1.0));
  EXPECT_EQ(event.features[1].value, Value(0.0));
  EXPECT_EQ(event.features[2].value, Value(Missing{}));
  EXPECT_EQ(event.features[3].value, Value(-3.0));
  EXPECT_EQ(event.features[4].value, Value(18446744073709551615.0));
  EXPECT_EQ(event.features[5].value, Value(1.5e-3));
  EXPECT_EQ(event.features[6].value, Value(std::string("x\"y\xc3\xa9")));
  EXPECT_EQ(event.features[7].name, "");
  EXPECT_EQ(event.features[8].name, "a\"b");
}

TEST_F(DecoderTest, ReusesEventAcrossDecodes) {
  Ok(R"({"model":"fraud","id":"a","features":{"a":"long category value here","b":2,"c":3},
        "prediction":{"label":"x","score":0.5},"latency_ms":3,"kind":"label","label":1})");
  const Event& event = Ok(R"({"model":"churn","features":{"z":"other long category value"}})");
  EXPECT_EQ(event.model, "churn");
  EXPECT_EQ(event.id, "");
  EXPECT_EQ(event.kind, EventKind::kPrediction);
  ASSERT_EQ(event.features.size(), 1u);
  EXPECT_EQ(event.features[0].name, "z");
  EXPECT_EQ(event.features[0].value, Value(std::string("other long category value")));
  EXPECT_FALSE(event.prediction.has_value());
  EXPECT_FALSE(event.score.has_value());
  EXPECT_FALSE(event.latency_ms.has_value());
  EXPECT_FALSE(event.label.has_value());
  EXPECT_TRUE(Ok(R"({"model":"fraud"})").features.empty());
}

// Event reuse: a full event (every field set, model-event extras included)
// followed by a minimal one leaves nothing of the first behind.
TEST_F(DecoderTest, MinimalEventAfterFullEventHasNoStaleFields) {
  const Event& full = Ok(
      R"({"kind":"label","model":"fraud","model_version":"v9","id":"r-1",
          "ts":"2026-11-27T01:02:03.456Z","features":{"a":"long category value here","b":2},
          "prediction":{"label":"yes","score":0.25},"latency_ms":7.5,"label":"no",
          "trained_at":"2026-11-20T00:00:00Z","deployed_at":1795737600,
          "dependencies":{"sklearn":"1.5.2"}})",
      "", kBroker);
  ASSERT_EQ(full.kind, EventKind::kLabel);
  ASSERT_TRUE(full.dependencies.has_value());
  ASSERT_TRUE(full.trained_at.has_value());
  const Event& event = Ok(R"({"model":"churn"})");
  EXPECT_EQ(event.kind, EventKind::kPrediction);
  EXPECT_EQ(event.model, "churn");
  EXPECT_EQ(event.model_version, "");
  EXPECT_EQ(event.id, "");
  EXPECT_EQ(event.ts, kIngest);  // no ts, no broker time
  EXPECT_TRUE(event.features.empty());
  EXPECT_FALSE(event.prediction.has_value());
  EXPECT_FALSE(event.score.has_value());
  EXPECT_FALSE(event.latency_ms.has_value());
  EXPECT_FALSE(event.label.has_value());
  EXPECT_FALSE(event.trained_at.has_value());
  EXPECT_FALSE(event.deployed_at.has_value());
  EXPECT_FALSE(event.dependencies.has_value());
}

// A feature list that matches the previous event's names in part (same
// length, one name changed; a prefix; a longer list) gets exactly its own
// names, and a duplicate among them is still found.
TEST_F(DecoderTest, FeatureNamesFollowEachEventWhenListsChange) {
  Ok(R"({"model":"fraud","features":{"a":1,"b":2,"c":3}})");
  const Event& changed = Ok(R"({"model":"fraud","features":{"a":1,"x":2,"c":3}})");
  ASSERT_EQ(changed.features.size(), 3u);
  EXPECT_EQ(changed.features[1].name, "x");
  const Event& prefix = Ok(R"({"model":"fraud","features":{"a":1,"x":2}})");
  ASSERT_EQ(prefix.features.size(), 2u);
  const Event& longer = Ok(R"({"model":"fraud","features":{"a":1,"x":2,"c":3,"d":4}})");
  ASSERT_EQ(longer.features.size(), 4u);
  EXPECT_EQ(longer.features[3].name, "d");
  std::optional<DecodeError> error =
      Run(R"({"model":"fraud","features":{"a":1,"x":2,"c":3,"a":4}})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kDuplicateKey);
}

// In-place parsing (message.padding >= 64): the bytes after the payload are
// never part of the event, whatever they hold.
TEST_F(DecoderTest, InPlaceParseIgnoresBytesAfterPayload) {
  for (const std::string& tail : {std::string(128, '}'), std::string(127, '7') + "}"}) {
    struct Case {
      std::string payload;
      std::optional<RejectReason> reason;
    };
    const Case cases[] = {
        {R"({"model":"fraud","features":{"a":1.5,"b":"x"},"ts":7})", std::nullopt},
        {R"({"model":"fraud","features":{"a":1})", RejectReason::kInvalidJson},
        {R"({"model":"fraud","id":"abc)", RejectReason::kInvalidJson},
        {R"({"model":"fraud","prediction":12)", RejectReason::kInvalidJson},
    };
    for (const Case& c : cases) {
      const std::string buffer = c.payload + tail;
      SourceMessage message;
      message.payload = std::string_view(buffer).substr(0, c.payload.size());
      message.size = c.payload.size();
      message.padding = tail.size();
      std::optional<DecodeError> in_place = decoder_.Decode(message, kIngest, &event_);
      const Event copy_event = event_;
      std::optional<DecodeError> copied = Run(c.payload);
      ASSERT_EQ(in_place.has_value(), c.reason.has_value()) << c.payload;
      ASSERT_EQ(copied.has_value(), c.reason.has_value()) << c.payload;
      if (c.reason) {
        EXPECT_EQ(in_place->reason, *c.reason) << c.payload;
        EXPECT_EQ(copied->reason, *c.reason) << c.payload;
      } else {
        EXPECT_EQ(copy_event.ts, event_.ts);
        ASSERT_EQ(copy_event.features.size(), 2u);
        EXPECT_EQ(copy_event.features[0].value, Value(1.5));
        EXPECT_EQ(copy_event.features[1].value, Value(std::string("x")));
      }
    }
  }
}

// The decoder remembers the last model named; a stream switching models, or
// naming one that only shares a prefix with it, still resolves each event.
TEST_F(DecoderTest, ModelNamesResolveWhenTheStreamSwitchesModels) {
  EXPECT_EQ(Ok(R"({"model":"fraud"})").model, "fraud");
  EXPECT_EQ(Ok(R"({"model":"churn"})").model, "churn");
  EXPECT_EQ(Ok(R"({"model":"fraud"})").model, "fraud");
  std::optional<DecodeError> error = Run(R"({"model":"frauds"})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kUnknownModel);
  error = Run(R"({"model":"fraux"})");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kUnknownModel);
  EXPECT_EQ(Ok(R"({"model":"custom"})").model, "custom");
}

TEST_F(DecoderTest, ManyFeaturesWithoutDuplicatesAreAccepted) {
  const Event& event = Ok(ManyFeatures(40, false));
  ASSERT_EQ(event.features.size(), 40u);
  EXPECT_EQ(event.features[39].name, "f39");  // input order kept despite sorting for the check
}

TEST_F(DecoderTest, PredictionForms) {
  EXPECT_EQ(Ok(R"({"model":"fraud","prediction":"fraud"})").prediction,
            Value(std::string("fraud")));
  EXPECT_EQ(Ok(R"({"model":"fraud","prediction":true})").prediction, Value(1.0));
  EXPECT_EQ(Ok(R"({"model":"fraud","prediction":7})").prediction, Value(7.0));
  EXPECT_FALSE(Ok(R"({"model":"fraud","prediction":null})").prediction.has_value());

  const Event& both =
      Ok(R"({"model":"fraud","prediction":{"label":"fraud","score":0.93,"extra":[1]}})");
  EXPECT_EQ(both.prediction, Value(std::string("fraud")));
  EXPECT_EQ(both.score, 0.93);
  const Event& score_only = Ok(R"({"model":"fraud","prediction":{"score":0.25}})");
  EXPECT_EQ(score_only.prediction, Value(0.25));
  EXPECT_EQ(score_only.score, 0.25);
  const Event& label_only = Ok(R"({"model":"fraud","prediction":{"label":1}})");
  EXPECT_EQ(label_only.prediction, Value(1.0));
  EXPECT_FALSE(label_only.score.has_value());
}

TEST_F(DecoderTest, LatencyForms) {
  EXPECT_EQ(Ok(R"({"model":"fraud","latency_ms":0})").latency_ms, 0.0);
  EXPECT_EQ(Ok(R"({"model":"fraud","latency_ms":12.5})").latency_ms, 12.5);
}

TEST_F(DecoderTest, TopicMappingSuppliesModel) {
  EXPECT_EQ(Ok(R"({"prediction":1})", "ml.churn").model, "churn");
  // An explicit model wins over the topic.
  EXPECT_EQ(Ok(R"({"model":"fraud"})", "ml.churn").model, "fraud");
  // The cached topic is re-resolved when the topic changes.
  EXPECT_EQ(Run(R"({"prediction":1})", "ml.other")->reason, RejectReason::kMissingModel);
  EXPECT_EQ(Ok(R"({"prediction":1})", "ml.churn").model, "churn");
}

TEST(DecoderDefaultTopicTest, StarMapsEveryTopicAndFiles) {
  const config::Config config = testing::MakeConfig(/*with_default=*/true);
  Decoder decoder(config);
  Event event;
  SourceMessage message;
  message.payload = R"({"prediction":1})";
  message.size = message.payload.size();
  for (std::string_view topic : {"", "ml.other"}) {
    message.topic = topic;
    ASSERT_FALSE(decoder.Decode(message, kIngest, &event).has_value()) << topic;
    EXPECT_EQ(event.model, "fraud") << topic;
  }
  message.topic = "ml.churn";  // a specific mapping beats "*"
  ASSERT_FALSE(decoder.Decode(message, kIngest, &event).has_value());
  EXPECT_EQ(event.model, "churn");
}

TEST(DecoderFileTopicTest, EmptyTopicKeyMapsFiles) {
  config::Config config = testing::MakeConfig();
  config.source.topic_models[""] = "churn";
  Decoder decoder(config);
  Event event;
  SourceMessage message;
  message.payload = R"({"prediction":1})";
  message.size = message.payload.size();
  ASSERT_FALSE(decoder.Decode(message, kIngest, &event).has_value());
  EXPECT_EQ(event.model, "churn");
}

TEST_F(DecoderTest, CustomFieldMapUsesJsonPointers) {
  const Event& event = Ok(
      R"({"model":"custom","meta":{"type":"prediction","time":"2026-11-27T01:02:03Z","request/id":"r-9","v":"v7"},
          "inputs":{"x":1,"y":"b"},"output":{"score":0.75},"timing":[4.5,9],"truth":"ignored-for-prediction",
          "ts":"not a timestamp","features":"not features","id":{},"prediction":[],"kind":"nonsense"})");
  EXPECT_EQ(event.model, "custom");
  EXPECT_EQ(event.kind, EventKind::kPrediction);
  EXPECT_EQ(event.id, "r-9");
  EXPECT_EQ(event.model_version, "v7");
  EXPECT_EQ(event.ts, At(1795741323));
  ASSERT_EQ(event.features.size(), 2u);
  EXPECT_EQ(event.features[1].value, Value(std::string("b")));
  EXPECT_EQ(event.prediction, Value(0.75));
  EXPECT_EQ(event.latency_ms, 4.5);
  EXPECT_EQ(event.label, Value(std::string("ignored-for-prediction")));
}

TEST_F(DecoderTest, CustomFieldMapAbsentPathsAreAbsent) {
  // /meta is a number, /timing is empty: the pointers do not resolve.
  const Event& event = Ok(R"({"model":"custom","meta":5,"timing":[]})", "", kBroker);
  EXPECT_EQ(event.kind, EventKind::kPrediction);
  EXPECT_EQ(event.ts, kBroker);
  EXPECT_TRUE(event.features.empty());
  EXPECT_FALSE(event.latency_ms.has_value());
  const Event& label =
      Ok(R"({"model":"custom","meta":{"type":"label","request/id":"r1"},"truth":0})");
  EXPECT_EQ(label.kind, EventKind::kLabel);
  EXPECT_EQ(label.id, "r1");
}

TEST_F(DecoderTest, DetailsQuoteAndBoundRawText) {
  std::optional<DecodeError> error =
      Run(R"({"model":"evil\nmodel\")" + std::string(1000, 'x') + "\"}");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->reason, RejectReason::kUnknownModel);
  EXPECT_EQ(error->detail.find('\n'), std::string::npos) << error->detail;
  EXPECT_NE(error->detail.find("evil\\x0amodel\\\""), std::string::npos) << error->detail;
  EXPECT_LT(error->detail.size(), 100u);
}

TEST_F(DecoderTest, UnknownKeysAreIgnored) {
  const Event& event = Ok(R"({"model":"fraud","extra":{"deep":[1,2,{"x":null}]},"Model":"nope"})");
  EXPECT_EQ(event.model, "fraud");
}

TEST(RejectReasonNameTest, NamesAreStableAndDistinct) {
  const std::vector<std::pair<RejectReason, std::string>> expected = {
      {RejectReason::kEmpty, "empty"},
      {RejectReason::kTooLarge, "too_large"},
      {RejectReason::kInvalidJson, "invalid_json"},
      {RejectReason::kInvalidUtf8, "invalid_utf8"},
      {RejectReason::kTooDeep, "too_deep"},
      {RejectReason::kNotAnObject, "not_an_object"},
      {RejectReason::kDuplicateKey, "duplicate_key"},
      {RejectReason::kBadKind, "bad_kind"},
      {RejectReason::kMissingModel, "missing_model"},
      {RejectReason::kUnknownModel, "unknown_model"},
      {RejectReason::kBadTimestamp, "bad_timestamp"},
      {RejectReason::kBadFeatures, "bad_features"},
      {RejectReason::kBadFeatureValue, "bad_feature_value"},
      {RejectReason::kBadPrediction, "bad_prediction"},
      {RejectReason::kBadLatency, "bad_latency"},
      {RejectReason::kBadLabel, "bad_label"},
      {RejectReason::kMissingId, "missing_id"},
      {RejectReason::kBadField, "bad_field"},
  };
  ASSERT_EQ(expected.size(), static_cast<std::size_t>(kRejectReasonCount));
  std::set<std::string> seen;
  for (int i = 0; i < kRejectReasonCount; ++i) {
    const auto reason = static_cast<RejectReason>(i);
    EXPECT_EQ(RejectReasonName(reason), expected[static_cast<std::size_t>(i)].second);
    EXPECT_EQ(reason, expected[static_cast<std::size_t>(i)].first);
    seen.insert(RejectReasonName(reason));
  }
  EXPECT_EQ(seen.size(), expected.size());
}

}  // namespace
}  // namespace driftd::collectors
