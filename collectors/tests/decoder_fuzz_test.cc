// Robustness: random byte-level mutations of valid events never crash the
// decoder and always end in an event or a named rejection.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "collectors/decoder.h"
#include "collectors/tests/decoder_test_util.h"

namespace driftd::collectors {
namespace {

std::vector<std::string> Seeds() {
  return {
      R"({"kind": "prediction", "model": "fraud", "model_version": "v42", "id": "req-7f3c",
          "ts": "2026-11-27T01:02:03.456Z", "features": {"amount": 42.5, "country": "DE", "age": null},
          "prediction": 0.93, "latency_ms": 12.4})",
      R"({"kind":"label","model":"fraud","id":"req-7f3c","ts":"2026-11-28T09:00:00+01:00","label":1})",
      R"({"kind":"model","model":"fraud","model_version":"v43","trained_at":"2026-11-20T00:00:00Z",
          "deployed_at":1795737600.5,"dependencies":{"feature_schema":"7","sklearn":"1.5.2"}})",
      R"({"model":"churn","ts":1795741323,"features":{"a":true,"b":"x\u00e9\"","c":-1e-5},
          "prediction":{"label":"yes","score":0.7}})",
      R"({"model":"custom","meta":{"type":"input","time":"2026-11-27T01:02:03Z","request/id":"r"},
          "inputs":{"x":[1],"y":{"z":null}},"output":{"score":1},"timing":[3]})",
  };
}

// One random edit: overwrite, insert, delete, truncate, or copy a span.
void Mutate(std::mt19937_64& rng, std::string* text) {
  static const char kInteresting[] = "{}[]\",:\\0123456789-+.eEtfnul \x00\xff\xc3\xed\x80";
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
  auto byte = [&]() -> char {
    if (pick(1) == 0) return kInteresting[pick(sizeof kInteresting - 2)];
    return static_cast<char>(pick(255));
  };
  if (text->empty()) {
    text->push_back(byte());
    return;
  }
  const std::size_t at = pick(text->size() - 1);
  switch (pick(4)) {
    case 0: (*text)[at] = byte(); break;
    case 1: text->insert(at, 1, byte()); break;
    case 2: text->erase(at, 1 + pick(8)); break;
    case 3: text->resize(at); break;
    case 4: {
      const std::size_t from = pick(text->size() - 1);
      text->insert(at, text->substr(from, 1 + pick(16)));
      break;
    }
  }
}

TEST(DecoderFuzzTest, RandomMutationsYieldEventOrNamedReason) {
  const config::Config config = testing::MakeConfig();
  Decoder decoder(config);
  Event event;
  const std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(20261127);
  constexpr int kCases = 20000;
  int accepted = 0;
  std::vector<int> by_reason(kRejectReasonCount, 0);
  for (int i = 0; i < kCases; ++i) {
    std::string text = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) Mutate(rng, &text);
    SourceMessage message;
    message.payload = text;
    message.size = text.size();
    std::optional<DecodeError> error =
        decoder.Decode(message, Timestamp(std::chrono::seconds(1'900'000'000)), &event);
    if (!error) {
      ++accepted;
      ASSERT_NE(config.FindModel(event.model), nullptr) << text;
      continue;
    }
    const int reason = static_cast<int>(error->reason);
    ASSERT_GE(reason, 0) << text;
    ASSERT_LT(reason, kRejectReasonCount) << text;
    ASSERT_STRNE(RejectReasonName(error->reason), "unknown") << text;
    ++by_reason[static_cast<std::size_t>(reason)];
  }
  // The mutations must exercise both outcomes and several reasons, or the
  // test checks nothing.
  EXPECT_GT(accepted, 100);
  int reasons_seen = 0;
  for (int count : by_reason) reasons_seen += count > 0 ? 1 : 0;
  EXPECT_GE(reasons_seen, 6);
  // A decoder that has seen garbage still decodes a clean event.
  SourceMessage message;
  message.payload = seeds[0];
  message.size = seeds[0].size();
  ASSERT_FALSE(decoder.Decode(message, Timestamp(), &event).has_value());
  EXPECT_EQ(event.id, "req-7f3c");
}

}  // namespace
}  // namespace driftd::collectors
